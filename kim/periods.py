"""Day-exact periods. Pro-rata shares of annual amounts are computed by days (domain rule)."""

from __future__ import annotations

import calendar
from datetime import date


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
