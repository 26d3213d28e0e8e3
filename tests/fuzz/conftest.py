"""Fixtures of the fuzz tests: the demo (loaded once per module, rolled back afterwards) and its users."""

from __future__ import annotations

import io
import tempfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

FUZZ_APPS = ("kim", "modules", "funding", "casemanagement", "committee")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """`manage.py load_demo` once per module inside an outer transaction; every test's own transaction is a
    savepoint within it, and the whole demo is rolled back when the module is done (other tests never see it)."""
    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        with transaction.atomic():
            call_command("load_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


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
