"""The A 46 dashboard: a fixed number of queries whatever the number of posts and carriers, and its
cached figures change with the first write that affects them (create, edit, delete).

Expected figures are hand calculations from the fixtures (tests/conftest.py: paper 2020/0354 and
the county's cost rates 2021: 62.000 € per VZÄ, 45.000 € for the assistant post)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.services import budget_line_save
from modules.models import CostRate, PostCategory
from modules.services import cost_rate_save
from tests import factories as f
from tests.views.test_list_queries import add_carrier_rows

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def paper_2021(paper_2020_0354, county_cost_rates_2021):
    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="414100",
        kind="income",
        planned_amount=D("570000"),
        forecast_basis="land_income",
    )
    return paper_2020_0354


def dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboard"), {"year": 2021})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_runs_the_same_number_of_queries_for_one_and_three_carriers(client, a46_user):
    client.force_login(a46_user)
    add_carrier_rows(f.CarrierFactory(slug="traeger-1", name="Träger 1"), 1)
    client.get(reverse("dashboard"), {"year": 2021})
    cache.clear()
    one = dashboard_queries(client)  # computed
    cached_one = dashboard_queries(client)  # from the cache
    for i in (2, 3):
        add_carrier_rows(f.CarrierFactory(slug=f"traeger-{i}", name=f"Träger {i}"), i)
        f.CarrierPostFactory(employer=f.CarrierFactory(slug=f"traeger-x{i}", name=f"Träger x{i}"), title=f"CM x{i}")
    cache.clear()
    three = dashboard_queries(client)
    cached_three = dashboard_queries(client)
    assert one == three, f"computed: {one} queries with 1 carrier, {three} with 3"
    assert cached_one == cached_three
    assert cached_three <= 8
    assert cached_three < three


def test_a_second_visit_reuses_the_figures_without_computing_them_again(client, a46_user, paper_2021, monkeypatch):
    from overview import dashboard

    calls = []
    real = dashboard.dashboard_context
    monkeypatch.setattr(dashboard, "dashboard_context", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(a46_user)
    first = client.get(reverse("dashboard"), {"year": 2021}).context["personnel_needs"].total
    second = client.get(reverse("dashboard"), {"year": 2021}).context["personnel_needs"].total
    assert first == second == D("332500.00")
    assert len(calls) == 1
    client.get(reverse("dashboard"), {"year": 2020})  # another year: its own figures
    assert len(calls) == 2


def test_a_changed_cost_rate_shows_at_once(client, a46_user, paper_2021):
    client.force_login(a46_user)
    # county's own 5,5 VZÄ: 5 × 62.000 + 0,5 × 45.000 = 332.500 €
    assert client.get(reverse("dashboard"), {"year": 2021}).context["personnel_needs"].total == D("332500.00")
    rate = CostRate.objects.get(category=PostCategory.ASSISTANT, year=2021)
    cost_rate_save(rate=rate, data={"amount_per_fte": D("50000")})
    # 5 × 62.000 + 0,5 × 50.000 = 335.000 €
    assert client.get(reverse("dashboard"), {"year": 2021}).context["personnel_needs"].total == D("335000.00")


def test_an_edited_and_a_deleted_budget_line_show_at_once(client, a46_user, paper_2021):
    client.force_login(a46_user)
    [row] = client.get(reverse("dashboard"), {"year": 2021}).context["budget"]
    assert row.line.planned_amount == D("570000")
    budget_line_save(line=row.line, data={"planned_amount": D("600000")})
    [row] = client.get(reverse("dashboard"), {"year": 2021}).context["budget"]
    assert row.line.planned_amount == D("600000")
    row.line.delete()
    assert list(client.get(reverse("dashboard"), {"year": 2021}).context["budget"]) == []


def test_a_new_post_counts_at_once(client, a46_user, paper_2021):
    client.force_login(a46_user)
    before = client.get(reverse("dashboard"), {"year": 2021}).context["module_totals"]["posts"]
    f.CarrierPostFactory(title="CM neu", start=date(2021, 1, 1))
    after = client.get(reverse("dashboard"), {"year": 2021}).context["module_totals"]["posts"]
    assert after == before + 1


def test_a_login_does_not_change_the_stamp_but_a_write_does(a46_user):
    from kim.figure_cache import data_stamp

    stamp = data_stamp()
    a46_user.last_name = "Neu"
    a46_user.save()  # a user's history row is no dashboard figure
    assert data_stamp() == stamp
    f.CarrierFactory(slug="traeger-neu", name="Träger neu")
    assert data_stamp() != stamp


def test_budget_forecast_follows_a_changed_cost_rate(paper_2021):
    from funding.controlling.budget import budget_lines_with_forecast
    from funding.models import BudgetLine

    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="501100",
        kind="expense",
        planned_amount=D("330000"),
        forecast_basis="own_personnel",
    )
    lines = BudgetLine.objects.filter(forecast_basis="own_personnel")
    # county's own 5,5 VZÄ: 5 × 62.000 + 0,5 × 45.000 = 332.500 €
    assert [row.forecast for row in budget_lines_with_forecast(lines=lines)] == [D("332500.00")]
    assert [row.forecast for row in budget_lines_with_forecast(lines=lines)] == [D("332500.00")]  # from the cache
    rate = CostRate.objects.get(category=PostCategory.ASSISTANT, year=2021)
    cost_rate_save(rate=rate, data={"amount_per_fte": D("50000")})
    # 5 × 62.000 + 0,5 × 50.000 = 335.000 €
    assert [row.forecast for row in budget_lines_with_forecast(lines=lines)] == [D("335000.00")]


def test_the_rendered_dashboard_follows_a_change_at_once(client, a46_user, paper_2021):
    """The HTML below the year switch is cached with the figures' stamp: a post whose fixed-term
    contract ends in a month shows in the timelines ("endet bald") on the next request."""
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(a46_user)
    url = reverse("dashboard")
    first = client.get(url, {"year": 2021}).content.decode()
    assert "CM Cachetest" not in first
    f.CarrierPostFactory(title="CM Cachetest", start=date(2021, 1, 1), end=timezone.localdate() + timedelta(days=30))
    assert "CM Cachetest" in client.get(url, {"year": 2021}).content.decode()


def test_the_returns_part_of_the_stamp_changes_with_a_return_not_with_a_post(carrier_a):
    """The dashboard's scan of the returns is cached under the returns' own part of the stamp: a post
    saved leaves it, a new return changes it (and the months a carrier owes follow at once)."""
    from casemanagement import services as returns
    from kim.figure_cache import data_stamp, sub_stamp
    from overview.dashboard import RETURNS_STAMP, TODO_STAMP_EXTRA, todo_context

    post = f.CarrierPostFactory(employer=carrier_a, start=date(2021, 7, 1), end=date(2021, 12, 31))

    def part() -> str:
        return sub_stamp(data_stamp(TODO_STAMP_EXTRA), extra=TODO_STAMP_EXTRA, labels=RETURNS_STAMP)

    def owed() -> list[tuple[str, int]]:
        stamp = data_stamp(TODO_STAMP_EXTRA)
        ctx = todo_context(role="admin", today=date(2022, 3, 1), stamp=stamp)
        return [(c.carrier_name, c.count) for c in ctx["missing_by_carrier"]]

    before = part()
    assert owed() == [(carrier_a.name, 6)]  # 07–12/2021
    post.title = "CM umbenannt"
    post.save()
    assert part() == before
    returns.return_create(carrier=carrier_a, post=post, year=2021, month=9)
    assert part() != before
    assert owed() == [(carrier_a.name, 5)]
    with pytest.raises(ValueError):
        sub_stamp(data_stamp(), labels=RETURNS_STAMP)  # not read by the default stamp


def test_the_todo_card_is_cached_as_html_and_follows_a_new_post_at_once(client, a46_user):
    """The "Zu erledigen" card is rendered once per stamp: the page carries exactly the template's
    rendering of the todo figures, and a carrier post saved shows its missing months on the next request."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from overview.dashboard import todo_context

    client.force_login(a46_user)
    url = reverse("dashboard")
    first = client.get(url).content.decode()
    assert "Träger Todo-Test" not in first
    carrier = f.CarrierFactory(slug="traeger-todo", name="Träger Todo-Test", short_name="Träger Todo-Test")
    today = timezone.localdate()
    f.CarrierPostFactory(title="CM Todo", employer=carrier, start=date(today.year - 1, 1, 1), end=None)
    page = client.get(url).content.decode()
    assert "Träger Todo-Test" in page
    again = client.get(url).content.decode()  # from the cache now
    card = render_to_string("dashboard/_todo.html", {"todo": todo_context(role="admin", today=date.today())})
    assert card.strip() and card in page and card in again


