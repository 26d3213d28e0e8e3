"""The list of instalments to the carriers (/finanzen/zahlungen/liste/): filters, cancelled instalments
marked and out of the sums, carriers see their own, and its export re-imports unchanged (issue 15, item 4)."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from funding.controlling.services import carrier_payment_cancel, carrier_payment_save
from funding.imports import PaymentImport
from funding.models import CarrierPayment
from kim.imports import UNCHANGED, run_import

pytestmark = pytest.mark.django_db
D = Decimal
URL = "funding:controlling_payment_list"


@pytest.fixture
def payments(paper_2020_0354, a46_user):
    """Carrier A's contract (55.000 €): two halves, the first paid; carrier B's: 20.000 € open; the third
    carrier's: 100 € planned in error and cancelled."""
    a, b, c = paper_2020_0354.forwardings[:3]
    first = carrier_payment_save(
        contract=a, data={"due_on": date(2021, 1, 15), "amount": D("27500.00"), "paid_on": date(2021, 1, 20)}
    )
    second = carrier_payment_save(contract=a, data={"due_on": date(2021, 7, 15), "amount": D("27500.00")})
    third = carrier_payment_save(contract=b, data={"due_on": date(2021, 3, 1), "amount": D("20000.00")})
    wrong = carrier_payment_save(contract=c, data={"due_on": date(2021, 2, 1), "amount": D("100.00")})
    wrong = carrier_payment_cancel(payment=wrong, reason="doppelt erfasst", version=wrong.version, user=a46_user)
    return {"first": first, "second": second, "third": third, "wrong": wrong, "contracts": (a, b, c)}


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_export_has_exactly_the_import_columns_and_reimports_unchanged(client, a46_user, payments):
    client.force_login(a46_user)
    exported = client.get(reverse(URL) + "?export=xlsx")
    rows = sheet_rows(exported)
    assert rows[0] == [f.header for f in PaymentImport.fields]
    assert rows[0] == ["Modul", "Stelle", "Vertrag ab", "fällig am", "Betrag", "gezahlt am"]
    # the cancelled instalment is not exported (a re-import would enter it again)
    assert len(rows) == 4
    before = list(CarrierPayment.objects.order_by("pk").values())
    result = run_import(PaymentImport(), exported.content, user=a46_user, commit=True)
    assert result.errors == []
    assert [r.status for r in result.rows] == [UNCHANGED, UNCHANGED, UNCHANGED]
    assert list(CarrierPayment.objects.order_by("pk").values()) == before


def test_the_csv_export_reimports_unchanged_too(client, a46_user, payments):
    client.force_login(a46_user)
    exported = client.get(reverse(URL) + "?export=csv&year=2021")
    assert exported.status_code == 200
    result = run_import(PaymentImport(), exported.content, user=a46_user, commit=False)
    assert result.errors == []
    assert [r.status for r in result.rows] == [UNCHANGED, UNCHANGED, UNCHANGED]


def test_cancelled_instalment_is_listed_struck_through_and_out_of_the_sums(client, a46_user, payments):
    client.force_login(a46_user)
    response = client.get(reverse(URL))
    html = response.content.decode()
    assert "<del>100,00\u00a0€</del>" in html  # format_euro: no break before the sign
    assert "doppelt erfasst" in html
    totals = response.context["totals"]
    # in force: 27.500 + 27.500 + 20.000 = 75.000 € planned or paid, 27.500 € paid, 75.000 − 27.500 = 47.500 € open
    assert (totals["count"], totals["planned"], totals["paid"], totals["open"]) == (
        3,
        D("75000.00"),
        D("27500.00"),
        D("47500.00"),
    )
    assert response.context["left_out"] == 1
    assert "75.000,00\u00a0€" in html and "47.500,00\u00a0€" in html


def test_filters_year_carrier_paid_open_and_cancelled(client, a46_user, payments, carrier_b):
    client.force_login(a46_user)

    def pks(**params) -> set[int]:
        response = client.get(reverse(URL), params)
        assert response.status_code == 200
        return {row.record.pk for row in response.context["table"].page.object_list}

    first, second, third, wrong = (payments[k].pk for k in ("first", "second", "third", "wrong"))
    assert pks() == {first, second, third, wrong}
    assert pks(year=2021) == {first, second, third, wrong}
    assert pks(year=2022) == set()
    assert pks(carrier=carrier_b.pk) == {third}
    assert pks(status="paid") == {first}
    assert pks(status="open") == {second, third, wrong}
    assert pks(storno="cancelled") == {wrong}
    assert pks(storno="in_force") == {first, second, third}
    assert pks(status="open", storno="in_force") == {second, third}


def test_a_carrier_sees_and_exports_only_its_own_instalments(client, carrier_a_user, payments, carrier_b):
    client.force_login(carrier_a_user)
    response = client.get(reverse(URL))
    html = response.content.decode()
    a, b, _c = payments["contracts"]
    assert {row.record.pk for row in response.context["table"].page.object_list} == {
        payments["first"].pk,
        payments["second"].pk,
    }
    assert b.post.title not in html
    assert str(carrier_b) not in html  # not in the recipient dropdown either
    rows = sheet_rows(client.get(reverse(URL) + f"?export=xlsx&carrier={carrier_b.pk}"))
    assert all(row[1] == a.post.title for row in rows[1:])


def test_a_carrier_page_runs_the_same_number_of_queries_for_one_and_three_rows(client, carrier_a_user, paper_2020_0354):
    a, b = paper_2020_0354.forwardings[:2]
    client.force_login(carrier_a_user)
    url = reverse(URL)

    def add(contract, month: int) -> None:
        carrier_payment_save(contract=contract, data={"due_on": date(2021, month, 1), "amount": D("1000.00")})

    add(a, 1)
    add(b, 1)  # another carrier's row neither shows nor costs a query
    client.get(url)

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    one = count()
    add(a, 2)
    add(a, 3)
    assert count() == one
