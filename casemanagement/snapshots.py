"""Snapshots of the protected statistics of a year, refreshed in the background.

Protecting a whole county year (``selectors.year_protection_compute``) takes tens of seconds. A
write to the returns (submitted, accepted, sent back, reopened, withdrawn) must not make the next
page request pay for it, so the statistics page shows the last complete snapshot and says when it
is older than the data ("Stand: …; neue Meldungen werden gerade eingerechnet"), while a worker
thread computes the new one after the write's commit. A snapshot holds the values and the hidden
set computed together from one consistent read, so every snapshot is safe to show on its own: the
page never shows an unprotected or partially protected figure, only an older protected one.

- ``statistics_snapshot(year)``: the snapshot for the page; the first-ever request of a year (no
  snapshot stored) computes it synchronously once.
- ``refresh_year(year)``: compute and store (worker thread, ``manage.py refresh_statistics``).
- ``KIM_STATISTICS_BACKGROUND = False`` (tests) computes synchronously whenever the data changed,
  as before: the page is then always current.

Snapshots live in the database (``StatisticsSnapshot``), so all worker processes share them; each
process keeps the unpickled value of the newest one in memory. A database row lock
(``refreshing_since``) lets only one process compute a year at a time.
"""

from __future__ import annotations

import logging
import pickle
import threading
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from casemanagement import selectors
from casemanagement.models import CaseloadReturn, StatisticsSnapshot
from casemanagement.selectors import STATISTICS_STAMP, YearProtection
from kim import figure_cache

logger = logging.getLogger(__name__)

# A computation still marked as running after this long died with its process; another may start.
LOCK_TIMEOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class Snapshot:
    protection: YearProtection
    stamp: str
    computed_at: datetime
    stale: bool  # the data changed after it was computed; a refresh is under way


# year -> (stamp, value) of the snapshot last unpickled or computed in this process
_memo: dict[int, tuple[str, YearProtection]] = {}
_memo_lock = threading.Lock()


def current_key() -> str:
    """The key of the data the statistics read now (a hash of their change stamp, see kim.figure_cache)."""
    return selectors.snapshot_key(figure_cache.data_stamp(STATISTICS_STAMP))


def background_enabled() -> bool:
    return bool(getattr(settings, "KIM_STATISTICS_BACKGROUND", True))


def _dumps(protection: YearProtection) -> bytes:
    return zlib.compress(pickle.dumps(protection, protocol=pickle.HIGHEST_PROTOCOL), 1)


def _loads(data: bytes) -> YearProtection:
    # our own rows, written only by _store below
    return selectors.snapshot_protection(data)


def _remember(year: int, stamp: str, protection: YearProtection) -> None:
    with _memo_lock:
        _memo[year] = (stamp, protection)


def _load(year: int, stamp: str) -> YearProtection | None:
    with _memo_lock:
        hit = _memo.get(year)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    data = StatisticsSnapshot.objects.filter(year=year, key=stamp).values_list("data", flat=True).first()
    if data is None:
        return None
    protection = _loads(data)
    _remember(year, stamp, protection)
    return protection


def _store(year: int, stamp: str, protection: YearProtection, *, exists: bool | None = None) -> datetime:
    """Save the snapshot: one query when ``exists`` (the caller's read of the row) is known."""
    now = timezone.now()
    fields = {"key": stamp, "computed_at": now, "data": _dumps(protection), "refreshing_since": None}
    updated = 0
    if exists is not False:
        updated = StatisticsSnapshot.objects.filter(year=year).update(**fields)
    if not updated:
        StatisticsSnapshot.objects.create(year=year, **fields)
    _remember(year, stamp, protection)
    return now


