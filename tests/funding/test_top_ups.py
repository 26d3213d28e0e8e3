"""A decided top-up per VZÄ reduces each carrier post's remaining own share everywhere, caps the
recommendation of an own-share request and reaches only the body's own carriers. Figures by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.controlling.budget import top_up_expense
from funding.models import CostPlan, OwnShareTopUp
from funding.selectors import own_share_gap_summary, own_share_gaps, own_share_recommended
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def top_up_5000(paper_2020_0354):
    OwnShareTopUp.objects.create(year=2021, amount_per_fte=D("5000"))
    return paper_2020_0354


def test_each_carrier_post_keeps_gap_minus_top_up_plus_overhead(top_up_5000):
    rows = own_share_gaps(cost_plans=CostPlan.objects.filter(year=2021))
    assert len(rows) == 5
    for row in rows:
        # gap 64.000 − min(64.000, 55.000) = 9.000; top-up min(5.000 × 1,0, 9.000) = 5.000
        assert (row.gap, row.top_up) == (D("9000.00"), D("5000.00"))
        # remaining 9.000 − 5.000 + 6.000 overhead = 10.000,00 €
        assert row.own_share == D("10000.00")
    summary = own_share_gap_summary(year=2021)
    # 5 × 5.000 = 25.000 top-up; carriers keep 45.000 − 25.000 + 30.000 = 50.000,00 €
    assert (summary.total_top_up, summary.remaining) == (D("25000.00"), D("50000.00"))


def test_the_recommendation_never_exceeds_what_the_top_up_allows(top_up_5000):
    request = f.OwnShareRequestFactory(applicant=top_up_5000.umbrella, requested_amount=D("100000"))
    # without the decision it would be the 5 gaps of 9.000 = 45.000; the decision allows 5 × 5.000 = 25.000
    assert own_share_recommended(request=request) == D("25000.00")
    OwnShareTopUp.objects.filter(year=2021).update(amount_per_fte=D("12000"))
    # a larger top-up is capped by the gaps: 5 × min(12.000, 9.000) = 45.000
    assert own_share_recommended(request=request) == D("45000.00")


def test_the_own_posts_cost_plans_get_no_top_up(top_up_5000):
    # a cost plan for the county's own coordination post (66.000 personnel, gap 11.000) is not a carrier's gap
    f.CostPlanFactory(post=top_up_5000.coordination_post, year=2021, personnel=D("66000"))
    # still 5 carrier posts × min(5.000, 9.000) = 25.000
    assert top_up_expense(year=2021) == D("25000.00")
    assert own_share_gap_summary(year=2021).posts == 5


def test_the_own_share_list_and_dashboard_show_the_top_up(client, a46_user, top_up_5000):
    client.force_login(a46_user)
    html = client.get(reverse("funding:gap_list"), {"year": 2021}).content.decode()
    assert "Übernahme durch den Kreis" in html and "5.000,00" in html and "10.000,00" in html
    html = client.get(reverse("dashboard"), {"year": 2021}).content.decode()
    assert "25.000,00" in html and "50.000,00" in html
