"""The repayment-risk page has an export (issue 16): every funded post of the year with typed cells."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_the_risk_page_exports_every_funded_post_with_numbers(client, a46_user, late_posts):
    late_posts(1)
    client.force_login(a46_user)
    url = reverse("funding:controlling_risks")
    assert "export=xlsx" in client.get(url, {"year": 2021}).content.decode()

    response = client.get(url, {"year": 2021, "export": "xlsx"})
    assert "filename*=UTF-8''r%C3%BCckforderungsrisiken-2021.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, ws[2], strict=True))
    assert ws.title == "Rückforderungsrisiken 2021" and ws.max_row == 2
    assert row["Stelle"].value == "Case Management spät 0"
    assert row["Modul"].value == 2 and row["Modul"].data_type == "n"
    # received: the whole 2021 grant of 55.000 €; eligible: 55.000 € × 184 days (01.07.–31.12.) / 365
    # = 27.726,027… → 27.726,03 €; difference 55.000,00 − 27.726,03 = 27.273,97 €
    assert row["erhalten"].value == 55000 and "€" in row["erhalten"].number_format
    assert Decimal(str(row["förderfähig"].value)) == Decimal("27726.03")
    assert Decimal(str(row["Differenz"].value)) == Decimal("27273.97")
    assert row["Rückforderungsrisiko"].value == "ja"

    lines = list(
        csv.reader(
            io.StringIO(client.get(url, {"year": 2021, "export": "csv"}).content.decode("utf-8-sig")), delimiter=";"
        )
    )
    assert lines[1][header.index("Differenz")] == "27273,97"
