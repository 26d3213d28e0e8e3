"""Guided step (issue 16): a contract refused for a missing cost plan links to creating the plan
(post and year pre-filled); after saving it the contract form comes back with the typed values."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from funding.models import CostPlan, ForwardingContract
from tests import factories as f
from tests.form_values import kept_values

pytestmark = pytest.mark.django_db


def test_a_contract_refused_for_a_missing_cost_plan_leads_to_the_plan_and_back(client, a46_user):
    grant = f.GrantNoticeFactory()
    f.RateFactory(programme=grant.programme)
    post = f.CarrierPostFactory(title="Case Management Alsdorf")
    f.GrantAllocationFactory(grant=grant, post=post)
    client.force_login(a46_user)
    typed = {
        "grant": grant.pk,
        "post": post.pk,
        "reference": "WL-2021-07",
        "signed_on": "20.01.2021",
        "start": "01.01.2021",
        "end": "31.12.2021",
    }
    response = client.post(reverse("funding:forwarding_create"), typed)
    assert response.status_code == 200 and not ForwardingContract.objects.exists()
    assert "kein Kostenplan des Trägers vor" in response.content.decode()
    link = response.context["prerequisite"]["url"]
    url = urlsplit(link)
    assert url.path == reverse("funding:costplan_create")
    query = parse_qs(url.query)
    assert query["post"] == [str(post.pk)] and query["year"] == ["2021"]

    form = client.get(link).context["form"]
    assert (str(form["post"].value()), str(form["year"].value())) == (str(post.pk), "2021")
    saved = client.post(
        link, {"post": post.pk, "year": 2021, "personnel": "64.000,00", "material_overhead": "6.000,00"}
    )
    assert CostPlan.objects.filter(post=post, year=2021).exists()
    back = saved["Location"]
    assert back.startswith(reverse("funding:forwarding_create") + "?")

    form = client.get(back).context["form"]
    shown, typed_values = kept_values(form, typed)
    assert shown == typed_values
    client.post(reverse("funding:forwarding_create"), typed)
    contract = ForwardingContract.objects.get()
    assert contract.amount == 55000  # min(64.000 € personnel, 55.000 € × 1,0 VZÄ)


def test_the_cost_plan_form_returns_only_to_a_local_address(client, a46_user):
    post = f.CarrierPostFactory()
    client.force_login(a46_user)
    url = reverse("funding:costplan_create") + "?next=https://example.org/"
    saved = client.post(url, {"post": post.pk, "year": 2021, "personnel": "64.000,00", "material_overhead": "0,00"})
    assert saved["Location"] == CostPlan.objects.get().get_absolute_url()
