"""Charts of the case management figures: caseload per month and carrier (A 46, protected), the
returns' status per month (A 46) and a carrier's own open cases per month. The figures are counted
by hand from the cases made here; the charts' columns carry exactly the tables' figures."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from casemanagement import selectors, services
from casemanagement.suppression import SECONDARY

pytestmark = pytest.mark.django_db


def column_titles(html: str) -> dict[str, str]:
    """The <title> of every column of the page's charts: "series, category: value"."""
    return dict(re.findall(r"<rect [^>]*><title>([^<]*?): ([^<]*)</title></rect>", html))


@pytest.fixture
def two_months(make_case, carrier_a, post_a, carrier_b, post_b, stolberg):
    """Carrier A opens 6 cases in January 2021 and closes one of them on 10 February; carrier B
    opens 7 in January. Both submit January and February. January: A 6, B 7, nothing small.
    February: A closed 1 case ("<5"), so in A's stock equation 6 + 0 − <5 = 5 the 5 is hidden too."""
    cases = [make_case(date(2021, 1, day)) for day in range(4, 10)]
    services.case_close(case=cases[0], closed_on=date(2021, 2, 10), reason="goal_reached")
    for day in range(4, 11):
        make_case(date(2021, 1, day), carrier=carrier_b, post=post_b, municipality=stolberg)
    for month in (1, 2):
        for carrier, post in ((carrier_a, post_a), (carrier_b, post_b)):
            services.return_submit(
                caseload_return=services.return_create(carrier=carrier, post=post, year=2021, month=month)
            )


def test_caseload_per_month_is_the_stock_at_month_end_and_protected(two_months, carrier_a, carrier_b):
    result = selectors.caseload_by_month(year=2021)
    assert result.months == [1, 2]
    assert [c.pk for c in result.carriers] == [carrier_a.pk, carrier_b.pk]
    rows = dict(result.rows())
    assert rows[1] == [6, 7]
    assert rows[2][0] == SECONDARY  # 5 would reveal the one closure
    assert all(v not in (1, 2, 3, 4) for values in rows.values() for v in values)


def test_statistics_page_draws_the_table_figures_and_never_a_protected_one(
    client, a46_user, two_months, carrier_a, carrier_b
):
    client.force_login(a46_user)
    html = client.get(reverse("casemanagement:statistics"), {"year": 2021}).content.decode()
    titles = column_titles(html)
    a, b = carrier_a.short_name, carrier_b.short_name
    assert titles[f"{a}, Jan."] == "6" and titles[f"{b}, Jan."] == "7"
    assert f"{a}, Feb." not in titles  # hidden: no column
    table = html.split("Fallbestand je Monat und Träger", 1)[1].split("</table>", 1)[0]
    assert re.search(r"<th scope=\"row\">Jan\.</th><td class=\"num\">6</td><td class=\"num\">7</td>", table)
    assert re.search(r"<th scope=\"row\">Feb\.</th><td class=\"num\">•</td>", table)


def test_returns_status_per_month_counts_every_state_and_the_missing_ones(
    carrier_a, post_a, carrier_b, post_b, a46_user
):
    """January: A accepted, B submitted. February: A returned, B draft. March: none → 2 missing.
    April is not over on 15 April: not counted yet."""
    jan_a = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=1)
    services.return_accept(caseload_return=services.return_submit(caseload_return=jan_a))
    services.return_submit(caseload_return=services.return_create(carrier=carrier_b, post=post_b, year=2021, month=1))
    feb_a = services.return_submit(
        caseload_return=services.return_create(carrier=carrier_a, post=post_a, year=2021, month=2)
    )
    services.return_send_back(caseload_return=feb_a, reason="Zahlen passen nicht zum Vormonat.")
    services.return_create(carrier=carrier_b, post=post_b, year=2021, month=2)
    rows = selectors.returns_status_by_month(year=2021, today=date(2021, 4, 15))
    states = [(r["month"], r["accepted"], r["submitted"], r["returned"], r["draft"], r["missing"]) for r in rows]
    assert states == [(1, 1, 1, 0, 0, 0), (2, 0, 0, 1, 1, 0), (3, 0, 0, 0, 0, 2)]
    assert selectors.returns_status_by_month(year=2022, today=date(2021, 4, 15)) == []


