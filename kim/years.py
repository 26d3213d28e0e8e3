"""The year switch, remembered across pages: a year chosen on the dashboard or a year page
(controlling, statistics) is kept in the session and pre-fills the year of those pages when the
address names none. Lists never read it: a list shows exactly the filters in its address, so a
year chosen elsewhere cannot hide a row (a new entry stays findable). Wherever the remembered year is used the page
says so and offers to clear it (``?year=`` with an empty value forgets it). An explicit ``?year=``
always wins; an implausible one is ignored (and not remembered)."""

from __future__ import annotations

from django.http import HttpRequest

SESSION_KEY = "kim_year"
# set on the request when a page used the session's year; base.html then shows it with a way to clear it
USED_ATTR = "kim_remembered_year"


def parse_year(raw: object) -> int | None:
    raw = str(raw or "").strip()
    # Four ASCII digits first: int() of a 5.000-digit string raises (Python's digit limit) → 500.
    if len(raw) == 4 and raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return None


def forget_year(request: HttpRequest) -> None:
    session = getattr(request, "session", None)
    if session is not None and SESSION_KEY in session:
        del session[SESSION_KEY]


def remembered_year(request: HttpRequest) -> int | None:
    """The year of ``?year=`` (remembered from now on), else the one remembered, else None.

    Only for year pages and the dashboard. ``?year=`` with an empty value forgets the remembered year.
    """
    raw = request.GET.get("year")
    session = getattr(request, "session", None)
    if raw is not None and not raw.strip():
        forget_year(request)
        return None
    year = parse_year(raw)
    if year is not None:
        if session is not None and session.get(SESSION_KEY) != year:
            session[SESSION_KEY] = year
        return year
    value = session.get(SESSION_KEY) if session is not None else None
    if isinstance(value, int) and 2000 <= value <= 2100:
        setattr(request, USED_ATTR, value)
        return value
    return None


def year_or(request: HttpRequest, default: int) -> int:
    year = remembered_year(request)
    return default if year is None else year
