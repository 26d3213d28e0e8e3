"""Exports that German Excel opens correctly: XLSX with typed cells and CSV with ``;`` and decimal comma.

A column is declared once (``Column``) with a header and a kind; both writers use the same
declaration, so an XLSX and a CSV of the same list always agree.

Kinds: ``text``, ``int``, ``euro`` (Decimal, two places, € number format), ``decimal``
(Decimal, two places), ``fte`` (Decimal, up to three places, shown as "1,0" or "0,75"), ``date``
(a real date cell), ``count`` (a number – a count, or a Decimal such as a ratio – or a suppressed
count such as "<5" or "•" kept as text).

File names keep their umlauts (RFC 6266 ``filename*``, with an ASCII fallback for old clients);
sheet titles are cut at a word boundary within Excel's 31 characters, never mid-word.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.http import HttpResponse, QueryDict
from django.utils.translation import gettext as _

from kim.money import format_decimal, format_fte
from kim.selectors import body_current

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel number formats; German Excel shows them with its own separators ("55.000,00 €").
NUMBER_FORMATS = {
    "euro": '#,##0.00 "€";[Red]-#,##0.00 "€"',
    "decimal": "#,##0.00",
    "fte": "0.0##",  # 1,0 · 0,5 · 0,75 — one place at least, the third only when there is one
    "int": "0",
    "count": "#,##0",
    "date": "DD.MM.YYYY",
}
PLACES = {"euro": 2, "decimal": 2, "fte": 3}


@dataclass(frozen=True)
class Column:
    header: StrOrPromise
    value: Callable[[Any], Any] | str
    kind: str = "text"
    width: int | None = None

    def get(self, row: Any) -> Any:
        if callable(self.value):
            return self.value(row)
        if isinstance(row, dict):
            return row.get(self.value)
        result = row
        for part in self.value.split("."):
            result = getattr(result, part, None) if result is not None else None
        return result


SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """The title as an Excel sheet name: forbidden characters replaced, at most 31 characters, and
    when it is longer cut after the last whole word (an open bracket is dropped with its word)."""
    # Excel also refuses a name that starts or ends with an apostrophe
    text = SHEET_TITLE_FORBIDDEN.sub("-", " ".join(str(title or "").split())).strip("' ") or "Export"
    if len(text) <= SHEET_TITLE_MAX:
        return text
    cut = text[: SHEET_TITLE_MAX + 1]
    head = cut[: cut.rfind(" ")] if " " in cut else text[:SHEET_TITLE_MAX]
    words = head.split(" ")
    while len(words) > 1 and (words[-1].count("(") > words[-1].count(")") or words[-1] in {"-", "–", "·"}):
        words.pop()
    return " ".join(words).rstrip(" -–·,(") or text[:SHEET_TITLE_MAX]


def _ascii_name(name: str) -> str:
    plain = name.translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}))
    plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "export"


def file_name(title: str) -> str:
    """A file name from a title: spaces and slashes become hyphens, lower case, umlauts kept."""
    name = re.sub(r"[^\w.-]+", "-", str(title).strip().lower(), flags=re.UNICODE).strip("-")
    return name or "export"


def content_disposition(filename: str) -> str:
    """``attachment`` with the UTF-8 name (RFC 6266/5987 ``filename*``) and an ASCII fallback."""
    return f"attachment; filename=\"{_ascii_name(filename)}\"; filename*=UTF-8''{quote(filename, safe='')}"


FORMULA_STARTS = "=+-@\t\r"


def safe_text(value: str) -> str:
    """Neutralise spreadsheet formula injection ("=HYPERLINK(...)") in user-supplied text."""
    if value and value[0] in FORMULA_STARTS:
        return "'" + value
    return value


def unsafe_text(value: str) -> str:
    """The text ``safe_text`` neutralised, for files that come back (an edited CSV template)."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


_safe_text = safe_text


