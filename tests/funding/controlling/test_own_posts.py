"""Own share of the body's own posts and the Land's share in per cent (domain §1a): expense for the own
posts minus the grants actually notified for them – never posts × rates. Figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from committee.figures import FIGURES, format_figure
from funding.controlling.budget import own_posts_share
from funding.controlling.selectors import what_if
from modules.models import PostCategory
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"


@pytest.fixture
def city_with_a_short_notice(county):
    """Two own coordination posts of 1,0 VZÄ (60.000 € personnel each) for 2021; the rate is 55.000 €, but the
    Land notified only 100.000 € for the 2 VZÄ (posts × rates would be 110.000 €)."""
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=1))
    f.RateFactory(programme=programme, category=PostCategory.COORDINATION, year=2021, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(programme=programme, recipient=county, approved_fte=D("2"), amount=D("100000.00"))
    for _ in range(2):
        post = f.CountyPostFactory(employer=county, start=date(2021, 1, 1), end=date(2021, 12, 31))
        f.PersonnelCostFactory(post=post, year=2021, amount=D("60000.00"))
        f.GrantAllocationFactory(grant=grant, post=post)
    return grant


def test_the_own_share_takes_the_notified_grant_not_posts_times_rates(city_with_a_short_notice):
    share = own_posts_share(year=2021).total
    # expense 2 × 60.000 = 120.000,00 €; notified 100.000,00 € (not 2 × 55.000 = 110.000)
    assert (share.expense, share.notified) == (D("120000.00"), D("100000.00"))
    # own share 120.000 − 100.000 = 20.000,00 €
    assert share.own_share == D("20000.00")
    # Land share 100.000 / 120.000 = 83,333… % → 83,33 %
    assert share.land_share_percent == D("83.33")


def test_the_what_if_subtracts_the_notified_amounts(city_with_a_short_notice):
    result = what_if(year=2021, rate=D("57000"))
    # the notices were written: a changed rate does not change them; own share 120.000 − 100.000 = 20.000
    assert result.today.own_posts_notified == D("100000.00") == result.scenario.own_posts_notified
    assert result.today.own_posts_own_share == D("20000.00")
    # county expense: own personnel 120.000 (no carriers); minus the notified 100.000 = 20.000
    assert result.today.county_net == D("20000.00")


def test_material_costs_of_own_posts_count_as_expense(city_with_a_short_notice):
    post = city_with_a_short_notice.allocations.first().post
    f.CostPlanFactory(post=post, year=2021, personnel=D("60000.00"), material_overhead=D("4000.00"))
    share = own_posts_share(year=2021).total
    # 120.000 personnel + 4.000 workplace/material = 124.000; own share 124.000 − 100.000 = 24.000
    assert share.expense == D("124000.00") and share.own_share == D("24000.00")
    # Land share 100.000 / 124.000 = 80,645… % → 80,65 %
    assert share.land_share_percent == D("80.65")


def test_the_demo_2021_own_share_of_the_own_posts_is_35000_and_the_land_share_89_47(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    share = own_posts_share(year=2021)
    # own 5,5 VZÄ: module 1 three Sachbearbeitung posts, module 2 the coordination, module 3 one post = 5 × 1,0
    # × 62.000 = 310.000, plus the assistant 0,5 × 45.000 = 22.500 → 332.500,00 €
    assert share.total.expense == D("332500.00")
    # notified for them: module 1 notice 3 × 55.000 + 0,5 × 45.000 = 187.500; module 2 notice 330.000 for
    # 6 VZÄ, 1 of them own = 55.000; module 3 notice 55.000 → 187.500 + 55.000 + 55.000 = 297.500,00 €
    assert share.total.notified == D("297500.00")
    # 332.500 − 297.500 = 35.000,00 €; 297.500 / 332.500 = 89,473… % → 89,47 %
    assert share.total.own_share == D("35000.00")
    assert share.total.land_share_percent == D("89.47")
    # the whole KIM own contribution adds the decided top-up for the carriers (what-if)
    result = what_if(year=2021)
    assert result.today.own_posts_own_share == D("35000.00")
    assert result.today.own_contribution == D("35000.00") + result.today.top_up

    client.login(username="a46", password="demo")
    html = client.get(reverse("dashboard"), {"year": 2021}).content.decode()
    assert f"35.000,00{NBSP}€" in html and "Landesanteil 89,47 %" in html
    html = client.get(reverse("funding:budget_list"), {"year": 2021}).content.decode()
    assert f"297.500,00{NBSP}€" in html and "89,47 %" in html

    figure = FIGURES["own_posts_own_share"]
    assert format_figure(figure.kind, figure.compute(2021)) == f"35.000,00{NBSP}€"
    figure = FIGURES["own_posts_land_share"]
    assert format_figure(figure.kind, figure.compute(2021)) == f"89,47{NBSP}%"
