"""Art. 20 DSGVO data export of a carrier (overview.data_export): a ZIP of German Excel CSV files.

Two carriers of paper 2020/0354 (A = Caritas, B = Diakonie), each with a small register built by
hand through the services. Expected rows are counted from what the test creates, never from the code.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from casemanagement import services as cm
from funding.controlling.services import carrier_payment_save, proof_document_add, proof_obligation_save
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
FILES = [
    "organisation.csv",
    "benutzer.csv",
    "stellen.csv",
    "besetzungen.csv",
    "personalkosten.csv",
    "weiterleitungsvertraege.csv",
    "kostenplaene.csv",
    "eigenanteilsantraege.csv",
    "zahlungen.csv",
    "verwendungsnachweise.csv",
    "nachweisdokumente.csv",
    "faelle.csv",
    "fallabschnitte.csv",
    "fallthemen.csv",
    "kontakte.csv",
    "verweisungen.csv",
    "fallzahlenmeldungen.csv",
    "meldungszahlen.csv",
    "kennzahlen.csv",
]


def add_cases(carrier, post, n: int, *, close_first: bool = False) -> list:
    """n cases opened in March 2021, topics work + language, two contacts and one referral each;
    optionally the first one closed and reopened (then it has two episodes)."""
    cases = []
    for i in range(n):
        case = cm.case_create(
            carrier=carrier,
            data={
                "responsible_post": post,
                "age_band": "27-44",
                "gender": "f",
                "municipality": post.place,
                "residence_status": "erlaubnis",
                "legal_domain": "sgb2",
                "opened_on": date(2021, 3, 1 + i),
            },
            topics=["work", "language"],
        )
        cm.contact_add(case=case, data={"date": date(2021, 3, 10), "duration_minutes": 30, "mode": "phone"})
        cm.contact_add(case=case, data={"date": date(2021, 3, 20), "duration_minutes": 45, "mode": "in_person"})
        cm.referral_save(case=case, data={"target": "jobcenter", "referred_on": date(2021, 3, 20), "status": "pending"})
        cases.append(case)
    if close_first and cases:
        cm.case_close(case=cases[0], closed_on=date(2021, 4, 1), reason="goal_reached")
        cm.case_reopen(case=cases[0], reopened_on=date(2021, 5, 1), reason="new_need")
    return cases


@pytest.fixture
def two_registers(paper_2020_0354, carrier_a_user, carrier_b_user):
    paper = paper_2020_0354
    post_a, post_b = paper.carrier_posts[0], paper.carrier_posts[1]
    add_cases(paper.carriers[0], post_a, 3, close_first=True)
    add_cases(paper.carriers[1], post_b, 2)
    # carrier A: a submitted March return, an instalment and a proof of use with one document
    r = cm.return_create(carrier=paper.carriers[0], post=post_a, year=2021, month=3)
    cm.return_submit(caseload_return=r)
    contract_a = paper.forwardings[0]
    carrier_payment_save(
        contract=contract_a, data={"due_on": date(2021, 1, 15), "amount": D("13750"), "paid_on": date(2021, 1, 15)}
    )
    proof = proof_obligation_save(kind="carrier", contract=contract_a, data={"due_on": date(2022, 6, 30)})
    proof_document_add(
        obligation=proof, doc_type="report", upload=SimpleUploadedFile("nachweis-2021.pdf", PDF), user=carrier_a_user
    )
    return paper


def download(client, user, slug: str) -> dict[str, list[list[str]]]:
    client.force_login(user)
    response = client.get(reverse("overview:data_export", args=[slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"kim-datenexport-{slug}-" in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    files = {}
    for name in archive.namelist():
        raw = archive.read(name)
        assert raw.startswith("\ufeff".encode()), f"{name} without BOM"
        text = raw.decode("utf-8-sig")
        files[name] = text if name.endswith(".txt") else list(csv.reader(io.StringIO(text), delimiter=";"))
    return files


def rows(files, name) -> list[dict[str, str]]:
    header, *body = files[name]
    return [dict(zip(header, row, strict=False)) for row in body]


def test_carrier_a_gets_all_of_its_data_with_the_right_row_counts(client, two_registers, carrier_a_user):
    files = download(client, carrier_a_user, "caritas")
    assert sorted(files) == sorted([*FILES, "LIESMICH.txt"])
    counts = {name: len(files[name]) - 1 for name in FILES}
    assert counts == {
        "organisation.csv": 1,
        "benutzer.csv": 1,
        "stellen.csv": 1,
        "besetzungen.csv": 0,
        "personalkosten.csv": 0,
        "weiterleitungsvertraege.csv": 1,
        "kostenplaene.csv": 1,
        "eigenanteilsantraege.csv": 0,
        "zahlungen.csv": 1,
        "verwendungsnachweise.csv": 1,
        "nachweisdokumente.csv": 1,
        "faelle.csv": 3,  # three cases
        "fallabschnitte.csv": 4,  # one each, the reopened one a second
        "fallthemen.csv": 6,  # two topics each
        "kontakte.csv": 6,  # two contacts each
        "verweisungen.csv": 3,
        "fallzahlenmeldungen.csv": 1,
        # March 2021: totals (5 rows, kept even when 0) + legal domain SGB II, municipality, topics work and
        # language, referral jobcenter (one key each); nothing closed in March
        "meldungszahlen.csv": 10,
        "kennzahlen.csv": 0,
    }
    [org] = rows(files, "organisation.csv")
    assert org["Name"] == "Caritasverband für die Regionen Aachen-Stadt und Aachen-Land e. V."
    assert [c["Fallnummer"] for c in rows(files, "faelle.csv")] == ["CAR-2021-0001", "CAR-2021-0002", "CAR-2021-0003"]
    assert rows(files, "faelle.csv")[0]["Rechtskreis"] == "SGB II"
    # German Excel: decimal comma, no thousands dots, dates TT.MM.JJJJ
    [plan] = rows(files, "kostenplaene.csv")
    assert (plan["Personalkosten"], plan["Sach- und Overheadkosten"]) == ("64000,00", "6000,00")
    [contract] = rows(files, "weiterleitungsvertraege.csv")
    assert contract["Betrag"] == "55000,00"  # min(64.000 personnel, 55.000 × 1,0 VZÄ)
    assert contract["von"] == "01.01.2021"
    [payment] = rows(files, "zahlungen.csv")
    assert (payment["Betrag"], payment["gezahlt am"]) == ("13750,00", "15.01.2021")
    assert rows(files, "stellen.csv")[0]["VZÄ"] == "1,0"  # as on the screen (issue 16), not "1,000"
    [document] = rows(files, "nachweisdokumente.csv")
    assert document["Dateiname"] == "nachweis-2021.pdf"
    figures = {(r["Bereich"], r["Merkmal"]): r["Anzahl"] for r in rows(files, "meldungszahlen.csv")}
    assert figures == {
        ("Bestand und Bewegung", "Bestand am Anfang"): "0",
        ("Bestand und Bewegung", "Neuaufnahmen"): "3",  # opened 01.–03.03.2021
        ("Bestand und Bewegung", "davon Wiederaufnahmen"): "0",
        ("Bestand und Bewegung", "Abschlüsse"): "0",  # the closure is in April
        ("Bestand und Bewegung", "Bestand am Ende"): "3",
        ("Rechtskreis", "SGB II"): "3",
        ("Kommune", "Eschweiler"): "3",
        ("Thema", "Arbeit"): "3",
        ("Thema", "Sprache"): "3",
        ("Verweisung an", "Jobcenter"): "3",
    }
    readme = files["LIESMICH.txt"]
    assert "Art. 20 DSGVO" in readme and "Caritasverband" in readme
    for name in FILES:
        assert name in readme


def test_carrier_b_gets_nothing_of_carrier_a(client, two_registers, carrier_b_user):
    files = download(client, carrier_b_user, "diakonie")
    assert len(files["faelle.csv"]) - 1 == 2 and len(files["kontakte.csv"]) - 1 == 4
    assert len(files["fallabschnitte.csv"]) - 1 == 2 and len(files["fallzahlenmeldungen.csv"]) - 1 == 0
    assert len(files["zahlungen.csv"]) - 1 == 0 and len(files["nachweisdokumente.csv"]) - 1 == 0
    for name, content in files.items():
        text = content if isinstance(content, str) else "\n".join(";".join(row) for row in content)
        for marker in ("Caritas", "CAR-20", "Eschweiler", "WV-KIM2-2021-caritas", "nachweis-2021.pdf"):
            assert marker not in text, f"{name} of carrier B contains {marker!r}"
    assert {c["Fallnummer"] for c in rows(files, "faelle.csv")} == {"DIA-2021-0001", "DIA-2021-0002"}


def test_the_export_is_the_carriers_own_another_carrier_and_every_staff_role_get_a_404(
    client, two_registers, carrier_a_user, carrier_b_user, a46_user, committee_user, readonly_user
):
    """The export holds single cases, contacts and referrals (domain.md §3/§5: the county never sees
    single cases). It used to be offered to A 46 for any carrier; now it is the carrier's alone."""
    client.force_login(carrier_b_user)
    assert client.get(reverse("overview:data_export", args=["caritas"])).status_code == 404
    for staff in (a46_user, committee_user, readonly_user):
        client.force_login(staff)
        for slug in ("caritas", "diakonie"):
            response = client.get(reverse("overview:data_export", args=[slug]))
            assert response.status_code == 404, (staff.username, slug)
            assert "CAR-20" not in response.content.decode()
        # and no page of theirs links it
        page = client.get(reverse("kim:carrier_detail", args=["caritas"])).content.decode()
        assert "/finanzen/datenexport/" not in page and "Datenexport" not in page
    files = download(client, carrier_a_user, "caritas")
    assert len(files["faelle.csv"]) - 1 == 3


def test_the_carrier_home_links_the_export(client, two_registers, carrier_a_user):
    client.force_login(carrier_a_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("overview:data_export", args=["caritas"]) in page
    assert "Alle Daten exportieren" in page


def test_the_number_of_queries_does_not_grow_with_the_register(client, paper_2020_0354, carrier_b_user):
    paper = paper_2020_0354
    post_b = paper.carrier_posts[1]
    client.force_login(carrier_b_user)
    url = reverse("overview:data_export", args=["diakonie"])
    add_cases(paper.carriers[1], post_b, 1)
    one = count_queries(client, url)
    add_cases(paper.carriers[1], post_b, 2, close_first=True)
    three = count_queries(client, url)
    assert one == three
