"""Every list exports as XLSX (typed cells) and CSV (German Excel), with the page's filter and scope."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.views.test_list_queries import LISTS

pytestmark = pytest.mark.django_db


def xlsx(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def csv_rows(response):
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_forwarding_export_has_euro_numbers_and_real_dates(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    sheet = xlsx(client.get(reverse("funding:forwarding_list") + "?export=xlsx"))
    header = [c.value for c in sheet[1]]
    assert header == ["Vertrag", "Jahr", "Träger", "Stelle", "von", "bis", "Betrag"]
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    assert len(rows) == 5  # five carrier posts of the paper
    for row in rows:
        amount, start, year = row[6], row[4], row[1]
        # min(personnel 64.000 €, 55.000 € × 1,0 VZÄ) = 55.000 € for the whole year 2021
        assert amount.value == 55000 and "€" in amount.number_format
        assert isinstance(start.value, datetime) and start.value.date().isoformat() == "2021-01-01"
        assert start.number_format == "DD.MM.YYYY"
        assert year.value == 2021 and year.number_format == "0"


def test_forwarding_csv_opens_in_german_excel(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    rows = csv_rows(client.get(reverse("funding:forwarding_list") + "?export=csv"))
    assert rows[0][-1] == "Betrag"
    assert {r[-1] for r in rows[1:]} == {"55000,00"}
    assert {r[4] for r in rows[1:]} == {"01.01.2021"}
    assert {r[1] for r in rows[1:]} == {"2021"}


def test_carrier_export_contains_only_its_own_rows(client, carrier_a_user, paper_2020_0354):
    client.force_login(carrier_a_user)
    rows = csv_rows(client.get(reverse("funding:forwarding_list") + "?export=csv"))
    text = "\n".join(";".join(r) for r in rows)
    assert len(rows) == 2  # header + Caritas' own contract
    assert "Caritas" in text
    for other in ("Diakonie", "AWO", "DRK", "Arbeitsplattform"):
        assert other not in text


def test_export_keeps_the_filter(client, a46_user, paper_2020_0354, carrier_b):
    client.force_login(a46_user)
    page = client.get(reverse("funding:forwarding_list") + f"?carrier={carrier_b.pk}")
    links = page.context["export_links"]
    assert links[0]["url"] == f"?carrier={carrier_b.pk}&export=xlsx"
    rows = csv_rows(client.get(reverse("funding:forwarding_list") + f"?carrier={carrier_b.pk}&export=csv"))
    assert len(rows) == 2 and "Diakonie" in rows[1][2]


@pytest.mark.parametrize(("url_name", "add_row"), LISTS, ids=[name for name, _ in LISTS])
def test_every_list_exports_both_formats_with_a_fixed_number_of_queries(client, a46_user, url_name, add_row):
    client.force_login(a46_user)
    url = reverse(url_name)
    add_row(1)
    client.get(url)
    cache.clear()  # both counts with the figures computed, not one from kim.figure_cache
    with CaptureQueriesContext(connection) as one:
        sheet = xlsx(client.get(url + "?export=xlsx"))
    assert sheet.max_row == 2
    add_row(2)
    add_row(3)
    cache.clear()
    with CaptureQueriesContext(connection) as three:
        rows = csv_rows(client.get(url + "?export=csv"))
    assert len(rows) == 4
    assert len(one.captured_queries) == len(three.captured_queries)


NUMBER_HEADERS = {"Modul", "VZÄ", "Jahr", "Betrag"}
# identifiers made of digits stay text (leading zeros, no sums): budget codes
IDENTIFIER_HEADERS = {"Teilprodukt", "Sachkonto"}


@pytest.mark.parametrize(("url_name", "add_row"), LISTS, ids=[name for name, _ in LISTS])
def test_every_list_export_has_typed_cells(client, a46_user, url_name, add_row):
    """Issue 16: numbers are numbers (module, VZÄ, years, amounts), dates are dates, every sheet
    title fits Excel; no number hides in a text cell."""
    client.force_login(a46_user)
    add_row(1)
    sheet = xlsx(client.get(reverse(url_name) + "?export=xlsx"))
    assert 0 < len(sheet.title) <= 31
    header = [c.value for c in sheet[1]]
    for column, name in enumerate(header, start=1):
        cell = sheet.cell(row=2, column=column)
        if cell.value is None:
            continue
        if name in NUMBER_HEADERS:
            assert cell.data_type == "n", (url_name, name, cell.value)
        if name == "VZÄ":
            assert cell.number_format == "0.0##"
        if isinstance(cell.value, str) and name not in IDENTIFIER_HEADERS:
            assert not cell.value.replace(",", "").replace(".", "").isdigit(), (url_name, name, cell.value)


def report_with_a_conflict() -> dict:
    from tests.funding.controlling.test_double_funding import construct_conflict

    construct_conflict()
    return {}


def report_with_a_timeline() -> dict:
    from tests.funding.controlling.test_timeline import funded_post

    funded_post("Endet bald", post_end=date(2030, 6, 30), funding_end=date(2029, 8, 31))
    return {}


def report_with_money(request) -> dict:
    from tests import factories as f

    request.getfixturevalue("paper_2020_0354")
    f.BudgetLineFactory(year=2021, teilprodukt="050101", sachkonto="531810", planned_amount=Decimal("45000"))
    return {"year": "2021", "rate": "57000"}


# the report pages (not lists) with an export: url name and how to give it rows
REPORTS = [
    ("funding:controlling_flow", lambda request: report_with_money(request) | {"rate": ""}),
    ("funding:controlling_whatif", report_with_money),
    ("funding:controlling_timeline", lambda request: report_with_a_timeline()),
    ("funding:controlling_double", lambda request: report_with_a_conflict()),
    ("funding:controlling_risks", lambda request: report_with_money(request) | {"rate": ""}),
]
REPORT_NUMBER_HEADERS = NUMBER_HEADERS | {
    "heute",
    "Annahme",
    "Veränderung",
    "Planansatz",
    "Prognose heute",
    "Prognose Annahme",
    "gezahlt",
    "gefördert (VZÄ)",
    "Stellenanteil (VZÄ)",
    "Überschreitung (VZÄ)",
    "erhalten",
    "förderfähig",
    "Differenz",
}
REPORT_DATE_HEADERS = {"von", "bis", "Förderung bis", "Vertrag befristet bis"}


@pytest.mark.parametrize(("url_name", "setup"), REPORTS, ids=[name for name, _ in REPORTS])
def test_every_report_export_has_typed_cells(client, a46_user, request, url_name, setup):
    """Issue 16: every report page's XLSX – each of its sheets – keeps numbers as numbers and dates
    as dates, with full sheet titles within 31 characters and a file name with its umlauts."""
    params = {k: v for k, v in setup(request).items() if v}
    client.force_login(a46_user)
    response = client.get(reverse(url_name), {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    for sheet in wb.worksheets:
        assert 0 < len(sheet.title) <= 31 and not sheet.title.endswith(("-", " ")), sheet.title
        assert sheet.max_row >= 2, (url_name, sheet.title)
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for name, cell in zip(header, row, strict=True):
                if cell.value is None:
                    continue
                if name in REPORT_NUMBER_HEADERS:
                    assert cell.data_type == "n", (url_name, sheet.title, name, cell.value)
                if name in REPORT_DATE_HEADERS:
                    assert isinstance(cell.value, datetime) and cell.number_format == "DD.MM.YYYY"
                if isinstance(cell.value, str) and name not in IDENTIFIER_HEADERS:
                    assert not cell.value.replace(",", "").replace(".", "").lstrip("-").isdigit(), (
                        url_name,
                        name,
                        cell.value,
                    )
