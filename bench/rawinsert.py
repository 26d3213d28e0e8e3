"""Fast inserts of generated bench rows straight into the tables (executemany on SQLite, COPY on PostgreSQL).

Bench data is deliberately *not* audited: the generator writes hundreds of thousands of synthetic rows into a
separate bench database, and a history row per row would double the time and the size without telling anything
about the pages measured. That is why this module – used only by ``bench`` – writes around the history
signals; application code must keep using services and ``bulk_create_with_history``
(tests/test_audit_history.py). It does not call ``bulk_create`` at all: values are prepared by the fields
themselves (``get_db_prep_save``) and written in large batches with explicit primary keys.
"""

from __future__ import annotations

import io
import json
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 20_000


class RawTable:
    """Rows for one model, written in large batches with explicit primary keys.

    Two ways to add a row: ``add(**values)`` (any fields by name; values are prepared by the fields themselves,
    missing fields take the field default) for the small tables, and ``row(*values)`` for the big ones: the values
    of ``columns`` in that order, already in database form (dates, ints, strings, UUIDs as 32 hex digits; what
    ``uuid_hex`` returns), with no per-value work in Python – the other fields take their default, prepared once.
    Defaults are evaluated once; callable defaults such as ``uuid4`` must be passed explicitly for determinism."""

    def __init__(self, model: type[models.Model], start_pk: int | None = None, columns: Sequence[str] = ()):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        pk_name = model._meta.pk.attname
        rest = [name for name in fields if name != pk_name and name not in columns]
        # Column order of the rows: primary key, the ``columns`` of row(), then every other field.
        self.fields = [fields[pk_name], *(fields[name] for name in columns), *(fields[name] for name in rest)]
        self.columns = [f.column for f in self.fields]
        self.names = [f.attname for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.converters = {f.attname: self._converter(f) for f in self.fields if self._converter(f) is not None}
        defaults: list[Any] = []
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                defaults.append(self.prepare(f.attname, f.default))
            elif isinstance(f, models.CharField | models.TextField) and not f.null:
                defaults.append("")
            else:
                defaults.append(None)
        self.defaults = defaults
        self.tail = tuple(defaults[1 + len(columns) :])
        self.rows: list[Sequence[Any]] = []
        self.count = 0
        if start_pk is None:
            start_pk = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self.next_pk = start_pk

    @staticmethod
    def _converter(field: models.Field):
        if isinstance(field, models.UUIDField):
            # 32 hex digits are what Django stores on SQLite and what PostgreSQL's uuid type reads as well
            return lambda value: value if isinstance(value, str) else value.hex
        if isinstance(field, models.DateTimeField):
            cache: dict[Any, Any] = {}

            def convert(value: Any) -> Any:
                if value not in cache:  # the generated timestamps repeat: prepare each once
                    cache[value] = field.get_db_prep_save(value, connection)
                return cache[value]

            return convert
        if isinstance(field, models.JSONField | models.DecimalField):
            return lambda value: field.get_db_prep_save(value, connection)
        return None

    def prepare(self, name: str, value: Any) -> Any:
        """``value`` of field ``name`` in database form (what ``row()`` takes)."""
        conv = self.converters.get(name)
        return value if conv is None or value is None else conv(value)

    def add(self, **values: Any) -> int:
        row = list(self.defaults)
        pk = values.pop("id", None)
        if pk is None:
            pk = self.next_pk
            self.next_pk += 1
        row[0] = pk
        index = self.index
        for name, value in values.items():
            row[index[name]] = self.prepare(name, value)
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def row(self, *values: Any) -> int:
        """The values of ``columns`` in database form; returns the new primary key."""
        pk = self.next_pk
        self.next_pk = pk + 1
        self.rows.append((pk, *values, *self.tail))
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        write_rows(self.model._meta.db_table, self.columns, self.rows, self.fields)
        self.count += len(self.rows)
        self.rows = []


def uuid_hex(bits: int) -> str:
    """A version-4 UUID from 128 random bits, as 32 hex digits (what ``uuid.UUID(int=bits, version=4).hex`` gives,
    without building the object)."""
    bits = (bits & ~(0xC000 << 48)) | (0x8000 << 48)
    bits = (bits & ~(0xF000 << 64)) | (4 << 76)
    return f"{bits:032x}"


_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, str):
        return value.translate(_ESCAPE)
    return _copy_value(value)


def _copy_plain(value: Any) -> str:
    return r"\N" if value is None else _copy_value(value)


