"""Cancelling one of the demo's 2020 contracts (paper 2020/0354: 01.07.–31.12.2020, min(64.000, 55.000) × 6/12
= 27.500,00 € each, five of them = 137.500,00 €) takes exactly its amount out of the dashboard's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.controlling.services import carrier_payment_cancel
from funding.models import CarrierPayment, ForwardingContract
from kim.models import User

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"


def test_cancelling_a_demo_contract_drops_the_forwarded_total_by_27500(client, demo):
    a46 = User.objects.get(username="a46")
    client.force_login(a46)
    before = client.get(reverse("dashboard"), {"year": 2020}).context
    assert before["forwarded_total"] == D("137500.00")
    assert before["forwarding_count"] == 5
    contract = ForwardingContract.objects.filter(year=2020).order_by("pk").first()
    assert contract.amount == D("27500.00")
    # instalments already paid are booked back first (the service refuses otherwise)
    for payment in CarrierPayment.objects.filter(contract=contract, paid_on__isnull=False):
        carrier_payment_cancel(payment=payment, reason="Rückforderung gebucht", version=payment.version, user=a46)
    contract.refresh_from_db()
    response = client.post(
        reverse("funding:forwarding_cancel", args=[contract.pk]),
        {"version": contract.version, "reason": "Vertrag doppelt erfasst"},
    )
    assert response.status_code == 302
    after = client.get(reverse("dashboard"), {"year": 2020})
    # 137.500,00 − 27.500,00 = 110.000,00 € (4 × 27.500,00 €)
    assert after.context["forwarded_total"] == D("110000.00")
    assert after.context["forwarding_count"] == 4
    assert f"110.000,00{NBSP}€" in after.content.decode()
    # 2021 is untouched: 5 × 55.000,00 € = 275.000,00 €
    assert client.get(reverse("dashboard"), {"year": 2021}).context["forwarded_total"] == D("275000.00")