def test_a_return_written_leaves_the_dashboard_figures_cached_and_updates_the_due_list(
    client, a46_user, carrier_a, paper_2021, monkeypatch
):
    """The figures below the due list read no return: a return created recomputes only the due list
    (the carrier owes one month less at once), a post saved recomputes the figures too."""
    from casemanagement import services as returns
    from overview import dashboard

    calls = []
    real = dashboard.dashboard_context
    monkeypatch.setattr(dashboard, "dashboard_context", lambda **kw: calls.append(kw) or real(**kw))
    post = f.CarrierPostFactory(employer=carrier_a, start=date(2021, 7, 1), end=date(2021, 12, 31))
    client.force_login(a46_user)

    def owed_and_posts() -> tuple[int, int]:
        ctx = client.get(reverse("dashboard"), {"year": 2021}).context
        owed = {c.carrier_name: c.count for c in ctx["todo"]["missing_by_carrier"]}
        return owed.get(carrier_a.name, 0), ctx["module_totals"]["posts"]

    owed, posts = owed_and_posts()  # the new post owes 07–12/2021 besides the fixture's posts
    assert len(calls) == 1
    returns.return_create(carrier=carrier_a, post=post, year=2021, month=9)
    assert owed_and_posts() == (owed - 1, posts)
    assert len(calls) == 1  # the figures from the cache
    f.CarrierPostFactory(employer=carrier_a, title="CM zweite", start=date(2021, 1, 1), end=date(2021, 12, 31))
    assert owed_and_posts() == (owed - 1 + 12, posts + 1)  # the second post owes every month of 2021
    assert len(calls) == 2


