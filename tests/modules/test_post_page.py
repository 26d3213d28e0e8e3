"""The post page says what the eligibility rules use (issue 16): the carrier's cost plan before the
cost rate, and a post without occupancy records counts as occupied for its whole term."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
NBSP = "\u00a0"


def test_the_post_page_names_the_cost_plan_and_the_occupancy_rule(client, a46_user):
    plan = f.CostPlanFactory(year=2021)  # post 01.07.2020–31.12.2022, no cost rate, no occupancy
    client.force_login(a46_user)
    response = client.get(reverse("modules:post_detail", args=[plan.post.pk]))
    rows = {c.year: c for c in response.context["planned_costs"]}
    assert rows[2021].amount == 64000 and rows[2021].from_cost_plan
    assert rows[2020].amount is None and not rows[2020].from_cost_plan  # neither plan nor rate for 2020
    html = response.content.decode()
    assert f"64.000,00{NBSP}€</td><td>Kostenplan des Trägers" in html
    assert "weder Kostenplan noch Personalkostensatz" in html
    assert "für die Förderfähigkeit gilt die Stelle über ihre ganze Laufzeit als besetzt" in html
    assert "Unbesetzt" not in html
