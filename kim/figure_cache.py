"""Cache for expensive but stable figures (A 46 dashboard, the live figures of draft papers).

Every write of a domain model leaves a row in its history table (django-simple-history;
tests/test_audit_history.py forbids bypassing it). The newest history row (id and time) of each
table the figures depend on is therefore a change stamp that every process sees: one query reads
it, and cached figures are keyed by it. A write anywhere in those tables gives a new key, so a
cached figure is never stale; old entries simply expire. The time is part of the stamp so that a
rolled-back write whose id is handed out again (SQLite) still changes it.

The apps below hold all data the figures read (posts, rates, grants, contracts, cost plans, budget
lines, organisations); user rows are left out, a login changes no figure.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from functools import cache as memoise
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language

STAMP_APPS = ("kim", "modules", "funding")
STAMP_IGNORED = {"kim.historicaluser"}
CACHE_SECONDS = 6 * 3600


@memoise  # the installed models do not change while the process runs; read on every list request
def _stamp_tables(extra: tuple[str, ...] = ()) -> list[str]:
    tables = {
        model._meta.db_table
        for app in STAMP_APPS
        for model in apps.get_app_config(app).get_models()
        if model.__name__.startswith("Historical") and model._meta.label_lower not in STAMP_IGNORED
    }
    tables.update(apps.get_model(label)._meta.db_table for label in extra)
    return sorted(tables)


@memoise
def _stamp_sql(vendor: str, extra: tuple[str, ...]) -> str:
    qn = connection.ops.quote_name
    return " UNION ALL ".join(
        f"SELECT {i}, MAX({qn('history_id')}), MAX({qn('history_date')}) FROM {qn(table)}"
        for i, table in enumerate(_stamp_tables(extra))
    )


def data_stamp(extra: tuple[str, ...] = ()) -> str:
    """The newest history row (id and time) of every table the figures read – one query.

    ``extra`` names further history models (``"app.historicalmodel"``) for figures that read more
    than ``STAMP_APPS``, e.g. the case statistics (returns and their figures). Kept out of the
    default stamp so that everyday writes elsewhere (contacts, cases) leave the dashboard cached.

    On PostgreSQL the query is a prepared statement of the connection (``_execute_prepared``):
    planning the 21 index look-ups costs the server several times their execution, on every list
    page and every dashboard request."""
    sql = _stamp_sql(connection.vendor, tuple(extra))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _execute_prepared(cursor, sql)
        else:
            cursor.execute(sql)
        rows = sorted(cursor.fetchall())
    return ";".join(f"{i}:{hid}:{when}" for i, hid, when in rows)


def _execute_prepared(cursor: Any, sql: str) -> None:
    """``EXECUTE`` a statement prepared once per database connection (PostgreSQL).

    The names prepared are remembered with the driver's connection object they were prepared on:
    a new connection (``CONN_MAX_AGE``, a failed health check) prepares again. ``PREPARE`` goes
    through the driver's own cursor, outside the query log, so the pages' query counts stay the same
    on a new connection; it is not transactional, a rollback leaves it. (A pooler that hands out
    server connections per transaction, such as PgBouncer in transaction mode, does not keep prepared
    statements: this application connects directly.)"""
    name = "kim_stamp_" + hashlib.sha256(sql.encode()).hexdigest()[:16]
    raw = connection.connection
    state = getattr(connection, "_kim_prepared", None)
    if state is None or state[0] is not raw:
        state = (raw, set[str]())
        connection._kim_prepared = state  # type: ignore[attr-defined]
    if name not in state[1]:
        with raw.cursor() as setup:
            setup.execute(f"PREPARE {name} AS {sql}")
        state[1].add(name)
    cursor.execute(f"EXECUTE {name}")


def sub_stamp(stamp: str, *, extra: tuple[str, ...] = (), labels: tuple[str, ...]) -> str:
    """The part of ``stamp`` (read with ``data_stamp(extra)``) that belongs to the history models
    ``labels``: a key for a sub-result that reads only those models, so that a write elsewhere (a post
    saved) leaves it cached while the figures around it recompute. No query."""
    tables = _stamp_tables(extra)
    wanted = {apps.get_model(label)._meta.db_table for label in labels}
    missing = wanted.difference(tables)
    if missing:
        raise ValueError(f"not in the stamp: {sorted(missing)}")
    index = {str(i) for i, table in enumerate(tables) if table in wanted}
    parts = [part for part in stamp.split(";") if part.split(":", 1)[0] in index]
    return ",".join(sorted(wanted)) + "|" + ";".join(parts)


@memoise  # the installed models do not change while the process runs; read on every dashboard request
def default_labels() -> tuple[str, ...]:
    """The history models that ``data_stamp()`` reads without ``extra`` (``STAMP_APPS``)."""
    return tuple(
        sorted(
            model._meta.label_lower
            for app in STAMP_APPS
            for model in apps.get_app_config(app).get_models()
            if model.__name__.startswith("Historical") and model._meta.label_lower not in STAMP_IGNORED
        )
    )


def default_part(stamp: str, *, extra: tuple[str, ...]) -> str:
    """The part of ``stamp`` (read with ``data_stamp(extra)``) that ``data_stamp()`` alone covers: a key
    for figures that read only ``STAMP_APPS`` when the page also read further tables for something
    else (the dashboard's due list reads the returns; a return submitted must not recompute the
    dashboard's posts and money figures). No query."""
    return sub_stamp(stamp, extra=extra, labels=default_labels())


# Values already unpickled in this process, by cache key: (token, value). Unpickling the dashboard's
# figures (hundreds of objects) on every request made the garbage collector run every few requests
# (≈50 ms pauses in the p95). A value is used from here only while the cache still holds the same
# token for its key, so cache.clear() or a newer computation in another process retires it.
# Callers treat cached values as read-only (they copy before changing, as the dashboard does).
_memo: OrderedDict[str, tuple[str, Any]] = OrderedDict()
_memo_lock = threading.Lock()
MEMO_SIZE = 64


def _remember(key: str, token: str, value: Any) -> None:
    with _memo_lock:
        _memo[key] = (token, value)
        _memo.move_to_end(key)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def cached(name: str, parts: tuple, compute: Callable[[], Any], *, stamp: str | None = None, share: bool = True) -> Any:
    """``compute()`` from the cache while no data it reads has changed.

    ``parts`` must name everything else the result depends on (year, role view, day, …); the
    language is added here. Pass ``stamp`` to reuse one already read in this request.

    ``share=False`` keeps the value in this process only (the shared cache holds just its token):
    for large object graphs that the cache would pickle on every computation (the dashboard's
    figures, hundreds of model instances: about a fifth of its first request after a write) and
    that other processes do not need because what they show is cached as HTML."""
    stamp = data_stamp() if stamp is None else stamp
    raw = "|".join([name, *map(str, parts), get_language() or "", stamp])
    key = f"kim:{name}:" + hashlib.sha256(raw.encode()).hexdigest()
    token = cache.get(key + ":token")
    if token is not None:
        with _memo_lock:
            hit = _memo.get(key)
            if hit is not None:
                # least recently used goes first: the parts that no write changes (read on every
                # request) stay, the values of old stamps leave
                _memo.move_to_end(key)
        if hit is not None and hit[0] == token:
            return hit[1]
        if share:
            value = cache.get(key)
            if value is not None:
                _remember(key, token, value)
                return value
    value = compute()
    if share:
        token = uuid.uuid4().hex
        cache.set_many({key: value, key + ":token": token}, CACHE_SECONDS)
    elif token is None:  # another process's token stays valid for its own copy
        token = uuid.uuid4().hex
        cache.set(key + ":token", token, CACHE_SECONDS)
    _remember(key, token, value)
    return value