def test_a_post_saved_leaves_the_grants_per_module_cached_and_a_changed_notice_shows_at_once(
    client, a46_user, carrier_a, paper_2021, monkeypatch
):
    """The grants per module read no post (overview.dashboard.FUNDING_STAMP): a post saved recomputes
    the dashboard but takes them from the cache; a notice's amount changed shows on the next request."""
    from funding import selectors
    from funding.models import GrantNotice

    calls = []
    real = selectors.funding_by_module
    monkeypatch.setattr(selectors, "funding_by_module", lambda **kw: calls.append(kw) or real(**kw))
    client.force_login(a46_user)

    def totals() -> dict:
        return client.get(reverse("dashboard"), {"year": 2021}).context["module_totals"]

    before = totals()
    assert len(calls) == 1
    from modules.models import Module

    # an existing carrier and module: a new organisation or module would be a write the grants read
    f.CarrierPostFactory(
        title="CM Neu 2021", start=date(2021, 1, 1), employer=carrier_a, module=Module.objects.get(number=2)
    )
    after_post = totals()
    assert after_post["posts"] == before["posts"] + 1  # the figures reading posts recomputed
    assert after_post["granted"] == before["granted"]
    assert len(calls) == 1  # the grants from the cache
    notice = GrantNotice.objects.filter(period_start__year=2021, cancelled_at=None).order_by("pk").first()
    notice.amount += D("1000.00")
    notice.save()
    assert totals()["granted"] == before["granted"] + D("1000.00")
    assert len(calls) == 2


def test_the_overdue_payments_follow_a_new_payment_at_once(client, a46_user, paper_2021):
    from datetime import timedelta

    from funding.models import CarrierPayment, ForwardingContract

    client.force_login(a46_user)
    before = client.get(reverse("dashboard"), {"year": 2021}).context["overdue_payments"]
    contract = ForwardingContract.objects.filter(cancelled_at=None).order_by("pk").first()
    if contract is None:
        pytest.skip("no forwarding contract in the fixture")
    CarrierPayment.objects.create(contract=contract, amount=D("100.00"), due_on=date.today() - timedelta(days=3))
    assert client.get(reverse("dashboard"), {"year": 2021}).context["overdue_payments"] == before + 1
