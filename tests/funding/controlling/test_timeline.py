"""Funding end vs. the end of the fixed-term contract; horizons flag posts on the dashboard."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.controlling.selectors import post_timelines
from kim.periods import add_months
from tests import factories as f
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = date(2022, 3, 1)


def funded_post(title: str, post_end: date | None, funding_end: date):
    post = f.CarrierPostFactory(title=title, end=post_end)
    grant = f.GrantNoticeFactory(period_start=date(2022, 1, 1), period_end=date(2022, 12, 31))
    f.GrantAllocationFactory(grant=grant, post=post, start=date(2022, 1, 1), end=funding_end)
    return post


def test_add_months_keeps_the_day_or_the_month_end():
    assert add_months(date(2022, 3, 1), 6) == date(2022, 9, 1)
    assert add_months(date(2022, 8, 31), 6) == date(2023, 2, 28)


def test_posts_are_flagged_by_the_smallest_horizon_reached(settings):
    settings.FUNDING_HORIZON_MONTHS = "6,12"
    soon = funded_post("Endet bald", post_end=date(2023, 6, 30), funding_end=date(2022, 8, 31))  # funding in < 6 months
    later = funded_post(
        "Endet später", post_end=date(2022, 12, 31), funding_end=date(2022, 12, 31)
    )  # both in 6–12 months
    f.CarrierPostFactory(title="Läuft lange", end=date(2025, 12, 31))  # no funding, contract far ahead

    rows = {r.post: r for r in post_timelines(today=TODAY, flagged_only=True)}

    assert set(rows) == {soon, later}
    assert (rows[soon].funding_horizon, rows[soon].contract_horizon) == (6, None)
    assert (rows[later].funding_horizon, rows[later].contract_horizon) == (12, 12)
    # 31.08.2022 → 31.08.2023 = 365 days, minus 01.07.–31.08.2023 (31 + 31 = 62) = 303 days unfunded
    assert rows[soon].gap_days == (date(2023, 6, 30) - date(2022, 8, 31)).days == 303


def test_the_dashboard_lists_the_flagged_posts(client, a46_user, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    funded_post("Endet bald", post_end=date(2023, 6, 30), funding_end=date(2022, 8, 31))
    client.force_login(a46_user)
    html = client.get(reverse("dashboard"), {"year": 2022}).content.decode()
    assert "Endet bald" in html and "endet binnen 6 Monaten" in html and "31.08.2022" in html


def test_the_timeline_page_runs_a_fixed_number_of_queries(client, a46_user):
    client.force_login(a46_user)
    url = reverse("funding:controlling_timeline")
    funded_post("A", date(2030, 1, 1), date(2022, 12, 31))
    one = count_queries(client, url)
    for t in "BCD":
        funded_post(t, date(2030, 1, 1), date(2022, 12, 31))
    assert count_queries(client, url) == one
    client.force_login(f.CarrierUserFactory())
    assert client.get(url).status_code == 403


def test_the_funding_ends_read_apart_give_the_same_rows_and_skip_cancelled_notices(settings):
    """``post_timelines(bare=True, ends=funding_ends())`` (the dashboard keeps the ends cached) finds
    exactly the rows of the joined query: the last allocation to a notice in force per post."""
    from django.utils import timezone

    from funding.controlling.selectors import funding_ends

    settings.FUNDING_HORIZON_MONTHS = "6,12"
    soon = funded_post("Endet bald", post_end=date(2023, 6, 30), funding_end=date(2022, 8, 31))
    funded_post("Endet später", post_end=date(2022, 12, 31), funding_end=date(2022, 12, 31))
    f.CarrierPostFactory(title="Läuft lange", end=date(2025, 12, 31))
    # a later allocation of "Endet bald" to a cancelled notice does not count: its funding still ends 31.08.2022
    cancelled = f.GrantNoticeFactory(period_start=date(2022, 1, 1), period_end=date(2023, 12, 31))
    f.GrantAllocationFactory(grant=cancelled, post=soon, start=date(2022, 9, 1), end=date(2023, 12, 31))
    cancelled.cancelled_at = timezone.now()
    cancelled.save()

    def plain(rows):
        return [(r.post.pk, r.post.title, r.funding_end, r.contract_end, r.funding_horizon) for r in rows]

    ends = funding_ends()
    assert ends[soon.pk] == date(2022, 8, 31)
    for flagged_only in (True, False):
        joined = post_timelines(today=TODAY, flagged_only=flagged_only, bare=True)
        apart = post_timelines(today=TODAY, flagged_only=flagged_only, bare=True, ends=ends)
        assert plain(apart) == plain(joined)
    assert len(post_timelines(today=TODAY, bare=True, ends=ends)) == 3
