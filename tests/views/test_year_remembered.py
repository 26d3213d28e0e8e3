"""The year switch is remembered in the session across pages (kim.years): a year chosen on the
dashboard is the year of the year pages and of the lists' year filter until another is chosen;
"alle" on a list shows every year; an implausible year is neither used nor remembered."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    """The Pauschale for case management in 2020 (55.000 €) and 2023 (57.000 €)."""
    return [f.RateFactory(year=2020), f.RateFactory(year=2023, amount_per_fte=Decimal("57000.00"))]


def rate_years(response) -> list[int]:
    return sorted(row.record.year for row in response.context["table"].page.object_list)


def test_the_year_chosen_on_the_dashboard_is_kept_on_the_other_pages(client, a46_user, rates):
    client.force_login(a46_user)
    rates_url = reverse("funding:rate_list")
    assert rate_years(client.get(rates_url)) == [2020, 2023]  # nothing chosen yet: every year

    assert client.get(reverse("dashboard"), {"year": 2020}).context["year"] == 2020
    # lists without a year in the address: filtered to the remembered year, the filter shows it
    response = client.get(rates_url)
    assert rate_years(response) == [2020]
    assert response.context["filter"].form["year"].value() == "2020"
    # year pages without a year in the address
    assert client.get(reverse("funding:controlling_flow")).context["year"] == 2020
    assert client.get(reverse("casemanagement:statistics")).context["year"] == 2020
    assert client.get(reverse("dashboard")).context["year"] == 2020

    # choosing "alle" on the list shows every year without forgetting the year elsewhere
    assert rate_years(client.get(rates_url, {"year": ""})) == [2020, 2023]
    assert client.get(reverse("dashboard")).context["year"] == 2020

    # a year chosen on a list is the dashboard's year from now on
    assert rate_years(client.get(rates_url, {"year": 2023})) == [2023]
    assert client.get(reverse("dashboard")).context["year"] == 2023
    assert client.get(reverse("funding:controlling_payments")).context["year"] == 2023


def test_an_implausible_year_is_not_remembered(client, a46_user, rates):
    client.force_login(a46_user)
    client.get(reverse("funding:controlling_flow"), {"year": 2020})
    assert client.get(reverse("funding:controlling_flow"), {"year": "99999"}).context["year"] == 2020
    assert client.get(reverse("funding:controlling_flow")).context["year"] == 2020


def test_each_session_has_its_own_year(client, a46_user, rates):
    from django.test import Client

    client.force_login(a46_user)
    client.get(reverse("dashboard"), {"year": 2020})
    other = Client()
    other.force_login(a46_user)
    assert rate_years(other.get(reverse("funding:rate_list"))) == [2020, 2023]
