"""A small import framework: read a CSV (``;``, UTF-8 with or without BOM, as Excel writes it) or an XLSX,
parse German numbers ("55.000,00") and dates ("01.07.2020"), check every row and write through the services.

A kind of data (posts, grant notices …) is an ``ImportKind`` in its own app (modules/imports.py,
funding/imports.py). ``run_import`` writes every row through the kind's service inside one
transaction: a dry run (the preview) and any file with a single bad row are rolled back, so the
preview shows exactly what a confirmation would do and nothing is ever saved half. Rows are matched
by a natural key (``ImportKind.find``): an identical row is "unverändert" and not written again, so
re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from kim.exports import safe_text, unsafe_text
from kim.uploads import XLSX, validate_document

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_IMPORT_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_ERRORS = 50
MAX_CELL = 1000

NEW = "neu"
CHANGED = "geändert"
UNCHANGED = "unverändert"
ERROR = "Fehler"


class ImportFileError(Exception):
    """The file as a whole cannot be read (a German message)."""


@dataclass(frozen=True)
class Field:
    """One column: its German head, the key in the row's values, the kind of value."""

    header: str
    key: str
    kind: str = "text"  # text, int, decimal2, decimal3, date, bool
    required: bool = True
    max_length: int = 200
    example: str = ""


@dataclass
class RowError:
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Zeile %(n)d, Spalte „%(c)s“: %(m)s") % {"n": self.line, "c": self.column, "m": self.message}
        return _("Zeile %(n)d: %(m)s") % {"n": self.line, "m": self.message}


class RowProblem(Exception):
    """Raised by a kind's ``resolve`` for a value that names nothing known (column header, message)."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass
class RowResult:
    line: int
    status: str
    label: str = ""
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[RowResult]
    errors: list[RowError]
    totals: list[tuple[str, str]]
    saved: bool

    @property
    def counts(self) -> dict[str, int]:
        """Rows per status, keyed in English for templates: new, changed, unchanged, error."""
        names = {NEW: "new", CHANGED: "changed", UNCHANGED: "unchanged", ERROR: "error"}
        result = dict.fromkeys(names.values(), 0)
        for row in self.rows:
            result[names[row.status]] += 1
        return result

    @property
    def valid(self) -> bool:
        return not self.errors

    @property
    def shown_errors(self) -> list[str]:
        messages = [str(e) for e in self.errors[:MAX_ERRORS]]
        if len(self.errors) > MAX_ERRORS:
            messages.append(
                _("… und %(k)d weitere Fehler; bitte zuerst die genannten Zeilen berichtigen.")
                % {"k": len(self.errors) - MAX_ERRORS}
            )
        return messages


# ---------------------------------------------------------------- German values

_GERMAN_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def parse_german_decimal(raw: Any, places: int) -> Decimal:
    """ "55.000,00", "55000,00", "0,5" or an XLSX number → Decimal with at most ``places`` places.

    Raises ValueError with a German message. A number cell of Excel is a binary float: it is rounded
    to ``places`` (0.1 + 0.2 is 0,30); a typed text must not have more places than allowed."""
    quantum = Decimal(1).scaleb(-places)
    if isinstance(raw, bool):
        raise ValueError(_("„%(v)s“ ist keine Zahl.") % {"v": raw})
    if isinstance(raw, int | float | Decimal):
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ValueError(_("„%(v)s“ ist keine Zahl.") % {"v": raw}) from None
        if not value.is_finite():
            raise ValueError(_("„%(v)s“ ist keine Zahl.") % {"v": raw})
        return value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").removesuffix("€").removesuffix("EUR")
    if not _GERMAN_NUMBER.match(text):
        raise ValueError(
            _("„%(v)s“ ist keine Zahl im deutschen Format (z. B. 55.000,00 oder 0,5).") % {"v": str(raw)[:40]}
        )
    value = Decimal(text.replace(".", "").replace(",", "."))
    if value != value.quantize(quantum, rounding=ROUND_HALF_UP):
        raise ValueError(_("„%(v)s“ hat mehr als %(p)d Nachkommastellen.") % {"v": str(raw)[:40], "p": places})
    if abs(value) >= Decimal(10) ** 10:
        raise ValueError(_("„%(v)s“ ist zu groß.") % {"v": str(raw)[:40]})
    return value.quantize(quantum)


def parse_german_date(raw: Any) -> date:
    """ "01.07.2020" or "1.7.2020" or an XLSX date cell → date; raises ValueError with a German message."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    match = _GERMAN_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            pass
    raise ValueError(_("„%(v)s“ ist kein Datum im Format TT.MM.JJJJ (z. B. 01.07.2020).") % {"v": text[:40]})


