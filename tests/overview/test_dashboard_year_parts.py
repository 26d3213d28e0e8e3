"""The dashboard's year inputs (and its budget lines with their actuals) kept per part (funding.year_inputs.PART_TABLES, issue 17): a post saved
reads the posts again and keeps the occupancies, cost plans, rates, notices and allocations read before;
a write to any of those tables shows on the next request. Each write below changes a figure of the
demo (checked against the figures before it, so the test could fail), and the figures shown after it
are those computed from scratch (tests/overview/test_dashboard_after_write.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import CarrierPayment, CostPlan, ForwardingContract, GrantAllocation, GrantNotice, LandReceipt, Rate
from funding.year_inputs import PART_TABLES
from kim import figure_cache
from modules.models import Module, Occupancy, PersonnelCost, Post
from modules.selectors import COUNTY_KINDS
from tests.overview.test_dashboard_after_write import _figures, _from_scratch

pytestmark = pytest.mark.django_db
YEAR = 2021


def _shown(client) -> dict:
    ctx = client.get(reverse("dashboard"), {"year": YEAR}).context
    return {**_figures(ctx), "module_names": [(m.number, m.name) for m in ctx["modules"]]}


def _scratch() -> dict:
    from overview.dashboard import dashboard_context

    figures = _from_scratch(YEAR)
    ctx = dashboard_context(year=YEAR)
    return {**figures, "module_names": [(m.number, m.name) for m in ctx["modules"]]}


def _rate() -> None:
    rate = Rate.objects.filter(year=YEAR).order_by("pk").first()
    rate.amount_per_fte += Decimal("1000.00")
    rate.save()


def _notice() -> None:
    notice = GrantNotice.objects.filter(period_start__year=YEAR, is_draft=False).order_by("pk").first()
    notice.amount += Decimal("1000.00")
    notice.save()


def _allocation() -> None:
    allocation = (
        GrantAllocation.objects.filter(grant__period_start__year=YEAR, grant__is_draft=False).order_by("pk").first()
    )
    allocation.fte = allocation.fte / 2
    allocation.save()


def _cost_plan() -> None:
    for plan in CostPlan.objects.filter(year=YEAR).order_by("pk"):
        plan.personnel += Decimal("5000.00")
        plan.material_overhead += Decimal("500.00")
        plan.save()


def _occupancy() -> None:
    for occupancy in Occupancy.objects.order_by("pk"):
        occupancy.delete()


def _personnel_cost() -> None:
    post = Post.objects.filter(employer__kind__in=COUNTY_KINDS, start__year__lte=YEAR).order_by("pk").first()
    cost = PersonnelCost.objects.filter(post=post, year=YEAR).first() or PersonnelCost(post=post, year=YEAR)
    cost.amount = Decimal("12345.67")
    cost.save()


def _land_receipt() -> None:
    """An actual of the Land income line (budget lines and their actuals kept apart from the posts)."""
    notice = GrantNotice.objects.filter(period_start__year=YEAR, programme__module__isnull=False).order_by("pk")[0]
    LandReceipt.objects.create(grant=notice, received_on=date(YEAR, 6, 30), amount=Decimal("1234.56"))


def _carrier_payment() -> None:
    """An actual of the forwarding line."""
    contract = ForwardingContract.objects.order_by("pk").first()
    CarrierPayment.objects.create(
        contract=contract, due_on=date(YEAR, 6, 30), paid_on=date(YEAR, 6, 30), amount=Decimal("765.43")
    )


def _module() -> None:
    module = Module.objects.order_by("number").first()
    module.name = "Umbenannt"
    module.save()


@pytest.mark.parametrize(
    "write",
    [_rate, _notice, _allocation, _cost_plan, _occupancy, _personnel_cost, _land_receipt, _carrier_payment, _module],
    ids=lambda w: w.__name__.strip("_"),
)
def test_a_write_to_an_input_table_shows_on_the_next_request(client, demo, write):
    client.login(username="a46", password="demo")
    before = _shown(client)
    Post.objects.order_by("pk").first().save()  # the everyday write: the parts of the other tables kept
    assert _shown(client) == before
    write()
    after = _shown(client)
    assert after != before, "the write changed no figure: the test would not see a stale part"
    assert after == _scratch()


def test_every_part_names_history_models_of_the_stamp():
    for name, labels in PART_TABLES.items():
        assert figure_cache.sub_stamp(figure_cache.data_stamp(), labels=labels), name
