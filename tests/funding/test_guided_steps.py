"""Guided steps (issue 16): the post page and the notice page offer the next steps as buttons that
open pre-filled forms (occupancy, allocation, cost plan, contract); a refusal naming a missing
prerequisite links to creating it and comes back with the typed input kept. Only A 46 sees them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from funding.models import ForwardingContract, GrantAllocation
from tests import factories as f
from tests.form_values import browser_values, kept_values
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def setting_up():
    """A 2021 module 2 notice (1,0 VZÄ, rate 55.000 €) and a new 1,0 carrier post 01.04.2021–31.12.2022."""
    grant = f.GrantNoticeFactory(reference="AZ-2021-NEU", approved_fte=D("1.000"), amount=D("55000.00"))
    f.RateFactory(programme=grant.programme, year=2021, amount_per_fte=D("55000"))
    post = f.CarrierPostFactory(
        module=grant.programme.module,
        title="Case Management Baesweiler",
        start=date(2021, 4, 1),
        end=date(2022, 12, 31),
    )
    return grant, post


def steps(response) -> list[tuple[str, str]]:
    return [(s.label, s.url) for s in response.context.get("next_steps") or []]


def form_of(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]


def test_a_new_post_is_set_up_by_following_its_next_steps(client, a46_user, setting_up):
    grant, post = setting_up
    client.force_login(a46_user)
    page = client.get(post.get_absolute_url())
    [(occupy_label, occupy_url), (allocate_label, allocate_url)] = steps(page)
    assert (occupy_label, allocate_label) == ("Besetzung erfassen", "Einem Förderbescheid zuordnen")
    assert "Nächste Schritte" in page.content.decode()

    form = form_of(client, occupy_url)
    assert (form["start"].value(), form["end"].value(), form["fte"].value()) == (
        date(2021, 4, 1),
        date(2022, 12, 31),
        "1,0",
    )

    # the notices of the post's module whose period meets its term: the one of 2021
    choose = client.get(allocate_url)
    [(notice, url)] = choose.context["choices"]
    assert notice == grant
    form = form_of(client, url)
    # the overlap of the notice (01.01.–31.12.2021) and the post (from 01.04.2021): 01.04.–31.12.2021
    assert (str(form["post"].value()), form["fte"].value(), form["start"].value(), form["end"].value()) == (
        str(post.pk),
        "1,0",
        date(2021, 4, 1),
        date(2021, 12, 31),
    )
    assert client.post(url, browser_values(form)).status_code == 302
    allocation = GrantAllocation.objects.get(post=post)
    assert (allocation.fte, allocation.start, allocation.end) == (D("1.000"), date(2021, 4, 1), date(2021, 12, 31))

    # allocated, no cost plan for 2021 yet: the plan comes first and opens the contract afterwards
    page = client.get(post.get_absolute_url())
    labels = [label for label, _url in steps(page)]
    assert labels == ["Besetzung erfassen", "Kostenplan 2021 für „Case Management Baesweiler“ anlegen"]
    plan_url = steps(page)[1][1]
    form = form_of(client, plan_url)
    assert (str(form["post"].value()), str(form["year"].value())) == (str(post.pk), "2021")
    saved = client.post(plan_url, {**browser_values(form), "personnel": "48.000,00", "material_overhead": "4.500,00"})
    contract_url = saved["Location"]
    assert urlsplit(contract_url).path == reverse("funding:forwarding_create")
    form = form_of(client, contract_url)
    assert {n: str(form[n].value()) for n in ("grant", "post", "start", "end")} == {
        "grant": str(grant.pk),
        "post": str(post.pk),
        "start": str(date(2021, 4, 1)),
        "end": str(date(2021, 12, 31)),
    }
    assert client.post(contract_url, browser_values(form)).status_code == 302
    contract = ForwardingContract.objects.get(post=post)
    # the test programme counts days: 01.04.–31.12.2021 is 275 of 365 days;
    # min(48.000 € personnel, 55.000 € × 1,0 VZÄ × 275/365 = 41.438,356… €) = 41.438,36 €
    assert contract.amount == D("41438.36")
    assert [label for label, _url in steps(client.get(post.get_absolute_url()))] == ["Besetzung erfassen"]


def test_the_notice_page_offers_a_contract_for_each_allocated_carrier_post(client, a46_user, setting_up):
    grant, post = setting_up
    grant.approved_fte = D("2.000")
    grant.save()
    planned = f.CarrierPostFactory(module=grant.programme.module, title="Case Management Würselen")
    f.CostPlanFactory(post=planned, year=2021)
    f.GrantAllocationFactory(grant=grant, post=planned)
    f.GrantAllocationFactory(grant=grant, post=post, start=date(2021, 4, 1))
    f.GrantAllocationFactory(grant=grant, post=f.CountyPostFactory(module=grant.programme.module))  # own post
    client.force_login(a46_user)
    page = client.get(grant.get_absolute_url())
    found = dict(steps(page))
    assert sorted(found) == [
        "Kostenplan 2021 für „Case Management Baesweiler“ anlegen",
        "Weiterleitungsvertrag 2021 für „Case Management Würselen“ anlegen",
    ]
    contract = urlsplit(found["Weiterleitungsvertrag 2021 für „Case Management Würselen“ anlegen"])
    assert parse_qs(contract.query) == {
        "grant": [str(grant.pk)],
        "post": [str(planned.pk)],
        "start": ["01.01.2021"],
        "end": ["31.12.2021"],
    }
    plan = parse_qs(urlsplit(found["Kostenplan 2021 für „Case Management Baesweiler“ anlegen"]).query)
    assert plan["post"] == [str(post.pk)] and plan["year"] == ["2021"]
    assert urlsplit(plan["next"][0]).path == reverse("funding:forwarding_create")


def test_carriers_and_read_only_users_see_no_step_they_cannot_use(client, carrier_a, readonly_user, setting_up):
    _grant, _post = setting_up
    own = f.CarrierPostFactory(employer=carrier_a, title="CM eigene Stelle")
    client.force_login(f.CarrierUserFactory(organisation=carrier_a))
    page = client.get(own.get_absolute_url())
    assert page.status_code == 200 and "next_steps" not in page.context
    assert "Nächste Schritte" not in page.content.decode()
    assert client.get(reverse("funding:allocation_choose", args=[own.pk])).status_code == 403
    client.force_login(readonly_user)
    page = client.get(own.get_absolute_url())
    assert "Nächste Schritte" not in page.content.decode()
    assert client.get(reverse("funding:allocation_choose", args=[own.pk])).status_code == 403


def test_values_in_the_address_that_the_form_refuses_are_left_out(client, a46_user, setting_up):
    grant, _post = setting_up
    other_module = f.CarrierPostFactory(module=f.ModuleFactory(number=3))
    client.force_login(a46_user)
    url = reverse("funding:allocation_create", args=[grant.pk])
    response = client.get(url, {"post": other_module.pk, "fte": "viel", "start": "31.02.2021", "end": "<b>"})
    form = response.context["form"]
    assert form["post"].value() is None and form["fte"].value() is None
    assert (form["start"].value(), form["end"].value()) == (date(2021, 1, 1), date(2021, 12, 31))  # the notice's
    assert not form.errors and "&lt;b&gt;" not in response.content.decode()


def test_a_contract_refused_for_a_missing_allocation_leads_to_allocating_and_back(client, a46_user, setting_up):
    grant, post = setting_up
    f.CostPlanFactory(post=post, year=2021)
    client.force_login(a46_user)
    typed = {"grant": grant.pk, "post": post.pk, "reference": "WL-2021-12", "start": "01.04.2021", "end": "31.12.2021"}
    response = client.post(reverse("funding:forwarding_create"), typed)
    assert response.status_code == 200 and not ForwardingContract.objects.exists()
    assert "ist dem Bescheid" in response.context["form"].errors["post"][0], response.context["form"].errors
    link = response.context["prerequisite"]["url"]
    assert urlsplit(link).path == reverse("funding:allocation_create", args=[grant.pk])
    assert str(response.context["prerequisite"]["label"]) in response.content.decode()

    form = form_of(client, link)
    assert (str(form["post"].value()), form["fte"].value(), form["start"].value()) == (
        str(post.pk),
        "1,0",
        date(2021, 4, 1),
    )
    saved = client.post(link, browser_values(form))
    back = saved["Location"]
    assert urlsplit(back).path == reverse("funding:forwarding_create")
    form = form_of(client, back)
    shown, typed_values = kept_values(form, typed)
    assert shown == typed_values
    assert client.post(back, browser_values(form)).status_code == 302
    # 55.000 € × 1,0 × 275/365 days = 41.438,36 €, below the 64.000 € personnel of the plan
    assert ForwardingContract.objects.get().amount == D("41438.36")


def test_an_allocation_beyond_the_notice_vzae_leads_to_the_notice_and_back(client, a46_user, setting_up):
    grant, post = setting_up
    f.GrantAllocationFactory(grant=grant, post=f.CarrierPostFactory(module=grant.programme.module))  # 1,0 of 1,0
    client.force_login(a46_user)
    url = reverse("funding:allocation_create", args=[grant.pk])
    typed = {"post": post.pk, "fte": "1,0", "start": "01.04.2021", "end": "31.12.2021"}
    response = client.post(url, typed)
    assert "Der Bescheid bewilligt nur 1,0 VZÄ" in response.content.decode()
    link = response.context["prerequisite"]["url"]
    assert urlsplit(link).path == reverse("funding:grant_edit", args=[grant.pk])

    form = form_of(client, link)
    saved = client.post(link, {**browser_values(form), "approved_fte": "2,0", "amount": "110.000,00"})
    back = saved["Location"]
    assert urlsplit(back).path == url
    form = form_of(client, back)
    shown, typed_values = kept_values(form, typed)
    assert shown == typed_values
    assert client.post(back, browser_values(form)).status_code == 302
    assert GrantAllocation.objects.filter(grant=grant).count() == 2


def test_the_step_pages_run_a_fixed_number_of_queries(client, a46_user, setting_up):
    grant, post = setting_up
    client.force_login(a46_user)
    choose = reverse("funding:allocation_choose", args=[post.pk])
    one = count_queries(client, choose)
    for i in (2, 3):
        f.GrantNoticeFactory(programme=grant.programme, reference=f"AZ-{i}")
    assert count_queries(client, choose) == one
    assert len(client.get(choose).context["choices"]) == 3

    grant.approved_fte = D("5.000")
    grant.save()
    f.GrantAllocationFactory(grant=grant, post=post)
    one = count_queries(client, grant.get_absolute_url())
    for i in (2, 3):
        f.GrantAllocationFactory(grant=grant, post=f.CarrierPostFactory(module=grant.programme.module, title=f"P{i}"))
    assert count_queries(client, grant.get_absolute_url()) == one
    assert len(client.get(grant.get_absolute_url()).context["next_steps"]) == 3

    one = count_queries(client, post.get_absolute_url())
    for i in (2, 3):
        other = f.GrantNoticeFactory(programme=grant.programme, reference=f"AZ-P{i}")
        f.GrantAllocationFactory(grant=other, post=post, fte=D("0.1"))
    assert count_queries(client, post.get_absolute_url()) == one
