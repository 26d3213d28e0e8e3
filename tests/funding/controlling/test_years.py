"""Years and rates: 55.000 € to 2022, 57.000 € in 2023; preparing a new year from the previous one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding.controlling.services import year_prepare
from funding.models import CostPlan, ForwardingContract, GrantAllocation, GrantNotice, Rate
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def counts():
    return (
        GrantNotice.objects.count(),
        GrantAllocation.objects.count(),
        ForwardingContract.objects.count(),
        CostPlan.objects.count(),
        Rate.objects.count(),
    )


def test_the_demo_rates_are_55_000_to_2022_and_57_000_in_2023(demo):
    rates = dict(
        Rate.objects.filter(programme__short_name="KIM Modul 2", category="case_management").values_list(
            "year", "amount_per_fte"
        )
    )
    assert rates == {2020: D("55000.00"), 2021: D("55000.00"), 2022: D("55000.00"), 2023: D("57000.00")}


def test_preparing_2022_from_2021_carries_everything_forward_as_drafts(demo, a46_user):
    prep = year_prepare(source_year=2021, user=a46_user)

    # three notices (modules 1–3), 4 + 6 + 1 = 11 allocations, 5 carrier contracts and their cost plans
    assert len(prep.grants) == 3 and all(g.is_draft for g in prep.grants)
    assert len(prep.allocations) == 11
    assert len(prep.contracts) == 5 and all(c.is_draft for c in prep.contracts)
    assert len(prep.cost_plans) == 5 and all(p.is_draft for p in prep.cost_plans)
    assert prep.rates == []  # the 2022 rates exist already
    m2 = next(g for g in prep.grants if g.programme.short_name == "KIM Modul 2")
    # 6 posts × 1,0 × 55.000 × 365 / 365 = 330.000
    assert m2.amount == D("330000.00")
    # min(64.000, 55.000 × 1,0) = 55.000 per carrier post
    assert {c.amount for c in prep.contracts} == {D("55000.00")}
    assert {c.start for c in prep.contracts} == {date(2022, 1, 1)}


def test_rates_missing_in_the_new_year_are_copied_as_to_be_confirmed(demo):
    Rate.objects.filter(year=2022).delete()
    prep = year_prepare(source_year=2021)
    assert len(prep.rates) == 5  # modules 1 (2 categories), 2 (2), 3 (1)
    assert {r.confirmed for r in prep.rates} == {False}
    assert {r.amount_per_fte for r in prep.rates} == {D("55000.00"), D("45000.00")}


def test_a_year_cannot_be_prepared_twice(demo):
    year_prepare(source_year=2021)
    before = counts()
    with pytest.raises(ValidationError) as exc:
        year_prepare(source_year=2021)
    assert "bereits" in exc.value.message_dict["source_year"][0]
    assert counts() == before


def test_posts_ending_before_the_new_year_are_not_carried_forward(demo):
    # the demo posts end 31.12.2022: nothing of 2022 runs on into 2023
    year_prepare(source_year=2021)
    prep = year_prepare(source_year=2022)
    assert (prep.grants, prep.allocations, prep.contracts, prep.cost_plans) == ([], [], [], [])


def test_the_preview_saves_nothing_and_the_confirmation_saves(client, demo, a46_user):
    client.force_login(a46_user)
    url = reverse("funding:controlling_year")
    before = counts()
    response = client.post(url, {"source_year": "2021"})
    assert response.status_code == 200
    assert len(response.context["preview"].grants) == 3
    assert counts() == before
    response = client.post(url, {"source_year": "2021", "confirm": "on"})
    assert response.status_code == 302
    assert GrantNotice.objects.filter(period_start__year=2022, is_draft=True).count() == 3


def test_read_only_users_may_not_prepare_a_year(client, readonly_user):
    client.force_login(readonly_user)
    assert client.post(reverse("funding:controlling_year"), {"source_year": "2021", "confirm": "on"}).status_code == 403


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get(reverse("funding:controlling_year")).status_code == 302


def test_an_edited_rate_is_confirmed(a46_user):
    from funding.services import rate_save

    rate = f.RateFactory(year=2024, amount_per_fte=D("57000"))
    Rate.objects.filter(pk=rate.pk).update(confirmed=False)
    rate.refresh_from_db()
    saved = rate_save(rate=rate, data={"amount_per_fte": D("58000")}, user=a46_user)
    assert saved.confirmed is True


def test_drafts_of_a_prepared_year_are_neither_received_money_nor_flow(demo):
    from funding.controlling.eligibility import post_eligibility_many
    from funding.controlling.selectors import programme_flow

    year_prepare(source_year=2021)
    assert post_eligibility_many(year=2022) == []
    assert programme_flow(year=2022).land_total == D("0")
