"""The statistics page after a write: the last protected snapshot, a "Stand" note, a refresh in the background.

Scenario (fixture ``submitted`` of test_statistics.py): March 2021, carrier A 8 new cases, carrier B 7,
in all 15. The write: A's April return with 3 more new cases, so the year becomes 8 + 3 = 11 for A and
11 + 7 = 18 in all, and A's April alone (3) is a small count.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from casemanagement import services, snapshots
from casemanagement.models import StatisticsSnapshot
from casemanagement.selectors import caseload_statistics
from casemanagement.suppression import PRIMARY, SECONDARY
from tests.casemanagement.test_statistics import legal_domain_table, submitted  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db]
MARCH = pytest.mark.usefixtures("submitted")  # March 2021 submitted, see the module docstring

NOTE = "neue Meldungen werden gerade eingerechnet"
# The year after the write, once the March state was shown: A's year 8 + 3 = 11 is hidden, since A's year
# was published as 8 before (and stays public) and 11 − 8 would give April's 3 away (the audit against
# earlier publications, casemanagement.publication); the sum 18 with it (18 − 7 = 11). B's 7 is unchanged.
AFTER_APRIL = (["•", 7], "•")


@pytest.fixture
def background(settings, monkeypatch):
    """Background refresh on; the worker thread is replaced by a record of the years it was started for."""
    settings.KIM_STATISTICS_BACKGROUND = True
    settings.KIM_STATISTICS_WORKER = "thread"
    started: list[int] = []
    monkeypatch.setattr(snapshots, "_start_thread", started.append)
    return started


def page(client) -> str:
    return client.get(reverse("casemanagement:statistics"), {"year": 2021}).content.decode()


def year_totals(year: int = 2021):
    snapshot = snapshots.statistics_snapshot(year=year)
    return legal_domain_table(caseload_statistics(year=year, protection=snapshot.protection)).totals()


@MARCH
def test_after_a_write_the_page_shows_the_last_snapshot_with_its_time_and_a_refresh_runs(
    client, a46_user, background, april_write, django_capture_on_commit_callbacks
):
    client.force_login(a46_user)
    first = page(client)  # no snapshot yet: computed within this request, current
    assert NOTE not in first and "&lt;5" in first
    snapshot = StatisticsSnapshot.objects.get(year=2021)

    with django_capture_on_commit_callbacks(execute=True):
        april_write()
    # the return's saves scheduled the refresh after their commit (_start_thread runs one thread per year)
    assert set(background) == {2021}

    stale = page(client)
    when = timezone.localtime(snapshot.computed_at).strftime("%d.%m.%Y, %H:%M")
    assert f"Stand: {when} Uhr; {NOTE}." in stale
    # still the protected figures of the snapshot: 8 + 7 = 15, not yet the April cases
    assert year_totals() == ([8, 7], 15)
    assert "&lt;5" in stale and "•" in stale

    assert snapshots.refresh_year(2021) is True  # what the worker thread does
    current = page(client)
    assert NOTE not in current
    assert year_totals() == AFTER_APRIL
    assert snapshots.refresh_year(2021) is False  # current: nothing to do


@MARCH
def test_a_stale_page_request_schedules_the_refresh_itself(
    client, a46_user, background, april_write, django_capture_on_commit_callbacks
):
    client.force_login(a46_user)
    page(client)
    april_write()  # committed without callbacks run, e.g. in another process
    assert background == []
    with django_capture_on_commit_callbacks(execute=True):
        assert NOTE in page(client)
    assert set(background) == {2021}


@MARCH
def test_no_figure_of_a_stale_snapshot_is_unprotected(client, a46_user, background, april_write):
    client.force_login(a46_user)
    page(client)
    april_write()
    snapshot = snapshots.statistics_snapshot(year=2021)
    assert snapshot.stale
    for quarter in (None, 1, 2):
        stats = caseload_statistics(year=2021, quarter=quarter, protection=snapshot.protection)
        for table in stats.tables:
            for _label, cells, total in table.body():
                assert not any(v in (1, 2, 3, 4) for v in [*cells, total])
    # the export shows the same snapshot, never a live count
    csv_text = client.get(reverse("casemanagement:statistics"), {"year": 2021, "export": "csv"}).content
    # wide like the screen (branch ux): a column per carrier, the carrier's cell of the line "Rechtskreis / SGB XII"
    header, *rows = csv.reader(io.StringIO(csv_text.decode("utf-8-sig")), delimiter=";")
    caritas = next(i for i, name in enumerate(header) if name.startswith("Caritas"))
    line = next(row for row in rows if row[:2] == ["Rechtskreis", "SGB XII"])
    assert line[caritas] == "<5"


@MARCH
def test_synchronous_mode_always_shows_current_figures(client, a46_user, april_write):
    client.force_login(a46_user)  # the tests' default: KIM_STATISTICS_BACKGROUND = False
    page(client)
    april_write()
    assert NOTE not in page(client)
    assert year_totals() == AFTER_APRIL


@MARCH
def test_only_one_computation_per_year_at_a_time():
    snapshots.refresh_year(2021)
    assert snapshots._claim(2021) is True
    assert snapshots._claim(2021) is False  # another process or thread computes the year
    StatisticsSnapshot.objects.filter(year=2021).update(
        refreshing_since=timezone.now() - snapshots.LOCK_TIMEOUT - timedelta(minutes=1)
    )
    assert snapshots._claim(2021) is True  # a computation whose process died does not block forever


def test_one_worker_thread_per_year_and_process(monkeypatch):
    release, calls = threading.Event(), []

    def slow(year):
        calls.append(year)
        release.wait(5)

    monkeypatch.setattr(snapshots, "_refresh_in_thread", slow)
    snapshots._start_thread(2021)
    snapshots._start_thread(2021)  # the first still runs
    release.set()
    for thread in threading.enumerate():
        if thread.name == "statistics-refresh-2021":
            thread.join(5)
    assert calls == [2021]


@MARCH
def test_refresh_statistics_command(april_write):
    out = _call()
    assert "2021: neu berechnet" in out
    assert "2021: aktuell" in _call()
    april_write()
    assert "2021: neu berechnet" in _call()
    assert year_totals() == AFTER_APRIL


def _call() -> str:
    import io

    buffer = io.StringIO()
    call_command("refresh_statistics", stdout=buffer)
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_worker_computes_in_its_own_consistent_transaction(submitted_march_committed):
    """As the worker thread does it: outside any transaction (REPEATABLE READ on PostgreSQL)."""
    from django.db import connection

    assert connection.get_autocommit()
    assert snapshots.refresh_year(2021) is True
    row = StatisticsSnapshot.objects.get(year=2021)
    assert row.key == snapshots.current_key() and row.refreshing_since is None
    assert year_totals() == ([8, 7], 15)


@pytest.fixture
def submitted_march_committed(request):
    request.getfixturevalue("submitted")


# ----------------------------------------------------------------------- the return page (A 46)

NOT_YET = "Die Zahlen dieser Meldung erscheinen, sobald die Statistik neu berechnet ist."


def april_return():
    from casemanagement.models import CaseloadReturn

    return CaseloadReturn.objects.get(year=2021, month=4)


def march_return(carrier):
    from casemanagement.models import CaseloadReturn

    return CaseloadReturn.objects.get(year=2021, month=3, carrier=carrier)


@MARCH
def test_a_return_submitted_after_the_snapshot_shows_a_notice_instead_of_figures(
    client, a46_user, carrier_a_user, background, april_write
):
    client.force_login(a46_user)
    page(client)  # the year's first snapshot: March only
    snapshot = StatisticsSnapshot.objects.get(year=2021)
    april_write()  # A's April return (3 new cases) submitted; the refresh has not run yet
    html = client.get(april_return().get_absolute_url()).content.decode()
    assert NOT_YET in html
    when = timezone.localtime(snapshot.computed_at).strftime("%d.%m.%Y, %H:%M")
    assert f"Stand: {when} Uhr; {NOTE}." in html
    assert "Neuaufnahmen" not in html  # no figure table at all, not even of zeros

    # the carrier sees its own return as always, in full
    client.force_login(carrier_a_user)
    own = client.get(april_return().get_absolute_url()).content.decode()
    assert NOT_YET not in own and "Neuaufnahmen" in own

    snapshots.refresh_year(2021)  # what the worker thread does
    client.force_login(a46_user)
    html = client.get(april_return().get_absolute_url()).content.decode()
    assert NOT_YET not in html and NOTE not in html
    # 3 new cases in April: a small count, shown as "<5" only
    assert "&lt;5" in html


@MARCH
def test_a_stale_return_page_shows_the_stored_figures_and_when_they_were_computed(
    client, a46_user, carrier_a, background, april_write
):
    client.force_login(a46_user)
    url = march_return(carrier_a).get_absolute_url()
    current = client.get(url).content.decode()  # no snapshot yet: the year computed once, in this request
    assert NOTE not in current and NOT_YET not in current
    april_write()
    stale = client.get(url).content.decode()
    assert NOTE in stale and NOT_YET not in stale
    # A's March: 2 new cases in SGB XII ("<5"), so 6 in SGB II is hidden too ("•"), as on the statistics page
    assert "&lt;5" in stale and "•" in stale


@MARCH
def test_with_a_snapshot_stored_no_page_computes_the_year(
    client, a46_user, carrier_a, background, april_write, monkeypatch
):
    from casemanagement import selectors

    client.force_login(a46_user)
    page(client)
    april_write()

    def forbidden(**kwargs):
        raise AssertionError("the year computed within a request")

    monkeypatch.setattr(selectors, "year_protection_compute", forbidden)
    assert client.get(reverse("casemanagement:statistics"), {"year": 2021}).status_code == 200
    assert client.get(reverse("casemanagement:statistics"), {"year": 2021, "quarter": 2}).status_code == 200
    assert client.get(march_return(carrier_a).get_absolute_url()).status_code == 200
    assert client.get(april_return().get_absolute_url()).status_code == 200


def _queries(client, url, params=None) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


@MARCH
def test_the_pages_read_the_snapshot_in_a_fixed_number_of_queries(
    client, a46_user, carrier_a, post_a, make_case, background, april_write
):
    """Whatever the year holds, stale or current: the return page reads the data stamp and, in one query,
    the snapshot's key with the return's part; the statistics page (nothing cached in the process) the
    tables' HTML stored with the snapshot in one query."""
    from kim import figure_cache

    client.force_login(a46_user)
    march = march_return(carrier_a).get_absolute_url()
    statistics = reverse("casemanagement:statistics")
    client.get(march)  # computes the first snapshot
    client.get(statistics, {"year": 2021})

    def cold_statistics() -> int:
        with figure_cache._memo_lock:
            figure_cache._memo.clear()
        from django.core.cache import cache

        cache.clear()
        return _queries(client, statistics, {"year": 2021})

    return_page, statistics_page = _queries(client, march), cold_statistics()
    april_write()
    assert _queries(client, march) == return_page  # stale
    assert _queries(client, april_return().get_absolute_url()) == return_page  # not in the snapshot yet
    for month in (5, 6, 7):
        make_case(date(2021, month, 2))
        r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=month)
        services.return_submit(caseload_return=r)
    snapshots.refresh_year(2021)
    assert _queries(client, march) == return_page  # current, more returns
    assert cold_statistics() == statistics_page


