"""Import from spreadsheets (kim/imports.py, modules/imports.py, funding/imports.py).

The happy path reproduces part of paper 2020/0354 (domain.md §2): five case-management posts of
1,0 VZÄ at carriers in module 2, a module-2 notice for 2021 of 6 VZÄ × 55.000 € = 330.000,00 €,
and five allocations of 1,0 VZÄ each.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from funding.imports import AllocationImport, CostPlanImport, ForwardingImport, GrantImport
from funding.models import CostPlan, ForwardingContract, GrantAllocation, GrantNotice
from kim.imports import parse_german_date, parse_german_decimal, run_import, template_csv, template_xlsx
from modules.imports import OccupancyImport, PostImport
from modules.models import Occupancy, Post
from tests import factories as f

pytestmark = pytest.mark.django_db

PLACES = ["Eschweiler", "Stolberg", "Herzogenrath", "Alsdorf", "Würselen"]
POST_HEAD = "Modul;Bezeichnung;Kategorie;VZÄ;Anstellungsträger;Einsatzort;Entgeltgruppe;Beginn;Ende;Bemerkungen"


def csv(*lines: str, bom: bool = True) -> bytes:
    return ("\ufeff" if bom else "").encode() + "\r\n".join(lines).encode()


@pytest.fixture
def situation(county, authority):
    f.ModuleFactory(number=2)
    carriers = [f.CarrierFactory(name=f"Träger {p} e. V.", short_name=f"T-{p}") for p in PLACES]
    programme = f.KimProgrammeFactory(short_name="KIM Modul 2", name="Kommunales Integrationsmanagement Modul 2")
    return {"carriers": carriers, "programme": programme, "authority": authority, "county": county}


def post_file() -> bytes:
    rows = [f"2;Case Management {p};Case Management;1,0;T-{p};;EG 10 TVöD;01.07.2020;31.12.2022;" for p in PLACES]
    return csv(POST_HEAD, *rows)


GRANT_HEAD = (
    "Programm;Zuwendungsempfänger;Bewilligungsbehörde;Aktenzeichen;Bescheiddatum;Bewilligungszeitraum von;"
    "Bewilligungszeitraum bis;bewilligte VZÄ;Zuwendung;Entwurf"
)


def grant_file() -> bytes:
    # 6 VZÄ × 55.000 € = 330.000,00 € for 2021
    return csv(
        GRANT_HEAD,
        "KIM Modul 2;StädteRegion Aachen;BR Arnsberg, Dez. 36;KIM-2021-2;15.01.2021;01.01.2021;31.12.2021;6,000;330.000,00;nein",
    )


def allocation_file() -> bytes:
    head = "Bewilligungsbehörde;Aktenzeichen;Modul;Stelle;VZÄ;von;bis"
    return csv(
        head, *[f"BR Arnsberg, Dez. 36;KIM-2021-2;2;Case Management {p};1,0;01.01.2021;31.12.2021" for p in PLACES]
    )


# ---------------------------------------------------------------- German values


def test_german_numbers_and_dates():
    assert parse_german_decimal("55.000,00", 2) == D("55000.00")
    assert parse_german_decimal("55000,00 €", 2) == D("55000.00")
    assert parse_german_decimal("0,5", 3) == D("0.500")
    assert parse_german_decimal(0.1 + 0.2, 2) == D("0.30")  # an Excel number cell
    for bad in ("55000.00", "55.00.00", "abc", "1,2345", "", "5,5,5"):
        with pytest.raises(ValueError):
            parse_german_decimal(bad, 2)
    assert parse_german_date("01.07.2020") == date(2020, 7, 1)
    assert parse_german_date("1.7.2020") == date(2020, 7, 1)
    for bad in ("31.02.2021", "2020-07-01", "07/01/2020", "x"):
        with pytest.raises(ValueError):
            parse_german_date(bad)


# ---------------------------------------------------------------- happy path, idempotence


def test_paper_situation_imports_and_reimport_changes_nothing(situation, a46_user):
    preview = run_import(PostImport(), post_file(), user=a46_user, commit=False)
    assert preview.valid, preview.shown_errors
    assert preview.counts["new"] == 5
    assert Post.objects.count() == 0  # a dry run saves nothing
    # the totals come from posts_summary_by_module: 5 posts × 1,0 VZÄ
    assert ("Modul 2, Stichtag 31.12.2020", "5 Stellen, 5,0 VZÄ") in preview.totals

    done = run_import(PostImport(), post_file(), user=a46_user, commit=True)
    assert done.saved and Post.objects.count() == 5
    post = Post.objects.get(title="Case Management Eschweiler")
    assert post.employer.short_name == "T-Eschweiler" and post.fte == D("1.000")
    assert post.history.first().history_user == a46_user  # who and when

    grants = run_import(GrantImport(), grant_file(), user=a46_user, commit=True)
    assert grants.saved, grants.shown_errors
    notice = GrantNotice.objects.get()
    assert notice.amount == D("330000.00") == 6 * D("55000")
    assert ("Förderbescheide 2021", "1 Bescheid, 330.000,00\xa0€") in grants.totals

    allocations = run_import(AllocationImport(), allocation_file(), user=a46_user, commit=True)
    assert allocations.saved, allocations.shown_errors
    assert GrantAllocation.objects.count() == 5
    assert ("Bescheid KIM-2021-2", "5,0 von 6,0 VZÄ zugeordnet") in allocations.totals

    histories = Post.history.count() + GrantNotice.history.count() + GrantAllocation.history.count()
    for kind, content in (
        (PostImport, post_file()),
        (GrantImport, grant_file()),
        (AllocationImport, allocation_file()),
    ):
        again = run_import(kind(), content, user=a46_user, commit=True)
        assert again.saved and again.counts["unchanged"] == len(again.rows) and again.counts["new"] == 0
    assert (Post.objects.count(), GrantNotice.objects.count(), GrantAllocation.objects.count()) == (5, 1, 5)
    assert Post.history.count() + GrantNotice.history.count() + GrantAllocation.history.count() == histories


def test_changed_row_is_updated_through_the_service(situation, a46_user):
    run_import(PostImport(), post_file(), user=a46_user, commit=True)
    changed = post_file().replace(
        b"Case Management Stolberg;Case Management;1,0", b"Case Management Stolberg;Case Management;0,5"
    )
    result = run_import(PostImport(), changed, user=a46_user, commit=True)
    assert result.counts == {"new": 0, "changed": 1, "unchanged": 4, "error": 0}
    assert Post.objects.get(title="Case Management Stolberg").fte == D("0.500")


def test_xlsx_and_csv_without_bom(situation, a46_user):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(POST_HEAD.split(";"))
    ws.append(
        [
            2,
            "Case Management Eschweiler",
            "Case Management",
            1,
            "T-Eschweiler",
            None,
            "",
            date(2020, 7, 1),
            "31.12.2022",
            None,
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    assert run_import(PostImport(), out.getvalue(), user=a46_user, commit=True).saved
    no_bom = csv(POST_HEAD, "2;Case Management Stolberg;Case Management;1,0;T-Stolberg;;;01.07.2020;;", bom=False)
    assert run_import(PostImport(), no_bom, user=a46_user, commit=True).saved
    assert Post.objects.count() == 2


def cost_plan_file() -> bytes:
    # domain.md §2: a carrier's case manager costs 64.000 €; eligible are 55.000 € (gap 9.000 €)
    head = "Modul;Stelle;Jahr;Personalkosten;Sach- und Overheadkosten;Entwurf"
    return csv(head, *[f"2;Case Management {p};2021;64.000,00;0,00;nein" for p in PLACES])


def forwarding_file() -> bytes:
    head = "Bewilligungsbehörde;Aktenzeichen;Modul;Stelle;Vertragsnummer;unterzeichnet am;von;bis;Entwurf"
    return csv(
        head,
        *[
            f"BR Arnsberg, Dez. 36;KIM-2021-2;2;Case Management {p};WV-2021-{i};20.01.2021;01.01.2021;31.12.2021;"
            for i, p in enumerate(PLACES, start=1)
        ],
    )


def test_cost_plans_and_contracts_forward_five_times_55000(situation, a46_user):
    f.RateFactory(programme=situation["programme"], year=2021)  # 55.000 € per VZÄ
    for kind, content in (
        (PostImport, post_file()),
        (GrantImport, grant_file()),
        (AllocationImport, allocation_file()),
    ):
        assert run_import(kind(), content, user=a46_user, commit=True).saved
    # a contract needs its cost plan: in the wrong order, the service's German message at the row
    early = run_import(ForwardingImport(), forwarding_file(), user=a46_user, commit=True)
    assert early.shown_errors[0] == (
        "Zeile 2, Spalte „Stelle“: Für die Stelle „Case Management Eschweiler“ liegt für 2021 kein Kostenplan des Trägers vor."
    )
    plans = run_import(CostPlanImport(), cost_plan_file(), user=a46_user, commit=True)
    assert plans.saved, plans.shown_errors
    assert ("Kostenpläne 2021", "5 Pläne, Personalkosten 320.000,00\xa0€") in plans.totals  # 5 × 64.000 €
    contracts = run_import(ForwardingImport(), forwarding_file(), user=a46_user, commit=True)
    assert contracts.saved, contracts.shown_errors
    # min(64.000 €, 55.000 € × 1,0 VZÄ) for the whole year, five posts: 275.000 € (domain.md §2)
    assert contracts.totals == [("Weitergeleitet 2021", "275.000,00\xa0€")]
    assert {c.amount for c in ForwardingContract.objects.all()} == {D("55000.00")}
    for kind, content in ((CostPlanImport, cost_plan_file()), (ForwardingImport, forwarding_file())):
        again = run_import(kind(), content, user=a46_user, commit=True)
        assert again.saved and again.counts["unchanged"] == 5
    assert (CostPlan.objects.count(), ForwardingContract.objects.count()) == (5, 5)


# ---------------------------------------------------------------- bad rows


BAD_POSTS = [
    (
        "4;X;Case Management;1,0;T-Stolberg;;;01.07.2020;;",
        "Zeile 2, Spalte „Modul“: Modul 4 gibt es nicht (nur 1 bis 3).",
    ),
    ("2;X;Putzdienst;1,0;T-Stolberg;;;01.07.2020;;", "Zeile 2, Spalte „Kategorie“: „Putzdienst“ ist keine Kategorie"),
    (
        "2;X;Case Management;1.0;T-Stolberg;;;01.07.2020;;",
        "Zeile 2, Spalte „VZÄ“: „1.0“ ist keine Zahl im deutschen Format",
    ),
    (
        "2;X;Case Management;1,5;T-Stolberg;;;01.07.2020;;",
        "Zeile 2, Spalte „VZÄ“: Der Stellenanteil muss größer als 0 und höchstens 1,0 VZÄ sein.",
    ),
    (
        "2;X;Case Management;1,0;Unbekannt e. V.;;;01.07.2020;;",
        "Zeile 2, Spalte „Anstellungsträger“: „Unbekannt e. V.“ ist keine bekannte Organisation",
    ),
    (
        "2;X;Case Management;1,0;BR Arnsberg, Dez. 36;;;01.07.2020;;",
        "Zeile 2, Spalte „Anstellungsträger“: Anstellungsträger kann nur",
    ),
    (
        "2;X;Case Management;1,0;T-Stolberg;Atlantis;;01.07.2020;;",
        "Zeile 2, Spalte „Einsatzort“: „Atlantis“ ist keine bekannte Kommune.",
    ),
    (
        "2;X;Case Management;1,0;T-Stolberg;;;2020-07-01;;",
        "Zeile 2, Spalte „Beginn“: „2020-07-01“ ist kein Datum im Format TT.MM.JJJJ",
    ),
    (
        "2;X;Case Management;1,0;T-Stolberg;;;01.07.2020;01.01.2020;",
        "Zeile 2, Spalte „Ende“: Das Ende darf nicht vor dem Beginn liegen.",
    ),
    ("2;;Case Management;1,0;T-Stolberg;;;01.07.2020;;", "Zeile 2, Spalte „Bezeichnung“: Pflichtangabe fehlt."),
]


@pytest.mark.parametrize(("row", "message"), BAD_POSTS)
def test_every_bad_post_row_is_named_in_german(situation, a46_user, row, message):
    result = run_import(PostImport(), csv(POST_HEAD, row), user=a46_user, commit=True)
    assert not result.saved
    assert any(m.startswith(message) for m in result.shown_errors), result.shown_errors
    assert Post.objects.count() == 0


def test_one_bad_row_saves_nothing_and_names_its_line(situation, a46_user):
    lines = post_file().decode("utf-8-sig").split("\r\n")
    lines.insert(4, "2;Case Management Kaputt;Case Management;0;T-Stolberg;;;01.07.2020;;")
    result = run_import(PostImport(), csv(*lines), user=a46_user, commit=True)
    assert not result.saved
    assert [e.line for e in result.errors] == [5]
    assert result.counts["new"] == 5  # the good rows were checked too …
    assert Post.objects.count() == 0  # … and nothing was saved


def test_duplicate_in_file_and_occupancy_rules(situation, a46_user):
    run_import(PostImport(), post_file(), user=a46_user, commit=True)
    head = "Modul;Stelle;besetzt ab;besetzt bis;VZÄ"
    content = csv(
        head,
        "2;Case Management Alsdorf;01.07.2020;;1,0",
        "2;Case Management Alsdorf;01.07.2020;;1,0",
        "2;Case Management Nirgendwo;01.07.2020;;1,0",
        "2;Case Management Stolberg;01.07.2020;31.12.2022;1,0",
        "2;Case Management Stolberg;01.08.2020;31.12.2022;0,5",
    )
    result = run_import(OccupancyImport(), content, user=a46_user, commit=True)
    messages = result.shown_errors
    assert "Zeile 3: dieselbe Angabe steht schon in Zeile 2." in messages
    assert "Zeile 4, Spalte „Stelle“: Eine Stelle „Case Management Nirgendwo“ im Modul 2 gibt es nicht." in messages
    # the post ends 31.12.2022: an open-ended occupancy is refused by occupancy_save
    assert any(m.startswith("Zeile 2, Spalte „besetzt bis“: Die Besetzung endet spätestens") for m in messages)
    # the earlier row of the same file counts: 1,0 + 0,5 VZÄ on a 1,0 post
    assert any(m.startswith("Zeile 6, Spalte „VZÄ“: Ab 01.08.2020 wären 1,5 VZÄ besetzt") for m in messages)
    assert Occupancy.objects.count() == 0


def test_allocation_needs_known_notice_and_grant_rules(situation, a46_user):
    run_import(PostImport(), post_file(), user=a46_user, commit=True)
    run_import(GrantImport(), grant_file(), user=a46_user, commit=True)
    head = "Bewilligungsbehörde;Aktenzeichen;Modul;Stelle;VZÄ;von;bis"
    result = run_import(
        AllocationImport(),
        csv(
            head,
            "BR Arnsberg, Dez. 36;KIM-1999;2;Case Management Alsdorf;1,0;01.01.2021;31.12.2021",
            "BR Arnsberg, Dez. 36;KIM-2021-2;2;Case Management Alsdorf;1,0;01.01.2020;31.12.2021",
        ),
        user=a46_user,
        commit=True,
    )
    assert result.shown_errors[0].startswith("Zeile 2, Spalte „Aktenzeichen“: Einen Bescheid „KIM-1999“")
    assert result.shown_errors[1].startswith("Zeile 3, Spalte „von“: Beginn liegt außerhalb des Bewilligungszeitraums")
    bad_grant = grant_file().replace(b"330.000,00", b"330.000,001")
    assert run_import(GrantImport(), bad_grant, user=a46_user, commit=True).shown_errors == [
        "Zeile 2, Spalte „Zuwendung“: „330.000,001“ hat mehr als 2 Nachkommastellen."
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\xff\xfe\x00\x00garbage",
        b"PK\x03\x04" + b"\x00" * 200,
        b"Modul;Bezeichnung\r\n2;x",
        b"\x00\x00\x00",
        ("\ufeff" + POST_HEAD + "\r\n" + "2;" + "A" * 200_000).encode(),
        ("\ufeff" + POST_HEAD + "\r\n" + '2;"unterminated').encode(),
        ('\ufeff=HYPERLINK("x");' + POST_HEAD).encode(),
        POST_HEAD.encode() + b"\r\n" + b"2;x;Case Management;1,0;T;;;01.07.2020;;\r\n" * 2500,
    ],
)
def test_hostile_files_give_german_errors(situation, a46_user, content):
    result = run_import(PostImport(), content, user=a46_user, commit=True)
    assert not result.saved and result.errors
    assert Post.objects.count() == 0


# ---------------------------------------------------------------- template, pages, access


def test_template_has_the_import_columns_and_is_neutralised():
    text = template_csv(PostImport()).decode("utf-8-sig")
    assert text.splitlines()[0] == POST_HEAD
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(template_xlsx(GrantImport()))).active
    assert [c.value for c in ws[1]] == GRANT_HEAD.split(";")
    assert all(not str(c.value or "").startswith("=") for row in ws.iter_rows() for c in row)


def test_upload_preview_confirm(client, situation, a46_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(a46_user)
    url = reverse("modules:import")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "stellen", "file": SimpleUploadedFile("stellen.csv", post_file())})
    assert response.status_code == 200
    assert "5 neu" in response.content.decode() and Post.objects.count() == 0
    digest = response.context["confirm"].initial["digest"]
    response = client.post(url, {"confirm": "1", "kind": "stellen", "digest": "0" * 64})
    assert "abgelaufen" in response.content.decode() and Post.objects.count() == 0
    response = client.post(url, {"confirm": "1", "kind": "stellen", "digest": digest})
    assert response.status_code == 302 and Post.objects.count() == 5
    bad = SimpleUploadedFile("x.csv", csv(POST_HEAD, "4;X;Case Management;1,0;T-Stolberg;;;01.07.2020;;"))
    response = client.post(url, {"kind": "stellen", "file": bad})
    assert "Zeile 2, Spalte „Modul“" in response.content.decode() and response.context["confirm"] is None
    template = client.get(reverse("funding:import_template") + "?art=bescheide&format=csv")
    assert template.status_code == 200 and template.content.decode("utf-8-sig").startswith(GRANT_HEAD)
    assert client.get(reverse("funding:import_template") + "?art=nichts").status_code == 404


@pytest.mark.parametrize(
    "name", ["modules:import", "modules:import_template", "funding:import", "funding:import_template"]
)
def test_only_a46_reaches_the_import(client, situation, carrier_a_user, committee_user, readonly_user, name):
    for user in (carrier_a_user, committee_user, readonly_user):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403
        # the role is checked before the method: a POST to the GET-only template page is refused the same way
        assert client.post(reverse(name), {"kind": "stellen"}).status_code == 403


def test_command_dry_run_then_save(tmp_path, situation, a46_user, readonly_user):
    from django.core.management import CommandError, call_command

    path = tmp_path / "stellen.csv"
    path.write_bytes(post_file())
    out = io.StringIO()
    call_command("import_data", "stellen", str(path), "--user", a46_user.username, "--dry-run", stdout=out)
    assert "5 neu" in out.getvalue() and Post.objects.count() == 0
    call_command("import_data", "stellen", str(path), "--user", a46_user.username, stdout=io.StringIO())
    assert Post.objects.count() == 5
    with pytest.raises(CommandError, match="Nur ein Konto von A 46"):
        call_command("import_data", "stellen", str(path), "--user", readonly_user.username)
    path.write_bytes(csv(POST_HEAD, "4;X;Case Management;1,0;T-Stolberg;;;01.07.2020;;"))
    with pytest.raises(CommandError, match="Zeile 2, Spalte „Modul“"):
        call_command("import_data", "stellen", str(path), "--user", a46_user.username)
