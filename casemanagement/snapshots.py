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
- ``refresh_year(year)``: compute and store (``manage.py refresh_statistics``, worker thread).
- ``KIM_STATISTICS_BACKGROUND = False`` (tests) computes synchronously whenever the data changed,
  as before: the page is then always current.

Who computes (``KIM_STATISTICS_WORKER``): the web process only marks the year (``refresh_requested_at``,
after the write's commit) and, with "process" (default), starts a detached ``manage.py
refresh_statistics --year Y``; with "external" nothing more: a long-running ``manage.py
refresh_statistics --watch`` computes every marked year; "thread" computes in a thread of the web
process (competes with the requests for the interpreter: development only). A claim
(``refreshing_since``) lets only one process compute a year; a claim older than ``LOCK_TIMEOUT`` is
taken over (its process died), and the watcher picks such years up too.

The computation holds the year's publication lock only to record (``compute_and_record``): the
protection is prepared against the ledger as read, then recorded under the lock if no state was
recorded meanwhile and the data are unchanged, else prepared again.

Snapshots live in the database, so all worker processes share them: a header row
(``StatisticsSnapshot``: the key of the data, when computed, the refresh lock) and one row per table
(``StatisticsSnapshotPart``): each period ("p0" the year, "p1"–"p4" the quarters), the monthly stocks
("m") and each frozen return ("r<id>"). A part holds only what the pages print – an int, or the marker
("<5", "•") of a hidden figure – so a page reads and decodes only the tables it shows (the statistics
page one period and the monthly stocks, the return page one return), not the whole year. All parts of
one key come from the same protected state; a new snapshot is stored in one transaction and the
previous key's parts are kept, so a request that read the header just before the swap still finds its
parts. A database row lock (``refreshing_since``) lets only one process compute a year at a time.

- ``stored_return(caseload_return=…)``: one frozen return as staff see it, from the stored snapshot
  (``None`` figures: the return is not in it yet; the page says so).
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from casemanagement import publication, selectors
from casemanagement.models import CaseloadReturn, StatisticsSnapshot, StatisticsSnapshotPart
from casemanagement.selectors import STATISTICS_STAMP, ProtectedYear, YearProtection
from casemanagement.suppression import ProtectedFigures, display
from kim import figure_cache

logger = logging.getLogger(__name__)

# A computation still marked as running after this long died with its process; another may start.
LOCK_TIMEOUT = timedelta(minutes=15)
# Times the refresh prepares the protection before it gives up for now (the ledger grew meanwhile).
PREPARE_ATTEMPTS = 3
# Computations of a year in a row by one worker while writes keep coming (each marks the year again).
ROUNDS = 3
WORKER_MODES = ("process", "thread", "external")


@dataclass(frozen=True)
class Snapshot:
    protection: ProtectedYear  # StoredProtection, or the YearProtection just computed and stored
    stamp: str
    computed_at: datetime
    stale: bool  # the data changed after it was computed; a refresh is under way


def current_key() -> str:
    """The key of the data the statistics read now (a hash of their change stamp, see kim.figure_cache)."""
    return selectors.snapshot_key(figure_cache.data_stamp(STATISTICS_STAMP))


def background_enabled() -> bool:
    return bool(getattr(settings, "KIM_STATISTICS_BACKGROUND", True))


def worker_mode() -> str:
    """``KIM_STATISTICS_WORKER``: "process" (default), "thread" or "external" (module docstring)."""
    mode = getattr(settings, "KIM_STATISTICS_WORKER", "process")
    return mode if mode in WORKER_MODES else "process"


# ------------------------------------------------------------------------------------ storage format


def period_part(quarter: int | None) -> str:
    return f"p{quarter or 0}"


def return_part(return_id: int) -> str:
    return f"r{return_id}"


MONTHS_PART = "m"


def html_part(quarter: int | None, language: str) -> str:
    return f"h{quarter or 0}-{language}"


# The statistics page's HTML of every period and language of a snapshot, rendered when it is stored
# (casemanagement.views.snapshot_html, set in CasemanagementConfig.ready): (quarter, language) -> the HTML
# before and after the status of the returns.
HtmlRenderer = Callable[[int, ProtectedYear], dict[tuple[int | None, str], list[str]]]
_html_renderer: HtmlRenderer | None = None


def set_html_renderer(renderer: HtmlRenderer | None) -> None:
    global _html_renderer
    _html_renderer = renderer


def _html_parts(year: int, protection: YearProtection) -> dict[str, dict[str, Any]]:
    """The rendered pages of the snapshot; none if rendering fails (the page then renders on demand)."""
    if _html_renderer is None:
        return {}
    try:
        rendered = _html_renderer(year, protection)
    except Exception:  # never lose the snapshot over its HTML
        logger.exception("Statistik %s: HTML des Stands nicht erzeugt", year)
        return {}
    return {html_part(quarter, language): {"html": html} for (quarter, language), html in rendered.items()}


def parts_of(protection: YearProtection) -> dict[str, dict[str, Any]]:
    """Every table of the protected year as the pages show it: part name -> {"shown": [[*key, shown]],
    "columns": [carrier ids]} (periods only). ``shown`` is ``suppression.display`` of the figure: the
    value, or the marker of a hidden one. A return's breakdown sums are not shown anywhere (left out)."""
    values, hidden = protection.values, protection.hidden
    shown: dict[str, list[list[Any]]] = defaultdict(list)
    for rid in protection.return_ids:
        shown[return_part(rid)] = []
    for quarter in (None, 1, 2, 3, 4):
        shown[period_part(quarter)] = []
    for key in values.keys() | hidden:
        kind = key[0]
        if kind == "p":
            name, rest = period_part(key[1]), key[2:]
        elif kind == "r":
            if key[2] != "c":
                continue  # unpublished: the sums of a return's breakdowns
            name, rest = return_part(key[1]), key[2:]
        elif kind == "m":
            name, rest = MONTHS_PART, key[1:]
        else:  # pragma: no cover - no other table in YearProtection
            raise ValueError(f"unknown table {key!r}")
        shown[name].append([*rest, display(key, values, hidden)])
    parts: dict[str, dict[str, Any]] = {name: {"shown": cells} for name, cells in shown.items()}
    for quarter in (None, 1, 2, 3, 4):
        parts[period_part(quarter)]["columns"] = protection.carriers(quarter)
    return parts


def _encode(part: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(part, separators=(",", ":")).encode(), 1)


def _decode(data: bytes | memoryview) -> dict[str, Any]:
    raw = json.loads(zlib.decompress(bytes(data)))
    return {
        "shown": {tuple(cell[:-1]): cell[-1] for cell in raw.get("shown", ())},
        "columns": raw.get("columns", []),
        "html": raw.get("html"),
    }


def _figures(part: dict[str, Any] | None, prefix: tuple = ()) -> ProtectedFigures:
    """A stored table read like the computed one: its shown values with an empty hidden set (a hidden
    figure's stored value is already its marker, which ``display`` then passes through)."""
    shown = part["shown"] if part is not None else {}
    if prefix:
        shown = {prefix + key: value for key, value in shown.items()}
    return ProtectedFigures(cast(dict, shown), set(), prefix)


class StoredProtection:
    """The stored snapshot of a year read part by part, with the reads of ``selectors.YearProtection``
    (``period``, ``caseload_return``, ``month_stock``, ``carriers``, ``month_stocks``).

    Every part comes from the snapshot ``key``; a part is read (one query) when first asked for, or
    several at once with ``load``. A period missing from the database (the snapshot was replaced twice
    while this request ran) reads as empty: the page then shows no column rather than mixed states."""

    def __init__(self, year: int, key: str):
        self.year = year
        self.key = key
        self._parts: dict[str, dict[str, Any] | None] = {}

    def load(self, *names: str) -> None:
        wanted = [n for n in names if n not in self._parts]
        if not wanted:
            return
        rows = StatisticsSnapshotPart.objects.filter(year=self.year, key=self.key, code__in=wanted).values_list(
            "code", "data"
        )
        found = {name: _decode(data) for name, data in rows}
        for name in wanted:
            self._parts[name] = found.get(name)

    def _part(self, name: str) -> dict[str, Any] | None:
        self.load(name)
        return self._parts[name]

    def carriers(self, quarter: int | None) -> list[int]:
        part = self._part(period_part(quarter))
        return list(part["columns"]) if part is not None else []

    def period(self, quarter: int | None) -> ProtectedFigures:
        return _figures(self._part(period_part(quarter)))

    def caseload_return(self, return_id: int) -> ProtectedFigures | None:
        part = self._part(return_part(return_id))
        return None if part is None else _figures(part)

    def month_stocks(self) -> dict[tuple[int, int], str | int]:
        part = self._part(MONTHS_PART)
        return dict(part["shown"]) if part is not None else {}

    def month_stock(self, month: int, carrier_id: int) -> str | int | None:
        return self.month_stocks().get((month, carrier_id))

    def html(self, quarter: int | None, language: str) -> list[str] | None:
        """The statistics page's HTML of the period stored with the snapshot (before and after the status)."""
        part = self._part(html_part(quarter, language))
        return None if part is None else part["html"]


def _store(year: int, stamp: str, protection: YearProtection) -> datetime:
    """Save the snapshot in one transaction: its parts under ``stamp``, the header row pointing at them;
    the parts of the key before are kept (a reader may have just read the old header), older ones go."""
    parts = {**parts_of(protection), **_html_parts(year, protection)}
    now = timezone.now()
    with transaction.atomic():
        previous = StatisticsSnapshot.objects.filter(year=year).values_list("key", flat=True).first()
        StatisticsSnapshotPart.objects.filter(year=year).exclude(key__in=[k for k in (previous,) if k]).delete()
        StatisticsSnapshotPart.objects.filter(year=year, key=stamp).delete()  # recomputed (force) or same data
        StatisticsSnapshotPart.objects.bulk_create(
            [
                StatisticsSnapshotPart(year=year, key=stamp, code=name, data=_encode(part))
                for name, part in parts.items()
            ],
            batch_size=2000,
        )
        fields = {"key": stamp, "computed_at": now, "refreshing_since": None}
        if previous is None:
            StatisticsSnapshot.objects.create(year=year, **fields)
        else:
            StatisticsSnapshot.objects.filter(year=year).update(**fields)
    return now


class LedgerBusy(Exception):
    """The ledger grew while the protection was prepared, every attempt: try again later."""


def _repeatable_read(outermost: bool) -> None:
    if connection.vendor == "postgresql" and outermost:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def compute_and_record(year: int, *, attempts: int = PREPARE_ATTEMPTS) -> tuple[str, YearProtection]:
    """The stamp and the protected year, recorded in the ledger, holding the year's publication lock
    only to record (outside any transaction: the worker).

    Each attempt prepares the protection in one consistent read (stamp, returns, ledger) without the
    lock (``selectors.year_protection_prepare``), then takes the lock and records it only if no state
    was recorded after those it was audited against and the data are still those it read; else it
    prepares again. The last attempt records a state of data changed meanwhile all the same (it is
    audited against every earlier state; the snapshot is then stale and computed again), but never
    one not audited against the latest state: ``LedgerBusy``."""
    for attempt in range(attempts):
        with transaction.atomic():
            _repeatable_read(True)
            stamp = current_key()
            prepared = selectors.year_protection_prepare(year=year)
        with publication.ledger(year):  # READ COMMITTED on PostgreSQL: sees what was committed meanwhile
            unchanged = attempt == attempts - 1 or current_key() == stamp
            if unchanged and selectors.year_protection_record(prepared, year=year):
                return stamp, prepared.protection
    raise LedgerBusy(year)


def _compute_consistent(year: int) -> tuple[str, YearProtection]:
    """The stamp and the protected year from one consistent read of the database.

    The protection's equations and values come from three queries; they must see the same data,
    or the hidden set could miss a link. SQLite's deferred transaction keeps one read snapshot from
    its first read on; PostgreSQL needs REPEATABLE READ for that (READ COMMITTED re-reads per query).
    Outside a transaction (the worker) the lock is held only to record (``compute_and_record``)."""
    outermost = connection.get_autocommit()
    if outermost:
        return compute_and_record(year)
    with transaction.atomic():
        stamp = current_key()
        return stamp, selectors.year_protection_compute(year=year)


@dataclass(frozen=True)
class _Header:
    key: str
    computed_at: datetime
    requested_at: datetime | None
    refreshing_since: datetime | None
    data: dict[str, bytes | None]


def _header(year: int, parts: tuple[str, ...] = ()) -> _Header | None:
    """The stored snapshot's key, time and refresh state, with the data of ``parts`` of that key read in
    the same query (one consistent statement). None: no snapshot of the year yet."""
    qs = StatisticsSnapshot.objects.filter(year=year)
    annotations = {
        f"part_{i}": Subquery(
            StatisticsSnapshotPart.objects.filter(year=OuterRef("year"), key=OuterRef("key"), code=name).values("data")[
                :1
            ]
        )
        for i, name in enumerate(parts)
    }
    row = (
        qs.annotate(**annotations)
        .values_list("key", "computed_at", "refresh_requested_at", "refreshing_since", *annotations)
        .first()
    )
    if row is None:
        return None
    key, computed_at, requested_at, refreshing_since, *data = row
    return _Header(key, computed_at, requested_at, refreshing_since, dict(zip(parts, data, strict=True)))


def _claimed(refreshing_since: datetime | None) -> bool:
    return refreshing_since is not None and refreshing_since >= timezone.now() - LOCK_TIMEOUT


def _current(year: int, parts: tuple[str, ...] = ()) -> tuple[Snapshot, dict[str, bytes | None]]:
    """The snapshot a page shows (two queries): the stored one, stale or not, with the data of ``parts``;
    computed here only when the year has none yet (or, with the background refresh off, when stale)."""
    stamp = current_key()
    header = _header(year, parts)
    if header is not None:
        if header.key == stamp or background_enabled():
            stale = header.key != stamp
            # a write marks its year itself; this is for writes whose mark got lost (a process ended) and
            # for the years of other writes (one stamp for all years): no query unless needed
            if stale and not _claimed(header.refreshing_since):
                schedule_refresh(year, marked=header.requested_at is not None)
            return Snapshot(StoredProtection(year, header.key), header.key, header.computed_at, stale), header.data
    # first request of the year ever (or synchronous mode): compute now, in this request's transaction
    protection = selectors.year_protection_compute(year=year)
    computed_at = _store(year, stamp, protection)
    return Snapshot(protection, stamp, computed_at, False), {}


def statistics_snapshot(*, year: int) -> Snapshot:
    """The protected year for the statistics page: the newest snapshot, computed here only if none exists."""
    return _current(year)[0]


@dataclass(frozen=True)
class ReturnShown:
    """A frozen return as staff see it (``figures`` None: not yet in the stored snapshot) and the
    snapshot's time (the page shows "Stand: …" when ``stale``)."""

    figures: ProtectedFigures | None
    computed_at: datetime
    stale: bool


def stored_return(*, caseload_return: CaseloadReturn) -> ReturnShown:
    """One frozen return protected with its whole year, from the stored snapshot (two queries: the
    data stamp, and the header with the return's part). Never computes the year unless it has no
    snapshot at all (or the background refresh is off)."""
    name = return_part(caseload_return.pk)
    snapshot, data = _current(caseload_return.year, (name,))
    if isinstance(snapshot.protection, StoredProtection):
        raw = data.get(name)
        figures = None if raw is None else _figures(_decode(raw))
    else:
        figures = snapshot.protection.caseload_return(caseload_return.pk)
    return ReturnShown(figures, snapshot.computed_at, snapshot.stale)


def _claim(year: int) -> bool:
    """Mark the year's row as being computed, clearing its request (a write committed before is read by
    this computation; one after marks the year again); False if another process or thread already
    computes it (a claim older than ``LOCK_TIMEOUT`` is taken over: its process died)."""
    now = timezone.now()
    claimed = (
        StatisticsSnapshot.objects.filter(year=year)
        .filter(Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=now - LOCK_TIMEOUT))
        .update(refreshing_since=now, refresh_requested_at=None)
    )
    if claimed:
        return True
    return not StatisticsSnapshot.objects.filter(year=year).exists()  # nothing stored yet: compute


