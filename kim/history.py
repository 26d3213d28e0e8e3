"""History rendering: what changed between two history records, displayed as elsewhere (German
amounts, FTE, dates). Used by detail pages and by the conflict message of a stale form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils.translation import gettext as _

from kim.money import format_euro, format_fte


def _display(field, value) -> str:
    """A history value as the user reads it elsewhere: German amounts, FTE and dates."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Decimal):
        return format_fte(value) if getattr(field, "decimal_places", 2) == 3 else format_euro(value)
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if field.is_relation:
        # Rare (an employer or a grant changed); one lookup per such change on a detail page.
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(gelöscht)")
    if getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    return str(value)


def field_changes(obj: Model, newer, older, *, excluded: list[str]) -> list[dict[str, str]]:
    """The fields that differ between two history records of ``obj``: name, old → new, displayed as
    elsewhere (German amounts, FTE, dates). Used by the history on detail pages and by the conflict
    message of a stale form (kim.versioning)."""
    rows = []
    for change in newer.diff_against(older, excluded_fields=excluded).changes:
        field = obj._meta.get_field(change.field)
        rows.append(
            {"field": str(field.verbose_name), "old": _display(field, change.old), "new": _display(field, change.new)}
        )
    return rows


def history_with_changes(obj: Model, *, limit: int) -> list[dict[str, Any]]:
    """The newest history records of an object with the fields each one changed (old → new).

    One query: the records are fetched once (plus one older record to diff the last shown one against).
    """
    records = list(obj.history.select_related("history_user")[: limit + 1])
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(rows) == limit:
            break
        changes = (
            field_changes(obj, newer, older, excluded=["version"] if hasattr(newer, "version") else [])
            if older is not None
            else []
        )
        rows.append({"record": newer, "changes": changes})
    return rows
