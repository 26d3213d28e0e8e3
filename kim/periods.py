"""Day-exact periods. Pro-rata shares of annual amounts are computed by days (domain rule)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kim.money import round_money

# Plausible dates for this application (programme years, meetings, cases): one range everywhere a
# date is entered. It also keeps date arithmetic (end + 1 day, UTC offsets) away from date.max.
FIRST_PLAUSIBLE_DATE = date(2000, 1, 1)
LAST_PLAUSIBLE_DATE = date(2100, 12, 31)
DATE_RANGE_MESSAGE = _("Bitte ein Datum zwischen 2000 und 2100 eingeben.")


def validate_plausible_date(value: date | None) -> None:
    """The shared date validator: a German error for a date outside 2000–2100 (e.g. 31.12.9999)."""
    if value is None:
        return
    day = value.date() if hasattr(value, "date") and callable(value.date) else value
    if not FIRST_PLAUSIBLE_DATE <= day <= LAST_PLAUSIBLE_DATE:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_range")


def validate_plausible_dates(instance: models.Model) -> None:
    """Every entered date of a model instance (not the automatic time stamps), errors per field.

    Called by the services before saving, so the admin, imports and commands get the same rule as
    the forms.
    """
    errors = {}
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.DateField) or getattr(field, "auto_now", False):
            continue
        if getattr(field, "auto_now_add", False):
            continue
        try:
            validate_plausible_date(getattr(instance, field.attname))
        except ValidationError as exc:
            errors[field.name] = exc.messages
    if errors:
        raise ValidationError(errors)


def year_start(year: int) -> date:
    return date(year, 1, 1)


def year_end(year: int) -> date:
    return date(year, 12, 31)


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def overlap_days(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> int:
    """Number of calendar days (both ends inclusive) two periods share; open ends run forever."""
    start = max(start_a, start_b)
    ends = [e for e in (end_a, end_b) if e is not None]
    end = min(ends) if ends else date.max
    if end < start:
        return 0
    return (end - start).days + 1


def overlaps(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    return overlap_days(start_a, end_a, start_b, end_b) > 0


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def prorate(*, annual: Decimal, days: int, year: int) -> Decimal:
    """Pro-rata share of an annual amount for ``days`` of ``year``, rounded once (ROUND_HALF_UP)."""
    return round_money(annual * days / days_in_year(year))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
