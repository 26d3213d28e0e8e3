"""The CSV format of a caseload return (documented in README.md, "Fallzahlenmeldung als CSV").

UTF-8 (a byte-order mark is accepted), ``;`` separated, first line the header
``Bereich;Merkmal;Anzahl``. One line per figure; German labels as shown in the application:

    Bereich;Merkmal;Anzahl
    Bestand und Bewegung;Bestand am Anfang;12
    Bestand und Bewegung;Neuaufnahmen;3
    Bestand und Bewegung;davon Wiederaufnahmen;1
    Bestand und Bewegung;Abschlüsse;2
    Bestand und Bewegung;Bestand am Ende;13
    Rechtskreis;SGB II;2
    Thema;Arbeit;3
    Kommune;Eschweiler;3
    Verweisung an;Jobcenter;1
    Abschlussgrund;Ziel erreicht;2

The five lines of "Bestand und Bewegung" are required; breakdown lines may be left out (= 0).
The file must add up: Bestand am Anfang + Neuaufnahmen − Abschlüsse = Bestand am Ende; the
Rechtskreise and the Kommunen each add up to the Neuaufnahmen, the Abschlussgründe to the
Abschlüsse; Wiederaufnahmen ≤ Neuaufnahmen.
"""

from __future__ import annotations

import csv
import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from casemanagement.models import Dimension
from casemanagement.selectors import BREAKDOWNS, TOTAL_KEYS, dimension_keys, empty_figures
from kim.exports import safe_text, unsafe_text
from kim.i18n import german

HEADER = ["Bereich", "Merkmal", "Anzahl"]
MAX_BYTES = 200_000
MAX_COUNT = 100_000
MAX_ERRORS = 20  # a page of messages, not 10 000 (the rest is named by its first line)


def _labels() -> dict[str, tuple[str, dict[str, str]]]:
    """German Bereich label → (dimension, {German Merkmal label (lower case) → key}).

    The file format is German whatever the language of the interface (README)."""
    result = {}
    with german():
        for dimension in [Dimension.TOTALS, *BREAKDOWNS]:
            keys = {str(label).strip().lower(): key for key, label in dimension_keys(dimension)}
            result[str(Dimension(dimension).label).lower()] = (dimension, keys)
    return result


def return_csv_rows(figures: dict[str, dict[str, int]]) -> list[list[str]]:
    """The lines of a return in the upload format (all keys, zeros included)."""
    rows = [HEADER]
    with german():  # the file format is German whatever the language of the interface
        for dimension in [Dimension.TOTALS, *BREAKDOWNS]:
            for key, label in dimension_keys(dimension):
                rows.append([str(Dimension(dimension).label), str(label), str(figures.get(dimension, {}).get(key, 0))])
    return rows


def return_csv_bytes(figures: dict[str, dict[str, int]]) -> bytes:
    """The template file; every label is formula-neutralised like the list exports (a municipality
    is named by A 46 and could start with "=", which Excel would run as a formula)."""
    buffer = io.StringIO()
    rows = [[safe_text(cell) for cell in row] for row in return_csv_rows(figures)]
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode()


