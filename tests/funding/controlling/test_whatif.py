"""Own-share top-up as a planned expense; the what-if page changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from funding.controlling.budget import budget_lines_with_forecast, top_up_expense
from funding.controlling.selectors import what_if
from funding.models import BudgetLine, OwnShareTopUp
from tests import factories as f
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("funding:controlling_whatif")


@pytest.fixture
def decided(paper_2020_0354):
    line = f.BudgetLineFactory(
        year=2021,
        sachkonto="531810",
        kind="expense",
        label="Übernahme Eigenanteil Träger",
        planned_amount=D("45000"),
        forecast_basis="top_up",
    )
    OwnShareTopUp.objects.create(year=2021, amount_per_fte=D("9000"), budget_line=line)
    return paper_2020_0354


def test_the_top_up_of_up_to_9_000_per_post_is_a_planned_expense_of_45_000(decided):
    # 5 carrier posts, gap 64.000 − 55.000 = 9.000 each; min(9.000 × 1,0, 9.000) × 5 = 45.000
    assert top_up_expense(year=2021) == D("45000.00")
    [row] = [
        r
        for r in budget_lines_with_forecast(lines=BudgetLine.objects.filter(year=2021))
        if r.line.sachkonto == "531810"
    ]
    assert row.forecast == D("45000.00") and row.difference == D("0.00")


def test_the_top_up_never_exceeds_the_gap(paper_2020_0354):
    OwnShareTopUp.objects.create(year=2021, amount_per_fte=D("12000"))
    assert top_up_expense(year=2021) == D("45000.00")  # min(12.000, 9.000) × 5


def test_what_if_the_rate_rose_to_57_000(decided):
    result = what_if(year=2021, rate=D("57000"))
    assert result.today.forwarding == D("275000.00")  # 5 × min(64.000, 55.000)
    assert result.scenario.forwarding == D("285000.00")  # 5 × min(64.000, 57.000)
    assert result.scenario.carrier_gap == D("35000.00")  # 5 × (64.000 − 57.000)
    assert result.scenario.top_up == D("35000.00")  # 5 × min(9.000, 7.000)
    # Land: the 6 module 2 posts have rates here: 6 × 55.000 = 330.000 today, 6 × 57.000 = 342.000
    assert (result.today.land_income, result.scenario.land_income) == (D("330000.00"), D("342000.00"))
    # carriers keep gap − top-up + overhead: today 45.000 − 45.000 + 30.000; with 57.000: 35.000 − 35.000 + 30.000
    assert result.today.carriers_own_share == D("30000.00") == result.scenario.carriers_own_share


def test_what_if_the_carriers_costs_and_the_top_up_change(decided):
    result = what_if(year=2021, personnel_per_fte=D("66000"), top_up_per_fte=D("5000"))
    assert result.scenario.carrier_gap == D("55000.00")  # 5 × (66.000 − 55.000)
    assert result.scenario.top_up == D("25000.00")  # 5 × min(5.000, 11.000)
    [(line, today, scenario, change)] = [r for r in result.budget_comparison() if r[0].sachkonto == "531810"]
    assert (today, scenario, change) == (D("45000.00"), D("25000.00"), D("-20000.00"))


def database_state() -> dict[str, int]:
    """Row counts of every model, including the history tables."""
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_the_what_if_page_changes_nothing_in_the_database(client, a46_user, decided):
    client.force_login(a46_user)
    before = database_state()
    values = {m.pk: (m.amount_per_fte, m.budget_line_id) for m in OwnShareTopUp.objects.all()}
    response = client.get(URL, {"year": "2021", "rate": "57.000,00", "top_up": "5.000", "personnel": "66.000"})
    assert response.status_code == 200
    assert response.context["result"].scenario.forwarding == D("285000.00")
    assert "285.000,00\u00a0€" in response.content.decode()
    after = database_state()
    after.pop("sessions.Session", None), before.pop("sessions.Session", None)
    assert after == before
    assert {m.pk: (m.amount_per_fte, m.budget_line_id) for m in OwnShareTopUp.objects.all()} == values


def test_bad_input_gets_a_german_message_and_no_500(client, a46_user, decided):
    client.force_login(a46_user)
    response = client.get(URL, {"year": "2021", "rate": "viel"})
    assert response.status_code == 200
    assert response.context["form"].errors["rate"] == ["Bitte einen Betrag in Euro eingeben, z. B. 55.000,00."]
    assert "result" not in response.context


def test_access_rules(client, carrier_a_user, readonly_user):
    assert client.get(URL).status_code == 302
    client.force_login(carrier_a_user)
    assert client.get(URL).status_code == 403
    client.force_login(readonly_user)
    assert client.get(URL).status_code == 200
    assert client.post(reverse("funding:topup_create"), {"year": "2021", "amount_per_fte": "9.000"}).status_code == 403


def test_the_what_if_page_runs_a_fixed_number_of_queries(client, a46_user, decided):
    client.force_login(a46_user)
    one = count_queries(client, URL, {"year": "2021", "rate": "57000"})
    for i in range(3):
        post = f.CarrierPostFactory(
            module=decided.programme.module, employer=f.CarrierFactory(slug=f"wi-{i}", name=f"WI {i}")
        )
        f.CostPlanFactory(post=post, year=2021)
    assert count_queries(client, URL, {"year": "2021", "rate": "57000"}) == one
