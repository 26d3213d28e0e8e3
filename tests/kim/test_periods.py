"""Proration rules (kim.periods): by days, by full calendar months, by started calendar months.

Every expectation is worked out by hand in the comment beside it; 55.000,00 € is the KIM rate per VZÄ.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kim.periods import Proration, prorate_period, weighted_units, year_units

D = Decimal
DAYS, FULL, STARTED = Proration.DAYS, Proration.FULL_MONTHS, Proration.STARTED_MONTHS


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        # 01.07.–31.12.2021 = 31+31+30+31+30+31 = 184 days of 365: 55.000 × 184 / 365 = 10.120.000 / 365
        # = 27.726,027… → 27.726,03 €
        (DAYS, D("27726.03")),
        # July–December are all complete: 6/12 × 55.000,00 € = 27.500,00 €
        (FULL, D("27500.00")),
        # July–December are all started: 6/12 × 55.000,00 € = 27.500,00 €
        (STARTED, D("27500.00")),
    ],
)
def test_a_half_year_is_six_twelfths_by_months_and_184_of_365_days_by_days(rule, expected):
    amount = prorate_period(annual=D("55000"), start=date(2021, 7, 1), end=date(2021, 12, 31), year=2021, rule=rule)
    assert amount == expected


def test_the_demo_notice_of_the_second_half_of_2020_is_165000_by_full_months():
    # 6 posts × 55.000,00 € = 330.000,00 € a year; 6/12 × 330.000,00 € = 165.000,00 €
    assert prorate_period(
        annual=D("330000"), start=date(2020, 7, 1), end=date(2020, 12, 31), year=2020, rule=FULL
    ) == D("165000.00")
    # by days it was 330.000 × 184 / 366 = 60.720.000 / 366 = 165.901,639… → 165.901,64 €
    assert prorate_period(
        annual=D("330000"), start=date(2020, 7, 1), end=date(2020, 12, 31), year=2020, rule=DAYS
    ) == D("165901.64")


@pytest.mark.parametrize(
    ("rule", "from_1st", "from_15th"),
    [
        # 01.10.–31.12.2021 = 31+30+31 = 92 days: 55.000 × 92 / 365 = 5.060.000 / 365 = 13.863,013… → 13.863,01 €
        # 15.10.–31.12.2021 = 17+30+31 = 78 days: 55.000 × 78 / 365 = 4.290.000 / 365 = 11.753,424… → 11.753,42 €
        (DAYS, D("13863.01"), D("11753.42")),
        # from the 1st: Oct, Nov, Dec complete = 3/12 × 55.000 = 13.750,00 €;
        # from the 15th: October is not complete, Nov + Dec = 2/12 × 55.000 = 9.166,666… → 9.166,67 €
        (FULL, D("13750.00"), D("9166.67")),
        # started months: October counts either way = 3/12 × 55.000 = 13.750,00 €
        (STARTED, D("13750.00"), D("13750.00")),
    ],
)
def test_a_start_on_the_1st_and_on_the_15th_of_october(rule, from_1st, from_15th):
    end = date(2021, 12, 31)
    assert prorate_period(annual=D("55000"), start=date(2021, 10, 1), end=end, year=2021, rule=rule) == from_1st
    assert prorate_period(annual=D("55000"), start=date(2021, 10, 15), end=end, year=2021, rule=rule) == from_15th


# A post of 1,0 VZÄ for all of 2021, vacant from 10.03. to 31.05.: two full months (April, May) plus
# 22 days of March (10.–31.) = 22 + 30 + 31 = 83 vacant days.
VACANCY = [
    (date(2021, 1, 1), date(2021, 3, 9), D("1.0")),
    (date(2021, 3, 10), date(2021, 5, 31), D("0")),
    (date(2021, 6, 1), date(2021, 12, 31), D("1.0")),
]


@pytest.mark.parametrize(
    ("rule", "units", "of_year", "expected"),
    [
        # 365 − 83 = 282 occupied days: 55.000 × 282 / 365 = 15.510.000 / 365 = 42.493,150… → 42.493,15 €
        (DAYS, D("282"), 365, D("42493.15")),
        # complete occupied months: Jan, Feb, Jun–Dec = 9 (March is partly vacant):
        # 9/12 × 55.000 = 41.250,00 €
        (FULL, D("9"), 12, D("41250.00")),
        # one twelfth less for each full vacant month (April, May): 10/12 × 55.000 = 45.833,333… → 45.833,33 €
        (STARTED, D("10"), 12, D("45833.33")),
    ],
)
def test_a_vacancy_of_two_full_months_and_22_days(rule, units, of_year, expected):
    num, den = weighted_units(segments=VACANCY, year=2021, rule=rule)
    assert (num, den) == (units, of_year)
    assert (D("55000") * num / den).quantize(D("0.01")) == expected


def test_a_half_vacant_share_counts_half_a_month():
    # 1,0 VZÄ allocated, 0,5 VZÄ occupied for the whole of June 2021 → June counts with 0,5 in every rule
    segments = [(date(2021, 6, 1), date(2021, 6, 30), D("0.5"))]
    assert weighted_units(segments=segments, year=2021, rule=FULL) == (D("0.5"), 12)
    assert weighted_units(segments=segments, year=2021, rule=STARTED) == (D("0.5"), 12)
    assert weighted_units(segments=segments, year=2021, rule=DAYS) == (D("15.0"), 365)  # 0,5 × 30 days


@pytest.mark.parametrize(
    ("rule", "half_year", "february_to_28th", "february_to_29th"),
    [
        # 2020 has 366 days. 01.07.–31.12.: 55.000 × 184 / 366 = 10.120.000 / 366 = 27.650,273… → 27.650,27 €;
        # 01.02.–28.02.: 55.000 × 28 / 366 = 1.540.000 / 366 = 4.207,650… → 4.207,65 €;
        # 01.02.–29.02.: 55.000 × 29 / 366 = 1.595.000 / 366 = 4.357,923… → 4.357,92 €
        (DAYS, D("27650.27"), D("4207.65"), D("4357.92")),
        # 6/12 × 55.000 = 27.500,00 €; February ends on the 29th in 2020, so 01.–28.02. is not a full month (0 €),
        # 01.–29.02. is: 1/12 × 55.000 = 4.583,333… → 4.583,33 €
        (FULL, D("27500.00"), D("0.00"), D("4583.33")),
        # started months: February counts either way: 1/12 × 55.000 = 4.583,33 €
        (STARTED, D("27500.00"), D("4583.33"), D("4583.33")),
    ],
)
def test_the_leap_year_2020(rule, half_year, february_to_28th, february_to_29th):
    def amount(start: date, end: date) -> Decimal:
        return prorate_period(annual=D("55000"), start=start, end=end, year=2020, rule=rule)

    assert amount(date(2020, 7, 1), date(2020, 12, 31)) == half_year
    assert amount(date(2020, 2, 1), date(2020, 2, 28)) == february_to_28th
    assert amount(date(2020, 2, 1), date(2020, 2, 29)) == february_to_29th


def test_a_period_is_clipped_to_the_year_and_an_open_end_runs_to_31_december():
    # a post from 01.11.2020 without end counts in 2021 the whole year: 12 months, 365 days
    assert year_units(start=date(2020, 11, 1), end=None, year=2021, rule=FULL) == (12, 12)
    assert year_units(start=date(2020, 11, 1), end=None, year=2021, rule=DAYS) == (365, 365)
    # and nothing in 2019
    assert year_units(start=date(2020, 11, 1), end=None, year=2019, rule=STARTED) == (0, 12)


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        year_units(start=date(2021, 1, 1), end=None, year=2021, rule="quarters")
