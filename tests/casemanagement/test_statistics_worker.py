"""The statistics refresh out of the web process (casemanagement/snapshots.py, ``refresh_statistics``).

Scenario as in test_statistics_snapshot.py (fixture ``submitted`` of test_statistics.py): March 2021,
carrier A 8 new cases, carrier B 7, in all 15; the write: A's April return with 3 more new cases, so A's
year becomes 11 – hidden ("•") since 8 was shown before and 11 − 8 would give April's 3 away – and the
sum 18 with it; B's 7 unchanged.
"""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from casemanagement import publication, selectors, snapshots
from casemanagement.management.commands.refresh_statistics import Stopped, Watcher
from casemanagement.models import PublishedState, StatisticsSnapshot
from casemanagement.selectors import caseload_statistics
from tests.casemanagement.test_statistics import legal_domain_table, submitted  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db]
MARCH = pytest.mark.usefixtures("submitted")
BEFORE_APRIL = ([8, 7], 15)
AFTER_APRIL = (["•", 7], "•")


@pytest.fixture
def external(settings, monkeypatch):
    """The web process only marks; what it would start instead is recorded (nothing may be)."""
    settings.KIM_STATISTICS_BACKGROUND = True
    settings.KIM_STATISTICS_WORKER = "external"
    started: list = []
    monkeypatch.setattr(snapshots, "_start_thread", lambda year: started.append(("thread", year)))
    monkeypatch.setattr(snapshots, "_start_process", lambda year: started.append(("process", year)))
    return started


def year_totals(year: int = 2021):
    snapshot = snapshots.statistics_snapshot(year=year)
    return legal_domain_table(caseload_statistics(year=year, protection=snapshot.protection)).totals()


def row() -> StatisticsSnapshot:
    return StatisticsSnapshot.objects.get(year=2021)


@MARCH
def test_a_write_marks_the_year_and_the_watcher_computes_it_and_clears_the_mark(
    external, april_write, django_capture_on_commit_callbacks
):
    assert year_totals() == BEFORE_APRIL  # the first snapshot of the year
    assert row().refresh_requested_at is None and snapshots.pending_years() == []
    with django_capture_on_commit_callbacks(execute=True):
        april_write()
    assert row().refresh_requested_at is not None  # marked after the commit
    assert external == []  # "external": the web process starts nothing
    assert snapshots.pending_years() == [2021]
    assert year_totals() == BEFORE_APRIL  # stale until the worker came

    assert Watcher(0).poll() == [2021]
    assert row().refresh_requested_at is None and row().refreshing_since is None
    assert row().key == snapshots.current_key()
    assert year_totals() == AFTER_APRIL
    assert snapshots.pending_years() == [] and Watcher(0).poll() == []


@MARCH
def test_a_stale_page_marks_the_year_once(external, april_write, django_capture_on_commit_callbacks):
    year_totals()
    april_write()  # committed in a process that ended before marking
    assert row().refresh_requested_at is None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        year_totals()  # a page of the stale year
    assert len(callbacks) == 1 and row().refresh_requested_at is not None
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        year_totals()
    assert callbacks == []  # marked already: no write from a page request


@MARCH
def test_process_mode_starts_one_detached_refresh_command_per_year(settings, monkeypatch, april_write):
    settings.KIM_STATISTICS_BACKGROUND = True
    settings.KIM_STATISTICS_WORKER = "process"
    year_totals()
    started = []

    class Child:
        def __init__(self, args, **kwargs):
            started.append((args, kwargs))
            self.ended = False

        def poll(self):
            return 0 if self.ended else None

    monkeypatch.setattr(snapshots.subprocess, "Popen", Child)
    monkeypatch.setattr(snapshots, "_children", {})
    snapshots._start_worker(2021)
    snapshots._start_worker(2021)  # the first still runs
    assert len(started) == 1
    args, kwargs = started[0]
    assert args[-4:] == ["manage.py", "refresh_statistics", "--year", "2021"][-4:] or args[-3:] == [
        "refresh_statistics",
        "--year",
        "2021",
    ]
    assert kwargs["start_new_session"] is True
    assert row().refresh_requested_at is not None
    snapshots._children[2021].ended = True
    snapshots._start_worker(2021)  # ended: a new one may start
    assert len(started) == 2


@MARCH
def test_two_workers_never_compute_the_same_year_at_once(external, april_write, monkeypatch):
    year_totals()
    april_write()
    snapshots.mark(2021)
    real, calls, second = snapshots._compute_consistent, [], []

    def compute(year):
        calls.append(year)
        # meanwhile another worker polls: the year is claimed, it neither lists nor computes it
        second.append((snapshots.pending_years(), Watcher(0).poll(), snapshots.refresh_year(2021)))
        return real(year)

    monkeypatch.setattr(snapshots, "_compute_consistent", compute)
    assert Watcher(0).poll() == [2021]
    assert calls == [2021]
    assert second == [([], [], False)]
    assert year_totals() == AFTER_APRIL


