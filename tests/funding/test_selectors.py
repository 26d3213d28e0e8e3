"""Reads about money: own-share gaps (9.000 € per post, 45.000 € in all), the recommendation for the
AG Wohlfahrt request, the Land income forecast beside the budget's 570.000 €, repayment risks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from funding.controlling.budget import budget_lines_with_forecast, land_income_forecast
from funding.models import BudgetLine, CostPlan, ForecastBasis, GrantNotice
from funding.selectors import (
    allocation_received,
    forwarded_for_grant,
    forwarded_total,
    own_share_gap_summary,
    own_share_gaps,
    own_share_recommended,
    repayment_risks,
)
from funding.services import allocation_save
from kim.models import Organisation
from modules.models import Post, PostCategory
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


# --- forwarded totals ------------------------------------------------------------------------------------


def test_forwarded_total_2021_is_275_000_euros(paper_2020_0354):
    # 5 × 55.000 €
    assert forwarded_total(year=2021) == D("275000.00")
    assert forwarded_for_grant(grant=paper_2020_0354.grant) == D("275000.00")
    assert forwarded_total(year=2020) == D("0.00")


# --- own-share gaps ----------------------------------------------------------------------------------------


def test_own_share_gap_is_9_000_euros_per_carrier_post(paper_2020_0354):
    rows = own_share_gaps(cost_plans=CostPlan.objects.filter(year=2021))

    assert len(rows) == 5
    for row in rows:
        assert row.rate == D("55000.00")
        assert row.eligible == D("55000.00")  # min(64.000, 55.000)
        assert row.gap == D("9000.00")  # 64.000 − 55.000
        assert row.uncovered_overhead == D("6000.00")  # overhead is not funded in module 2
        assert row.own_share == D("15000.00")  # 9.000 + 6.000
    assert {row.carrier for row in rows} == set(paper_2020_0354.carriers)


def test_own_share_gaps_total_45_000_euros_with_30_000_euros_uncovered_overhead(paper_2020_0354):
    summary = own_share_gap_summary(year=2021)

    assert summary.posts == 5
    assert summary.per_post == D("9000.00")
    assert summary.total_gap == D("45000.00")  # 5 × 9.000
    assert summary.total_overhead == D("30000.00")  # 5 × 6.000
    assert summary.missing_rates == 0


def test_own_share_gap_summary_for_one_carrier_counts_only_its_post(paper_2020_0354, carrier_a):
    summary = own_share_gap_summary(year=2021, carriers=Organisation.objects.filter(pk=carrier_a.pk))

    assert summary.posts == 1
    assert summary.total_gap == D("9000.00")
    assert summary.total_overhead == D("6000.00")


def test_a_cost_plan_below_the_cap_leaves_no_personnel_gap(paper_2020_0354):
    CostPlan.objects.filter(post=paper_2020_0354.carrier_posts[0], year=2021).update(personnel=D("50000"))

    summary = own_share_gap_summary(year=2021)

    # 0 + 4 × 9.000 = 36.000; the posts' gaps differ, so there is no single gap per post
    assert summary.total_gap == D("36000.00")
    assert summary.per_post is None


def test_a_cost_plan_without_rate_is_counted_as_missing_not_as_zero_gap(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]
    f.CostPlanFactory(post=post, year=2022)  # no 2022 rate

    summary = own_share_gap_summary(year=2022)

    assert summary.posts == 0
    assert summary.missing_rates == 1
    assert summary.total_gap == D("0")
    assert summary.total_overhead == D("6000.00")


# --- own-share recommendation ----------------------------------------------------------------------------


def test_the_recommendation_for_ag_wohlfahrts_100_000_euro_request_is_45_000_euros(paper_2020_0354):
    request = f.OwnShareRequestFactory(
        applicant=paper_2020_0354.umbrella, requested_amount=D("100000"), budget_year=2021
    )

    # paper: "bis zu 9.000 € pro Stelle, insgesamt bis zu 45.000 €" (5 × 9.000)
    assert own_share_recommended(request=request) == D("45000.00")


def test_the_recommendation_never_exceeds_the_requested_amount(paper_2020_0354):
    request = f.OwnShareRequestFactory(
        applicant=paper_2020_0354.umbrella, requested_amount=D("30000"), budget_year=2021
    )

    assert own_share_recommended(request=request) == D("30000.00")


def test_the_recommendation_leaves_out_carriers_outside_the_umbrella(paper_2020_0354):
    outsider = f.CarrierFactory(slug="freier-traeger", name="Freier Träger e. V.", parent=None)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=outsider)
    f.CostPlanFactory(post=post, year=2021, personnel=D("70000"), material_overhead=D("0"))
    request = f.OwnShareRequestFactory(
        applicant=paper_2020_0354.umbrella, requested_amount=D("100000"), budget_year=2021
    )

    assert own_share_recommended(request=request) == D("45000.00")


def test_the_recommendation_for_a_single_carrier_is_its_own_gap(paper_2020_0354, carrier_b):
    request = f.OwnShareRequestFactory(applicant=carrier_b, requested_amount=D("20000"), budget_year=2021)

    assert own_share_recommended(request=request) == D("9000.00")


def test_there_is_nothing_to_recommend_for_2020_without_cost_plans(paper_2020_0354):
    # paper: "im Haushaltsjahr 2020 keine Mittel" — and there are no 2020 cost plans here
    request = f.OwnShareRequestFactory(
        applicant=paper_2020_0354.umbrella, requested_amount=D("100000"), budget_year=2020
    )

    assert own_share_recommended(request=request) == D("0")


# --- Land income forecast and the budget line --------------------------------------------------------------


@pytest.fixture
def rates_2021_all_modules(paper_2020_0354):
    """Module 1: 55.000 € coordination, 45.000 € assistant (22.500 € per 0,5); module 3: 55.000 €.
    Module 2's rates come with the paper fixture."""
    module1 = f.KimProgrammeFactory(module=f.ModuleFactory(number=1))
    module3 = f.KimProgrammeFactory(module=f.ModuleFactory(number=3))
    f.RateFactory(programme=module1, category=PostCategory.COORDINATION, year=2021, amount_per_fte=D("55000"))
    f.RateFactory(programme=module1, category=PostCategory.ASSISTANT, year=2021, amount_per_fte=D("45000"))
    f.RateFactory(programme=module3, category=PostCategory.FOREIGNERS_AUTHORITY, year=2021, amount_per_fte=D("55000"))
    return paper_2020_0354


