"""Statistics across carriers from frozen returns: counted in the database, small numbers protected
on the page, in CSV and XLSX exports and in the selector committee papers call."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse

from casemanagement import services
from casemanagement.selectors import caseload_statistics
from casemanagement.suppression import PRIMARY, SECONDARY

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_case, carrier_b, post_b, carrier_a, post_a, stolberg):
    """March 2021. Carrier A: 6 new cases (SGB II) and 2 new (SGB XII) → 8; carrier B: 7 new (SGB II).

    SGB XII for A is 2 → "<5"; its row total (2 + 0 = 2) is small itself. In A's column 6 + 2 = 8
    (= A's new cases, printed), so the 6 is hidden too (•). The row totals add up to all new cases
    (13 + 2 = 15, printed), so with the SGB XII total hidden the SGB II total 13 is hidden as well.
    Then every equation has two unknowns: 6 + <5 = 8, 6 + 7 = •, <5 + 0 = <5, • + <5 = 15.
    """
    for day in range(1, 7):
        make_case(date(2021, 3, day))
    for day in (10, 11):
        make_case(date(2021, 3, day), legal_domain="sgb12")
    for day in range(1, 8):
        make_case(date(2021, 3, day), carrier=carrier_b, post=post_b, municipality=stolberg)
    for carrier, post in ((carrier_a, post_a), (carrier_b, post_b)):
        r = services.return_create(carrier=carrier, post=post, year=2021, month=3)
        services.return_submit(caseload_return=r)


def legal_domain_table(stats):
    return next(t for t in stats.tables if t.dimension == "legal_domain")


def test_statistics_hide_small_cells_and_the_cells_that_would_reveal_them(submitted, carrier_a, carrier_b):
    stats = caseload_statistics(year=2021, quarter=1)
    assert [c.pk for c in stats.carriers] == [carrier_a.pk, carrier_b.pk]  # Caritas, Diakonie (by name)
    body = {label: (cells, total) for label, cells, total in legal_domain_table(stats).body()}
    assert body["SGB XII"] == ([PRIMARY, 0], PRIMARY)
    assert body["SGB II"] == ([SECONDARY, 7], SECONDARY)
    assert legal_domain_table(stats).totals() == ([8, 7], 15)  # new cases per carrier and in all: 8 + 7


def test_the_statistics_page_and_its_exports_show_less_than_five(client, a46_user, submitted):
    from openpyxl import load_workbook

    client.force_login(a46_user)
    url = reverse("casemanagement:statistics")
    html = client.get(url, {"year": 2021}).content.decode()
    assert "&lt;5" in html and "•" in html
    # the exports are laid out like the tables on the screen (issue 16): a column per carrier and
    # "alle Träger", a sum line per table; counts are numbers, protected cells the text "<5" / "•"
    csv_text = client.get(url, {"year": 2021, "export": "csv"}).content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].split(";")[:2] == ["Bereich", "Merkmal"] and lines[0].endswith(";alle Träger")
    assert "Rechtskreis;SGB XII;<5;0;<5" in lines  # Caritas 2 → <5, Diakonie 0, in all 2 → <5
    assert "Rechtskreis;SGB II;•;7;•" in lines
    assert "Rechtskreis;Summe;8;7;15" in lines  # new cases per carrier and in all: 8 + 7
    workbook = load_workbook(io.BytesIO(client.get(url, {"year": 2021, "export": "xlsx"}).content))
    ws = workbook.active
    values = [row for row in ws.iter_rows(values_only=True)]
    assert values[0][2] == "Caritasverband für die Regionen Aachen-Stadt und Aachen-Land e. V."
    assert ("Rechtskreis", "SGB XII", "<5", 0, "<5") in values
    assert ("Rechtskreis", "Summe", 8, 7, 15) in values
    for row in ws.iter_rows(min_row=2):
        for cell in row[2:]:
            assert cell.value is None or cell.data_type == "n" or cell.value in ("<5", "•"), cell.value
    assert not any(v in (1, 2, 3, 4) for row in values[1:] for v in row[2:] if isinstance(v, int))


def test_no_count_from_one_to_four_appears_anywhere_in_the_statistics(submitted):
    stats = caseload_statistics(year=2021)
    for table in stats.tables:
        for _label, cells, total in table.body():
            assert not any(v in (1, 2, 3, 4) for v in [*cells, total])
        if table.has_totals:
            cols, grand = table.totals()
            assert not any(v in (1, 2, 3, 4) for v in [*cols, grand])


def test_statistics_run_a_fixed_number_of_queries(client, a46_user, make_case, carrier_a, post_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(a46_user)
    url = reverse("casemanagement:statistics")

    def count():
        """The page on the stored snapshot of the data (stored by the refresh, as in production)."""
        from casemanagement.snapshots import refresh_year
        from tests.funding.conftest import remember_year

        refresh_year(2021)
        remember_year(client, {"year": 2021})
        with CaptureQueriesContext(connection) as ctx:
            client.get(url, {"year": 2021})
        return len(ctx.captured_queries)

    make_case(date(2021, 1, 4))
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=1)
    services.return_submit(caseload_return=r)
    one = count()
    for m in (2, 3, 4):
        make_case(date(2021, m, 4))
        r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=m)
        services.return_submit(caseload_return=r)
    assert count() == one


def test_carriers_cannot_open_the_statistics(client, carrier_a_user, submitted):
    client.force_login(carrier_a_user)
    assert client.get(reverse("casemanagement:statistics")).status_code == 403


NO_RETURNS = "Für diesen Zeitraum liegen keine eingereichten Meldungen vor."


def test_the_statistics_page_follows_every_submission_reopening_and_acceptance(
    client, a46_user, make_case, carrier_a, post_a
):
    """The tables are cached (kim.figure_cache) but a change of a return shows at once."""
    client.force_login(a46_user)
    url = reverse("casemanagement:statistics")

    def page():
        return client.get(url, {"year": 2021}).content.decode()

    assert NO_RETURNS in page()
    for day in range(1, 7):
        make_case(date(2021, 3, day))
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    assert NO_RETURNS in page()  # a draft is not part of the statistics
    r = services.return_submit(caseload_return=r)
    html = page()
    assert NO_RETURNS not in html and "Caritas" in html
    r = services.return_accept(caseload_return=r)
    assert NO_RETURNS not in page()
    services.return_reopen(caseload_return=r, reason="Zahlen falsch gemeldet")
    assert NO_RETURNS in page()  # reopened = no longer frozen, gone from the statistics


def test_the_cached_statistics_page_runs_no_statistics_query(client, a46_user, submitted):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(a46_user)
    url = reverse("casemanagement:statistics")
    with CaptureQueriesContext(connection) as first:
        html_first = client.get(url, {"year": 2021}).content.decode()
    with CaptureQueriesContext(connection) as second:
        html_second = client.get(url, {"year": 2021}).content.decode()
    tables = lambda html: html[html.index('<section class="card">') : html.index("</main>")]  # noqa: E731 (the CSRF token above differs)
    assert "&lt;5" in tables(html_first) and tables(html_second) == tables(html_first)
    assert any("casemanagement_returnfigure" in q["sql"] for q in first.captured_queries)
    assert not any("casemanagement_returnfigure" in q["sql"] for q in second.captured_queries)


def test_case_work_leaves_both_stamps_but_a_return_changes_the_statistics_stamp(make_case, carrier_a, post_a):
    """Cases and contacts are no input of the cached figures, so carriers' daily work keeps the
    dashboard and the statistics cached; a submitted return changes the statistics stamp only."""
    from casemanagement.views import STATISTICS_STAMP
    from kim.figure_cache import data_stamp

    case = make_case(date(2021, 3, 1))
    default, statistics = data_stamp(), data_stamp(STATISTICS_STAMP)
    services.contact_add(case=case, data={"date": date(2021, 3, 2), "duration_minutes": 30, "mode": "phone"})
    assert (data_stamp(), data_stamp(STATISTICS_STAMP)) == (default, statistics)
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_submit(caseload_return=r)
    assert data_stamp(STATISTICS_STAMP) != statistics
    assert data_stamp() == default
