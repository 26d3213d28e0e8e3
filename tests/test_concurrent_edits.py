"""Two edits of the same version at the same time, on PostgreSQL: exactly one wins, the other gets the
conflict, and no update is lost. Real threads with their own connections and transactions.

SQLite serialises all writers of a file and has no SELECT … FOR UPDATE, so these tests only run when
DATABASE_URL points to PostgreSQL (``make test`` on SQLite skips them).
"""

from __future__ import annotations

import threading
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, transaction

from kim.versioning import VersionConflict

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (row locks with SELECT … FOR UPDATE); set DATABASE_URL=postgres://…",
    ),
]
D = Decimal


def run_together(*calls):
    """Start every call in its own thread at the same moment; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            with transaction.atomic():
                results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_simultaneous_saves_of_one_cost_plan_exactly_one_wins(paper_2020_0354):
    from funding.models import CostPlan
    from funding.services import cost_plan_save

    plan = paper_2020_0354.cost_plans[0]
    for round_ in range(5):
        version = CostPlan.objects.get(pk=plan.pk).version
        stale = CostPlan.objects.get(pk=plan.pk)
        amounts = [D(7000 + 10 * round_), D(8000 + 10 * round_)]
        results = run_together(
            *[
                (
                    lambda a=a, stale=stale, version=version: cost_plan_save(
                        plan=stale, data={"material_overhead": a, "version": version}
                    )
                )
                for a in amounts
            ]
        )
        winners = [r for r in results if isinstance(r, CostPlan)]
        losers = [r for r in results if isinstance(r, VersionConflict)]
        assert (len(winners), len(losers)) == (1, 1), results
        stored = CostPlan.objects.get(pk=plan.pk)
        assert stored.material_overhead == winners[0].material_overhead
        assert stored.version == version + 1
        assert stored.history.filter(version=version + 1).count() == 1


def test_a_check_made_while_the_other_transaction_is_still_open_waits_for_it(paper_2020_0354):
    """The race a plain read would lose: A has saved but not committed when B checks the version. B's
    SELECT … FOR UPDATE waits for A's commit and then sees A's version: conflict, A's change stays."""
    from modules.models import Post
    from modules.services import post_save

    post = paper_2020_0354.carrier_posts[0]
    saved_not_committed = threading.Event()
    results: dict[str, object] = {}

    def anna():
        try:
            with transaction.atomic():
                results["anna"] = post_save(post=Post.objects.get(pk=post.pk), data={"pay_grade": "S 12", "version": 1})
                saved_not_committed.set()
                time.sleep(0.5)  # B is now blocked on the row lock
        finally:
            connection.close()

    def bernd():
        try:
            saved_not_committed.wait(10)
            started = time.monotonic()
            with transaction.atomic():
                try:
                    post_save(post=Post.objects.get(pk=post.pk), data={"pay_grade": "S 14", "version": 1})
                except VersionConflict as exc:
                    results["bernd"] = exc
            results["waited"] = time.monotonic() - started
        finally:
            connection.close()

    threads = [threading.Thread(target=anna), threading.Thread(target=bernd)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert isinstance(results["anna"], Post)
    assert isinstance(results.get("bernd"), VersionConflict)
    assert "Entgeltgruppe: – → S 12" in results["bernd"].messages
    assert results["waited"] >= 0.3
    stored = Post.objects.get(pk=post.pk)
    assert (stored.pay_grade, stored.version) == ("S 12", 2)


def test_accept_and_send_back_at_the_same_time_one_of_them_happens(make_return_submitted):
    from casemanagement import services
    from casemanagement.models import CaseloadReturn, ReturnStatus

    r = make_return_submitted()
    version = r.version
    results = run_together(
        lambda: services.return_accept(caseload_return=r, version=version),
        lambda: services.return_send_back(caseload_return=r, reason="Monat unvollständig", version=version),
    )
    done = [x for x in results if isinstance(x, CaseloadReturn)]
    refused = [x for x in results if isinstance(x, VersionConflict)]
    assert (len(done), len(refused)) == (1, 1), results
    stored = CaseloadReturn.objects.get(pk=r.pk)
    assert stored.status == done[0].status and stored.status in (ReturnStatus.ACCEPTED, ReturnStatus.RETURNED)
    assert stored.version == version + 1


@pytest.fixture
def make_return_submitted(carrier_a):
    from datetime import date

    from casemanagement import services
    from tests import factories as f

    def make():
        eschweiler = f.MunicipalityFactory(name="Eschweiler", slug="eschweiler")
        post = f.CarrierPostFactory(employer=carrier_a, title="Case Management Eschweiler", place=eschweiler)
        services.case_create(
            carrier=carrier_a,
            data={
                "responsible_post": post,
                "age_band": "27-44",
                "gender": "f",
                "municipality": eschweiler,
                "residence_status": "erlaubnis",
                "legal_domain": "sgb2",
                "opened_on": date(2021, 3, 1),
            },
            topics=["work"],
        )
        r = services.return_create(carrier=carrier_a, post=post, year=2021, month=3)
        return services.return_submit(caseload_return=r)

    return make
