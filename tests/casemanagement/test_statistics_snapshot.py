"""The statistics page after a write: the last protected snapshot, a "Stand" note, a refresh in the background.

Scenario (fixture ``submitted`` of test_statistics.py): March 2021, carrier A 8 new cases, carrier B 7,
in all 15. The write: A's April return with 3 more new cases, so the year becomes 8 + 3 = 11 for A and
11 + 7 = 18 in all, and A's April alone (3) is a small count.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from casemanagement import services, snapshots
from casemanagement.models import StatisticsSnapshot
from casemanagement.selectors import caseload_statistics
from tests.casemanagement.test_statistics import legal_domain_table, submitted  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db]
MARCH = pytest.mark.usefixtures("submitted")  # March 2021 submitted, see the module docstring

NOTE = "neue Meldungen werden gerade eingerechnet"
# The year after the write, once the March state was shown: A's year 8 + 3 = 11 is hidden, since A's year
# was published as 8 before (and stays public) and 11 − 8 would give April's 3 away (the audit against
# earlier publications, casemanagement.publication); the sum 18 with it (18 − 7 = 11). B's 7 is unchanged.
AFTER_APRIL = (["•", 7], "•")


@pytest.fixture
def background(settings, monkeypatch):
    """Background refresh on; the worker thread is replaced by a record of the years it was started for."""
    settings.KIM_STATISTICS_BACKGROUND = True
    started: list[int] = []
    monkeypatch.setattr(snapshots, "_start_thread", started.append)
    return started


@pytest.fixture
def april_write(make_case, carrier_a, post_a):
    def write():
        for day in (1, 2, 3):
            make_case(date(2021, 4, day))
        r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=4)
        services.return_submit(caseload_return=r)

    return write


def page(client) -> str:
    return client.get(reverse("casemanagement:statistics"), {"year": 2021}).content.decode()


def year_totals(year: int = 2021):
    snapshot = snapshots.statistics_snapshot(year=year)
    return legal_domain_table(caseload_statistics(year=year, protection=snapshot.protection)).totals()


@MARCH
def test_after_a_write_the_page_shows_the_last_snapshot_with_its_time_and_a_refresh_runs(
    client, a46_user, background, april_write, django_capture_on_commit_callbacks
):
    client.force_login(a46_user)
    first = page(client)  # no snapshot yet: computed within this request, current
    assert NOTE not in first and "&lt;5" in first
    snapshot = StatisticsSnapshot.objects.get(year=2021)

    with django_capture_on_commit_callbacks(execute=True):
        april_write()
    # the return's saves scheduled the refresh after their commit (_start_thread runs one thread per year)
    assert set(background) == {2021}

    stale = page(client)
    when = timezone.localtime(snapshot.computed_at).strftime("%d.%m.%Y, %H:%M")
    assert f"Stand: {when} Uhr; {NOTE}." in stale
    # still the protected figures of the snapshot: 8 + 7 = 15, not yet the April cases
    assert year_totals() == ([8, 7], 15)
    assert "&lt;5" in stale and "•" in stale

    assert snapshots.refresh_year(2021) is True  # what the worker thread does
    current = page(client)
    assert NOTE not in current
    assert year_totals() == AFTER_APRIL
    assert snapshots.refresh_year(2021) is False  # current: nothing to do


@MARCH
def test_a_stale_page_request_schedules_the_refresh_itself(
    client, a46_user, background, april_write, django_capture_on_commit_callbacks
):
    client.force_login(a46_user)
    page(client)
    april_write()  # committed without callbacks run, e.g. in another process
    assert background == []
    with django_capture_on_commit_callbacks(execute=True):
        assert NOTE in page(client)
    assert set(background) == {2021}


@MARCH
def test_no_figure_of_a_stale_snapshot_is_unprotected(client, a46_user, background, april_write):
    client.force_login(a46_user)
    page(client)
    april_write()
    snapshot = snapshots.statistics_snapshot(year=2021)
    assert snapshot.stale
    for quarter in (None, 1, 2):
        stats = caseload_statistics(year=2021, quarter=quarter, protection=snapshot.protection)
        for table in stats.tables:
            for _label, cells, total in table.body():
                assert not any(v in (1, 2, 3, 4) for v in [*cells, total])
    # the export shows the same snapshot, never a live count
    csv_text = client.get(reverse("casemanagement:statistics"), {"year": 2021, "export": "csv"}).content
    # wide like the screen (branch ux): a column per carrier, the carrier's cell of the line "Rechtskreis / SGB XII"
    header, *rows = csv.reader(io.StringIO(csv_text.decode("utf-8-sig")), delimiter=";")
    caritas = next(i for i, name in enumerate(header) if name.startswith("Caritas"))
    line = next(row for row in rows if row[:2] == ["Rechtskreis", "SGB XII"])
    assert line[caritas] == "<5"


@MARCH
def test_synchronous_mode_always_shows_current_figures(client, a46_user, april_write):
    client.force_login(a46_user)  # the tests' default: KIM_STATISTICS_BACKGROUND = False
    page(client)
    april_write()
    assert NOTE not in page(client)
    assert year_totals() == AFTER_APRIL


@MARCH
def test_only_one_computation_per_year_at_a_time():
    snapshots.refresh_year(2021)
    assert snapshots._claim(2021) is True
    assert snapshots._claim(2021) is False  # another process or thread computes the year
    StatisticsSnapshot.objects.filter(year=2021).update(
        refreshing_since=timezone.now() - snapshots.LOCK_TIMEOUT - timedelta(minutes=1)
    )
    assert snapshots._claim(2021) is True  # a computation whose process died does not block forever


def test_one_worker_thread_per_year_and_process(monkeypatch):
    release, calls = threading.Event(), []

    def slow(year):
        calls.append(year)
        release.wait(5)

    monkeypatch.setattr(snapshots, "_refresh_in_thread", slow)
    snapshots._start_thread(2021)
    snapshots._start_thread(2021)  # the first still runs
    release.set()
    for thread in threading.enumerate():
        if thread.name == "statistics-refresh-2021":
            thread.join(5)
    assert calls == [2021]


@MARCH
def test_refresh_statistics_command(april_write):
    out = _call()
    assert "2021: neu berechnet" in out
    assert "2021: aktuell" in _call()
    april_write()
    assert "2021: neu berechnet" in _call()
    assert year_totals() == AFTER_APRIL


def _call() -> str:
    import io

    buffer = io.StringIO()
    call_command("refresh_statistics", stdout=buffer)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_worker_computes_in_its_own_consistent_transaction(submitted_march_committed):
    """As the worker thread does it: outside any transaction (REPEATABLE READ on PostgreSQL)."""
    from django.db import connection

    assert connection.get_autocommit()
    assert snapshots.refresh_year(2021) is True
    row = StatisticsSnapshot.objects.get(year=2021)
    assert row.key == snapshots.current_key() and row.refreshing_since is None
    assert year_totals() == ([8, 7], 15)


@pytest.fixture
def submitted_march_committed(request):
    request.getfixturevalue("submitted")
