"""Payments: Land → county receipts, county → carrier instalments, balances, overdue, refusals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.controlling.selectors import contracts_with_balances, grants_with_balances
from funding.controlling.services import carrier_payment_save, land_receipt_save
from funding.models import CarrierPayment, ForwardingContract, LandReceipt
from kim.money import round_money
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
OVERVIEW = reverse("funding:controlling_payments")


def instalments(contract, paid_quarters: int):
    """Four quarterly instalments of 13.750 € (55.000 / 4), the first ``paid_quarters`` paid on their due date."""
    for q, due in enumerate([date(2021, 1, 15), date(2021, 4, 15), date(2021, 7, 15), date(2021, 10, 15)]):
        carrier_payment_save(
            contract=contract, data={"due_on": due, "amount": D("13750"), "paid_on": due if q < paid_quarters else None}
        )


def test_balances_per_contract_and_grant(paper_2020_0354):
    paper = paper_2020_0354
    land_receipt_save(
        grant=paper.grant, data={"received_on": date(2021, 3, 1), "amount": D("165000"), "reference": "1. Rate"}
    )
    instalments(paper.forwardings[0], paid_quarters=2)

    contract = contracts_with_balances(
        contracts=ForwardingContract.objects.filter(pk=paper.forwardings[0].pk), today=date(2021, 8, 1)
    ).get()
    assert round_money(contract.planned) == D("55000.00")  # 4 × 13.750
    assert round_money(contract.paid) == D("27500.00")  # 2 × 13.750
    assert round_money(contract.balance) == D("27500.00")  # 55.000 − 27.500
    assert round_money(contract.overdue) == D("13750.00")  # 15.07. unpaid on 01.08.; 15.10. not yet due

    grant = grants_with_balances(year=2021).get()
    assert round_money(grant.received) == D("165000.00")
    assert round_money(grant.open_from_land) == D("165000.00")  # 330.000 − 165.000
    assert round_money(grant.forwarded) == D("275000.00")  # 5 × 55.000
    assert round_money(grant.paid_out) == D("27500.00")


def test_an_instalment_above_the_contract_is_refused_at_the_amount_field(client, a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    instalments(contract, paid_quarters=0)
    client.force_login(a46_user)
    response = client.post(
        reverse("funding:controlling_payment_create", args=[contract.pk]), {"due_on": "15.12.2021", "amount": "0,01"}
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["amount"]
    assert (
        message
        == "Über dem Vertrag: Der Vertrag umfasst 55.000,00\u00a0€, geplant oder gezahlt sind bereits 55.000,00\u00a0€; höchstens 0,00\u00a0€ sind noch möglich."
    )
    assert CarrierPayment.objects.count() == 4


def test_receipts_above_the_grant_are_refused(paper_2020_0354):
    from django.core.exceptions import ValidationError

    land_receipt_save(grant=paper_2020_0354.grant, data={"received_on": date(2021, 3, 1), "amount": D("330000")})
    with pytest.raises(ValidationError) as exc:
        land_receipt_save(grant=paper_2020_0354.grant, data={"received_on": date(2021, 9, 1), "amount": D("1")})
    assert "Zu viel" in exc.value.message_dict["amount"][0]
    assert LandReceipt.objects.count() == 1


def test_the_overview_highlights_overdue_instalments(client, a46_user, paper_2020_0354):
    instalments(paper_2020_0354.forwardings[0], paid_quarters=1)  # due dates in 2021 are all past today
    client.force_login(a46_user)
    response = client.get(OVERVIEW, {"year": 2021})
    html = response.content.decode()
    assert 'class="overdue"' in html and "überfällig" in html
    assert len(response.context["overdue"]) == 3
    assert response.context["totals"].paid == D("13750.00")
    assert "2.021" not in html


def test_carriers_see_only_their_own_contracts_and_no_grants(client, paper_2020_0354, carrier_a_user):
    client.force_login(carrier_a_user)
    response = client.get(OVERVIEW, {"year": 2021})
    assert [c.carrier for c in response.context["contracts"]] == [paper_2020_0354.carriers[0]]
    assert response.context["grants"] == []
    other = paper_2020_0354.forwardings[1]
    assert client.get(reverse("funding:controlling_contract_payments", args=[other.pk])).status_code == 404
    assert (
        client.get(
            reverse("funding:controlling_contract_payments", args=[paper_2020_0354.forwardings[0].pk])
        ).status_code
        == 200
    )


def test_carriers_and_read_only_users_may_not_record_payments(client, paper_2020_0354, carrier_a_user, readonly_user):
    contract = paper_2020_0354.forwardings[0]
    for user in (carrier_a_user, readonly_user):
        client.force_login(user)
        response = client.post(
            reverse("funding:controlling_payment_create", args=[contract.pk]), {"due_on": "15.01.2021", "amount": "100"}
        )
        assert response.status_code == 403
    assert CarrierPayment.objects.count() == 0


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get(OVERVIEW).status_code == 302


def test_the_overview_runs_a_fixed_number_of_queries(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    instalments(paper_2020_0354.forwardings[0], paid_quarters=1)
    one = count_queries(client, OVERVIEW, {"year": 2021})
    for contract in paper_2020_0354.forwardings[1:4]:
        instalments(contract, paid_quarters=2)
    land_receipt_save(grant=paper_2020_0354.grant, data={"received_on": date(2021, 3, 1), "amount": D("100")})
    assert count_queries(client, OVERVIEW, {"year": 2021}) == one


def test_the_contract_page_runs_a_fixed_number_of_queries(client, a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    url = reverse("funding:controlling_contract_payments", args=[contract.pk])
    client.force_login(a46_user)
    carrier_payment_save(contract=contract, data={"due_on": date(2021, 1, 15), "amount": D("100")})
    one = count_queries(client, url)
    for month in (2, 3, 4):
        carrier_payment_save(
            contract=contract,
            data={"due_on": date(2021, month, 15), "amount": D("100"), "paid_on": date(2021, month, 15)},
        )
    assert count_queries(client, url) == one
