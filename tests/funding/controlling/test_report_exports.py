"""Every controlling report page exports its tables (issue 16): money flow, what-if, timelines,
double funding. Expected figures come from paper 2020/0354 and the constructed cases, by hand."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.controlling.services import carrier_payment_save
from tests.funding.conftest import count_queries
from tests.funding.controlling.test_double_funding import construct_conflict
from tests.funding.controlling.test_timeline import TODAY, funded_post

pytestmark = pytest.mark.django_db
D = Decimal


def workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows_by_first_cell(ws) -> dict[str, dict[str, object]]:
    header = [c.value for c in ws[1]]
    return {row[0].value: dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)}


def csv_lines(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_flow_export_has_the_page_tables_with_euro_numbers(client, a46_user, paper_2020_0354):
    carrier_payment_save(
        contract=paper_2020_0354.forwardings[0],
        data={"due_on": date(2021, 1, 15), "amount": D("13750"), "paid_on": date(2021, 1, 15)},
    )
    client.force_login(a46_user)
    url = reverse("funding:controlling_flow")
    page = client.get(url, {"year": 2021})
    assert [link["url"] for link in page.context["export_links"]] == ["?year=2021&export=xlsx", "?year=2021&export=csv"]

    response = client.get(url, {"year": 2021, "export": "xlsx"})
    assert "filename*=UTF-8''mittelfluss-2021.xlsx" in response["Content-Disposition"]
    wb = workbook(response)
    assert wb.sheetnames == ["Mittelfluss 2021", "Bänder des Diagramms 2021"]
    ws = wb["Mittelfluss 2021"]
    assert [c.value for c in ws[1]] == ["Programm", "Empfänger", "Betrag", "gezahlt"]
    body = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
    # 330.000 € notified for module 2 in 2021: 5 carriers × 55.000 forwarded, 55.000 left for the own post
    assert ["KIM Modul 2", "eigene Stellen (Körperschaft)", 55000, None] in body
    assert ["KIM Modul 2", "Caritas", 55000, 13750] in body
    assert sum(1 for r in body if r[0] == "KIM Modul 2") == 6
    assert body[-3:] == [
        ["Landeszuweisungen (Bescheide)", None, 330000, None],
        ["davon eigene Stellen", None, 55000, None],
        ["davon weitergeleitet", None, 275000, 13750],  # 5 × 55.000; paid: Caritas' first instalment
    ]
    amount = ws.cell(row=2, column=3)
    assert amount.data_type == "n" and "€" in amount.number_format
    bands = [[c.value for c in row] for row in wb["Bänder des Diagramms 2021"].iter_rows(min_row=2)]
    assert ["Land NRW", "KIM Modul 2", 330000] in bands
    assert ["Caritas", "noch nicht gezahlt", 41250] in bands  # 55.000 − 13.750

    lines = csv_lines(client.get(url, {"year": 2021, "export": "csv"}))
    assert lines[0] == ["Programm", "Empfänger", "Betrag", "gezahlt"]
    assert ["KIM Modul 2", "Caritas", "55000,00", "13750,00"] in lines


def test_the_flow_export_link_names_the_remembered_year(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    url = reverse("funding:controlling_flow")
    client.get(url, {"year": 2021})  # remembered in the session (kim.years)
    page = client.get(url)
    assert page.context["year"] == 2021
    assert page.context["export_links"][0]["url"] == "?year=2021&export=xlsx"
    assert 'href="?year=2021&amp;export=xlsx"' in page.content.decode()


@pytest.fixture
def decided(paper_2020_0354):
    from funding.models import OwnShareTopUp
    from tests import factories as f

    line = f.BudgetLineFactory(
        year=2021,
        teilprodukt="050101",
        sachkonto="531810",
        kind="expense",
        label="Übernahme Eigenanteil Träger",
        planned_amount=D("45000"),
        forecast_basis="top_up",
    )
    OwnShareTopUp.objects.create(year=2021, amount_per_fte=D("9000"), budget_line=line)
    return paper_2020_0354


def test_the_what_if_export_keeps_the_assumptions(client, a46_user, decided):
    client.force_login(a46_user)
    url = reverse("funding:controlling_whatif")
    query = {"year": "2021", "rate": "57000"}
    page = client.get(url, query)
    assert page.context["export_links"][0]["url"] == "?year=2021&rate=57000&export=xlsx"

    response = client.get(url, {**query, "export": "xlsx"})
    assert "filename*=UTF-8''was-w%C3%A4re-wenn-2021.xlsx" in response["Content-Disposition"]
    assert 'filename="was-waere-wenn-2021.xlsx"' in response["Content-Disposition"]
    wb = workbook(response)
    assert wb.sheetnames == ["Was-wäre-wenn 2021", "Haushaltspositionen 2021"]
    figures = rows_by_first_cell(wb["Was-wäre-wenn 2021"])
    forwarding = figures["Weiterleitung an die Träger"]
    # 5 carrier posts: min(64.000, 55.000) today, min(64.000, 57.000) with the assumption
    assert (forwarding["heute"].value, forwarding["Annahme"].value, forwarding["Veränderung"].value) == (
        275000,
        285000,
        10000,
    )
    assert "€" in forwarding["Veränderung"].number_format
    # the top-up: 5 × min(9.000, 64.000 − 55.000) = 45.000 today; 5 × min(9.000, 7.000) = 35.000
    top_up = figures["Übernahme des Eigenanteils durch den Kreis"]
    assert (top_up["heute"].value, top_up["Annahme"].value) == (45000, 35000)

    budget = wb["Haushaltspositionen 2021"]
    header = [c.value for c in budget[1]]
    [line] = [dict(zip(header, row, strict=True)) for row in budget.iter_rows(min_row=2) if row[1].value == "531810"]
    assert line["Teilprodukt"].value == "050101" and line["Teilprodukt"].data_type == "s"  # a code keeps its zero
    assert (line["Planansatz"].value, line["Prognose heute"].value, line["Prognose Annahme"].value) == (
        45000,
        45000,
        35000,
    )
    assert line["Veränderung"].value == -10000

    lines = csv_lines(client.get(url, {**query, "export": "csv"}))
    assert ["Weiterleitung an die Träger", "275000,00", "285000,00", "10000,00"] in lines


def test_the_what_if_page_offers_no_export_for_invalid_assumptions(client, a46_user, decided):
    client.force_login(a46_user)
    url = reverse("funding:controlling_whatif")
    page = client.get(url, {"year": "2021", "rate": "viel"})
    assert page.context["export_links"] == [] and "export=xlsx" not in page.content.decode()
    response = client.get(url, {"year": "2021", "rate": "viel", "export": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Bitte einen Betrag in Euro eingeben" in response.content.decode()


@pytest.fixture
def at_today(monkeypatch, settings):
    from django.utils import timezone

    settings.FUNDING_HORIZON_MONTHS = "6,12"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def test_the_timeline_export_has_dates_as_dates_and_the_unfunded_days(client, a46_user, at_today):
    funded_post("Endet bald", post_end=date(2023, 6, 30), funding_end=date(2022, 8, 31))
    client.force_login(a46_user)
    url = reverse("funding:controlling_timeline")
    assert "export=xlsx" in client.get(url).content.decode()

    response = client.get(url, {"export": "xlsx"})
    assert "filename*=UTF-8''laufzeiten-2022-03-01.xlsx" in response["Content-Disposition"]
    ws = workbook(response).active
    assert ws.title == "Laufzeiten"
    row = rows_by_first_cell(ws)["Endet bald"]
    assert row["Modul"].value == 2 and row["Modul"].data_type == "n"
    assert row["VZÄ"].value == 1 and row["VZÄ"].number_format == "0.0##"
    assert row["Förderung bis"].value == datetime(2022, 8, 31)
    assert row["Förderung bis"].number_format == "DD.MM.YYYY"
    assert row["Vertrag befristet bis"].value == datetime(2023, 6, 30)
    # 01.03.2022 + 6 months = 01.09.2022 ≥ 31.08.2022; the contract ends beyond 12 months (01.03.2023)
    assert row["Förderung endet binnen Monaten"].value == 6
    assert row["Vertrag endet binnen Monaten"].value is None
    # 31.08.2022 → 30.06.2023: 365 − 62 (July and August 2023) = 303 days without funding
    assert row["Tage Vertrag über Förderung hinaus"].value == 303
    assert row["Hinweis"].value == "Vertrag läuft 303 Tage über die Förderung hinaus"

    lines = csv_lines(client.get(url, {"export": "csv"}))
    header = lines[0]
    line = dict(zip(header, lines[1], strict=True))
    assert (line["Stelle"], line["Modul"], line["VZÄ"], line["Förderung bis"]) == (
        "Endet bald",
        "2",
        "1,0",
        "31.08.2022",
    )


def test_the_double_funding_export_names_the_conflict_with_fte_numbers(client, a46_user):
    construct_conflict()
    client.force_login(a46_user)
    url = reverse("funding:controlling_double")
    assert "export=xlsx" in client.get(url).content.decode()

    response = client.get(url, {"export": "xlsx"})
    assert "filename*=UTF-8''doppelf%C3%B6rderung-" in response["Content-Disposition"]
    ws = workbook(response).active
    assert ws.title == "Doppel- und Überförderung"
    row = rows_by_first_cell(ws)["Case Management Würselen 0"]
    assert row["Art"].value == "Doppelförderung"
    assert row["Programme"].value == "KIM Modul 2, KOMM-AN NRW"
    assert row["Zuordnungen"].value == "KIM Modul 2 1,0 VZÄ; KOMM-AN NRW 0,5 VZÄ"
    assert (row["von"].value, row["bis"].value) == (datetime(2021, 3, 1), datetime(2021, 8, 31))
    # 1,0 KIM + 0,5 KOMM-AN on a 1,0 post: 0,5 VZÄ too much
    assert (row["gefördert (VZÄ)"].value, row["Stellenanteil (VZÄ)"].value, row["Überschreitung (VZÄ)"].value) == (
        1.5,
        1,
        0.5,
    )
    assert row["Überschreitung (VZÄ)"].number_format == "0.0##"

    lines = csv_lines(client.get(url, {"export": "csv"}))
    assert lines[1][-3:] == ["1,5", "1,0", "0,5"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_double_funding_export_runs_a_fixed_number_of_queries(client, a46_user, fmt):
    client.force_login(a46_user)
    url = reverse("funding:controlling_double")
    construct_conflict(0)
    one = count_queries(client, url, {"export": fmt})
    construct_conflict(1), construct_conflict(2)
    assert count_queries(client, url, {"export": fmt}) == one


def test_the_timeline_export_runs_a_fixed_number_of_queries(client, a46_user, at_today):
    client.force_login(a46_user)
    url = reverse("funding:controlling_timeline")
    funded_post("A", date(2030, 1, 1), date(2022, 12, 31))
    one = count_queries(client, url, {"export": "xlsx"})
    funded_post("B", date(2030, 1, 1), date(2022, 12, 31)), funded_post("C", date(2030, 1, 1), date(2022, 12, 31))
    assert count_queries(client, url, {"export": "xlsx"}) == one


@pytest.mark.parametrize(
    "url_name", ["controlling_flow", "controlling_whatif", "controlling_timeline", "controlling_double"]
)
def test_carriers_get_no_report_export(client, carrier_a_user, url_name):
    client.force_login(carrier_a_user)
    assert client.get(reverse(f"funding:{url_name}"), {"export": "xlsx", "year": 2021}).status_code == 403
