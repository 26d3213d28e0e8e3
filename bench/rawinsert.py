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
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

BATCH = 20_000


class RawTable:
    """Rows for one model: ``add(**values)`` collects, ``flush()`` writes. Missing fields take the field default
    (evaluated once; callable defaults such as ``uuid4`` must be passed explicitly for determinism)."""

    def __init__(self, model: type[models.Model], start_pk: int | None = None):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.names = [f.attname for f in self.fields]
        self.index = {name: i for i, name in enumerate(self.names)}
        self.defaults: list[Any] = []
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                self.defaults.append(f.default)
            elif isinstance(f, models.CharField | models.TextField) and not f.null:
                self.defaults.append("")
            else:
                self.defaults.append(None)
        self.converters = [self._converter(f) for f in self.fields]
        self.rows: list[list[Any]] = []
        self.count = 0
        if start_pk is None:
            start_pk = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self.next_pk = start_pk

    @staticmethod
    def _converter(field: models.Field):
        if isinstance(field, models.UUIDField | models.JSONField | models.DateTimeField | models.DecimalField):
            return lambda value: field.get_db_prep_save(value, connection)
        return None

    def add(self, **values: Any) -> int:
        row = list(self.defaults)
        pk = values.pop("id", None)
        if pk is None:
            pk = self.next_pk
            self.next_pk += 1
        row[self.index[self.model._meta.pk.attname]] = pk
        for name, value in values.items():
            row[self.index[name]] = value
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        for i, conv in enumerate(self.converters):
            if conv is not None:
                for row in self.rows:
                    if row[i] is not None:
                        row[i] = conv(row[i])
        write_rows(self.model._meta.db_table, self.columns, self.rows)
        self.count += len(self.rows)
        self.rows = []


def write_rows(table: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            buffer.writelines("\t".join(_copy_value(v) for v in row) + "\n" for row in rows)
            buffer.seek(0)
            cursor.cursor.copy_expert(  # psycopg2's COPY … FROM STDIN
                f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN", buffer
            )
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
