"""Table columns that render money, FTE and dates the one German way."""

from __future__ import annotations

import django_tables2 as tables

from kim.money import format_euro, format_fte


class EuroColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "money"})
        attrs.setdefault("th", {"class": "money"})
        attrs.setdefault("tf", {"class": "money"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return format_euro(value)


class FTEColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        super().__init__(*args, attrs=attrs, **kwargs)

    def render(self, value):
        return format_fte(value)


class GermanDateColumn(tables.DateColumn):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "d.m.Y")
        super().__init__(*args, **kwargs)


class NumberColumn(tables.Column):
    """A whole number such as a module number: right-aligned, exported as a number cell."""

    export_kind = "int"

    def __init__(self, *args, **kwargs):
        attrs = kwargs.pop("attrs", {})
        attrs.setdefault("td", {"class": "num"})
        attrs.setdefault("th", {"class": "num"})
        super().__init__(*args, attrs=attrs, **kwargs)


class YearColumn(tables.Column):
    """Years never get a thousands separator ("2021", not "2.021")."""

    def render(self, value):
        return str(value)


# Export kinds (kim.exports) per column class: typed cells in XLSX, German numbers in CSV.
EXPORT_KINDS: list[tuple[type, str]] = [
    (EuroColumn, "euro"),
    (FTEColumn, "fte"),
    (tables.DateColumn, "date"),
    (YearColumn, "int"),
]


def export_kind(column: tables.Column) -> str:
    explicit = getattr(column, "export_kind", None)
    if explicit:
        return explicit
    for cls, kind in EXPORT_KINDS:
        if isinstance(column, cls):
            return kind
    return "text"
