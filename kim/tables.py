"""Table columns that render money, FTE and dates the one German way."""

from __future__ import annotations

from collections.abc import Hashable

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.template import Context
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize as localize_filter
from django.templatetags.l10n import unlocalize as unlocalize_filter
from django.utils.encoding import force_str
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django_tables2.columns import ManyToManyColumn
from django_tables2.utils import signature

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
    """German dates ("01.10.2020"). Rendered directly: django_tables2's DateColumn is a TemplateColumn that
    compiles its one-line template again for every cell (two date columns on 25 rows were 50 template
    compilations per page)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "d.m.Y")
        self.date_format = kwargs["format"]
        super().__init__(*args, **kwargs)

    def render(self, value, bound_column):  # what ``{{ value|date:format|default:default }}`` gives
        if value in (None, ""):  # a TemplateColumn sees empty values too
            return bound_column.default
        try:
            return date_format(template_localtime(value), self.date_format)
        except AttributeError:  # not a date: the date filter gives "", the template the default
            return bound_column.default


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


# --- the rows of a page in one pass -------------------------------------------------------------------
# django_tables2/table.html renders every cell through the template engine, computes the column's
# attributes again per cell and inspects the signature of the column's render method per cell. On the
# post list (25 rows × 9 columns) that was about two thirds of the request (bench --profile at county
# scale). ``rows_html`` produces the same <tr>/<td> markup in Python: attributes once per column unless
# they depend on the record, the render method's signature once per column, the value through
# django_tables2's own lookup (choices shown by their label, empty values as the column's default,
# linkify) and the template engine's own output function (localisation, escaping).


_MISSING = object()


def _has_callable(value) -> bool:
    if callable(value):
        return True
    if isinstance(value, dict):
        return any(_has_callable(v) for v in value.values())
    return False


def _localized(column: tables.Column, value):
    """``{% if column.localize == None %}{{ cell }}{% elif … %}{{ cell|localize }}…`` of table.html."""
    if column.localize is None:
        return value
    return localize_filter(value) if column.localize else unlocalize_filter(value)


def _choice_labels(table: tables.Table, bound) -> tuple[str, dict] | None:
    """For a column showing a model field with choices: (attribute, {value: label}) in the active language.

    django_tables2 shows such a field through ``get_FOO_display()``, which builds a dict of all choices
    and translates every label for every cell (the case register: 400 translations per page)."""
    model = getattr(table._meta, "model", None)
    accessor = str(bound.accessor)
    if model is None or "__" in accessor or "." in accessor:
        return None
    try:
        field = model._meta.get_field(accessor)
    except FieldDoesNotExist:
        return None
    if not getattr(field, "choices", None) or not getattr(field, "attname", None):
        return None
    return field.attname, {value: force_str(label, strings_only=True) for value, label in field.flatchoices}


def rows_html(table: tables.Table) -> str:
    """The <tr> rows of the table's current page as ``django_tables2/table.html`` renders them."""
    context = Context(autoescape=True)
    columns = []
    for bound in table.columns:  # the visible columns, in order
        args, catch_all = signature(bound.render)
        dynamic = _has_callable(dict(table.attrs).get("td")) or _has_callable(dict(table.attrs).get("cell"))
        dynamic = (
            dynamic or _has_callable(bound.column.attrs.get("td")) or _has_callable(bound.column.attrs.get("cell"))
        )
        if not dynamic:
            bound.current_record = bound.current_value = None
        td = None if dynamic else bound.attrs["td"].as_html()
        choices = _choice_labels(table, bound)
        accessor = str(bound.accessor)
        # one attribute of the record itself: read directly (what Accessor.resolve does for it)
        plain = (
            accessor
            if choices is None
            and "." not in accessor
            and "__" not in accessor
            and not isinstance(bound.column, ManyToManyColumn)
            else None
        )
        columns.append((bound, args, catch_all, td, choices, plain))
    model = getattr(table._meta, "model", None)
    out = []
    for row in table.paginated_rows:
        cells = []
        own = model is not None and isinstance(row.record, model)
        for bound, args, catch_all, td, choices, plain in columns:

            def render(bound_column, value=None, row=row, args=args, catch_all=catch_all):
                kwargs = {
                    "value": value,
                    "record": row.record,
                    "column": bound_column.column,
                    "bound_column": bound_column,
                    "bound_row": row,
                    "table": table,
                }
                if catch_all:
                    content = bound_column.render(**kwargs)
                elif all(arg in kwargs for arg in args):
                    content = bound_column.render(**{arg: kwargs[arg] for arg in args})
                else:
                    content = None
                return bound_column.link(content, **kwargs) if bound_column.link else content

            value = _MISSING
            if own and choices is not None:  # get_FOO_display(), from the dict
                raw = getattr(row.record, choices[0])
                value = choices[1].get(raw, raw) if isinstance(raw, Hashable) else raw
            elif own and plain is not None:
                value = getattr(row.record, plain, _MISSING)
                if callable(value):  # a method: Accessor.resolve's rules apply
                    value = _MISSING
            if value is not _MISSING:
                cell = bound.default if value in bound.column.empty_values else render(bound, value)
            else:
                cell = row._get_and_render_with(bound, render_func=render, default=bound.default)
            if td is None:  # attributes computed from the record and the value, as BoundRow.items() does
                bound.current_value, bound.current_record = cell, row.record
                attrs = bound.attrs["td"].as_html()
            else:
                attrs = td
            cells.append(f"<td {attrs}>{render_value_in_context(_localized(bound, cell), context)}</td>")
        out.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    return mark_safe("\n".join(out))  # noqa: S308 – every part escaped by render_value_in_context/as_html