def mark(year: int) -> None:
    """Ask for the year to be computed again (after a write's commit: the mark is newer than the data)."""
    StatisticsSnapshot.objects.filter(year=year, refresh_requested_at__isnull=True).update(
        refresh_requested_at=timezone.now()
    )


def refresh_year(year: int, *, force: bool = False) -> bool:
    """Compute and store the year's snapshot unless it is current or already being computed.

    True if a new snapshot was stored. Runs in its own transactions (worker process or thread, command)."""
    checked = timezone.now()
    current = current_key()
    if not force:
        row = StatisticsSnapshot.objects.filter(year=year, key=current).values_list("refresh_requested_at").first()
        if row is not None:
            if row[0] is not None and row[0] < checked:  # asked for before the data read just now: done
                StatisticsSnapshot.objects.filter(year=year, refresh_requested_at=row[0]).update(
                    refresh_requested_at=None
                )
            return False
    if not _claim(year):
        return False
    try:
        stamp, protection = _compute_consistent(year)
        _store(year, stamp, protection)
    except BaseException:
        # given back, and asked for again: the watcher (or the next page) starts it anew
        StatisticsSnapshot.objects.filter(year=year).update(refreshing_since=None, refresh_requested_at=timezone.now())
        raise
    return True


def refresh_rounds(year: int, *, rounds: int = ROUNDS) -> int:
    """``refresh_year`` again while writes came in during the computation (bounded); the number stored."""
    done = 0
    for _round in range(rounds):
        if not refresh_year(year):
            break
        done += 1
    return done