# ------------------------------------------------------------------- the stored format, part by part


@pytest.mark.usefixtures("demo")
def test_the_stored_parts_read_back_exactly_what_the_computed_protection_shows():
    """The demo year 2021 (55 frozen returns): written as parts and read back one by one, every table
    shows each figure's value where the computed protection leaves it visible and "<5" (1 to 4) or "•"
    where it hides it; nothing else is stored, in particular no count of 1 to 4."""
    from casemanagement import selectors

    computed = selectors.year_protection_compute(year=2021)
    values, hidden = computed.values, computed.hidden
    assert hidden, "the demo year has small counts to protect"
    key = "d" * 64
    snapshots._store(2021, key, computed)
    stored = snapshots.StoredProtection(2021, key)

    def expected(full_key):
        value = values[full_key]
        if full_key not in hidden:
            return value
        return PRIMARY if 1 <= value <= 4 else SECONDARY

    def check(shown: dict, prefix: tuple, keys: list) -> None:
        assert set(shown) == {k[len(prefix) :] for k in keys}
        for k in keys:
            assert shown[k[len(prefix) :]] == expected(k), k
        assert not any(v in (1, 2, 3, 4) for v in shown.values())

    for quarter in (None, 1, 2, 3, 4):
        prefix = ("p", quarter or 0)
        assert stored.carriers(quarter) == computed.carriers(quarter)
        check(stored.period(quarter).values, prefix, [k for k in values if k[:2] == prefix])
    assert len(computed.return_ids) == 55
    for rid in computed.return_ids:
        prefix = ("r", rid)
        figures = stored.caseload_return(rid)
        assert figures is not None
        # the return page shows the return's cells; the sums of its breakdowns are published nowhere
        check(figures.values, prefix, [k for k in values if k[:2] == prefix and k[2] == "c"])
    assert stored.caseload_return(max(computed.return_ids) + 1) is None
    months = stored.month_stocks()
    check(months, ("m",), [k for k in values if k[0] == "m"])
    assert months == computed.month_stocks()
    # the pages' tables from the stored parts equal those from the computed protection
    for quarter in (None, 2):
        from_parts = selectors.caseload_statistics(year=2021, quarter=quarter, protection=stored)
        from_computed = selectors.caseload_statistics(year=2021, quarter=quarter, protection=computed)
        for a, b in zip(from_parts.tables, from_computed.tables, strict=True):
            assert list(a.body()) == list(b.body()) and a.totals() == b.totals()


@MARCH
def test_the_tables_stored_with_the_snapshot_are_those_the_page_would_render(client, a46_user, background):
    """The refresh renders the page's tables of every period and language with the snapshot; without them
    (rendering failed) the page renders the same from the snapshot's figures."""
    from django.core.cache import cache

    from casemanagement.models import StatisticsSnapshotPart
    from kim import figure_cache

    client.force_login(a46_user)
    snapshots.refresh_year(2021)
    stored = StatisticsSnapshotPart.objects.filter(year=2021, code__startswith="h")
    assert set(stored.values_list("code", flat=True)) == {f"h{q}-{lang}" for q in range(5) for lang in ("de", "en")}

    def tables(quarter: int) -> str:
        return str(
            client.get(reverse("casemanagement:statistics"), {"year": 2021, "quarter": quarter}).context["tables_html"]
        )

    pages = {q: tables(q) for q in (1, 2)}
    stored.delete()
    cache.clear()
    with figure_cache._memo_lock:
        figure_cache._memo.clear()
    for q, html in pages.items():
        assert tables(q) == html
    assert "&lt;5" in pages[1] and "Für diesen Zeitraum liegen keine" in pages[2]
