"""The A 46 dashboard on the first request after a write (issue 17): a fixed number of queries whatever
the number of posts, and the same figures as computed from scratch.

After a post is saved the dashboard's figures are computed again, but the repayment risks are first
checked on plain rows (``eligibility.risky_post_ids``), each post's result kept in the process and keyed
by all its inputs; only the posts at risk are read in full. These tests pin that this shortcut gives
the figures of the full computation (hand values from the demo: tests/overview/test_dashboard.py) and
that a changed input shows at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from casemanagement.selectors import CarrierMissingReturns
from funding import selectors
from funding.controlling import eligibility
from funding.models import CostPlan
from kim.models import OrganisationKind
from modules.models import Occupancy, Post
from overview.dashboard import dashboard_context
from tests import factories as f
from tests.views.test_list_queries import add_carrier_rows

pytestmark = pytest.mark.django_db
D = Decimal


def _after_a_post_write(client, year: int) -> tuple[int, object]:
    """Queries and context of the first dashboard request after a post was saved (history row written)."""
    Post.objects.order_by("pk").first().save()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard"), {"year": year})
    assert response.status_code == 200
    return len(ctx.captured_queries), response.context


def test_the_queries_after_a_post_write_do_not_grow_with_the_posts(client, a46_user):
    client.force_login(a46_user)
    add_carrier_rows(f.CarrierFactory(slug="traeger-1", name="Träger 1"), 1)
    client.get(reverse("dashboard"), {"year": 2021})  # warm: the figures cached, the risk results kept
    small, _ctx = _after_a_post_write(client, 2021)
    for i in range(2, 8):  # seven carriers' posts, allocations, contracts and cost plans instead of one
        add_carrier_rows(f.CarrierFactory(slug=f"traeger-{i}", name=f"Träger {i}"), i)
        f.CarrierPostFactory(employer=f.CarrierFactory(slug=f"traeger-x{i}", name=f"Träger x{i}"), title=f"CM x{i}")
    client.get(reverse("dashboard"), {"year": 2021})
    large, _ctx = _after_a_post_write(client, 2021)
    assert small == large, f"after a post write: {small} queries with 1 carrier's post, {large} with 7"
    assert large <= 21, large


def _figures(ctx) -> dict:
    """Every figure of the dashboard body, as plain values."""
    return {
        "modules": [(m.number, m.posts, m.fte, m.own_fte, m.forwarded_fte, m.occupied_fte) for m in ctx["modules"]],
        "funding": [(f.programme.pk, f.granted, [g.pk for g in f.grants]) for f in ctx["funding"]],
        "forwarded_total": ctx["forwarded_total"],
        "forwarding_count": ctx["forwarding_count"],
        "gaps": ctx["gaps"],
        "requests": [(r.pk, recommended) for r, recommended in ctx["requests"]],
        "personnel_needs": (
            ctx["personnel_needs"].total,
            ctx["personnel_needs"].fte,
            [(p.pk, c) for p, c in ctx["personnel_needs"].rows],
        ),
        "budget": [(row.line.pk, row.forecast, row.actual) for row in ctx["budget"]],
        "land_income": ctx["land_income_forecast"],
        "own_posts": ctx["own_posts"],
        "risks": [
            (r.post.pk, r.received, r.eligible, r.by_rate, r.personnel_cost, r.causes) for r in ctx["repayment_risks"]
        ],
        "timelines": [(t.post.pk, t.funding_end, t.contract_end) for t in ctx["timelines"]],
        "timelines_total": ctx["timelines_total"],
    }


def _from_scratch(year: int) -> dict:
    cache.clear()
    eligibility._risk_memo.clear()
    return _figures(dashboard_context(year=year))


def test_the_demo_figures_after_a_post_write_are_those_computed_from_scratch(client, demo):
    client.login(username="a46", password="demo")
    for year in (2020, 2021):
        client.get(reverse("dashboard"), {"year": year})
        _queries, ctx = _after_a_post_write(client, year)
        assert _figures(ctx) == _from_scratch(year)
    # the hand value of test_dashboard.py: the module-3 post starts on 01.10.2020, 3/12 × 55.000,00 €
    [risk] = [r for r in ctx_2020(client)["repayment_risks"] if r.post.module.number == 3]
    assert (risk.received, risk.eligible) == (D("55000.00"), D("13750.00"))


def ctx_2020(client):
    return client.get(reverse("dashboard"), {"year": 2020}).context


def test_a_changed_start_and_occupancy_show_in_the_risks_at_once(client, demo):
    client.login(username="a46", password="demo")
    client.get(reverse("dashboard"), {"year": 2020})  # figures cached, each post's risk result kept
    post = Post.objects.get(module__number=3)
    occupancy = Occupancy.objects.get(post=post)
    occupancy.start = date(2020, 7, 1)
    occupancy.save()
    post.start = date(2020, 7, 1)
    post.save()
    [risk] = [r for r in ctx_2020(client)["repayment_risks"] if r.post.module.number == 3]
    # occupied July–December: 6/12 × 55.000,00 € = 27.500,00 € eligible of 55.000,00 € received
    assert (risk.received, risk.eligible, risk.difference) == (D("55000.00"), D("27500.00"), D("27500.00"))
    assert _figures(ctx_2020(client)) == _from_scratch(2020)


def test_the_plain_risk_check_finds_the_posts_the_full_computation_finds(demo):
    for year in (2020, 2021, 2022):
        full = {row.post.pk for row in eligibility.post_eligibility_many(year=year) if row.is_risk}
        eligibility._risk_memo.clear()
        assert eligibility.risky_post_ids(year=year) == full
        assert eligibility.risky_post_ids(year=year) == full  # from the kept results


def test_the_carriers_gap_summary_is_the_sum_of_the_full_rows(demo):
    for year in (2020, 2021):
        rows = selectors.own_share_gaps(
            cost_plans=CostPlan.objects.filter(year=year, post__employer__kind=OrganisationKind.CARRIER)
        )
        known = [r for r in rows if r.gap is not None]
        summary = selectors.own_share_gap_summary(year=year)
        assert summary.posts == len(known)
        assert summary.total_gap == sum((r.gap for r in known), start=D(0))
        assert summary.total_top_up == sum((r.top_up for r in known), start=D(0))
        assert summary.total_overhead == sum((r.uncovered_overhead for r in rows), start=D(0))
    # tests/overview/test_dashboard.py: 9.000,00 € gap per carrier post in 2021 (64.000 − 55.000)
    assert selectors.own_share_gap_summary(year=2021).per_post == D("9000.00")


MISSING_LOOP = """{% load i18n kim %}{% for c in rows %}<li><a href="{% url 'casemanagement:return_list' %}?carrier={{ c.carrier_id|stringformat:'d' }}">{{ c.carrier_name }}</a>: {% blocktranslate count n=c.count %}{{ n }} Monat{% plural %}{{ n }} Monate{% endblocktranslate %}</li>{% endfor %}"""


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_missing_return_items_are_the_template_loops_markup(language):
    rows = [
        CarrierMissingReturns(3, 'Caritas <b>"A"</b> & Co', 1),
        CarrierMissingReturns(12, "Diakonie", 2),
        CarrierMissingReturns(40, "AWO", 1500),
    ]
    with translation.override(language):
        reference = engines["django"].from_string(MISSING_LOOP).render({"rows": rows})
        tag = engines["django"].from_string("{% load funding_rows %}{% missing_return_items rows %}")
        assert tag.render({"rows": rows}) == reference
    assert "&lt;b&gt;&quot;A&quot;&lt;/b&gt; &amp; Co" in reference
