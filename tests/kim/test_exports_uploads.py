"""Exports (XLSX typed cells, CSV for German Excel) and upload checks by content."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kim.exports import Column, csv_bytes, export_response, xlsx_bytes
from kim.uploads import PDF, XLSX, validate_document

COLUMNS = [
    Column("Träger", "name"),
    Column("Betrag", "amount", "euro"),
    Column("VZÄ", "fte", "fte"),
    Column("Beginn", "start", "date"),
    Column("Jahr", "year", "int"),
]
ROWS = [
    {
        "name": "Caritasverband",
        "amount": Decimal("55000.00"),
        "fte": Decimal("1.000"),
        "start": date(2020, 10, 1),
        "year": 2020,
    },
    {"name": '=HYPERLINK("x")', "amount": Decimal("-1234.5"), "fte": Decimal("0.5"), "start": None, "year": 2021},
]


def test_csv_is_semicolon_bom_and_decimal_comma():
    data = csv_bytes(COLUMNS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Träger", "Betrag", "VZÄ", "Beginn", "Jahr"]
    # VZÄ as on the screen (issue 16): "1,0", not "1,000"
    assert rows[1] == ["Caritasverband", "55000,00", "1,0", "01.10.2020", "2020"]
    # formula injection neutralised, negative amount with comma, empty date empty
    assert rows[2] == ['\'=HYPERLINK("x")', "-1234,50", "0,5", "", "2021"]


def test_xlsx_has_numeric_euro_cells_and_real_dates():
    wb = load_workbook(io.BytesIO(xlsx_bytes(COLUMNS, ROWS, title="Weiterleitungen 2021")))
    ws = wb.active
    assert [c.value for c in ws[1]] == ["Träger", "Betrag", "VZÄ", "Beginn", "Jahr"]
    amount = ws["B2"]
    assert amount.value == 55000 and isinstance(amount.value, (int, float))
    assert "€" in amount.number_format
    assert ws["D2"].is_date and ws["D2"].value.date() == date(2020, 10, 1)
    assert ws["D2"].number_format == "DD.MM.YYYY"
    assert ws["E2"].value == 2020 and ws["E2"].number_format == "0"
    assert ws["A3"].value.startswith("'=")
    # VZÄ is a number shown with one place at least: 1 → "1,0", 0,75 → "0,75" (issue 16)
    assert ws["C2"].value == 1 and isinstance(ws["C2"].value, (int, float)) and ws["C2"].number_format == "0.0##"


def test_export_response_headers():
    response = export_response("xlsx", COLUMNS, ROWS, "Weiterleitungen 2021")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"weiterleitungen-2021.xlsx\"; filename*=UTF-8''weiterleitungen-2021.xlsx"
    )
    response = export_response("csv", COLUMNS, ROWS, "Weiterleitungen 2021")
    assert response["Content-Type"].startswith("text/csv")


def test_file_names_keep_their_umlauts_with_an_ascii_fallback():
    # RFC 6266 / RFC 5987: filename* carries UTF-8 ("ä" = %C3%A4, "ü" = %C3%BC), filename the fallback
    response = export_response("csv", COLUMNS, ROWS, "Lücken der Träger 2021")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"luecken-der-traeger-2021.csv\"; filename*=UTF-8''l%C3%BCcken-der-tr%C3%A4ger-2021.csv"
    )


@pytest.mark.parametrize(
    "title, sheet",
    [
        ("Weiterleitungen 2021", "Weiterleitungen 2021"),
        # 46 characters: cut after the last whole word within 31, the open bracket goes with its word
        ("Eigenanteile der Träger (Finanzen) 2026-12-03", "Eigenanteile der Träger"),
        ("Anträge auf Übernahme des Eigenanteils 2026-12-03", "Anträge auf Übernahme des"),
        ("Haushalt: Ansatz/Prognose", "Haushalt- Ansatz-Prognose"),  # Excel forbids : and /
    ],
)
def test_sheet_titles_fit_excel_without_cutting_a_word(title, sheet):
    ws = load_workbook(io.BytesIO(xlsx_bytes(COLUMNS, ROWS, title=title))).active
    assert ws.title == sheet and len(ws.title) <= 31


def test_a_count_column_keeps_numbers_as_numbers_and_suppressed_counts_as_text():
    columns = [Column("Merkmal", "item"), Column("Anzahl", "n", "count")]
    rows = [{"item": "Arbeit", "n": 12}, {"item": "Wohnen", "n": "<5"}, {"item": "Gesundheit", "n": "•"}]
    ws = load_workbook(io.BytesIO(xlsx_bytes(columns, rows))).active
    assert [(ws.cell(r, 2).value, ws.cell(r, 2).data_type) for r in (2, 3, 4)] == [(12, "n"), ("<5", "s"), ("•", "s")]


MINI_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _xlsx_file():
    return xlsx_bytes(COLUMNS, ROWS[:1])


def test_validate_accepts_real_pdf_and_xlsx():
    assert validate_document(SimpleUploadedFile("a.pdf", MINI_PDF)) == PDF
    assert validate_document(SimpleUploadedFile("a.xlsx", _xlsx_file()), allowed=(PDF, XLSX)) == XLSX


@pytest.mark.parametrize(
    "name,content",
    [
        ("renamed.pdf", b"MZ\x90\x00 this is an exe"),
        ("fake.pdf", b"<html><script>alert(1)</script></html>"),
        ("truncated.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"),
        ("zip.xlsx", b"PK\x03\x04not really a zip"),
    ],
)
def test_validate_rejects_wrong_content(name, content):
    with pytest.raises(ValidationError) as exc:
        validate_document(SimpleUploadedFile(name, content), allowed=(PDF, XLSX))
    assert "kein gültiges Dokument" in exc.value.messages[0]


def test_validate_rejects_xlsx_where_only_pdf_allowed():
    with pytest.raises(ValidationError):
        validate_document(SimpleUploadedFile("a.pdf", _xlsx_file()))


def test_validate_size_limit_and_empty():
    with pytest.raises(ValidationError) as exc:
        validate_document(SimpleUploadedFile("big.pdf", MINI_PDF + b" " * 2048), max_bytes=1024)
    assert "zu groß" in exc.value.messages[0]
    with pytest.raises(ValidationError) as exc:
        validate_document(SimpleUploadedFile("empty.pdf", b""))
    assert "leer" in exc.value.messages[0]


def _xlsx_with_extra_member(size: int) -> bytes:
    """A real workbook plus one member of ``size`` zero bytes, written in chunks (never all in memory)."""
    import zipfile

    buffer = io.BytesIO(_xlsx_file())
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_that_expands_from_about_1_mb_to_1_gib_is_refused():
    bomb = _xlsx_with_extra_member(1024 * 1024 * 1024)
    assert len(bomb) < 2 * 1024 * 1024  # small enough for the 10 MB upload limit
    with pytest.raises(ValidationError) as exc:
        validate_document(SimpleUploadedFile("bericht.xlsx", bomb), allowed=(PDF, XLSX))
    assert exc.value.messages == ["Die Excel-Datei ist entpackt zu groß (1024 MB; erlaubt sind höchstens 100 MB)."]


def test_an_xlsx_compressed_far_beyond_real_workbooks_is_refused_by_its_ratio():
    # 8 MB of zeros pack to ≈ 8 KB: within the size limit, but a ratio of ≈ 1.000 (workbooks: 5–20).
    packed = _xlsx_with_extra_member(8 * 1024 * 1024)
    with pytest.raises(ValidationError) as exc:
        validate_document(SimpleUploadedFile("bericht.xlsx", packed), allowed=(PDF, XLSX))
    assert exc.value.messages[0].startswith("Die Excel-Datei ist ungewöhnlich stark komprimiert (")
    assert exc.value.messages[0].endswith(
        "erlaubt ist höchstens 100-fach) und wird aus Sicherheitsgründen nicht angenommen."
    )