def parse_return_csv(content: bytes) -> dict[str, dict[str, int]]:
    """Figures from a CSV file, or a ValidationError({"file": [...]}) naming every bad line and column."""
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": _("Die Datei ist zu groß (höchstens 200 KB).")})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            {"file": _("Die Datei ist nicht in UTF-8 gespeichert. Bitte als „CSV UTF-8“ speichern.")}
        ) from None
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    except csv.Error:  # e.g. a field over the csv module's 131.072 characters, a NUL byte
        raise ValidationError(
            {"file": _("Die Datei ist keine lesbare CSV-Datei (ein Feld ist zu lang oder enthält Steuerzeichen).")}
        ) from None
    errors: list[str] = []
    if not lines or [c.strip() for c in lines[0]] != HEADER:
        raise ValidationError({"file": _("Zeile 1: die Kopfzeile muss „Bereich;Merkmal;Anzahl“ lauten.")})
    labels = _labels()
    figures = empty_figures()
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != 3:
            errors.append(_("Zeile %(n)d: drei Spalten erwartet, %(k)d gefunden.") % {"n": number, "k": len(cells)})
            continue
        # a label neutralised in the template ("'=…") reads as the label itself
        area, item, raw = (unsafe_text(c.strip()) for c in cells)
        found = labels.get(area.lower())
        if found is None:
            errors.append(_("Zeile %(n)d, Spalte „Bereich“: „%(v)s“ ist unbekannt.") % {"n": number, "v": area[:60]})
            continue
        dimension, keys = found
        key = keys.get(item.lower())
        if key is None:
            errors.append(
                _("Zeile %(n)d, Spalte „Merkmal“: „%(v)s“ gibt es im Bereich „%(b)s“ nicht.")
                % {"n": number, "v": item[:60], "b": area}
            )
            continue
        if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_COUNT:
            errors.append(
                _("Zeile %(n)d, Spalte „Anzahl“: „%(v)s“ ist keine ganze Zahl von 0 bis 100000.")
                % {"n": number, "v": raw[:20]}
            )
            continue
        if (dimension, key) in seen:
            errors.append(
                _("Zeile %(n)d, Spalte „Merkmal“: „%(v)s“ steht schon in Zeile %(m)d.")
                % {"n": number, "v": item, "m": seen[(dimension, key)]}
            )
            continue
        seen[(dimension, key)] = number
        figures[dimension][key] = int(raw)
    for key in TOTAL_KEYS:
        if (Dimension.TOTALS, key) not in seen:
            label = dict(dimension_keys(Dimension.TOTALS))[key]
            errors.append(_("Die Zeile „Bestand und Bewegung;%(l)s“ fehlt.") % {"l": label})
    if errors:
        raise ValidationError({"file": _capped(errors, lines=len(lines))})
    _check_sums(figures, seen)
    return {d: ({k: v for k, v in vals.items() if v} if d != Dimension.TOTALS else vals) for d, vals in figures.items()}


def _capped(errors: list[str], *, lines: int) -> list[str]:
    if len(errors) <= MAX_ERRORS:
        return errors
    return [
        *errors[:MAX_ERRORS],
        _("… und %(k)d weitere Fehler bis Zeile %(n)d; bitte zuerst die genannten Zeilen berichtigen.")
        % {"k": len(errors) - MAX_ERRORS, "n": lines},
    ]


def _check_sums(figures, seen) -> None:
    t = figures[Dimension.TOTALS]
    line = lambda key: seen[(Dimension.TOTALS, key)]  # noqa: E731
    errors = []
    if t["active_start"] + t["new"] - t["closed"] != t["active_end"]:
        errors.append(
            _(
                "Zeile %(n)d, Spalte „Anzahl“: Bestand am Ende muss Bestand am Anfang + Neuaufnahmen − Abschlüsse = %(v)d sein."
            )
            % {"n": line("active_end"), "v": t["active_start"] + t["new"] - t["closed"]}
        )
    if t["reopened"] > t["new"]:
        errors.append(
            _("Zeile %(n)d, Spalte „Anzahl“: es kann nicht mehr Wiederaufnahmen als Neuaufnahmen geben.")
            % {"n": line("reopened")}
        )
    for dimension, total_key in (
        (Dimension.LEGAL_DOMAIN, "new"),
        (Dimension.MUNICIPALITY, "new"),
        (Dimension.CLOSURE_REASON, "closed"),
    ):
        total = sum(figures[dimension].values())
        if total != t[total_key]:
            errors.append(
                _("Bereich „%(b)s“: die Summe %(s)d muss gleich „%(t)s“ (%(v)d, Zeile %(n)d) sein.")
                % {
                    "b": Dimension(dimension).label,
                    "s": total,
                    "t": dict(dimension_keys(Dimension.TOTALS))[total_key],
                    "v": t[total_key],
                    "n": line(total_key),
                }
            )
    if errors:
        raise ValidationError({"file": errors})
