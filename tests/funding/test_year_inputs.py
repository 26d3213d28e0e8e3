"""The year's inputs read once as plain rows (funding.year_inputs, issue 17): every figure the dashboard
computes from them is the figure its own reads gave – on the demo, for each year it has data for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funding import selectors
from funding.controlling import budget, eligibility
from funding.year_inputs import year_inputs
from modules.selectors import county_personnel_needs, posts_summary_by_module

pytestmark = pytest.mark.django_db
YEARS = (2020, 2021, 2022)


def _risk(row) -> tuple:
    return (
        row.post.pk,
        row.post.title,
        row.post.start,
        row.post.module.number,
        row.received,
        row.eligible,
        row.by_rate,
        row.personnel_cost,
        row.causes,
        row.cause_labels,
        row.programmes,
        row.missing_rate,
        [(p.allocation.pk, p.received, p.by_rate, p.funded_days, p.eligible_fte_units) for p in row.parts],
    )


def test_the_risks_from_the_rows_are_those_of_the_per_post_computation(demo):
    seen = 0
    for year in YEARS:
        full = [row for row in eligibility.post_eligibility_many(year=year) if row.is_risk]
        for row in full:  # one post at a time, as the post's own page computes it
            single = eligibility.post_eligibility(post=row.post, year=year)
            assert single is not None and _risk(single) == _risk(row)
        eligibility._risk_memo.clear()
        plain = eligibility.repayment_risk_list(year=year, inputs=year_inputs(year=year))
        assert [_risk(r) for r in plain] == [_risk(r) for r in full]
        assert [_risk(r) for r in eligibility.repayment_risk_list(year=year, inputs=year_inputs(year=year))] == [
            _risk(r) for r in full
        ]  # from the kept verdicts
        seen += len(full)
    assert seen  # the demo has risks (the module-3 post of 2020, tests/overview/test_dashboard.py)


def test_the_gap_summary_land_income_and_own_posts_from_the_rows_are_those_read_by_each(demo):
    for year in YEARS:
        inputs = year_inputs(year=year)
        assert selectors.own_share_gap_summary(year=year, inputs=inputs) == selectors.own_share_gap_summary(year=year)
        assert budget.land_income_forecast(year=year, inputs=inputs) == budget.land_income_forecast(year=year)
        needs, plain_needs = county_personnel_needs(year=year), county_personnel_needs(year=year, rows=inputs)
        assert (plain_needs.total, plain_needs.fte) == (needs.total, needs.fte)
        assert [(p.pk, c) for p, c in plain_needs.rows] == [(p.pk, c) for p, c in needs.rows]
        assert [p.pk for p in plain_needs.missing] == [p.pk for p in needs.missing]
        assert budget.own_posts_share(year=year, needs=plain_needs, inputs=inputs) == budget.own_posts_share(year=year)
        assert posts_summary_by_module(year=year, rows=inputs) == posts_summary_by_module(year=year)


def test_the_demo_gap_and_risk_by_hand(demo):
    inputs = year_inputs(year=2021)
    # tests/overview/test_dashboard.py: 9.000,00 € gap per carrier post in 2021 (64.000 − 55.000)
    assert selectors.own_share_gap_summary(year=2021, inputs=inputs).per_post == Decimal("9000.00")
    [risk] = [
        r
        for r in eligibility.repayment_risk_list(year=2020, inputs=year_inputs(year=2020))
        if r.post.module.number == 3
    ]
    # 55.000,00 received for 2020, the post starts on 01.10.2020: 3/12 eligible = 13.750,00
    assert (risk.received, risk.eligible, risk.difference) == (
        Decimal("55000.00"),
        Decimal("13750.00"),
        Decimal("41250.00"),
    )
    assert risk.causes == ["late_start"]
