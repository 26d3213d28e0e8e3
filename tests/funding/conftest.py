"""Fixtures of the funding controlling tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from modules.models import PostCategory
from tests import factories as f

D = Decimal


def remember_year(client, params: dict | None) -> None:
    """The page remembers ?year= in the session (kim.years): one write the first time. Seeded here,
    so that the counts compare the pages' own queries."""
    from kim.years import SESSION_KEY, parse_year

    year = parse_year((params or {}).get("year"))
    if year is not None:
        session = client.session
        session[SESSION_KEY] = year
        session.save()


def count_queries(client, url: str, params: dict | None = None) -> int:
    remember_year(client, params)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


@pytest.fixture
def late_posts():
    """Factory: n module 2 posts, each funded 2021 by its own 55.000 € notice but starting 01.07.2021."""

    def make(n: int, offset: int = 0):
        posts = []
        for i in range(offset, offset + n):
            programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
            f.RateFactory(
                programme=programme, category=PostCategory.CASE_MANAGEMENT, year=2021, amount_per_fte=D("55000")
            )
            grant = f.GrantNoticeFactory(
                programme=programme, reference=f"LATE-{i}", approved_fte=D("1"), amount=D("55000")
            )
            post = f.CarrierPostFactory(
                title=f"Case Management spät {i}",
                start=date(2021, 7, 1),
                employer=f.CarrierFactory(slug=f"traeger-spaet-{i}", name=f"Träger spät {i}"),
            )
            f.GrantAllocationFactory(grant=grant, post=post)
            posts.append(post)
        return posts

    return make
