"""Cancelling (Storno) grant notices, forwarding contracts and carrier payments: a required reason, the
version of the page, a history entry; the record stays visible and is out of every total.

Expected figures are hand calculations on paper 2020/0354 for 2021 (conftest ``paper_2020_0354``):
five carrier contracts of min(64.000 €, 55.000 € × 1,0) = 55.000 € each, 275.000 € forwarded from a
notice of 330.000 €. Cancelling one contract leaves 4 × 55.000 € = 220.000 €."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemanagement.selectors import funded_fte_by_carrier
from committee.figures import FIGURES
from funding.controlling import budget
from funding.controlling import selectors as cs
from funding.controlling.services import carrier_payment_cancel, carrier_payment_save
from funding.forms import ForwardingForm
from funding.models import CarrierPayment, ForwardingContract, GrantNotice
from funding.selectors import forwarded_for_grant, forwarded_total, funding_by_module
from funding.services import forwarding_cancel, forwarding_save, grant_cancel, grant_save

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"
REASON = "Doppelt erfasst (Vertrag lag bereits vor)"


def euro(text: str) -> str:
    return f"{text}{NBSP}€"


def cancel_url(contract: ForwardingContract) -> str:
    return reverse("funding:forwarding_cancel", args=[contract.pk])


def test_cancelling_one_contract_takes_exactly_its_amount_out_of_the_dashboard(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    before = client.get(reverse("dashboard"), {"year": 2021}).context
    assert before["forwarded_total"] == D("275000.00")
    assert before["forwarding_count"] == 5
    contract = paper_2020_0354.forwardings[0]
    assert contract.amount == D("55000.00")

    response = client.post(cancel_url(contract), {"version": contract.version, "reason": REASON})
    assert response.status_code == 302

    after = client.get(reverse("dashboard"), {"year": 2021})
    # 275.000 € − 55.000 € = 220.000 € (4 × 55.000 €)
    assert after.context["forwarded_total"] == D("220000.00")
    assert after.context["forwarding_count"] == 4
    assert euro("220.000,00") in after.content.decode()


def test_a_cancelled_contract_is_in_no_other_total_either(a46_user, paper_2020_0354):
    paper = paper_2020_0354
    contract = paper.forwardings[0]
    forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    assert forwarded_total(year=2021) == D("220000.00")
    assert forwarded_for_grant(grant=paper.grant) == D("220000.00")
    assert budget.forwarded_totals(years=[2021]) == {2021: D("220000.00")}
    assert FIGURES["forwarded_total"].compute(2021) == D("220000.00")
    # flow page: module 2 keeps 330.000 − 220.000 = 110.000 € for the county's own post
    flow = cs.programme_flow(year=2021)
    assert sum(r.amount for r in flow.rows if r.carrier is not None) == D("220000.00")
    assert next(r for r in flow.rows if r.carrier is None).amount == D("110000.00")
    # payments page: only contracts in force, 4 × 55.000 €
    contracts = list(cs.contracts_with_balances(contracts=ForwardingContract.objects.filter(year=2021).in_force()))
    assert len(contracts) == 4
    grant_row = cs.grants_with_balances(year=2021).get(pk=paper.grant.pk)
    assert grant_row.forwarded == D("220000.00")


def test_the_cancelled_contract_stays_visible_with_date_person_and_reason(client, a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    client.force_login(a46_user)
    detail = client.get(contract.get_absolute_url()).content.decode()
    today = date.today().strftime("%d.%m.%Y")
    assert f"storniert am {today} von {a46_user.get_full_name() or a46_user.username}, Grund: {REASON}" in detail
    assert reverse("funding:forwarding_edit", args=[contract.pk]) not in detail
    listing = client.get(reverse("funding:forwarding_list"), {"year": 2021})
    html = listing.content.decode()
    assert contract.reference in html and "storniert" in html
    # the list's sum leaves it out: 4 × 55.000 €
    assert listing.context["total"] == D("220000.00")


def test_cancelling_writes_a_history_entry_naming_who(a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    newest = contract.history.order_by("-history_date", "-history_id").first()
    assert newest.cancelled_at is not None
    assert newest.cancel_reason == REASON
    assert newest.history_user == a46_user


def test_a_reason_is_required_and_nothing_is_cancelled_without_one(client, a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    client.force_login(a46_user)
    for reason in ("", "   ", "abc"):
        response = client.post(cancel_url(contract), {"version": contract.version, "reason": reason})
        assert response.status_code == 200
        assert "Bitte einen Grund für die Stornierung angeben" in response.content.decode()
    contract.refresh_from_db()
    assert contract.cancelled_at is None


def test_an_outdated_page_cancels_nothing(client, a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    client.force_login(a46_user)
    stale = contract.version
    forwarding_save(contract=contract, data={"reference": "WV-geändert"}, user=a46_user)
    response = client.post(cancel_url(contract), {"version": stale, "reason": REASON})
    assert response.status_code == 200
    assert "inzwischen" in response.content.decode()
    contract.refresh_from_db()
    assert contract.cancelled_at is None


@pytest.mark.parametrize("value", ["", "-1", "1e309", "NaN", "9" * 40, "<script>alert(1)</script>", "\x00", "２"])
def test_hostile_values_in_the_cancel_form_never_give_a_500(client, a46_user, paper_2020_0354, value):
    contract = paper_2020_0354.forwardings[0]
    client.force_login(a46_user)
    response = client.post(cancel_url(contract), {"version": value, "reason": value})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    contract.refresh_from_db()
    assert contract.cancelled_at is None


def test_a_cancelled_contract_cannot_be_edited_or_cancelled_again(a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    contract = forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    with pytest.raises(ValidationError, match="storniert"):
        forwarding_save(contract=contract, data={"reference": "neu"}, user=a46_user)
    with pytest.raises(ValidationError, match="bereits storniert"):
        forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)


def test_a_corrected_contract_can_replace_the_cancelled_one_for_the_same_post_and_day(a46_user, paper_2020_0354):
    paper = paper_2020_0354
    contract = paper.forwardings[0]
    forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    again = forwarding_save(
        data={
            "grant": paper.grant,
            "post": contract.post,
            "reference": "WV-neu",
            "start": contract.start,
            "end": contract.end,
        },
        user=a46_user,
    )
    assert again.amount == D("55000.00")
    assert forwarded_total(year=2021) == D("275000.00")


def test_cancelling_a_contract_cancels_its_planned_instalments(a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    planned = carrier_payment_save(contract=contract, data={"due_on": date(2021, 3, 1), "amount": D("27500")})
    contract.refresh_from_db()
    forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    planned.refresh_from_db()
    assert planned.cancelled_at is not None
    assert REASON in planned.cancel_reason


def test_a_contract_with_paid_instalments_is_cancelled_only_after_those(a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    paid = carrier_payment_save(
        contract=contract, data={"due_on": date(2021, 3, 1), "amount": D("27500"), "paid_on": date(2021, 3, 2)}
    )
    contract.refresh_from_db()
    with pytest.raises(ValidationError, match="bereits 1 Abschläge gezahlt"):
        forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    carrier_payment_cancel(payment=paid, reason="Rückforderung gebucht", version=paid.version, user=a46_user)
    contract.refresh_from_db()
    forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)


def test_a_cancelled_payment_is_out_of_paid_and_planned(a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    first = carrier_payment_save(
        contract=contract, data={"due_on": date(2021, 3, 1), "amount": D("27500"), "paid_on": date(2021, 3, 2)}
    )
    carrier_payment_save(
        contract=contract, data={"due_on": date(2021, 9, 1), "amount": D("27500"), "paid_on": date(2021, 9, 2)}
    )
    row = cs.contracts_with_balances(contracts=ForwardingContract.objects.filter(pk=contract.pk)).get()
    assert (row.planned, row.paid) == (D("55000.00"), D("55000.00"))
    carrier_payment_cancel(payment=first, reason="Zahlung zurückgebucht", version=first.version, user=a46_user)
    row = cs.contracts_with_balances(contracts=ForwardingContract.objects.filter(pk=contract.pk)).get()
    # 55.000 − 27.500 = 27.500 € paid; balance 55.000 − 27.500 = 27.500 €
    assert (row.planned, row.paid, row.balance) == (D("27500.00"), D("27500.00"), D("27500.00"))
    # the freed amount can be planned again: 27.500 + 27.500 = 55.000 € ≤ contract
    carrier_payment_save(contract=contract, data={"due_on": date(2021, 10, 1), "amount": D("27500")})


def test_the_payment_cancel_page_marks_the_row(client, a46_user, paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    payment = carrier_payment_save(contract=contract, data={"due_on": date(2021, 3, 1), "amount": D("27500")})
    client.force_login(a46_user)
    url = reverse("funding:controlling_payment_cancel", args=[contract.pk, payment.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"version": payment.version, "reason": "irrtümlich geplant"}).status_code == 302
    html = client.get(reverse("funding:controlling_contract_payments", args=[contract.pk])).content.decode()
    assert "irrtümlich geplant" in html and "storniert" in html
    assert CarrierPayment.objects.in_force().filter(contract=contract).count() == 0


def test_a_grant_is_cancelled_only_once_no_contract_in_force_hangs_on_it(a46_user, paper_2020_0354):
    paper = paper_2020_0354
    grant = paper.grant
    with pytest.raises(ValidationError, match="zuerst diese Verträge stornieren"):
        grant_cancel(grant=grant, reason=REASON, version=grant.version, user=a46_user)
    for contract in paper.forwardings:
        contract.refresh_from_db()
        forwarding_cancel(contract=contract, reason=REASON, version=contract.version, user=a46_user)
    # the five carriers' posts are funded 1,0 VZÄ each for the whole of 2021 until the notice is cancelled
    assert sorted(funded_fte_by_carrier(year=2021).values()) == [D("1.000")] * 5
    grant.refresh_from_db()
    grant_cancel(grant=grant, reason="Bescheid vom Land aufgehoben", version=grant.version, user=a46_user)
    assert funded_fte_by_carrier(year=2021) == {}
    module2 = next(m for m in funding_by_module(year=2021) if m.programme.pk == paper.programme.pk)
    # the only 2021 notice of module 2 (330.000 €) is cancelled: nothing granted, nothing forwarded
    assert module2.granted == D("0")
    assert forwarded_total(year=2021) == D("0.00")
    # no longer offered for a new contract, and not editable
    assert grant not in ForwardingForm().fields["grant"].queryset
    grant.refresh_from_db()
    with pytest.raises(ValidationError, match="storniert"):
        grant_save(grant=grant, data={"amount": D("1")}, user=a46_user)
    assert GrantNotice.objects.cancelled().get() == grant


@pytest.mark.parametrize("username", ["committee_user", "readonly_user"])
def test_only_a46_cancels(client, request, paper_2020_0354, username):
    contract = paper_2020_0354.forwardings[0]
    client.force_login(request.getfixturevalue(username))
    assert client.get(cancel_url(contract)).status_code == 403
    assert client.post(cancel_url(contract), {"version": contract.version, "reason": REASON}).status_code == 403
    contract.refresh_from_db()
    assert contract.cancelled_at is None


def test_a_carrier_cannot_cancel_even_its_own_contract(client, carrier_a_user, paper_2020_0354):
    contract = next(c for c in paper_2020_0354.forwardings if c.carrier_id == carrier_a_user.organisation_id)
    client.force_login(carrier_a_user)
    assert client.post(cancel_url(contract), {"version": contract.version, "reason": REASON}).status_code == 403
    contract.refresh_from_db()
    assert contract.cancelled_at is None


def test_anonymous_is_sent_to_the_login(client, paper_2020_0354):
    response = client.get(cancel_url(paper_2020_0354.forwardings[0]))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]
