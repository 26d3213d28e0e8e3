"""Money and FTE arithmetic: Decimal end to end, one rounding rule, German formatting.

The one rounding rule: amounts are rounded to whole cents with ROUND_HALF_UP
("kaufmännisches Runden"), once, at the end of a computation, by ``round_money``.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def round_money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


# A leading group "0" is never thousands notation: "0.500" is a half, "5.000" five thousand.
# ASCII digits only: ``\d`` would also match "１" (fullwidth) or "٢" (Arabic-Indic), which Decimal accepts.
_GERMAN_THOUSANDS = re.compile(r"^[+-]?[1-9][0-9]{0,2}(\.[0-9]{3})+$")


def parse_decimal(raw: str) -> Decimal:
    """Parse a number as a German user types it: "55.000,00", "55000", "0,5", "1.0", "55.000 €".

    A comma is the decimal separator and dots are thousands separators; without a comma,
    dots that group exactly three digits ("55.000") are thousands separators too, any other
    single dot is a decimal point ("0.5"). Raises ValueError on anything else.
    """
    text = str(raw).strip().replace("\u00a0", " ").replace("€", "").replace("EUR", "").strip()
    text = text.replace(" ", "").replace("'", "")
    if not text:
        raise ValueError("empty")
    if "," in text:
        if text.count(",") > 1:
            raise ValueError("several commas")
        whole, frac = text.split(",")
        if "." in whole and not _GERMAN_THOUSANDS.match(whole):
            raise ValueError("misplaced thousands separator")
        text = whole.replace(".", "") + "." + frac
    elif _GERMAN_THOUSANDS.match(text):
        text = text.replace(".", "")
    if not re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text):
        raise ValueError("not a number")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the regex above already guards
        raise ValueError("not a number") from exc
    if not value.is_finite():
        raise ValueError("not finite")
    return value


def _group(digits: str) -> str:
    out = []
    while len(digits) > 3:
        out.insert(0, digits[-3:])
        digits = digits[:-3]
    out.insert(0, digits)
    return ".".join(out)


def format_decimal(value: Decimal | int | None, places: int = 2) -> str:
    """German number: thousands dots, decimal comma ("55.000,00")."""
    if value is None:
        return ""
    quant = Decimal(1).scaleb(-places) if places else Decimal(1)
    value = Decimal(value).quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, frac = f"{abs(value):f}".partition(".")
    result = sign + _group(whole)
    if places:
        result += "," + frac.ljust(places, "0")
    return result


def format_euro(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return f"{format_decimal(value, 2)}\u00a0€"


def format_fte(value: Decimal | int | None) -> str:
    """FTE with at least one decimal place and no trailing zeros beyond it: 1,0 · 0,5 · 0,75."""
    if value is None:
        return "–"
    value = Decimal(value).normalize()
    exponent = -value.as_tuple().exponent if value.as_tuple().exponent < 0 else 0
    return format_decimal(value, max(1, min(exponent, 3)))
