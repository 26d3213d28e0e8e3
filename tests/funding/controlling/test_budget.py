"""Budget lines: plan, forecast from data, actual payments; XLSX export."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from funding.controlling.budget import budget_lines_with_forecast
from funding.controlling.services import carrier_payment_save, land_receipt_save
from funding.models import BudgetLine
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def lines(paper_2020_0354):
    paper = paper_2020_0354
    f.BudgetLineFactory(
        year=2021, sachkonto="414100", kind="income", planned_amount=D("570000"), forecast_basis="land_income"
    )
    f.BudgetLineFactory(
        year=2021,
        sachkonto="531800",
        kind="expense",
        label="Weiterleitung",
        planned_amount=D("275000"),
        forecast_basis="forwarding",
    )
    land_receipt_save(grant=paper.grant, data={"received_on": date(2021, 3, 1), "amount": D("165000")})
    land_receipt_save(grant=paper.grant, data={"received_on": date(2021, 9, 1), "amount": D("100000")})
    for contract in paper.forwardings[:2]:
        carrier_payment_save(
            contract=contract, data={"due_on": date(2021, 2, 1), "amount": D("27500"), "paid_on": date(2021, 2, 3)}
        )
    carrier_payment_save(
        contract=paper.forwardings[2], data={"due_on": date(2021, 12, 1), "amount": D("27500")}
    )  # planned only
    return paper


def test_actuals_are_the_receipts_and_the_payments_of_the_year(lines):
    rows = {r.line.sachkonto: r for r in budget_lines_with_forecast(lines=BudgetLine.objects.filter(year=2021))}
    assert rows["414100"].actual == D("265000.00")  # 165.000 + 100.000 received from the Land
    assert rows["531800"].actual == D("55000.00")  # 2 × 27.500 paid; the planned 27.500 is not Ist
    assert rows["531800"].forecast == D("275000.00")


def test_the_budget_exports_as_xlsx_with_typed_cells(client, a46_user, lines):
    client.force_login(a46_user)
    response = client.get(reverse("funding:budget_list"), {"year": "2021", "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename=\"haushalt-kim.xlsx\"; filename*=UTF-8''haushalt-kim.xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["Jahr", "Teilprodukt", "Sachkonto"] and header[-1] == "Ist (Zahlungen)"
    values = {row[2]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["414100"][0] == 2021 and values["414100"][5] == 570000 and values["414100"][8] == 265000
    assert values["531800"][8] == 55000


def test_carriers_cannot_export_the_budget(client, carrier_a_user, lines):
    client.force_login(carrier_a_user)
    assert client.get(reverse("funding:budget_list"), {"export": "xlsx"}).status_code == 403
