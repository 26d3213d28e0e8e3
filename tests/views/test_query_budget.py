"""Query budget of the A 46 list pages: at most 8 SQL queries with many rows, whether the
cached figures (kim.figure_cache) are warm or have to be computed. The same count for 1 and 3 rows
is tested in test_list_queries.py; here the cap."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.views.test_list_queries import LISTS, add_carrier_rows

pytestmark = pytest.mark.django_db
BUDGET = 8
# computing the budget forecasts (land income, forwarding, own personnel, top-ups) takes more; the
# page shows them from the cache after the first visit following a write
COLD_BUDGET = {"funding:budget_list": 11}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("url_name", "add_row"), LISTS, ids=[name for name, _ in LISTS])
def test_a46_list_pages_stay_within_the_budget(client, a46_user, url_name, add_row):
    client.force_login(a46_user)
    for i in (1, 2, 3):
        add_row(i)
    url = reverse(url_name)
    client.get(url)
    cache.clear()
    cold = queries(client, url)
    warm = queries(client, url)
    assert warm <= BUDGET, f"{url_name}: {warm} queries"
    assert cold <= COLD_BUDGET.get(url_name, BUDGET), f"{url_name}: {cold} queries while computing"


@pytest.mark.parametrize(
    "url_name",
    [
        "modules:post_list",
        "funding:forwarding_list",
        "funding:costplan_list",
        "funding:gap_list",
        "kim:carrier_list",
        "funding:controlling_proofs",
    ],
)
def test_carrier_list_pages_stay_within_the_budget(client, carrier_a_user, carrier_a, carrier_b, url_name):
    for i in (1, 2, 3):
        add_carrier_rows(carrier_a, i)
    add_carrier_rows(carrier_b, 9)
    client.force_login(carrier_a_user)
    url = reverse(url_name)
    client.get(url)
    assert queries(client, url) <= BUDGET
