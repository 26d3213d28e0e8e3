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

from casemanagement import selectors
from casemanagement.models import CaseloadReturn, StatisticsSnapshot, StatisticsSnapshotPart
from casemanagement.selectors import STATISTICS_STAMP, ProtectedYear, YearProtection
from casemanagement.suppression import ProtectedFigures, display
from kim import figure_cache

logger = logging.getLogger(__name__)

# A computation still marked as running after this long died with its process; another may start.
LOCK_TIMEOUT = timedelta(minutes=15)


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
        return stamp, selectors.year_protection_compute(year=year)


def _header(year: int, parts: tuple[str, ...] = ()) -> tuple[str, datetime, dict[str, bytes | None]] | None:
    """The stored snapshot's key and time, with the data of ``parts`` of that key read in the same
    query (one consistent statement). None: no snapshot of the year yet."""
    qs = StatisticsSnapshot.objects.filter(year=year)
    annotations = {
        f"part_{i}": Subquery(
            StatisticsSnapshotPart.objects.filter(year=OuterRef("year"), key=OuterRef("key"), code=name).values("data")[
                :1
            ]
        )
        for i, name in enumerate(parts)
    }
    row = qs.annotate(**annotations).values_list("key", "computed_at", *annotations).first()
    if row is None:
        return None
    key, computed_at, *data = row
    return key, computed_at, dict(zip(parts, data, strict=True))


def _current(year: int, parts: tuple[str, ...] = ()) -> tuple[Snapshot, dict[str, bytes | None]]:
    """The snapshot a page shows (two queries): the stored one, stale or not, with the data of ``parts``;
    computed here only when the year has none yet (or, with the background refresh off, when stale)."""
    stamp = current_key()
    header = _header(year, parts)
    if header is not None:
        stored_key, computed_at, data = header
        if stored_key == stamp or background_enabled():
            stale = stored_key != stamp
            if stale:
                schedule_refresh(year)
            return Snapshot(StoredProtection(year, stored_key), stored_key, computed_at, stale), data
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
