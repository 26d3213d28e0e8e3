"""Periods and pro-rata shares of annual amounts: by days, full or started calendar months (a programme's rule)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from functools import lru_cache

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


@lru_cache(maxsize=2048)
def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


class Proration(models.TextChoices):
    """How a programme counts a part of a year (a property of the programme, never of the code).

    DAYS: calendar days / days in the year. FULL_MONTHS: only calendar months the period covers from
    the 1st to the last day count, each 1/12 (a notice for 01.07.–31.12. is 6/12). STARTED_MONTHS:
    every calendar month the period touches counts as 1/12 – the same as reducing the flat amount by
    one twelfth only for each calendar month a post is vacant throughout.
    """

    DAYS = "days", _("taggenau (Tage / Tage des Jahres)")
    FULL_MONTHS = "full_months", _("volle Kalendermonate (je 1/12)")
    STARTED_MONTHS = "started_months", _("angefangene Kalendermonate (je 1/12)")


Segment = tuple[date, date | None, Decimal]


def weighted_units(*, segments: Iterable[Segment], year: int, rule: str) -> tuple[Decimal, int]:
    """(Σ weight × counted units, units of a whole year) for disjoint segments (start, end, weight) within ``year``.

    The weight is usually an FTE share. Days: weight × days, year = days in the year. Full months: a
    month counts with the smallest weight present on every one of its days (0 if a day is not covered).
    Started months: a month counts with the largest weight present on any of its days. Callers divide
    last (amount × numerator / denominator) and round once, so 6/12 of 55.000 is exactly 27.500,00.
    """
    # Pure and called for every allocation of every post (the dashboard's risk list): cached by value.
    # The weight goes into the key as text, so 1.0 and 1.00 keep their own results (Decimal exponents).
    key = tuple((start, end, _weight_key(weight)) for start, end, weight in segments)
    return _weighted_units(key, year, rule)


def _weight_key(weight) -> str:
    # a float weight keeps its exact binary value (Decimal(0.1) is not Decimal("0.1")), as before
    return repr(float(weight)) + "f" if isinstance(weight, float) else str(weight)


def _weight(key: str) -> Decimal:
    return Decimal(float(key[:-1])) if key.endswith("f") else Decimal(key)


@lru_cache(maxsize=8192)
def _weighted_units(segments: tuple[tuple[date, date | None, str], ...], year: int, rule: str) -> tuple[Decimal, int]:
    ys, ye = year_start(year), year_end(year)
    clipped = []
    for start, end, weight in segments:
        s, e = max(start, ys), min(end or ye, ye)
        if s <= e:
            clipped.append((s, e, _weight(weight)))
    if rule == Proration.DAYS:
        return sum((w * ((e - s).days + 1) for s, e, w in clipped), start=Decimal(0)), days_in_year(year)
    if rule not in (Proration.FULL_MONTHS, Proration.STARTED_MONTHS):
        raise ValueError(f"unknown proration rule {rule!r}")
    total = Decimal(0)
    for month in range(1, 13):
        first, last = month_bounds(year, month)
        inside = [(max(s, first), min(e, last), w) for s, e, w in clipped if s <= last and e >= first]
        if not inside:
            continue
        if rule == Proration.STARTED_MONTHS:
            total += max(w for _, _, w in inside)
            continue
        covered = sum((e - s).days + 1 for s, e, _ in inside)
        if covered >= (last - first).days + 1:
            total += min(w for _, _, w in inside)
    return total, 12


def year_units(*, start: date, end: date | None, year: int, rule: str) -> tuple[int, int]:
    """(counted units of [start, end] within ``year``, units of a whole year): days or months, see Proration."""
    num, den = _weighted_units(((start, end, "1"),), year, str(rule))
    return int(num), den


def prorate_period(*, annual: Decimal, start: date, end: date | None, year: int, rule: str) -> Decimal:
    """The share of an annual amount for [start, end] within ``year`` under the programme's rule, rounded once."""
    num, den = year_units(start=start, end=end, year=year, rule=rule)
    return round_money(Decimal(annual) * num / den)
