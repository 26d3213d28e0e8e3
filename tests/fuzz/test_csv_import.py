"""Property-based fuzzing of the caseload-return CSV import (casemanagement/csv_format.py and the upload view).

Files are built from valid returns and then damaged: wrong separators, BOM or none, missing header,
extra columns, hostile counts (huge, negative, unicode digits, NaN, HTML), unknown labels, duplicated
lines, 10 000 rows. Properties: the parser either gives figures that add up or a German error list in
which every message names its line (and column) — never another exception; the upload view never
answers with a server error and changes nothing unless the whole file is valid.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from casemanagement.csv_format import HEADER, parse_return_csv, return_csv_rows
from casemanagement.models import Dimension
from casemanagement.selectors import BREAKDOWNS, dimension_keys, empty_figures
from tests.fuzz.conftest import changed, fingerprint

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
BAD_COUNTS = [
    "-1",
    "1e309",
    "9" * 40,
    "100001",
    "NaN",
    "Infinity",
    "１２",
    "٢",
    "3,5",
    "3.0",
    "",
    " ",
    "\x00",
    SCRIPT,
    "'; DROP TABLE x; --",
    "0x10",
    "+3",
    "drei",
]
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def valid_figures(draw) -> dict[str, dict[str, int]]:
    """A return that adds up: end = start + new − closed; legal domains and municipalities sum to new,
    closure reasons to closed; reopened ≤ new."""
    start = draw(st.integers(0, 500))
    new = draw(st.integers(0, 200))
    closed = draw(st.integers(0, start + new))
    figures = empty_figures()
    figures[Dimension.TOTALS] = {
        "active_start": start,
        "new": new,
        "reopened": draw(st.integers(0, new)),
        "closed": closed,
        "active_end": start + new - closed,
    }
    for dimension, total in (
        (Dimension.LEGAL_DOMAIN, new),
        (Dimension.MUNICIPALITY, new),
        (Dimension.CLOSURE_REASON, closed),
    ):
        keys = [k for k, _label in dimension_keys(dimension)]
        first = draw(st.integers(0, total))
        figures[dimension][keys[0]] = first
        figures[dimension][keys[-1]] = figures[dimension].get(keys[-1], 0) + total - first
    return figures


def to_bytes(rows: list[list[str]], *, delimiter: str = ";", bom: bool = True, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" if bom else "").encode(encoding) + buffer.getvalue().encode(encoding, errors="replace")


@st.composite
def damaged_csv(draw) -> bytes:
    rows = return_csv_rows(draw(valid_figures()))
    damage = draw(
        st.sampled_from(
            [
                "none",
                "count",
                "label",
                "area",
                "columns",
                "separator",
                "header",
                "duplicate",
                "shuffle",
                "random",
                "many",
                "latin1",
                "empty",
            ]
        )
    )
    line = draw(st.integers(1, len(rows) - 1))
    if damage == "count":
        rows[line][2] = draw(st.one_of(st.sampled_from(BAD_COUNTS), st.text(max_size=12)))
    elif damage == "label":
        rows[line][1] = draw(
            st.one_of(st.sampled_from([SCRIPT, "'; DROP TABLE x; --", "", "x" * 500]), st.text(max_size=30))
        )
    elif damage == "area":
        rows[line][0] = draw(st.one_of(st.sampled_from([SCRIPT, "Bestand", "", "ü" * 100]), st.text(max_size=30)))
    elif damage == "columns":
        rows[line] = (
            rows[line] + draw(st.lists(st.text(max_size=8), min_size=1, max_size=3))
            if draw(st.booleans())
            else rows[line][:2]
        )
    elif damage == "separator":
        return to_bytes(rows, delimiter=draw(st.sampled_from([",", "\t", "|"])), bom=draw(st.booleans()))
    elif damage == "header":
        rows = rows[1:] if draw(st.booleans()) else [["Bereich", "Merkmal", "Anzahl", "Extra"], *rows[1:]]
    elif damage == "duplicate":
        rows.append(list(rows[line]))
    elif damage == "shuffle":
        rows = [rows[0], *draw(st.permutations(rows[1:]))]
    elif damage == "random":
        rows = [HEADER, *draw(st.lists(st.lists(st.text(max_size=15), min_size=0, max_size=5), max_size=30))]
    elif damage == "many":
        rows = [HEADER, *[["Bestand und Bewegung", "Neuaufnahmen", str(i)] for i in range(10_000)]]
    elif damage == "latin1":
        return to_bytes(rows, bom=False, encoding="latin-1")
    elif damage == "empty":
        return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\x00" * 50, b"\r\n\r\n", b"Bereich;Merkmal;Anzahl"]))
    return to_bytes(rows, bom=draw(st.booleans()))


def messages_of(exc: ValidationError) -> list[str]:
    return [m for errors in exc.message_dict.values() for m in errors]


def test_a_valid_return_survives_the_round_trip_through_its_csv(demo):
    @FUZZ
    @given(figures=valid_figures(), bom=st.booleans())
    def check(figures, bom):
        parsed = parse_return_csv(to_bytes(return_csv_rows(figures), bom=bom))
        assert parsed[Dimension.TOTALS] == figures[Dimension.TOTALS]
        for dimension in BREAKDOWNS:
            assert parsed[dimension] == {k: v for k, v in figures[dimension].items() if v}

    check()


def test_a_damaged_csv_gives_figures_that_add_up_or_errors_naming_line_and_column(demo):
    @FUZZ
    @given(content=damaged_csv())
    @example(content="Bereich;Merkmal;Anzahl\r\nBestand und Bewegung;Bestand am Anfang;１２\r\n".encode())
    @example(content=b"\xef\xbb\xbfBereich,Merkmal,Anzahl\r\n")
    @example(content=to_bytes([HEADER, *[["x", "y", "1"] for _ in range(10_000)]]))
    def check(content):
        try:
            figures = parse_return_csv(content)
        except ValidationError as exc:
            errors = messages_of(exc)
            assert 0 < len(errors) <= 21
            for message in errors:
                assert "Zeile" in message or message.startswith("Die Datei"), message
                assert (
                    "Spalte" in message
                    or "Zeile 1:" in message
                    or "fehlt" in message
                    or "Bereich „" in message
                    or "Spalten" in message
                    or "weitere Fehler" in message
                    or message.startswith("Die Datei")
                ), message
        else:
            t = figures[Dimension.TOTALS]
            assert t["active_start"] + t["new"] - t["closed"] == t["active_end"]
            assert 0 <= t["reopened"] <= t["new"]
            assert all(0 <= v <= 100_000 for values in figures.values() for v in values.values())

    check()


def test_a_bad_count_is_reported_at_its_line_and_column(demo):
    @FUZZ
    @given(figures=valid_figures(), line=st.integers(2, 6), bad=st.sampled_from(BAD_COUNTS))
    def check(figures, line, bad):
        rows = return_csv_rows(figures)
        rows[line - 1][2] = bad
        with pytest.raises(ValidationError) as raised:
            parse_return_csv(to_bytes(rows))
        assert any(m.startswith(f"Zeile {line}, Spalte „Anzahl“") for m in messages_of(raised.value)), messages_of(
            raised.value
        )

    check()


@pytest.fixture
def draft_return(demo):
    from casemanagement import services
    from casemanagement.models import CaseloadReturn, ReturnStatus

    r = CaseloadReturn.objects.filter(
        carrier__slug="caritas", status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED]
    ).first()
    if r is None:
        known = CaseloadReturn.objects.filter(carrier__slug="caritas").order_by("-year", "-month").first()
        r = services.return_create(carrier=known.carrier, post=known.post, year=known.year + 1, month=1)
    return r


def test_the_upload_never_fails_and_changes_nothing_unless_the_file_is_valid(client, draft_return):
    from kim.models import User

    client.force_login(User.objects.get(username="traeger-caritas"))
    url = reverse("casemanagement:return_upload", kwargs={"public_id": draft_return.public_id})

    @settings(FUZZ, max_examples=25)
    @given(content=damaged_csv())
    @example(content=to_bytes([HEADER, *[["Bestand und Bewegung", "Neuaufnahmen", str(i)] for i in range(10_000)]]))
    @example(content=to_bytes([HEADER, *[["x", "y", "1"] for _ in range(10_000)]]))
    def check(content):
        with transaction.atomic():
            before = fingerprint()
            try:
                parse_return_csv(content)
                valid = True
            except ValidationError:
                valid = False
            upload = SimpleUploadedFile("meldung.csv", content, content_type="text/csv")
            version = (
                type(draft_return).objects.get(pk=draft_return.pk).version
            )  # the page's version, as a browser sends it
            response = client.post(url, {"file": upload, "version": str(version)})
            assert response.status_code == 302
            page = client.get(response["Location"])
            assert page.status_code == 200
            body = page.content.decode()
            assert SCRIPT not in body
            notes = [str(m) for m in get_messages(page.wsgi_request)]
            if valid:
                assert changed(before, fingerprint()) != {}
            else:
                assert changed(before, fingerprint()) == {}
            assert len(notes) <= 21, len(
                notes
            )  # 20 errors and "… und N weitere Fehler" (found: 10 005 messages, 800 KB page)
            transaction.set_rollback(True)

    check()


def test_a_file_with_ten_thousand_bad_lines_names_the_first_twenty_and_counts_the_rest(demo):
    content = to_bytes([HEADER, *[["x", "y", "1"] for _ in range(10_000)]])
    with pytest.raises(ValidationError) as raised:
        parse_return_csv(content)
    errors = messages_of(raised.value)
    # lines 2..21 named one by one; 10 000 unknown areas + 5 missing totals lines = 10 005 errors, 20 shown → 9 985 more
    assert len(errors) == 21
    assert errors[0] == "Zeile 2, Spalte „Bereich“: „x“ ist unbekannt."
    assert errors[19] == "Zeile 21, Spalte „Bereich“: „x“ ist unbekannt."
    assert errors[20] == "… und 9985 weitere Fehler bis Zeile 10001; bitte zuerst die genannten Zeilen berichtigen."