def parse_int(raw: Any) -> int:
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    if text.isascii() and text.isdigit() and len(text) <= 9:
        return int(text)
    raise ValueError(_("„%(v)s“ ist keine ganze Zahl.") % {"v": text[:40]})


def parse_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    # "true"/"false": how the lists' XLSX export writes a yes/no column (round trip)
    if text in {"ja", "j", "x", "1", "wahr", "true"}:
        return True
    if text in {"nein", "n", "0", "falsch", "false", ""}:
        return False
    raise ValueError(_("„%(v)s“: bitte „ja“ oder „nein“ eintragen.") % {"v": text[:40]})


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_cell(spec: Field, raw: Any) -> Any:
    """The value of one cell; ValueError with a German message; None for an empty optional cell."""
    if _empty(raw):
        if spec.kind == "bool":
            return False
        if spec.required:
            raise ValueError(_("Pflichtangabe fehlt."))
        return "" if spec.kind == "text" else None
    if spec.kind == "text":
        text = unsafe_text(str(raw).strip())
        if len(text) > spec.max_length:
            raise ValueError(_("höchstens %(n)d Zeichen erlaubt.") % {"n": spec.max_length})
        if any(ord(ch) < 32 for ch in text):
            raise ValueError(_("enthält Steuerzeichen."))
        return text
    if spec.kind == "int":
        return parse_int(raw)
    if spec.kind == "decimal2":
        return parse_german_decimal(raw, 2)
    if spec.kind == "decimal3":
        return parse_german_decimal(raw, 3)
    if spec.kind == "date":
        return parse_german_date(raw)
    if spec.kind == "bool":
        return parse_bool(raw)
    raise AssertionError(spec.kind)


# ---------------------------------------------------------------- files


def read_table(content: bytes) -> list[tuple[int, list[Any]]]:
    """The lines of a CSV or XLSX file as (line number, cells), header first; ImportFileError if unreadable."""
    if not content:
        raise ImportFileError(_("Die Datei ist leer."))
    if len(content) > MAX_IMPORT_BYTES:
        raise ImportFileError(_("Die Datei ist zu groß (höchstens 1 MB)."))
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            _(
                "Die Datei ist weder eine Excel-Datei (XLSX) noch eine CSV-Datei in UTF-8. Bitte als „CSV UTF-8“ speichern."
            )
        ) from None
    if "\x00" in text:
        raise ImportFileError(_("Die Datei ist keine lesbare CSV-Datei (sie enthält Steuerzeichen)."))
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    except csv.Error:
        raise ImportFileError(
            _("Die Datei ist keine lesbare CSV-Datei (ein Feld ist zu lang oder enthält Steuerzeichen).")
        ) from None
    if len(lines) > MAX_ROWS + 1:
        raise ImportFileError(_("Die Datei hat mehr als %(n)d Zeilen; bitte aufteilen.") % {"n": MAX_ROWS})
    return list(enumerate(lines, start=1))


