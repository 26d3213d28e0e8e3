"""Eligibility per post and year, pro rata by days; expectations by hand in the comments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from funding.controlling.eligibility import post_eligibility, post_eligibility_many, repayment_risk_list
from modules.models import PostCategory
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def kim2(year: int, amount: str = "55000", approved: str = "1", start=None, end=None, rate: str = "55000"):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    f.RateFactory(programme=programme, category=PostCategory.CASE_MANAGEMENT, year=year, amount_per_fte=D(rate))
    return f.GrantNoticeFactory(
        programme=programme,
        period_start=start or date(year, 1, 1),
        period_end=end or date(year, 12, 31),
        approved_fte=D(approved),
        amount=D(amount),
    )


def test_a_half_year_notice_is_eligible_for_the_half_year_only():
    # notice 01.07.–31.12.2020 = 184 days of 366; 55.000 × 184 / 366 = 10.120.000 / 366 = 27.650,273… → 27.650,27
    grant = kim2(2020, amount="27650.27", start=date(2020, 7, 1), end=date(2020, 12, 31))
    post = f.CarrierPostFactory(start=date(2020, 7, 1))
    f.GrantAllocationFactory(grant=grant, post=post)

    row = post_eligibility(post=post, year=2020)

    assert row.received == D("27650.27")
    assert row.eligible == D("27650.27")
    assert row.difference == D("0.00")
    assert row.causes == []


def test_a_post_vacant_for_three_months_loses_those_months():
    # 2021: occupied 01.01.–31.03. and 01.07.–31.12.; vacant 01.04.–30.06. = 30 + 31 + 30 = 91 days
    # eligible 55.000 × (365 − 91) / 365 = 55.000 × 274 / 365 = 15.070.000 / 365 = 41.287,671… → 41.287,67
    grant = kim2(2021)
    post = f.CarrierPostFactory(start=date(2020, 7, 1))
    f.OccupancyFactory(post=post, start=date(2020, 7, 1), end=date(2021, 3, 31))
    f.OccupancyFactory(post=post, start=date(2021, 7, 1), end=None)
    f.GrantAllocationFactory(grant=grant, post=post)

    row = post_eligibility(post=post, year=2021)

    assert row.received == D("55000.00")
    assert row.eligible == D("41287.67")
    assert row.difference == D("13712.33")  # 55.000,00 − 41.287,67
    assert row.causes == ["vacancy"]


def test_an_fte_change_in_mid_year_counts_each_segment_with_its_fte():
    # 1,0 VZÄ 01.01.–30.06.2021 (181 days), 0,5 VZÄ 01.07.–31.12.2021 (184 days)
    # eligible 55.000 × (1,0 × 181 + 0,5 × 184) / 365 = 55.000 × 273 / 365 = 15.015.000 / 365 = 41.136,986… → 41.136,99
    grant = kim2(2021)
    post = f.CarrierPostFactory()
    f.OccupancyFactory(post=post, start=date(2020, 7, 1), end=date(2021, 6, 30), fte=D("1.0"))
    f.OccupancyFactory(post=post, start=date(2021, 7, 1), end=None, fte=D("0.5"))
    f.GrantAllocationFactory(grant=grant, post=post)

    row = post_eligibility(post=post, year=2021)

    assert row.eligible == D("41136.99")
    assert row.difference == D("13863.01")  # 55.000,00 − 41.136,99
    assert row.causes == ["reduced_fte"]


def test_actual_personnel_costs_below_the_rate_cap_the_eligible_amount():
    # cost plan 2021: 48.000 € personnel < 55.000 € rate × 1,0 → eligible 48.000, difference 7.000
    grant = kim2(2021)
    post = f.CarrierPostFactory()
    f.GrantAllocationFactory(grant=grant, post=post)
    f.CostPlanFactory(post=post, year=2021, personnel=D("48000"), material_overhead=D("6000"))

    row = post_eligibility(post=post, year=2021)

    assert row.eligible == D("48000.00")
    assert row.difference == D("7000.00")
    assert row.causes == ["costs_below_rate"]


def test_a_rate_change_between_years_applies_each_years_rate():
    # 2022: 55.000 × 1,0; 2023: 57.000 × 1,0 (post runs on to 31.12.2023)
    post = f.CarrierPostFactory(end=date(2023, 12, 31))
    f.GrantAllocationFactory(grant=kim2(2022), post=post)
    f.GrantAllocationFactory(grant=kim2(2023, amount="57000", rate="57000"), post=post)

    assert post_eligibility(post=post, year=2022).eligible == D("55000.00")
    row_2023 = post_eligibility(post=post, year=2023)
    assert row_2023.received == D("57000.00")
    assert row_2023.eligible == D("57000.00")
    assert row_2023.difference == D("0.00")


def test_the_module_3_post_of_2020_received_55_000_and_is_eligible_for_three_months(county_own_posts):
    # 55.000 € received for 2020; work from 01.10.2020: 01.10.–31.12. = 31 + 30 + 31 = 92 days of 366
    # eligible 55.000 × 92 / 366 = 5.060.000 / 366 = 13.825,136… → 13.825,14; difference 41.174,86
    post = county_own_posts.foreigners_authority
    programme = f.KimProgrammeFactory(module=post.module)
    f.RateFactory(programme=programme, category=PostCategory.FOREIGNERS_AUTHORITY, year=2020, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        approved_fte=D("1"),
        amount=D("55000"),
    )
    f.GrantAllocationFactory(grant=grant, post=post)

    [risk] = repayment_risk_list(year=2020)

    assert risk.post == post
    assert risk.received == D("55000.00")
    assert risk.eligible == D("13825.14")
    assert risk.difference == D("41174.86")
    assert risk.causes == ["late_start"]


def test_a_notice_shared_by_different_rates_attributes_money_by_entitlement():
    # module 1, 2021: coordination 1,0 × 55.000 + assistant 0,5 × 45.000 = 77.500 € granted for 1,5 VZÄ
    # by entitlement the assistant received 22.500 (not 77.500 × 0,5 / 1,5 = 25.833,33), so no false risk
    module1 = f.ModuleFactory(number=1)
    programme = f.KimProgrammeFactory(module=module1)
    f.RateFactory(programme=programme, category=PostCategory.COORDINATION, year=2021, amount_per_fte=D("55000"))
    f.RateFactory(programme=programme, category=PostCategory.ASSISTANT, year=2021, amount_per_fte=D("45000"))
    grant = f.GrantNoticeFactory(programme=programme, approved_fte=D("1.5"), amount=D("77500"))
    coord = f.CountyPostFactory(module=module1)
    assistant = f.CountyPostFactory(module=module1, category=PostCategory.ASSISTANT, fte=D("0.5"))
    f.GrantAllocationFactory(grant=grant, post=coord)
    f.GrantAllocationFactory(grant=grant, post=assistant)

    rows = {r.post: r for r in post_eligibility_many(year=2021)}

    assert rows[assistant].received == D("22500.00")
    assert rows[coord].received == D("55000.00")
    assert repayment_risk_list(year=2021) == []


def test_the_demo_lists_the_module_3_post_of_2020_with_its_eligible_amount():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    risks = {r.post.module.number: r for r in repayment_risk_list(year=2020) if r.post.module.number == 3}
    risk = risks[3]
    assert risk.received == D("55000.00")
    assert risk.eligible == D("13750.00")  # full calendar months: 3/12 × 55.000,00 € = 13.750,00 €
    assert risk.causes == ["late_start"]