def pending_years() -> list[int]:
    """The years a worker should compute: marked and not being computed, or whose claim expired."""
    expired = timezone.now() - LOCK_TIMEOUT
    free = Q(refreshing_since__isnull=True) | Q(refreshing_since__lt=expired)
    return list(
        StatisticsSnapshot.objects.filter(
            (Q(refresh_requested_at__isnull=False) & free) | Q(refreshing_since__lt=expired)
        )
        .order_by("year")
        .values_list("year", flat=True)
    )


def _refresh_in_thread(year: int) -> None:
    try:
        refresh_rounds(year)
    except Exception:  # a worker thread has nobody to report to but the log
        logger.exception("Statistik %s: Neuberechnung im Hintergrund fehlgeschlagen", year)
    finally:
        connection.close()


_scheduled: set[int] = set()
_scheduled_lock = threading.Lock()
_children: dict[int, subprocess.Popen] = {}


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


def refresh_command(year: int) -> list[str]:
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), "refresh_statistics", "--year", str(year)]


def _start_process(year: int) -> None:
    """A detached ``manage.py refresh_statistics --year Y`` (its own session: it outlives a restart of the
    web process); at most one per year from this process at a time, the claim keeps it one in all."""
    with _scheduled_lock:
        for y, child in list(_children.items()):
            if child.poll() is not None:  # ended: reaped
                del _children[y]
        if year in _children:
            return
        try:
            _children[year] = subprocess.Popen(  # noqa: S603 (our own command, no shell)
                refresh_command(year),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
            )
        except OSError:
            logger.exception("Statistik %s: Neuberechnung nicht gestartet", year)