def test_land_income_forecast_2021_is_572_500_euros(rates_2021_all_modules):
    # module 1: 3 × 55.000 + 0,5 × 45.000 = 165.000 + 22.500 = 187.500
    # module 2: 6 × 55.000                                    = 330.000
    # module 3: 1 × 55.000                                    =  55.000
    # total                                                   = 572.500,00 €
    assert land_income_forecast(year=2021) == D("572500.00")


def test_land_income_forecast_skips_posts_without_a_rate(paper_2020_0354):
    # only module 2 has rates: 6 × 55.000 = 330.000,00 €
    assert land_income_forecast(year=2021) == D("330000.00")


def test_budget_line_946100_414100_shows_planned_570_000_beside_the_forecast(rates_2021_all_modules):
    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="414100",
        planned_amount=D("570000"),
        forecast_basis=ForecastBasis.LAND_INCOME,
    )

    [row] = budget_lines_with_forecast(lines=BudgetLine.objects.filter(year=2021))

    assert row.line.planned_amount == D("570000.00")
    assert row.forecast == D("572500.00")
    assert row.difference == D("2500.00")  # 572.500 − 570.000


def test_budget_line_for_forwarding_forecasts_the_contracts(paper_2020_0354):
    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="531800",
        kind="expense",
        label="Weiterleitung an die Träger",
        planned_amount=D("275000"),
        forecast_basis=ForecastBasis.FORWARDING,
    )
    f.BudgetLineFactory(year=2021, teilprodukt="946100", sachkonto="999999", forecast_basis=ForecastBasis.NONE)

    rows = {row.line.sachkonto: row for row in budget_lines_with_forecast(lines=BudgetLine.objects.filter(year=2021))}

    assert rows["531800"].forecast == D("275000.00")
    assert rows["531800"].difference == D("0.00")
    assert rows["999999"].forecast is None
    assert rows["999999"].difference is None


