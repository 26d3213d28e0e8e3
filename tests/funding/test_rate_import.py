"""Import of funding rates (Fördersätze): template, preview statuses, all or nothing, re-import and the
round trip through the rate list's XLSX export."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from funding.imports import RateImport
from funding.models import Rate
from kim.imports import CHANGED, ERROR, NEW, UNCHANGED, run_import, template_csv

pytestmark = pytest.mark.django_db
D = Decimal


def csv_file(*rows: str) -> bytes:
    return ("\n".join(["Programm;Stellenkategorie;Jahr;Pauschale je VZÄ;Status", *rows]) + "\n").encode("utf-8")


def test_new_changed_and_unchanged_rows(paper_2020_0354, a46_user):
    short = paper_2020_0354.programme.short_name
    content = csv_file(
        f"{short};Case Management;2021;55.000,00;bestätigt",  # exists with 55.000 → unverändert
        f"{short};Koordinierung Case Management;2021;56.000,00;",  # exists with 55.000 → geändert
        f"{short};Case Management;2023;57.000,00;",  # neu
    )
    preview = run_import(RateImport(), content, user=a46_user, commit=False)
    assert [r.status for r in preview.rows] == [UNCHANGED, CHANGED, NEW]
    assert not Rate.objects.filter(year=2023).exists()  # a preview writes nothing
    result = run_import(RateImport(), content, user=a46_user, commit=True)
    assert result.saved
    assert Rate.objects.get(year=2023).amount_per_fte == D("57000.00")
    again = run_import(RateImport(), content, user=a46_user, commit=True)
    assert [r.status for r in again.rows] == [UNCHANGED] * 3


def test_one_bad_row_saves_nothing_and_names_row_and_column(paper_2020_0354, a46_user):
    short = paper_2020_0354.programme.short_name
    content = csv_file(
        f"{short};Case Management;2023;57.000,00;",
        "Unbekannt;Case Management;2023;57.000,00;",
        f"{short};Hausmeister;2023;57.000,00;",
        f"{short};Case Management;2024;-5,00;",
    )
    result = run_import(RateImport(), content, user=a46_user, commit=True)
    assert not result.saved
    assert [r.status for r in result.rows][1:] == [ERROR, ERROR, ERROR]
    messages = [str(e) for e in result.errors]
    assert any(m.startswith("Zeile 3, Spalte „Programm“") for m in messages)
    assert any(m.startswith("Zeile 4, Spalte „Stellenkategorie“") for m in messages)
    assert any(m.startswith("Zeile 5, Spalte „Pauschale je VZÄ“") for m in messages)
    assert not Rate.objects.filter(year__in=[2023, 2024]).exists()


def test_the_template_has_the_columns_and_an_example_row():
    text = template_csv(RateImport()).decode("utf-8-sig")
    header, example = text.splitlines()[:2]
    assert header.split(";") == ["Programm", "Stellenkategorie", "Jahr", "Pauschale je VZÄ", "Status"]
    assert "55.000,00" in example


def test_the_xlsx_export_of_the_rate_list_reimports_unchanged(client, paper_2020_0354, a46_user):
    client.force_login(a46_user)
    exported = client.get(reverse("funding:rate_list") + "?export=xlsx")
    assert exported.status_code == 200
    before = list(Rate.objects.order_by("pk").values("programme_id", "category", "year", "amount_per_fte", "version"))
    result = run_import(RateImport(), exported.content, user=a46_user, commit=True)
    assert result.errors == []
    assert [r.status for r in result.rows] == [UNCHANGED, UNCHANGED]
    after = list(Rate.objects.order_by("pk").values("programme_id", "category", "year", "amount_per_fte", "version"))
    assert after == before


def test_command_dry_run_then_save(tmp_path, paper_2020_0354, a46_user):
    path = tmp_path / "saetze.csv"
    path.write_bytes(csv_file(f"{paper_2020_0354.programme.short_name};Case Management;2023;57.000,00;"))
    call_command("import_data", "saetze", str(path), "--dry-run", "--user", a46_user.username)
    assert not Rate.objects.filter(year=2023).exists()
    call_command("import_data", "saetze", str(path), "--user", a46_user.username)
    assert Rate.objects.get(year=2023).amount_per_fte == D("57000.00")