def test_returns_status_chart_stacks_the_table_figures(client, a46_user, carrier_a, post_a, carrier_b, post_b):
    # 2020 is over: every month of it counts. The posts start on 01.07.2020: July–December, 2 each.
    services.return_submit(caseload_return=services.return_create(carrier=carrier_a, post=post_a, year=2020, month=7))
    client.force_login(a46_user)
    html = client.get(reverse("casemanagement:statistics"), {"year": 2020}).content.decode()
    titles = column_titles(html)
    assert titles["eingereicht, Juli"] == "1" and titles["fehlt, Juli"] == "1"
    assert titles["fehlt, Aug."] == "2" and titles["fehlt, Dez."] == "2"
    assert "fehlt, Juni" not in titles  # no post yet: nothing expected, nothing drawn
    table = html.split("Stand der Fallzahlenmeldungen</h2>", 1)[1].split("</table>", 1)[0]
    juli = re.search(r"<th scope=\"row\">Juli</th>((?:<td[^>]*>.*?</td>)+)</tr>", table).group(1)
    assert re.findall(r">(?:<strong>)?(\d+)(?:</strong>)?</td>", juli) == ["0", "1", "0", "0", "1", "2"]


def test_carrier_sees_its_own_open_cases_per_month(client, make_case, carrier_a_user, carrier_b, post_b, stolberg):
    """As of 15 March 2021: a case open since 3 January; one from 10 January to 5 February; one
    opened and closed on 31 January (closed at the month end: not open); one from 20 February; one
    from 1 March. Month ends: January 2, February 2, 15 March 3. Carrier B's case never counts."""
    make_case(date(2021, 1, 3))
    make_case(date(2021, 1, 10), date(2021, 2, 5))
    make_case(date(2021, 1, 31), date(2021, 1, 31))
    make_case(date(2021, 2, 20))
    make_case(date(2021, 3, 1))
    make_case(date(2021, 1, 5), carrier=carrier_b, post=post_b, municipality=stolberg)
    assert selectors.open_cases_by_month(user=carrier_a_user, today=date(2021, 3, 15), months=3) == [
        (2021, 1, 2),
        (2021, 2, 2),
        (2021, 3, 3),
    ]
    client.force_login(carrier_a_user)
    html = client.get(reverse("dashboard")).content.decode()
    titles = column_titles(html)
    assert len([t for t in titles if t.startswith("offene Fälle, ")]) == 12
    # the current month's column carries today's open cases: all five of A's are still open or
    # closed long ago, so today 3 are open
    today = date.today()
    assert titles[f"offene Fälle, {today.month:02d}/{today.year}"] == "3"
    assert f'<th scope="row">{today.month:02d}/{today.year}</th><td class="num">3</td>' in html


def test_year_of_returns_counts_every_period_as_the_statistics_page_does(
    make_case, carrier_a, post_a, carrier_b, post_b, stolberg
):
    """The monthly charts read the year's returns once (YearOfReturns); for every month, quarter
    and the year its counts must equal statistics_by_carrier's (the statistics page's counts, whose
    figures tests/casemanagement/test_statistics.py checks by hand). Gaps on purpose: A submits
    January, March, April and June (February left as a draft), B only February and March."""
    for day in range(3, 12):
        make_case(date(2021, 1, day), closed=date(2021, 3, day) if day % 3 == 0 else None)
    for day in range(3, 9):
        make_case(date(2021, 2, day), carrier=carrier_b, post=post_b, municipality=stolberg, topics=("housing", "work"))
    make_case(date(2021, 4, 2), closed=date(2021, 6, 30), reason="moved_away")
    for month in (1, 3, 4, 6):
        services.return_submit(
            caseload_return=services.return_create(carrier=carrier_a, post=post_a, year=2021, month=month)
        )
    services.return_create(carrier=carrier_a, post=post_a, year=2021, month=2)  # draft: not counted
    for month in (2, 3):
        services.return_submit(
            caseload_return=services.return_create(carrier=carrier_b, post=post_b, year=2021, month=month)
        )

    data = selectors.YearOfReturns(year=2021)
    periods = [[m] for m in range(1, 13)] + [selectors.quarter_months(q) for q in (1, 2, 3, 4)] + [list(range(1, 13))]
    for months in periods:
        expected = selectors.statistics_by_carrier(year=2021, months=months)
        assert {d: v for d, v in data.counts(months).items() if v} == {d: v for d, v in expected.items() if v}, months
    # and the counts are not trivially empty: A's stock at the end of June is the 9 + 1 − 3 − 1 = 6 open cases
    assert data.counts([6])["totals"][(carrier_a.pk, "active_end")] == 6


def test_monthly_charts_cost_a_fixed_number_of_queries(django_assert_max_num_queries, two_months):
    # 6 for the protection and the carriers; computing the protected year records it in the publication
    # ledger: a savepoint, the year's lock, the read of the earlier states, the record and the release
    with django_assert_max_num_queries(11):
        selectors.caseload_by_month(year=2021)
