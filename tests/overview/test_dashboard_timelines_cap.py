"""The dashboard lists only the most urgent post timelines (a county flags several hundred) and says
how many there are; the controlling page keeps all of them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.controlling.selectors import PostTimeline, most_urgent_timelines
from overview.dashboard import DASHBOARD_TIMELINES
from tests import factories as f

pytestmark = pytest.mark.django_db


def row(name: str, funding: tuple[int, date] | None, contract: tuple[int, date] | None) -> PostTimeline:
    return PostTimeline(
        name,
        funding[1] if funding else None,
        contract[1] if contract else None,
        funding[0] if funding else None,
        contract[0] if contract else None,
    )


def test_the_smallest_horizon_comes_first_then_the_earlier_end_then_the_list_order():
    rows = [
        row("a: funding in 12 months", (12, date(2027, 6, 1)), None),
        row("b: contract in 3 months", None, (3, date(2027, 2, 1))),
        row("c: funding in 6, contract in 3 months", (6, date(2027, 5, 1)), (3, date(2027, 1, 15))),
        row("d: contract in 3 months, same day as c", None, (3, date(2027, 1, 15))),
        row("e: funding in 6 months", (6, date(2027, 4, 1)), None),
    ]
    ranked = [r.post for r in most_urgent_timelines(rows, 4)]
    assert ranked == [
        "c: funding in 6, contract in 3 months",
        "d: contract in 3 months, same day as c",
        "b: contract in 3 months",
        "e: funding in 6 months",
    ]
    assert most_urgent_timelines(rows, 0) == []
    assert len(most_urgent_timelines(rows, 50)) == 5


def test_the_dashboard_shows_the_most_urgent_and_the_total(client, a46_user):
    today = timezone.localdate()
    total = DASHBOARD_TIMELINES + 3
    for i in range(total):  # contract ends 10, 11, … days from today: post 0 is the most urgent
        f.CarrierPostFactory(title=f"CM Laufzeit {i:02d}", start=date(2021, 1, 1), end=today + timedelta(days=10 + i))
    client.force_login(a46_user)
    html = client.get(reverse("dashboard")).content.decode()
    shown = [i for i in range(total) if f"CM Laufzeit {i:02d}" in html]
    assert shown == list(range(DASHBOARD_TIMELINES))
    assert f"Die {DASHBOARD_TIMELINES} dringendsten von {total} Stellen" in html
    assert reverse("funding:controlling_timeline") in html
    every = client.get(reverse("funding:controlling_timeline")).content.decode()
    assert all(f"CM Laufzeit {i:02d}" in every for i in range(total))


def test_no_total_sentence_when_all_fit(client, a46_user):
    today = timezone.localdate()
    f.CarrierPostFactory(title="CM Laufzeit einzeln", start=date(2021, 1, 1), end=today + timedelta(days=20))
    client.force_login(a46_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "CM Laufzeit einzeln" in html
    assert "dringendsten von" not in html
