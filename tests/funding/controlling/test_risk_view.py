"""The Rückforderungsrisiken page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("funding:controlling_risks")


def test_the_risk_page_lists_a_late_post_with_received_eligible_difference_and_cause(client, a46_user, late_posts):
    [post] = late_posts(1)
    client.force_login(a46_user)
    response = client.get(URL, {"year": 2021})
    html = response.content.decode()
    [risk] = response.context["risks"]
    # 01.07.–31.12.2021 = 184 days of 365: 55.000 × 184 / 365 = 10.120.000 / 365 = 27.726,027… → 27.726,03
    assert risk.eligible == D("27726.03")
    assert risk.difference == D("27273.97")  # 55.000,00 − 27.726,03
    assert post.title in html and "27.726,03\u00a0€" in html and "27.273,97\u00a0€" in html
    assert "später Beginn der Stelle" in html and "01.07.2021" in html
    assert "2.021" not in html


def test_the_risk_page_asks_anonymous_users_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/anmelden/" in response["Location"]


def test_carrier_staff_may_not_see_the_risk_page(client, carrier_a_user):
    client.force_login(carrier_a_user)
    assert client.get(URL).status_code == 403


def test_the_read_only_role_reads_the_risk_page(client, readonly_user):
    client.force_login(readonly_user)
    assert client.get(URL, {"year": 2021}).status_code == 200


def test_the_risk_page_runs_a_fixed_number_of_queries(client, a46_user, late_posts):
    client.force_login(a46_user)
    late_posts(1)
    one = count_queries(client, URL, {"year": 2021})
    late_posts(3, offset=1)
    assert count_queries(client, URL, {"year": 2021}) == one
