"""Day-exact periods. Pro-rata shares of annual amounts are computed by days (domain rule)."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from kim.money import round_money


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
