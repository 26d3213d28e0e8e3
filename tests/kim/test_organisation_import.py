"""Import of organisations: new with a parent from earlier in the file, changed, unchanged; German
messages naming row and column; the organisation list's XLSX export re-imports unchanged."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from kim.imports import CHANGED, ERROR, NEW, UNCHANGED, run_import
from kim.models import Organisation, OrganisationKind
from kim.org_imports import OrganisationImport

pytestmark = pytest.mark.django_db
HEADER = "Name;Kurzname;Art;übergeordnet;aktiv;Kürzel (URL);Anschrift"


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def test_new_with_parent_from_the_file_then_unchanged_then_changed(ag_wohlfahrt, a46_user):
    content = csv_file(
        "Neuer Dachverband e. V.;Neuer DV;Dachverband;;ja;;",
        "Beispiel-Wohlfahrt e. V.;Beispiel;Träger;Neuer DV;ja;beispiel;Musterstraße 1",
        f"{ag_wohlfahrt.name};{ag_wohlfahrt.short_name};Dachverband;;ja;;",
    )
    result = run_import(OrganisationImport(), content, user=a46_user, commit=True)
    assert result.saved, [str(e) for e in result.errors]
    assert [r.status for r in result.rows] == [NEW, NEW, UNCHANGED]
    carrier = Organisation.objects.get(slug="beispiel")
    assert carrier.kind == OrganisationKind.CARRIER
    assert carrier.parent.name == "Neuer Dachverband e. V."
    assert Organisation.objects.get(name="Neuer Dachverband e. V.").slug == "neuer-dachverband-e-v"
    assert carrier.history.first().history_user == a46_user

    again = run_import(OrganisationImport(), content, user=a46_user, commit=True)
    assert [r.status for r in again.rows] == [UNCHANGED] * 3
    deactivate = csv_file("Beispiel-Wohlfahrt e. V.;Beispiel;Träger;Neuer DV;nein;;")
    changed = run_import(OrganisationImport(), deactivate, user=a46_user, commit=True)
    assert [r.status for r in changed.rows] == [CHANGED]
    carrier.refresh_from_db()
    assert carrier.is_active is False
    assert carrier.address == "Musterstraße 1"  # an empty optional cell keeps what is stored


def test_bad_rows_save_nothing_and_are_named(ag_wohlfahrt, a46_user):
    content = csv_file(
        "Gut e. V.;;Träger;;ja;;",
        "Falsch e. V.;;Verein;;ja;;",
        "Ohne Eltern e. V.;;Träger;Unbekannt;ja;;",
        "Kürzel e. V.;;Träger;;ja;Kein Kürzel!;",
    )
    result = run_import(OrganisationImport(), content, user=a46_user, commit=True)
    assert not result.saved
    assert [r.status for r in result.rows][1:] == [ERROR, ERROR, ERROR]
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("Zeile 3, Spalte „Art“")
    assert messages[1].startswith("Zeile 4, Spalte „übergeordnet“")
    assert messages[2].startswith("Zeile 5, Spalte „Kürzel (URL)“")
    assert not Organisation.objects.filter(name="Gut e. V.").exists()


def test_the_xlsx_export_of_the_organisation_list_reimports_unchanged(client, a46_user, carrier_a, carrier_b, county):
    client.force_login(a46_user)
    exported = client.get(reverse("masterdata:organisation_list") + "?export=xlsx")
    assert exported.status_code == 200
    before = list(Organisation.objects.order_by("pk").values())
    result = run_import(OrganisationImport(), exported.content, user=a46_user, commit=True)
    assert result.errors == [], [str(e) for e in result.errors]
    assert len(result.rows) == Organisation.objects.count()
    assert {r.status for r in result.rows} == {UNCHANGED}
    assert list(Organisation.objects.order_by("pk").values()) == before


def test_command_and_upload_page(client, tmp_path, a46_user, readonly_user):
    path = tmp_path / "organisationen.csv"
    path.write_bytes(csv_file("Per Befehl e. V.;;Träger;;ja;;"))
    call_command("import_data", "organisationen", str(path), "--dry-run", "--user", a46_user.username)
    assert not Organisation.objects.filter(name="Per Befehl e. V.").exists()
    call_command("import_data", "organisationen", str(path), "--user", a46_user.username)
    assert Organisation.objects.filter(name="Per Befehl e. V.").exists()
    client.force_login(a46_user)
    assert client.get(reverse("masterdata:organisation_import")).status_code == 200
    template = client.get(reverse("masterdata:organisation_import_template") + "?art=organisationen&format=csv")
    assert template.content.decode("utf-8-sig").splitlines()[0] == HEADER
    client.force_login(readonly_user)
    assert client.get(reverse("masterdata:organisation_import")).status_code == 403
