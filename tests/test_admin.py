"""The Django admin: every model's changelist opens, and what contracts are computed from cannot be deleted."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, paper_2020_0354):
    from tests import factories as f

    user = f.A46UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_every_registered_model_has_a_working_changelist_and_search(superuser_client):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert superuser_client.get(url).status_code == 200, url
        assert superuser_client.get(url, {"q": "Case"}).status_code == 200, url


def test_a_rate_and_a_cost_plan_used_by_contracts_cannot_be_deleted(superuser_client, paper_2020_0354):
    rate = paper_2020_0354.rates["case_management"]
    plan = paper_2020_0354.cost_plans[0]
    assert superuser_client.get(reverse("admin:funding_rate_delete", args=[rate.pk])).status_code == 403
    assert superuser_client.get(reverse("admin:funding_costplan_delete", args=[plan.pk])).status_code == 403
    html = superuser_client.get(reverse("admin:funding_rate_changelist")).content.decode()
    assert "delete_selected" not in html
