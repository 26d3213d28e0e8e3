"""The A 46 due list's money parts that read no post (overview.dashboard: PROOFS_STAMP, NOTICES_STAMP,
CONTRACTS_PLAN_STAMP) are kept while only posts change, and every write to a table one of them reads
shows on the next request: a new proof due, a proof checked, a contract losing or getting its cost
plan, a contract cancelled, a new notice and its first allocation, a programme renamed, and a post
renamed (the contracts' posts are read afresh). Counts by hand from paper 2020/0354 (tests/conftest.py:
five carrier contracts of 2021, each with its cost plan; one notice funding six posts)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from funding import selectors
from funding.controlling import selectors as controlling_selectors
from funding.controlling.selectors import ProofsDue
from funding.models import CostPlan, ProofKind, ProofObligation, ProofStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    """How often each cached part was computed."""
    counted: dict[str, int] = {}

    def count(module, name):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            counted[name] = counted.get(name, 0) + 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    count(controlling_selectors, "proofs_due_by_kind")
    count(selectors, "contracts_without_cost_plan_ids")
    count(selectors, "notices_without_allocation")
    return counted


def todo(client) -> dict:
    return client.get(reverse("dashboard"), {"year": 2021}).context["todo"]


def html(client) -> str:
    return client.get(reverse("dashboard"), {"year": 2021}).content.decode()


def test_a_post_saved_recomputes_the_due_list_but_not_its_money_parts(client, a46_user, paper_2020_0354, calls):
    client.force_login(a46_user)
    first = todo(client)
    assert calls == {"proofs_due_by_kind": 1, "contracts_without_cost_plan_ids": 1, "notices_without_allocation": 1}
    carrier = f.CarrierFactory(slug="traeger-teile", name="Träger Teile-Test", short_name="Träger Teile-Test")
    f.CarrierPostFactory(title="CM Teile", employer=carrier, start=date(timezone.localdate().year - 1, 1, 1), end=None)
    after = todo(client)
    # the post owes returns at once (the due list recomputed), the money parts came from the cache
    assert "Träger Teile-Test" in {c.carrier_name for c in after["missing_by_carrier"]}
    assert "Träger Teile-Test" not in {c.carrier_name for c in first["missing_by_carrier"]}
    assert calls == {"proofs_due_by_kind": 1, "contracts_without_cost_plan_ids": 1, "notices_without_allocation": 1}
    assert after["proofs_due"] == first["proofs_due"] == []
    assert after["contracts_without_plan"] == first["contracts_without_plan"] == []
    assert after["notices_without_allocation"] == first["notices_without_allocation"] == []


def test_a_new_proof_due_and_a_proof_checked_show_at_once(client, a46_user, paper_2020_0354, calls):
    client.force_login(a46_user)
    today = timezone.localdate()
    assert todo(client)["proofs_due"] == []
    caritas, diakonie = paper_2020_0354.forwardings[:2]
    due = ProofObligation.objects.create(kind=ProofKind.CARRIER, contract=caritas, due_on=today + timedelta(days=5))
    assert todo(client)["proofs_due"] == [ProofsDue(ProofKind.CARRIER, due=1, overdue=0)]
    ProofObligation.objects.create(kind=ProofKind.CARRIER, contract=diakonie, due_on=today - timedelta(days=1))
    ProofObligation.objects.create(kind=ProofKind.LAND, grant=paper_2020_0354.grant, due_on=today)
    assert todo(client)["proofs_due"] == [
        ProofsDue(ProofKind.CARRIER, due=2, overdue=1),  # Caritas in 5 days, Diakonie since yesterday
        ProofsDue(ProofKind.LAND, due=1, overdue=0),  # due today: not yet overdue
    ]
    assert "2 Verwendungsnachweise der Träger sind fällig" in html(client)
    due.status = ProofStatus.CHECKED
    due.save()
    assert todo(client)["proofs_due"][0] == ProofsDue(ProofKind.CARRIER, due=1, overdue=1)
    assert calls["proofs_due_by_kind"] == 4  # once per write, never from a stale key


def test_contracts_without_cost_plan_follow_plans_contracts_and_post_titles_at_once(
    client, a46_user, paper_2020_0354, calls
):
    client.force_login(a46_user)
    caritas, diakonie = paper_2020_0354.forwardings[:2]
    assert todo(client)["contracts_without_plan"] == []
    plan = CostPlan.objects.get(post=caritas.post, year=2021)
    plan.delete()  # as an import might leave it
    assert todo(client)["contracts_without_plan"] == [caritas]
    CostPlan.objects.get(post=diakonie.post, year=2021).delete()
    assert set(todo(client)["contracts_without_plan"]) == {caritas, diakonie}
    computed = calls["contracts_without_cost_plan_ids"]

    # a post renamed: the keys from the cache, the post's title read afresh
    post = caritas.post
    post.title = "Case Management umbenannt"
    post.save()
    page = html(client)
    assert "Case Management umbenannt" in page and "2 Weiterleitungsverträge ohne Kostenplan:" in page
    assert calls["contracts_without_cost_plan_ids"] == computed

    # the contract cancelled: no longer due
    diakonie.cancelled_at = timezone.now()
    diakonie.save()
    assert todo(client)["contracts_without_plan"] == [caritas]
    # its cost plan entered again: nothing due
    f.CostPlanFactory(post=caritas.post, year=2021)
    assert todo(client)["contracts_without_plan"] == []
    assert "ohne Kostenplan" not in html(client)


def test_a_new_notice_its_programme_renamed_and_its_first_allocation_show_at_once(
    client, a46_user, paper_2020_0354, calls
):
    client.force_login(a46_user)
    assert todo(client)["notices_without_allocation"] == []
    bare = f.GrantNoticeFactory(reference="AZ-TEILE", programme=paper_2020_0354.programme)
    assert todo(client)["notices_without_allocation"] == [bare]
    programme = paper_2020_0354.programme
    programme.short_name = "KIM M2 neu"
    programme.save()
    assert "KIM M2 neu AZ-TEILE" in html(client)
    f.GrantAllocationFactory(grant=bare, post=paper_2020_0354.carrier_posts[0], fte="0.100")
    assert todo(client)["notices_without_allocation"] == []
    assert calls["notices_without_allocation"] == 4


def test_a_post_saved_keeps_the_funding_ends_and_a_new_allocation_moves_a_timeline_at_once(
    client, a46_user, paper_2020_0354, monkeypatch
):
    """The timelines' funding ends read allocations and notices only (overview.dashboard.ALLOCATIONS_STAMP):
    a post saved keeps them; an allocation extended, or its notice cancelled, shows on the next request."""
    from funding.models import GrantAllocation

    counted = []
    real = controlling_selectors.funding_ends
    monkeypatch.setattr(controlling_selectors, "funding_ends", lambda: counted.append(1) or real())
    today = timezone.localdate()
    post = f.CarrierPostFactory(
        title="CM Zeitstrahl", start=date(today.year - 1, 1, 1), end=date(today.year + 3, 12, 31)
    )
    notice = f.GrantNoticeFactory(
        programme=paper_2020_0354.programme,
        period_start=date(today.year - 1, 1, 1),
        period_end=date(today.year + 3, 12, 31),
    )
    allocation = f.GrantAllocationFactory(
        grant=notice, post=post, start=date(today.year - 1, 1, 1), end=today + timedelta(days=40)
    )
    client.force_login(a46_user)

    def ends() -> dict:
        ctx = client.get(reverse("dashboard"), {"year": 2021}).context
        return {t.post.pk: t.funding_end for t in ctx["timelines"]}

    assert ends()[post.pk] == today + timedelta(days=40)  # funding ends within six months: flagged
    assert len(counted) == 1
    post.title = "CM Zeitstrahl neu"
    post.save()
    assert ends()[post.pk] == today + timedelta(days=40)
    assert len(counted) == 1  # from the cache
    allocation = GrantAllocation.objects.get(pk=allocation.pk)
    allocation.end = today + timedelta(days=100)
    allocation.save()
    assert ends()[post.pk] == today + timedelta(days=100)
    notice.cancelled_at = timezone.now()
    notice.save()
    assert ends().get(post.pk) is None  # no funding in force: the contract ends in 3 years, not flagged
    assert len(counted) == 3


def test_the_forwarded_total_is_kept_over_a_post_saved_and_follows_a_contract_at_once(
    client, a46_user, paper_2020_0354, monkeypatch
):
    """What the body forwarded in the year reads the contracts alone (overview.dashboard.CONTRACTS_STAMP)."""
    from decimal import Decimal

    counted = []
    real = selectors.forwarded_total
    monkeypatch.setattr(selectors, "forwarded_total", lambda **kw: counted.append(kw) or real(**kw))
    client.force_login(a46_user)

    def forwarded() -> tuple:
        ctx = client.get(reverse("dashboard"), {"year": 2021}).context
        return ctx["forwarded_total"], ctx["forwarding_count"]

    total, count = forwarded()
    assert count == 5  # the paper's five carrier contracts of 2021
    post = paper_2020_0354.carrier_posts[0]
    post.title = "CM umbenannt"
    post.save()
    assert forwarded() == (total, count)
    assert len(counted) == 1  # from the cache
    contract = paper_2020_0354.forwardings[0]
    contract.amount += Decimal("100.00")
    contract.save()
    assert forwarded() == (total + Decimal("100.00"), count)
    contract.cancelled_at = timezone.now()
    contract.save()
    assert forwarded() == (total - contract.amount + Decimal("100.00"), 4)