@MARCH
def test_a_stale_claim_is_taken_over(external):
    year_totals()
    # a worker claimed the year (clearing its mark) and died
    StatisticsSnapshot.objects.filter(year=2021).update(
        key="old", refresh_requested_at=None, refreshing_since=timezone.now() - timedelta(minutes=5)
    )
    assert snapshots.pending_years() == []  # still computing, as far as anyone knows
    StatisticsSnapshot.objects.filter(year=2021).update(
        refreshing_since=timezone.now() - snapshots.LOCK_TIMEOUT - timedelta(minutes=1)
    )
    assert snapshots.pending_years() == [2021]
    assert Watcher(0).poll() == [2021]
    assert row().refreshing_since is None and row().key == snapshots.current_key()


@MARCH
def test_a_write_during_the_computation_computes_the_year_again(external, april_write, monkeypatch):
    year_totals()
    snapshots.mark(2021)
    StatisticsSnapshot.objects.filter(year=2021).update(key="old")
    real, calls = snapshots._compute_consistent, []

    def compute(year):
        result = real(year)
        if not calls:
            april_write()  # committed after the computation read the year, marked after its commit
            snapshots.mark(2021)
        calls.append(year)
        return result

    monkeypatch.setattr(snapshots, "_compute_consistent", compute)
    assert snapshots.refresh_rounds(2021) == 2
    assert year_totals() == AFTER_APRIL
    assert row().refresh_requested_at is None


@MARCH
def test_a_failed_computation_gives_the_year_back_and_marks_it_again(external, monkeypatch):
    year_totals()
    StatisticsSnapshot.objects.filter(year=2021).update(key="old")
    snapshots.mark(2021)

    def broken(year):
        raise RuntimeError("database gone")

    monkeypatch.setattr(snapshots, "_compute_consistent", broken)
    assert Watcher(0).poll() == []  # logged, not raised: the loop goes on
    assert row().refreshing_since is None and row().refresh_requested_at is not None
    assert snapshots.pending_years() == [2021]


@MARCH
def test_sigterm_stops_the_watcher_at_once_and_gives_the_year_back(external, monkeypatch):
    year_totals()
    snapshots.mark(2021)
    StatisticsSnapshot.objects.filter(year=2021).update(key="old")
    watcher = Watcher(0)

    def compute(year):
        watcher.on_signal(signal.SIGTERM, None)  # arrives while computing
        raise AssertionError("not reached")

    monkeypatch.setattr(snapshots, "_compute_consistent", compute)
    with pytest.raises(Stopped):
        watcher.run()
    assert watcher.stop.is_set()
    assert row().key == "old" and row().refreshing_since is None and row().refresh_requested_at is not None
    watcher.on_signal(signal.SIGTERM, None)  # idle: just stops, no exception


# ------------------------------------------------------- the ledger lock held only to record


@MARCH
def test_a_prepared_protection_is_not_recorded_once_the_ledger_grew(april_write):
    selectors.year_protection_compute(year=2021)  # March shown and recorded
    assert PublishedState.objects.filter(year=2021).count() == 1
    prepared = selectors.year_protection_prepare(year=2021)  # March again: nothing new to record
    april_write()
    late = selectors.year_protection_prepare(year=2021)  # April, audited against March
    selectors.year_protection_compute(year=2021)  # meanwhile another process records April
    assert PublishedState.objects.filter(year=2021).count() == 2
    assert selectors.year_protection_record(late, year=2021) is False  # not audited against that state
    assert selectors.year_protection_record(prepared, year=2021) is False
    assert PublishedState.objects.filter(year=2021).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_between_compute_and_record_prepares_again(request, monkeypatch):
    """As the worker does it, outside any transaction: the ledger holds one state per data shown, each
    audited against all before; the state prepared before the write is neither recorded nor shown."""
    from django.db import connection

    request.getfixturevalue("submitted")
    write = request.getfixturevalue("april_write")
    assert connection.get_autocommit()
    assert snapshots.refresh_year(2021) is True  # March
    assert [s.digest for s in publication.recorded(2021)] == [PublishedState.objects.get(year=2021).digest]
    StatisticsSnapshot.objects.filter(year=2021).update(key="old")
    real, prepared, other = selectors.year_protection_prepare, [], []

    def prepare(*, year):
        result = real(year=year)
        if other:  # the other process's own preparation
            return result
        prepared.append(result)
        if len(prepared) == 1:
            other.append(True)
            write()  # another process: April, and shown (recorded) before this worker records
            selectors.year_protection_compute(year=2021)
            other.clear()
        return result

    monkeypatch.setattr(selectors, "year_protection_prepare", prepare)
    stamp, protection = snapshots.compute_and_record(2021)
    assert len(prepared) == 2
    assert stamp == snapshots.current_key()
    states = publication.recorded(2021)
    assert len(states) == 2  # March, April: nothing recorded from the stale attempt
    assert prepared[1].latest_pk == states[-1].pk
    table = legal_domain_table(caseload_statistics(year=2021, protection=protection)).totals()
    assert table == AFTER_APRIL


@pytest.mark.django_db(transaction=True)
def test_the_ledger_growing_every_time_gives_up_for_now(request, monkeypatch):
    request.getfixturevalue("submitted")
    assert snapshots.refresh_year(2021) is True
    StatisticsSnapshot.objects.filter(year=2021).update(key="old")
    monkeypatch.setattr(selectors, "year_protection_record", lambda prepared, *, year: False)
    with pytest.raises(snapshots.LedgerBusy):
        snapshots.refresh_year(2021)
    assert row().key == "old" and row().refreshing_since is None and row().refresh_requested_at is not None
