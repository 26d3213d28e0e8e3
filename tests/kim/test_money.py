"""Money and FTE helpers: German input, one rounding rule (ROUND_HALF_UP), German output.

All expectations are typed by hand.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kim.money import format_decimal, format_euro, format_fte, parse_decimal, round_money

NBSP = "\u00a0"


# --- parse_decimal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("55.000,00", Decimal("55000.00")),
        ("55000", Decimal("55000")),
        ("55.000", Decimal("55000")),
        ("0,5", Decimal("0.5")),
        ("1.0", Decimal("1.0")),
        ("55.000 €", Decimal("55000")),
        ("55.000,00\u00a0€", Decimal("55000.00")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("  0,75  ", Decimal("0.75")),
        ("-1.234,50", Decimal("-1234.50")),
    ],
)
def test_parse_decimal_accepts_what_a_german_user_types(raw, expected):
    value = parse_decimal(raw)
    assert isinstance(value, Decimal)
    assert value == expected


def test_parse_decimal_keeps_the_typed_places_of_an_amount():
    # "55.000,00" is exactly 55000.00, never a float approximation.
    assert str(parse_decimal("55.000,00")) == "55000.00"
    assert str(parse_decimal("1.234.567,89")) == "1234567.89"


@pytest.mark.parametrize("raw", ["abc", "1,2,3", "", "   ", "12.34.56", "1e5", "NaN", "Infinity", "-", "€", "1,234.56"])
def test_parse_decimal_rejects_anything_that_is_not_a_plain_number(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw)


# Review finding: the pattern used \d, which matches any Unicode digit, and Decimal("１２") is 12.
@pytest.mark.parametrize("raw", ["１２", "１", "１２,５０", "1.０００", "٢٠", "१२", "12,５"])
def test_parse_decimal_rejects_digits_that_are_not_ascii(raw):
    with pytest.raises(ValueError):
        parse_decimal(raw)


# Found while writing these tests (parse_decimal read "0.500" as 500); fixed in kim/money.py.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [("0.500", Decimal("0.5")), ("0.750", Decimal("0.75")), ("5.000", Decimal("5000")), ("-0.500", Decimal("-0.5"))],
)
def test_parse_decimal_reads_a_leading_zero_group_as_a_decimal_point(raw, expected):
    assert parse_decimal(raw) == expected


# --- round_money ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0.005", "0.01"),  # half up, not banker's rounding (which would give 0.00)
        ("2.675", "2.68"),  # half up; a float 2.675 would round down to 2.67
        ("0.015", "0.02"),
        ("0.025", "0.03"),  # banker's rounding would give 0.02
        ("27650.2732", "27650.27"),
        ("13825.1366", "13825.14"),
        ("-0.005", "-0.01"),  # half away from zero for negative amounts
        ("55000", "55000.00"),
    ],
)
def test_round_money_rounds_half_up_to_whole_cents(raw, expected):
    result = round_money(Decimal(raw))
    assert result == Decimal(expected)
    assert str(result) == expected


def test_round_money_accepts_int_and_str():
    assert str(round_money(55000)) == "55000.00"
    assert str(round_money("2.675")) == "2.68"


# --- format_euro / format_decimal ----------------------------------------------------------------------


def test_format_euro_renders_german_thousands_and_a_non_breaking_space():
    assert format_euro(Decimal("55000")) == "55.000,00\u00a0€"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("0"), f"0,00{NBSP}€"),
        (Decimal("9000"), f"9.000,00{NBSP}€"),
        (Decimal("27650.27"), f"27.650,27{NBSP}€"),
        (Decimal("332500"), f"332.500,00{NBSP}€"),
        (Decimal("1234567.891"), f"1.234.567,89{NBSP}€"),
        (Decimal("0.005"), f"0,01{NBSP}€"),
        (570000, f"570.000,00{NBSP}€"),
    ],
)
def test_format_euro_renders_amounts(value, expected):
    assert format_euro(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("-41174.86"), f"-41.174,86{NBSP}€"),
        (Decimal("-1234.5"), f"-1.234,50{NBSP}€"),
        (Decimal("-0.5"), f"-0,50{NBSP}€"),
        (Decimal("-0.005"), f"-0,01{NBSP}€"),
        # rounds to zero: no "-0,00"
        (Decimal("-0.004"), f"0,00{NBSP}€"),
    ],
)
def test_format_euro_renders_negative_amounts_with_a_leading_minus(value, expected):
    assert format_euro(value) == expected


def test_format_euro_shows_a_dash_for_an_unknown_amount():
    assert format_euro(None) == "–"


def test_format_decimal_uses_the_requested_places():
    assert format_decimal(Decimal("5.5"), 1) == "5,5"
    assert format_decimal(Decimal("1234.5"), 0) == "1.235"
    assert format_decimal(None) == ""


# --- format_fte ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1.000"), "1,0"),
        (Decimal("0.500"), "0,5"),
        (Decimal("0.750"), "0,75"),
        (Decimal("0.625"), "0,625"),
        (Decimal("5.5"), "5,5"),
        (Decimal("6"), "6,0"),
        (Decimal("10"), "10,0"),
    ],
)
def test_format_fte_shows_one_place_at_least_and_no_trailing_zeros(value, expected):
    assert format_fte(value) == expected


def test_format_fte_shows_a_dash_for_an_unknown_share():
    assert format_fte(None) == "–"