def _compute_consistent(year: int) -> tuple[str, YearProtection]:
    """The stamp and the protected year from one consistent read of the database.

    The protection's equations and values come from three queries; they must see the same data,
    or the hidden set could miss a link. SQLite's deferred transaction keeps one read snapshot from
    its first read on; PostgreSQL needs REPEATABLE READ for that (READ COMMITTED re-reads per query)."""
    outermost = connection.get_autocommit()
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        stamp = current_key()
        # the return pages' protection of the same data if this process computed it (it depends on the
        # returns, their figures and the municipalities only, read in this same transaction)
        return stamp, selectors.year_protection(year=year)


def statistics_snapshot(*, year: int) -> Snapshot:
    """The protected year for the statistics page: the newest snapshot, computed here only if none exists."""
    stamp = current_key()
    row = StatisticsSnapshot.objects.filter(year=year).values_list("key", "computed_at").first()
    if row is not None:
        stored_stamp, computed_at = row
        if stored_stamp == stamp or background_enabled():
            protection = _load(year, stored_stamp)
            if protection is not None:  # None: replaced between the two queries, compute below
                stale = stored_stamp != stamp
                if stale:
                    schedule_refresh(year)
                return Snapshot(protection, stored_stamp, computed_at, stale)
    # first request of the year ever (or synchronous mode): compute now, in this request's transaction;
    # the return pages' protection of the same data (selectors.year_protection) if already computed
    protection = selectors.year_protection(year=year)
    computed_at = _store(year, stamp, protection, exists=row is not None)
    return Snapshot(protection, stamp, computed_at, False)


def _claim(year: int) -> bool:
    """Mark the year's row as being computed; False if another process or thread already does."""
    now = timezone.now()
    claimed = (
        StatisticsSnapshot.objects.filter(year=year)
        .filter(Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - LOCK_TIMEOUT))
        .update(refreshing_since=now)
    )
    if claimed:
        return True
    return not StatisticsSnapshot.objects.filter(year=year).exists()  # nothing stored yet: compute


def refresh_year(year: int, *, force: bool = False) -> bool:
    """Compute and store the year's snapshot unless it is current or already being computed.

    True if a new snapshot was stored. Runs in its own transactions (worker thread, command)."""
    current = current_key()
    if not force and StatisticsSnapshot.objects.filter(year=year, key=current).exists():
        return False
    if not _claim(year):
        return False
    try:
        stamp, protection = _compute_consistent(year)
        _store(year, stamp, protection)
    except BaseException:
        StatisticsSnapshot.objects.filter(year=year).update(refreshing_since=None)
        raise
    return True


def _refresh_in_thread(year: int) -> None:
    try:
        # a write committed while computing leaves the snapshot stale: go again (bounded)
        for _round in range(3):
            if not refresh_year(year):
                break
    except Exception:  # a worker thread has nobody to report to but the log
        logger.exception("Statistik %s: Neuberechnung im Hintergrund fehlgeschlagen", year)
    finally:
        connection.close()


_scheduled: set[int] = set()
_scheduled_lock = threading.Lock()


def _start_thread(year: int) -> None:
    with _scheduled_lock:
        if year in _scheduled:
            return  # this process already computes the year
        _scheduled.add(year)

    def run() -> None:
        try:
            _refresh_in_thread(year)
        finally:
            with _scheduled_lock:
                _scheduled.discard(year)

    threading.Thread(target=run, name=f"statistics-refresh-{year}", daemon=True).start()


def schedule_refresh(year: int) -> None:
    """Recompute the year in a worker thread once the current transaction has committed."""
    if not background_enabled():
        return
    transaction.on_commit(lambda: _start_thread(year))


def _return_changed(sender: type[CaseloadReturn], instance: CaseloadReturn, **kwargs: object) -> None:
    if background_enabled() and StatisticsSnapshot.objects.filter(year=instance.year).exists():
        schedule_refresh(instance.year)


def connect_signals() -> None:
    post_save.connect(_return_changed, sender=CaseloadReturn, dispatch_uid="statistics-snapshot-save")
    post_delete.connect(_return_changed, sender=CaseloadReturn, dispatch_uid="statistics-snapshot-delete")