class _Copier:
    """COPY in a second thread: psycopg2 lets go of the interpreter lock while the server reads the rows, so the
    next batch is generated in Python while PostgreSQL stores the last one (two cores instead of one). One batch
    waits in the queue at most, which bounds the memory. Same connection and transaction: the main thread sends
    nothing else to the database until ``copy_in_background`` has ended (it waits for the last batch)."""

    def __init__(self) -> None:
        self.queue: queue.Queue[tuple[str, io.StringIO] | None] = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.raw = connection.connection  # the psycopg2 connection of this thread's Django connection
        self.thread = threading.Thread(target=self._run, name="bench-copy", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is None:
                try:
                    with self.raw.cursor() as cursor:
                        cursor.copy_expert(*item)
                except BaseException as exc:  # handed to the main thread in put() or close()
                    self.error = exc

    def put(self, sql: str, buffer: io.StringIO) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put((sql, buffer))

    def close(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


_copier: _Copier | None = None


@contextmanager
def copy_in_background() -> Iterator[None]:
    """PostgreSQL: the ``COPY`` of every flush in this block runs in a second thread (see ``_Copier``); elsewhere
    nothing changes. The block must not query the database itself."""
    global _copier
    if connection.vendor != "postgresql" or _copier is not None:
        yield
        return
    connection.ensure_connection()
    _copier = _Copier()
    try:
        yield
    finally:
        copier, _copier = _copier, None
        copier.close()


def write_rows(
    table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], fields: Sequence[models.Field] | None = None
) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One formatter per column: text is escaped for COPY, non-null numbers and dates are just str().
            formats: list[Callable[[Any], str]]
            if fields is None:
                formats = [_copy_text] * len(columns)
            else:
                formats = [
                    _copy_text
                    if isinstance(f, models.CharField | models.TextField | models.JSONField)
                    else (_copy_plain if f.null or isinstance(f, models.BooleanField) else str)
                    for f in fields
                ]
            buffer = io.StringIO()
            buffer.writelines("\t".join([fmt(v) for fmt, v in zip(formats, row, strict=True)]) + "\n" for row in rows)
            buffer.seek(0)
            sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
            if _copier is not None:
                _copier.put(sql, buffer)
            else:
                cursor.cursor.copy_expert(sql, buffer)  # psycopg2's COPY … FROM STDIN
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES ({placeholders})", rows
            )


def _copy_value(value: Any) -> str:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if hasattr(value, "adapted"):  # psycopg2 Json wrapper from JSONField.get_db_prep_save
        return _copy_value(json.dumps(value.adapted))
    return str(value)


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """After explicit primary keys: move PostgreSQL's sequences past the highest id (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


@contextmanager
def without_indexes(
    model_list: Iterable[type[models.Model]], log: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Loads the tables of ``model_list`` without their secondary indexes and builds them afterwards (inside the
    caller's transaction). Keeping an index up to date row by row – a random UUID, dates in random order – costs far
    more than building it once from the loaded table (a sort), and the state slice loads some 20 million rows.
    Primary keys stay; unique constraints are dropped and added again (checked when added). PostgreSQL only: SQLite
    checks a deferred foreign key on every insert into the parent table by searching the child table, which
    without the index on the child's key column is a full scan each time (quadratic; measured 12 × slower)."""
    tables = [m._meta.db_table for m in model_list]
    restore: list[str] = []
    with connection.cursor() as cursor:
        qn = connection.ops.quote_name
        if connection.vendor == "postgresql":
            # Rows written earlier in the same transaction (the test suite loads demo and bench data in one) leave
            # deferred foreign-key checks pending, and a table with pending checks cannot be altered: check them
            # now, then defer again (Django's foreign keys are INITIALLY DEFERRED).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables:
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
                    [table],
                )
                constraints = cursor.fetchall()
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                    "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conrelid = %s::regclass AND c.conname = i.indexname) ORDER BY i.indexname",
                    [table, table],
                )
                indexes = cursor.fetchall()
                for name, definition in constraints:
                    cursor.execute(f"ALTER TABLE {qn(table)} DROP CONSTRAINT {qn(name)}")
                    restore.append(f"ALTER TABLE {qn(table)} ADD CONSTRAINT {qn(name)} {definition}")
                for name, definition in indexes:
                    cursor.execute(f"DROP INDEX {qn(name)}")
                    restore.append(definition)
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in restore:
            cursor.execute(sql)
    if log and restore:
        log(f"{len(restore)} Indizes neu aufgebaut ({time.perf_counter() - started:.1f} s)")