def _start_worker(year: int, *, marked: bool = False) -> None:
    """After the commit: mark the year, and start its computation as ``KIM_STATISTICS_WORKER`` says."""
    mode = worker_mode()
    if not marked:
        try:
            mark(year)
        except Exception:  # the page is served all the same; the next request marks again
            logger.exception("Statistik %s: Neuberechnung nicht vorgemerkt", year)
    if mode == "thread":
        _start_thread(year)
    elif mode == "process":
        _start_process(year)
    # "external": manage.py refresh_statistics --watch finds the mark


def schedule_refresh(year: int, *, marked: bool = False) -> None:
    """Mark the year for a refresh and start the worker once the current transaction has committed."""
    if not background_enabled():
        return
    if marked and worker_mode() == "external":
        return  # marked already; the watcher will come
    transaction.on_commit(lambda: _start_worker(year, marked=marked))


def _return_changed(sender: type[CaseloadReturn], instance: CaseloadReturn, **kwargs: object) -> None:
    if background_enabled() and StatisticsSnapshot.objects.filter(year=instance.year).exists():
        schedule_refresh(instance.year)


def connect_signals() -> None:
    post_save.connect(_return_changed, sender=CaseloadReturn, dispatch_uid="statistics-snapshot-save")
    post_delete.connect(_return_changed, sender=CaseloadReturn, dispatch_uid="statistics-snapshot-delete")
