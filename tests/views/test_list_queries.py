"""Every list page runs a fixed number of SQL queries: the count with 1 row equals the count with 3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import ForwardingContract
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def add_post(i: int) -> None:
    f.CarrierPostFactory(
        title=f"Case Management {i}", employer=f.CarrierFactory(slug=f"traeger-{i}", name=f"Träger {i}")
    )


def add_carrier(i: int) -> None:
    f.CarrierPostFactory(employer=f.CarrierFactory(slug=f"traeger-{i}", name=f"Träger {i}"), title=f"CM {i}")


def add_grant(i: int) -> None:
    f.GrantNoticeFactory(reference=f"AZ-{i}", period_start=date(2021, 1, 1), period_end=date(2021, 12, 31))


def add_forwarding(i: int) -> None:
    from funding.services import allocation_save, forwarding_save

    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    f.RateFactory(programme=programme, category="case_management", year=2021, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        reference=f"AZ-{i}",
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        amount=D("55000"),
    )
    post = f.CarrierPostFactory(
        module=programme.module, employer=f.CarrierFactory(slug=f"traeger-{i}", name=f"Träger {i}")
    )
    f.CostPlanFactory(post=post, year=2021)
    allocation_save(
        grant=grant, data={"post": post, "fte": D("1"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)}
    )
    forwarding_save(data={"grant": grant, "post": post, "start": date(2021, 1, 1), "end": date(2021, 12, 31)})


def add_cost_plan(i: int) -> None:
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    f.RateFactory(programme=programme, category="case_management", year=2021, amount_per_fte=D("55000"))
    post = f.CarrierPostFactory(
        module=programme.module, employer=f.CarrierFactory(slug=f"traeger-{i}", name=f"Träger {i}")
    )
    f.CostPlanFactory(post=post, year=2021)


def add_request(i: int) -> None:
    add_cost_plan(i)
    f.OwnShareRequestFactory(
        applicant=f.CarrierFactory(slug=f"traeger-{i}"), received_on=date(2020, 5, i + 1), budget_year=2021
    )


def add_budget_line(i: int) -> None:
    # different years and forecast bases, so a forecast computed per line or per year would show up
    bases = ["land_income", "forwarding", "own_personnel"]
    f.BudgetLineFactory(year=2019 + i, sachkonto=f"41410{i}", forecast_basis=bases[i % 3])


def add_rate(i: int) -> None:
    f.RateFactory(year=2020 + i)


def add_committee(i: int) -> None:
    from committee.models import Committee

    county = f.CountyFactory(slug=f"kreis-{i}", name=f"Kreis {i}")
    Committee.objects.create(body=county, slug=f"gremium-{i}", name=f"Gremium {i}", members=10 + i)


def add_programme(i: int) -> None:
    f.ProgrammeFactory(name=f"Programm {i}", short_name=f"P{i}")


def add_cost_rate(i: int) -> None:
    f.CostRateFactory(year=2020 + i, amount_per_fte=D("62000"))


def add_cancelled_forwarding(i: int) -> None:
    """A contract that is cancelled: its row shows who cancelled it, still without a query per row."""
    from funding.services import forwarding_cancel

    add_forwarding(i)
    contract = ForwardingContract.objects.get(grant__reference=f"AZ-{i}")
    forwarding_cancel(contract=contract, reason="doppelt erfasst", version=contract.version, user=f.A46UserFactory())


def add_payment(i: int) -> None:
    """A paid instalment of a contract of its own carrier."""
    from funding.controlling.services import carrier_payment_save

    add_forwarding(i)
    contract = ForwardingContract.objects.get(grant__reference=f"AZ-{i}")
    carrier_payment_save(
        contract=contract, data={"due_on": date(2021, 1, 15), "amount": D("27500.00"), "paid_on": date(2021, 1, 20)}
    )


def add_cancelled_payment(i: int) -> None:
    """An open instalment and a cancelled one: struck through with who cancelled it, without a query per row
    (the export holds the open one only: a cancelled instalment is not re-imported)."""
    from funding.controlling.services import carrier_payment_cancel, carrier_payment_save

    add_forwarding(i)
    contract = ForwardingContract.objects.get(grant__reference=f"AZ-{i}")
    carrier_payment_save(contract=contract, data={"due_on": date(2021, 7, 15), "amount": D("27500.00")})
    payment = carrier_payment_save(contract=contract, data={"due_on": date(2021, 1, 15), "amount": D("100.00")})
    carrier_payment_cancel(payment=payment, reason="doppelt erfasst", version=payment.version, user=f.A46UserFactory())


LISTS = [
    ("modules:post_list", add_post),
    ("kim:carrier_list", add_carrier),
    ("funding:grant_list", add_grant),
    ("funding:forwarding_list", add_forwarding),
    ("funding:costplan_list", add_cost_plan),
    ("funding:gap_list", add_cost_plan),
    ("funding:request_list", add_request),
    ("funding:budget_list", add_budget_line),
    ("funding:rate_list", add_rate),
    ("committee:committee_list", add_committee),
    ("funding:programme_list", add_programme),
    ("modules:costrate_list", add_cost_rate),
    ("funding:forwarding_list", add_cancelled_forwarding),
    ("funding:controlling_payment_list", add_payment),
    ("funding:controlling_payment_list", add_cancelled_payment),
]


def count_queries(client, url: str) -> tuple[int, str]:
    # measured with the figures computed, not taken from kim.figure_cache (budget forecasts, dashboard)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize(("url_name", "add_row"), LISTS, ids=[f"{name}-{add.__name__}" for name, add in LISTS])
def test_list_page_runs_the_same_number_of_queries_for_one_and_three_rows(client, a46_user, url_name, add_row):
    client.force_login(a46_user)
    url = reverse(url_name)
    add_row(1)
    client.get(url)  # warm the session/user lookups the same way for both measurements
    one, _ = count_queries(client, url)
    add_row(2)
    add_row(3)
    three, html = count_queries(client, url)
    assert one == three, f"{url_name}: {one} queries with 1 row, {three} with 3"
    assert one <= 12


def test_post_list_shows_all_three_rows(client, a46_user):
    client.force_login(a46_user)
    for i in (1, 2, 3):
        add_post(i)
    html = client.get(reverse("modules:post_list")).content.decode()
    for i in (1, 2, 3):
        assert f"Case Management {i}" in html


def add_carrier_rows(carrier, i: int) -> None:
    """One post of the carrier with a cost plan, allocation and forwarding contract for 2021."""
    from funding.services import allocation_save, forwarding_save

    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    f.RateFactory(programme=programme, category="case_management", year=2021, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        reference=f"AZ-T-{i}",
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        amount=D("55000"),
    )
    post = f.CarrierPostFactory(module=programme.module, employer=carrier, title=f"CM {i}")
    f.CostPlanFactory(post=post, year=2021)
    allocation_save(
        grant=grant, data={"post": post, "fte": D("1"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)}
    )
    forwarding_save(data={"grant": grant, "post": post, "start": date(2021, 1, 1), "end": date(2021, 12, 31)})


@pytest.mark.parametrize(
    "url_name",
    [
        "dashboard",
        "modules:post_list",
        "funding:forwarding_list",
        "funding:costplan_list",
        "funding:gap_list",
        "kim:carrier_list",
    ],
)
def test_carrier_pages_run_the_same_number_of_queries_for_one_and_three_rows(
    client, carrier_a_user, carrier_a, carrier_b, url_name
):
    client.force_login(carrier_a_user)
    url = reverse(url_name)
    add_carrier_rows(carrier_a, 1)
    add_carrier_rows(carrier_b, 9)  # another carrier's row must neither show nor cost queries
    client.get(url)
    one, _ = count_queries(client, url)
    add_carrier_rows(carrier_a, 2)
    add_carrier_rows(carrier_a, 3)
    three, html = count_queries(client, url)
    assert one == three, f"{url_name}: {one} queries with 1 row, {three} with 3"
    assert "CM 3" in html or url_name == "kim:carrier_list"
    assert "CM 9" not in html