def csv_cell(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "fte":
        return format_fte(value).replace(".", "")  # 1,0 · 0,5 · 0,75 as on the screen
    if kind in PLACES:
        return format_decimal(Decimal(value), PLACES[kind]).replace(".", "")
    if kind == "int":
        return str(int(value))
    if kind == "count":
        if isinstance(value, Decimal):
            return format_fte(value).replace(".", "")
        return str(int(value)) if isinstance(value, int) else _safe_text(str(value))
    if kind == "date":
        if isinstance(value, datetime):
            return value.strftime("%d.%m.%Y %H:%M")
        return value.strftime("%d.%m.%Y") if isinstance(value, date) else str(value)
    return _safe_text(str(value))


def csv_bytes(columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """UTF-8 with BOM, ``;`` separated, decimal comma, no thousands dots (Excel reads them as numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([str(c.header) for c in columns])
    for row in rows:
        writer.writerow([csv_cell(c.get(row), c.kind) for c in columns])
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a report export: its title (the full title, ≤ 31 characters), columns and rows."""

    title: StrOrPromise
    columns: Sequence[Column]
    rows: Iterable[Any]


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], title: str = "Export") -> bytes:
    return xlsx_workbook_bytes([Sheet(title, columns, rows)])


def xlsx_workbook_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX with one worksheet per sheet, typed cells and the German number formats."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = f"KIM-Verwaltung · {body_current().name}"
    for index, sheet in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = sheet_title(str(sheet.title))
        _fill_sheet(ws, sheet.columns, sheet.rows)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill_sheet(ws: Any, columns: Sequence[Column], rows: Iterable[Any]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws.append([str(c.header) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    widths = [max(len(c.header), 8) for c in columns]
    for r, row in enumerate(rows, start=2):
        for i, column in enumerate(columns, start=1):
            value = column.get(row)
            if value is None:
                continue
            kind = column.kind
            if kind in PLACES:
                value = float(Decimal(value))  # the cell is numeric; the format shows the places
            elif kind == "int" or (kind == "count" and isinstance(value, int)):
                value = int(value)
            elif kind == "count" and isinstance(value, Decimal):
                value = float(value)  # a ratio or VZÄ among the counts
            elif kind == "count":
                value = _safe_text(str(value))  # a suppressed count: "<5" or "•"
            elif kind == "date":
                if isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
            else:
                value = _safe_text(str(value))
            cell = ws.cell(row=r, column=i, value=value)
            if kind == "count" and isinstance(value, float):
                cell.number_format = NUMBER_FORMATS["fte"]
            elif kind in NUMBER_FORMATS and not isinstance(value, str):
                cell.number_format = NUMBER_FORMATS[kind]
            widths[i - 1] = max(widths[i - 1], min(len(str(value)) + 2, 60))
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width or widths[i - 1] + 2


def export_response(fmt: str, columns: Sequence[Column], rows: Iterable[Any], filename: str) -> HttpResponse:
    """``fmt`` is ``xlsx`` or ``csv``; the file name keeps its umlauts and gets the right extension."""
    base = file_name(filename)
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(columns, rows, title=filename), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = content_disposition(f"{base}.xlsx")
    else:
        response = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition(f"{base}.csv")
    return response


def report_export_response(fmt: str, sheets: Sequence[Sheet], filename: str) -> HttpResponse:
    """A report page's export: XLSX with every sheet, CSV with the first (the page's main table)."""
    if fmt != "xlsx":
        return export_response(fmt, sheets[0].columns, sheets[0].rows, filename)
    response = HttpResponse(xlsx_workbook_bytes(sheets), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(f"{file_name(filename)}.xlsx")
    return response


EXPORT_FORMATS = ("xlsx", "csv")


def export_links(params: QueryDict) -> list[dict[str, str]]:
    """The page's own query (its year and assumptions) with ``export=xlsx`` / ``export=csv``."""
    query = params.copy()
    query.pop("export", None)
    links = []
    for fmt, label in (("xlsx", _("Excel (XLSX)")), ("csv", _("CSV"))):
        query["export"] = fmt
        links.append({"url": "?" + query.urlencode(), "label": label, "format": fmt})
    return links