def test_budget_line_for_own_personnel_forecasts_the_personnel_needs(county_own_posts, county_cost_rates_2021):
    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="501200",
        kind="expense",
        planned_amount=D("332500"),
        forecast_basis=ForecastBasis.OWN_PERSONNEL,
    )

    [row] = budget_lines_with_forecast(lines=BudgetLine.objects.filter(year=2021))

    assert row.forecast == D("332500.00")  # 5 × 62.000 + 0,5 × 45.000


# --- repayment risks ------------------------------------------------------------------------------------


@pytest.fixture
def module3_2020(county_own_posts):
    """Module 3: 55.000 € for 2020 already received for 1,0 post, work starting 01.10.2020."""
    post = county_own_posts.foreigners_authority
    programme = f.KimProgrammeFactory(module=post.module)
    f.RateFactory(programme=programme, category=PostCategory.FOREIGNERS_AUTHORITY, year=2020, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        reference="36.08.05-KIM-M3-2020",
        issued_on=date(2020, 6, 2),
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        approved_fte=D("1"),
        amount=D("55000"),
    )
    allocation = allocation_save(
        grant=grant, data={"post": post, "fte": D("1.0"), "start": date(2020, 1, 1), "end": date(2020, 12, 31)}
    )
    return allocation


def test_repayment_risks_2020_list_the_module_3_post_that_starts_on_1_october(module3_2020):
    [risk] = repayment_risks(year=2020)

    assert risk.allocation == module3_2020
    assert risk.allocation.post.start == date(2020, 10, 1)
    assert risk.received == D("55000.00")
    # 01.10.–31.12.2020 = 92 days of 366: 55.000 × 92 / 366 = 5.060.000 / 366 = 13.825,136… → 13.825,14 €
    assert risk.eligible == D("13825.14")
    assert risk.difference == D("41174.86")  # 55.000,00 − 13.825,14
    assert risk.cause == "late_start"


def test_allocation_received_is_the_grant_share_of_the_allocation(module3_2020):
    # 55.000 × 1,0 / 1,0 VZÄ × 366 / 366 days
    assert allocation_received(allocation=module3_2020) == D("55000.00")


def test_posts_in_place_for_the_whole_funded_period_are_no_repayment_risk(paper_2020_0354):
    # all six module 2 posts exist for the whole of 2021
    assert repayment_risks(year=2021) == []


def test_a_post_ending_before_the_funded_period_ends_is_a_repayment_risk(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]
    Post.objects.filter(pk=post.pk).update(end=date(2021, 6, 30))

    [risk] = repayment_risks(year=2021)

    assert risk.allocation.post == post
    assert risk.cause == "early_end"
    # grant 330.000 € for 6,0 VZÄ: 330.000 × 1,0 / 6,0 = 55.000,00 received
    assert risk.received == D("55000.00")
    # 01.01.–30.06.2021 = 31+28+31+30+31+30 = 181 days of 365: 55.000 × 181 / 365 = 9.955.000 / 365 = 27.273,972… → 27.273,97
    assert risk.eligible == D("27273.97")


def test_the_2021_grant_of_module_2_is_330_000_euros(paper_2020_0354):
    grant = GrantNotice.objects.get(programme__short_name="KIM Modul 2", period_start__year=2021)
    assert grant.amount == D("330000.00")
    assert grant.approved_fte == D("6.000")
