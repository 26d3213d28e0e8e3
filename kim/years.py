"""The year switch, remembered across pages: a year chosen on the dashboard, a year page
(controlling, statistics) or a list filter is kept in the session and is the default wherever a
page has a year and the address names none. An explicit ``?year=`` always wins; an implausible one
is ignored (and not remembered)."""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "kim_year"


def parse_year(raw: object) -> int | None:
    raw = str(raw or "").strip()
    # Four ASCII digits first: int() of a 5.000-digit string raises (Python's digit limit) → 500.
    if len(raw) == 4 and raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return None


def remembered_year(request: HttpRequest) -> int | None:
    """The year of ``?year=`` (remembered from now on), else the one remembered, else None."""
    year = parse_year(request.GET.get("year"))
    session = getattr(request, "session", None)
    if year is not None:
        if session is not None and session.get(SESSION_KEY) != year:
            session[SESSION_KEY] = year
        return year
    value = session.get(SESSION_KEY) if session is not None else None
    return value if isinstance(value, int) and 2000 <= value <= 2100 else None


def year_or(request: HttpRequest, default: int) -> int:
    year = remembered_year(request)
    return default if year is None else year
