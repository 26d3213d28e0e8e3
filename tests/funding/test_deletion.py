"""Deleting records nothing depends on (a rate, a cost plan): a confirmation page, the page's version, a
German refusal while a contract was computed with them; "gelöscht von … am …" for A 46 and the audit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from funding.models import CostPlan, Rate
from funding.services import forwarding_cancel
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_rate_without_contracts_is_deleted_after_confirmation(client, a46_user):
    rate = f.RateFactory(year=2030, amount_per_fte=D("60000"))
    client.force_login(a46_user)
    url = reverse("funding:rate_delete", args=[rate.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Endgültig löschen" in page.content.decode()
    assert Rate.objects.filter(pk=rate.pk).exists()  # the page alone deletes nothing
    response = client.post(url, {"version": rate.version})
    assert response.status_code == 302 and response["Location"] == reverse("funding:rate_list")
    assert not Rate.objects.filter(pk=rate.pk).exists()
    deletion = Rate.history.filter(id=rate.pk, history_type="-").get()
    assert deletion.history_user == a46_user


def test_a_rate_contracts_were_computed_with_is_not_deleted(client, a46_user, paper_2020_0354):
    rate = paper_2020_0354.rates["case_management"]
    client.force_login(a46_user)
    response = client.post(reverse("funding:rate_delete", args=[rate.pk]), {"version": rate.version})
    assert response.status_code == 200
    assert "kann nicht gelöscht" in response.content.decode()
    assert Rate.objects.filter(pk=rate.pk).exists()


def test_a_cost_plan_is_deleted_once_its_contract_is_cancelled(client, a46_user, paper_2020_0354):
    plan = paper_2020_0354.cost_plans[0]
    contract = paper_2020_0354.forwardings[0]
    client.force_login(a46_user)
    url = reverse("funding:costplan_delete", args=[plan.pk])
    refused = client.post(url, {"version": plan.version})
    assert refused.status_code == 200 and "zuerst den Vertrag stornieren" in refused.content.decode()
    forwarding_cancel(contract=contract, reason="falscher Träger", version=contract.version, user=a46_user)
    assert client.post(url, {"version": plan.version}).status_code == 302
    assert not CostPlan.objects.filter(pk=plan.pk).exists()


def test_an_outdated_page_deletes_nothing(client, a46_user):
    rate = f.RateFactory(year=2030, amount_per_fte=D("60000"))
    client.force_login(a46_user)
    response = client.post(reverse("funding:rate_delete", args=[rate.pk]), {"version": rate.version + 1})
    assert response.status_code == 200
    assert Rate.objects.filter(pk=rate.pk).exists()


@pytest.mark.parametrize("value", ["", "-1", "abc", "9" * 40, "<script>alert(1)</script>", "\x00"])
def test_hostile_versions_never_give_a_500(client, a46_user, value):
    rate = f.RateFactory(year=2030, amount_per_fte=D("60000"))
    client.force_login(a46_user)
    response = client.post(reverse("funding:rate_delete", args=[rate.pk]), {"version": value})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Rate.objects.filter(pk=rate.pk).exists()


@pytest.mark.parametrize("username", ["committee_user", "readonly_user", "carrier_a_user"])
def test_only_a46_deletes(client, request, username):
    rate = f.RateFactory(year=2030, amount_per_fte=D("60000"))
    client.force_login(request.getfixturevalue(username))
    assert client.post(reverse("funding:rate_delete", args=[rate.pk]), {"version": rate.version}).status_code == 403
    assert Rate.objects.filter(pk=rate.pk).exists()


def test_deleted_entries_name_who_and_when_for_a46_and_the_audit(client, a46_user, readonly_user, committee_user):
    rate = f.RateFactory(year=2030, amount_per_fte=D("60000"))
    label = str(rate)
    client.force_login(a46_user)
    client.post(reverse("funding:rate_delete", args=[rate.pk]), {"version": rate.version})
    for user in (a46_user, readonly_user):
        client.force_login(user)
        response = client.get(reverse("overview:deleted_entries"))
        assert response.status_code == 200
        entry = response.context["entries"][0]
        assert (entry.kind, entry.label) == ("Fördersatz", label)
        assert entry.deleted_by == (a46_user.get_full_name() or a46_user.username)
        assert label in response.content.decode()
    client.force_login(committee_user)
    assert client.get(reverse("overview:deleted_entries")).status_code == 403


def test_deleted_entries_run_the_same_number_of_queries_for_one_and_three_rows(client, a46_user):
    client.force_login(a46_user)
    url = reverse("overview:deleted_entries")

    def delete_one(i: int) -> None:
        rate = f.RateFactory(year=2030 + i, amount_per_fte=D("60000"))
        client.post(reverse("funding:rate_delete", args=[rate.pk]), {"version": rate.version})

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    delete_one(1)
    client.get(url)
    one = count()
    delete_one(2)
    delete_one(3)
    three = count()
    assert len(client.get(url).context["entries"]) == 3
    assert one == three