def _read_xlsx(content: bytes) -> list[tuple[int, list[Any]]]:
    try:
        validate_document(ContentFile(content), allowed=(XLSX,), max_bytes=MAX_IMPORT_BYTES)
    except ValidationError as exc:
        raise ImportFileError(" ".join(exc.messages)) from None
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        lines: list[tuple[int, list[Any]]] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True, max_col=40), start=1):
            if number > MAX_ROWS + 1:
                raise ImportFileError(_("Die Datei hat mehr als %(n)d Zeilen; bitte aufteilen.") % {"n": MAX_ROWS})
            lines.append((number, list(row)))
        workbook.close()
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a broken workbook; all mean the same to the user
        raise ImportFileError(_("Die Excel-Datei ist beschädigt oder keine gültige Arbeitsmappe.")) from None
    return lines


# ---------------------------------------------------------------- kinds


class ImportKind:
    """A kind of data that can be imported. Subclasses declare ``fields`` and implement the hooks."""

    slug = ""
    title: StrOrPromise = ""
    fields: Sequence[Field] = ()
    # service error keys (model field names) → column header, for messages naming the column
    error_columns: dict[str, str] = {}
    # a database constraint's message (not tied to a field) → the column it is about, by a word it contains
    constraint_columns: dict[str, str] = {}

    def prepare(self) -> None:
        """Load what references resolve against (once per file, so a file costs a fixed number of queries)."""

    def resolve(self, values: dict[str, Any]) -> dict[str, Any]:
        """Turn names into objects (``RowProblem`` for an unknown one); the result goes to ``find``/``save``."""
        return values

    def natural_key(self, data: dict[str, Any]) -> tuple:
        raise NotImplementedError

    def find(self, data: dict[str, Any]) -> Any:
        """The existing row with the same natural key, or None."""
        raise NotImplementedError

    def unchanged(self, existing: Any, data: dict[str, Any]) -> bool:
        return all(getattr(existing, key) == value for key, value in self.model_values(data).items())

    def model_values(self, data: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def save(self, existing: Any, data: dict[str, Any], user: Any) -> Any:
        raise NotImplementedError

    def label(self, data: dict[str, Any]) -> str:
        return " · ".join(str(v) for v in self.natural_key(data))

    def totals(self) -> list[tuple[str, str]]:
        """Figures after the import, computed by the app's selectors (shown in the preview)."""
        return []

    # the template
    def headers(self) -> list[str]:
        return [f.header for f in self.fields]

    def example_row(self) -> list[str]:
        return [f.example for f in self.fields]


def template_csv(kind: ImportKind) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in kind.headers()])
    writer.writerow([safe_text(v) for v in kind.example_row()])
    return "\ufeff".encode() + buffer.getvalue().encode()


