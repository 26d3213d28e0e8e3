"""Helpers of the fuzz tests; the demo they run against is the shared module-scoped ``demo`` of tests/conftest.py."""

from __future__ import annotations

from django.apps import apps
from django.db import connection

FUZZ_APPS = ("kim", "modules", "funding", "casemanagement", "committee")


def fingerprint() -> dict[str, int]:
    """Row counts of every domain model and its history table, in one query."""
    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models()
            if model._meta.app_label in FUZZ_APPS
            and model._meta.managed
            and not model._meta.proxy
            and model.__name__ not in ("LoginAttempt",)
        }
    )
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return dict(zip(tables, row, strict=True))


def changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (before[t], after[t]) for t in before if before[t] != after[t]}
