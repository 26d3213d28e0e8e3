"""Exports that German Excel opens correctly: XLSX with typed cells and CSV with ``;`` and decimal comma.

A column is declared once (``Column``) with a header and a kind; both writers use the same
declaration, so an XLSX and a CSV of the same list always agree.

Kinds: ``text``, ``int``, ``euro`` (Decimal, two places, € number format), ``decimal``
(Decimal, two places), ``fte`` (Decimal, three places), ``date`` (a real date cell).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from kim.money import format_decimal
from kim.selectors import body_current

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel number formats; German Excel shows them with its own separators ("55.000,00 €").
NUMBER_FORMATS = {
    "euro": '#,##0.00 "€";[Red]-#,##0.00 "€"',
    "decimal": "#,##0.00",
    "fte": "0.000",
    "int": "0",
    "date": "DD.MM.YYYY",
}
PLACES = {"euro": 2, "decimal": 2, "fte": 3}


@dataclass(frozen=True)
class Column:
    header: str
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
    if kind in PLACES:
        return format_decimal(Decimal(value), PLACES[kind]).replace(".", "")
    if kind == "int":
        return str(int(value))
    if kind == "date":
        if isinstance(value, datetime):
            return value.strftime("%d.%m.%Y %H:%M")
        return value.strftime("%d.%m.%Y") if isinstance(value, date) else str(value)
    return _safe_text(str(value))


def csv_bytes(columns: Sequence[Column], rows: Iterable[Any]) -> bytes:
    """UTF-8 with BOM, ``;`` separated, decimal comma, no thousands dots (Excel reads them as numbers)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header for c in columns])
    for row in rows:
        writer.writerow([csv_cell(c.get(row), c.kind) for c in columns])
    return "\ufeff".encode("utf-8") + buffer.getvalue().encode("utf-8")


def sheet_title(title: str) -> str:
    """Excel forbids \\ / * ? : [ ] in sheet names and allows 31 characters (openpyxl raises otherwise)."""
    cleaned = "".join("-" if ch in "\\/*?:[]" else ch for ch in (title or "")).strip("' ")
    return cleaned[:31] or "Export"


def xlsx_bytes(columns: Sequence[Column], rows: Iterable[Any], title: str = "Export") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.properties.creator = f"KIM-Verwaltung · {body_current().name}"
    ws = wb.active
    ws.title = sheet_title(title)
    ws.append([c.header for c in columns])
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
            elif kind == "int":
                value = int(value)
            elif kind == "date":
                if isinstance(value, datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
            else:
                value = _safe_text(str(value))
            cell = ws.cell(row=r, column=i, value=value)
            if kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[kind]
            widths[i - 1] = max(widths[i - 1], min(len(str(value)) + 2, 60))
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = column.width or widths[i - 1] + 2
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_response(fmt: str, columns: Sequence[Column], rows: Iterable[Any], filename: str) -> HttpResponse:
    """``fmt`` is ``xlsx`` or ``csv``; the file name gets a slug and the right extension."""
    base = slugify(filename) or "export"
    if fmt == "xlsx":
        response = HttpResponse(xlsx_bytes(columns, rows, title=filename), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{base}.xlsx"'
    else:
        response = HttpResponse(csv_bytes(columns, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{base}.csv"'
    return response
