"""Reads about posts: the county's personnel needs (paper 2020/0323: 332.500 €) and the module summary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from modules.models import CostRate, PostCategory
from modules.selectors import county_personnel_needs, posts_for_user, posts_summary_by_module, reference_date
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


def row_cost(needs, post) -> Decimal | None:
    return dict(needs.rows)[post]


# --- county_personnel_needs -----------------------------------------------------------------------------


def test_county_personnel_needs_2021_are_332_500_euros(county_own_posts, county_cost_rates_2021):
    needs = county_personnel_needs(year=2021)

    # paper 2020/0354 (citing 2020/0323): 332.500 € for 2021.
    # Hand calculation: 5 × 1,0 VZÄ × 62.000 € + 0,5 VZÄ × 45.000 € = 310.000 + 22.500 = 332.500,00 €
    assert needs.total == D("332500.00")
    assert needs.fte == D("5.5")  # 0,5 + 3 × 1,0 + 1,0 + 1,0
    assert needs.missing == []
    assert len(needs.rows) == 6


def test_county_personnel_needs_cost_each_post_at_its_rate_times_fte(county_own_posts, county_cost_rates_2021):
    needs = county_personnel_needs(year=2021)

    assert row_cost(needs, county_own_posts.assistant) == D("22500.00")  # 0,5 × 45.000
    for post in county_own_posts.coordination:
        assert row_cost(needs, post) == D("62000.00")
    assert row_cost(needs, county_own_posts.cm_coordination) == D("62000.00")
    assert row_cost(needs, county_own_posts.foreigners_authority) == D("62000.00")


def test_county_personnel_needs_leave_out_the_carriers_posts(county_own_posts, county_cost_rates_2021):
    f.CostRateFactory(category=PostCategory.CASE_MANAGEMENT, year=2021, amount_per_fte=D("64000"))
    carrier_post = f.CarrierPostFactory()  # could leak into the county's needs

    needs = county_personnel_needs(year=2021)

    assert carrier_post not in dict(needs.rows)
    assert needs.total == D("332500.00")


def test_an_entered_personnel_cost_overrides_the_cost_rate(county_own_posts, county_cost_rates_2021):
    f.PersonnelCostFactory(post=county_own_posts.assistant, year=2021, amount=D("24000"))

    needs = county_personnel_needs(year=2021)

    assert row_cost(needs, county_own_posts.assistant) == D("24000.00")
    # 5 × 62.000 + 24.000 (entered) = 334.000,00 €
    assert needs.total == D("334000.00")


def test_an_entered_personnel_cost_of_another_year_does_not_override_the_rate(county_own_posts, county_cost_rates_2021):
    f.PersonnelCostFactory(post=county_own_posts.assistant, year=2022, amount=D("24000"))

    needs = county_personnel_needs(year=2021)

    assert row_cost(needs, county_own_posts.assistant) == D("22500.00")
    assert needs.total == D("332500.00")


def test_a_post_without_cost_rate_is_listed_as_missing_not_counted_as_zero(county_own_posts, county_cost_rates_2021):
    CostRate.objects.filter(category=PostCategory.ASSISTANT, year=2021).delete()

    needs = county_personnel_needs(year=2021)

    assert needs.missing == [county_own_posts.assistant]
    assert row_cost(needs, county_own_posts.assistant) is None
    # 5 × 62.000 = 310.000,00 € over 5,0 VZÄ
    assert needs.total == D("310000.00")
    assert needs.fte == D("5.0")


def test_a_post_starting_on_1_october_2020_costs_92_of_366_days_in_2020(county):
    f.CostRateFactory(category=PostCategory.FOREIGNERS_AUTHORITY, year=2020, amount_per_fte=D("62000"))
    post = f.CountyPostFactory(
        employer=county,
        module=f.ModuleFactory(number=3),
        category=PostCategory.FOREIGNERS_AUTHORITY,
        fte=D("1.0"),
        start=date(2020, 10, 1),
        end=date(2022, 12, 31),
    )

    needs = county_personnel_needs(year=2020)

    # 01.10.–31.12.2020 = 31 + 30 + 31 = 92 days of 366 (leap year).
    # 62.000 × 92 / 366 = 5.704.000 / 366 = 15.584,699… → 15.584,70 €
    assert row_cost(needs, post) == D("15584.70")
    assert needs.total == D("15584.70")


def test_a_post_ended_before_the_year_is_not_needed(county):
    f.CostRateFactory(category=PostCategory.COORDINATION, year=2023, amount_per_fte=D("62000"))
    f.CountyPostFactory(employer=county, start=date(2020, 7, 1), end=date(2022, 12, 31))

    needs = county_personnel_needs(year=2023)

    assert needs.rows == []
    assert needs.total == D("0")


# --- posts_summary_by_module --------------------------------------------------------------------------------


@pytest.fixture
def module2_posts(county, carrier_a, carrier_b):
    coordination = f.CountyPostFactory(
        employer=county, module=f.ModuleFactory(number=2), category=PostCategory.CM_COORDINATION, fte=D("1.0")
    )
    f.OccupancyFactory(post=coordination)
    half_occupied = f.CarrierPostFactory(employer=carrier_a, fte=D("1.0"))
    f.OccupancyFactory(post=half_occupied, start=date(2020, 7, 1), end=date(2022, 12, 31), fte=D("0.5"))
    vacant = f.CarrierPostFactory(employer=carrier_b, fte=D("1.0"))
    # occupied once, but no longer on the Stichtag
    f.OccupancyFactory(post=vacant, start=date(2020, 7, 1), end=date(2021, 3, 31), fte=D("1.0"))
    # ended before the Stichtag: not counted at all
    f.CarrierPostFactory(employer=carrier_b, start=date(2020, 7, 1), end=date(2020, 12, 31))
    return coordination, half_occupied, vacant


def test_posts_summary_separates_own_from_forwarded_and_occupied_from_vacant(module2_posts):
    summaries, on = posts_summary_by_module(year=2021, on=date(2021, 6, 30))

    assert on == date(2021, 6, 30)
    module2 = next(s for s in summaries if s.number == 2)
    assert module2.posts == 3
    assert module2.fte == D("3.0")
    assert module2.own_fte == D("1.0")  # the county's coordination
    assert module2.forwarded_fte == D("2.0")  # two carrier posts
    assert module2.occupied_fte == D("1.5")  # 1,0 + 0,5 + 0
    assert module2.vacant_fte == D("1.5")  # 0 + 0,5 + 1,0


def test_posts_summary_lists_every_module_even_without_posts(module2_posts):
    f.ModuleFactory(number=1)
    f.ModuleFactory(number=3)

    summaries, _on = posts_summary_by_module(year=2021, on=date(2021, 6, 30))

    assert [s.number for s in summaries] == [1, 2, 3]
    module1 = summaries[0]
    assert module1.posts == 0
    assert module1.fte == D("0")


def test_posts_summary_of_a_past_year_is_taken_on_31_december(module2_posts):
    summaries, on = posts_summary_by_module(year=2020)

    assert on == date(2020, 12, 31)
    module2 = next(s for s in summaries if s.number == 2)
    # on 31.12.2020 all four posts exist; the short post has no occupancy
    assert module2.posts == 4
    assert module2.own_fte == D("1.0")
    assert module2.forwarded_fte == D("3.0")
    assert module2.occupied_fte == D("2.5")  # 1,0 + 0,5 + 1,0 + 0
    assert module2.vacant_fte == D("1.5")


def test_reference_date_is_today_within_the_current_year_else_31_december():
    assert reference_date(year=2021, today=date(2021, 6, 15)) == date(2021, 6, 15)
    assert reference_date(year=2021, today=date(2024, 3, 1)) == date(2021, 12, 31)


# --- posts_for_user (scoping) ----------------------------------------------------------------------------


def test_carrier_staff_see_only_their_own_carriers_posts(carrier_a_user, carrier_a, carrier_b):
    own = f.CarrierPostFactory(employer=carrier_a)
    other = f.CarrierPostFactory(employer=carrier_b)  # must not leak
    county_post = f.CountyPostFactory()  # must not leak either

    visible = list(posts_for_user(user=carrier_a_user))

    assert visible == [own]
    assert other not in visible
    assert county_post not in visible


def test_a46_staff_see_every_post(a46_user, carrier_a, carrier_b):
    posts = {f.CarrierPostFactory(employer=carrier_a), f.CarrierPostFactory(employer=carrier_b), f.CountyPostFactory()}

    assert set(posts_for_user(user=a46_user)) == posts