def template_xlsx(kind: ImportKind) -> bytes:
    """Every cell is text (formula-neutralised like the exports): German numbers and dates stay as typed."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = str(kind.title or "Import")[:31]
    ws.append([safe_text(h) for h in kind.headers()])
    ws.append([safe_text(v) for v in kind.example_row()])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for i, spec in enumerate(kind.fields, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(len(spec.header), len(spec.example), 10) + 2
        for row in (1, 2):
            ws.cell(row=row, column=i).number_format = "@"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- running


def _header_map(kind: ImportKind, header: list[Any]) -> dict[str, int]:
    cells = [unsafe_text(str(c).strip()) if c is not None else "" for c in header]
    known = {f.header.lower(): f.header for f in kind.fields}
    positions: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        name = known.get(cell.lower())
        if name is None:
            problems.append(_("Zeile 1: die Spalte „%(c)s“ ist unbekannt.") % {"c": cell[:60]})
        elif name in positions:
            problems.append(_("Zeile 1: die Spalte „%(c)s“ steht doppelt.") % {"c": name})
        else:
            positions[name] = index
    for spec in kind.fields:
        if spec.header not in positions and spec.required:
            problems.append(_("Zeile 1: die Spalte „%(c)s“ fehlt.") % {"c": spec.header})
    if problems:
        raise ImportFileError(
            " ".join(problems)
            + " "
            + _("Erwartet wird die Kopfzeile der Vorlage: %(h)s") % {"h": "; ".join(kind.headers())}
        )
    return positions


def _service_errors(kind: ImportKind, line: int, exc: ValidationError) -> list[RowError]:
    result = []
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            for message in errors:
                if key == NON_FIELD_ERRORS:
                    column = next((c for word, c in kind.constraint_columns.items() if word in message), None)
                else:
                    column = kind.error_columns.get(key, key)
                result.append(RowError(line, column, message))
    else:
        result.extend(RowError(line, None, message) for message in exc.messages)
    return result


def run_import(kind: ImportKind, content: bytes, *, user: Any, commit: bool) -> ImportResult:
    """Check (and with ``commit`` save) every row of the file; all or nothing."""
    try:
        lines = read_table(content)
    except ImportFileError as exc:
        return ImportResult(rows=[], errors=[RowError(1, None, str(exc))], totals=[], saved=False)
    lines = [(n, cells) for n, cells in lines if any(not _empty(c) for c in cells)]
    if not lines:
        return ImportResult(
            rows=[], errors=[RowError(1, None, _("Die Datei enthält keine Kopfzeile."))], totals=[], saved=False
        )
    header_line, header = lines[0]
    try:
        positions = _header_map(kind, header)
    except ImportFileError as exc:
        return ImportResult(rows=[], errors=[RowError(header_line, None, str(exc))], totals=[], saved=False)
    if len(lines) == 1:
        return ImportResult(
            rows=[],
            errors=[RowError(header_line, None, _("Die Datei enthält keine Datenzeilen."))],
            totals=[],
            saved=False,
        )

    rows: list[RowResult] = []
    errors: list[RowError] = []
    with transaction.atomic():
        kind.prepare()
        seen: dict[tuple, int] = {}
        for line, cells in lines[1:]:
            row_errors: list[RowError] = []
            values: dict[str, Any] = {}
            for spec in kind.fields:
                index = positions.get(spec.header)
                raw = cells[index] if index is not None and index < len(cells) else None
                if isinstance(raw, str) and len(raw) > MAX_CELL:
                    raw = raw[:MAX_CELL]
                try:
                    values[spec.key] = parse_cell(spec, raw)
                except ValueError as exc:
                    row_errors.append(RowError(line, spec.header, str(exc)))
            result = RowResult(line=line, status=ERROR)
            if not row_errors:
                try:
                    data = kind.resolve(values)
                except RowProblem as problem:
                    row_errors.append(RowError(line, problem.column, problem.message))
                else:
                    result.label = kind.label(data)
                    key = kind.natural_key(data)
                    if key in seen:
                        row_errors.append(
                            RowError(line, None, _("dieselbe Angabe steht schon in Zeile %(m)d.") % {"m": seen[key]})
                        )
                    else:
                        seen[key] = line
                        row_errors.extend(_write_row(kind, line, data, user, result))
            result.errors = row_errors
            if row_errors:
                result.status = ERROR
                if not result.label:  # the row as written, so the user finds it in the file
                    raw_cells = [
                        cells[positions[spec.header]]
                        for spec in kind.fields[:2]
                        if spec.header in positions and positions[spec.header] < len(cells)
                    ]
                    result.label = " · ".join(str(c)[:80] for c in raw_cells if c is not None and c != "")
            rows.append(result)
            errors.extend(row_errors)
        totals = kind.totals()
        saved = commit and not errors
        if not saved:
            transaction.set_rollback(True)
    return ImportResult(rows=rows, errors=errors, totals=totals, saved=saved)


def _write_row(kind: ImportKind, line: int, data: dict[str, Any], user: Any, result: RowResult) -> list[RowError]:
    existing = kind.find(data)
    if existing is not None and kind.unchanged(existing, data):
        result.status = UNCHANGED
        return []
    try:
        with transaction.atomic():
            kind.save(existing, data, user)
    except ValidationError as exc:
        return _service_errors(kind, line, exc)
    result.status = NEW if existing is None else CHANGED
    return []
