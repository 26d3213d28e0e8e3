"""Personnel cost rates (Personalkostensätze): list, page with history, edit with the loaded version,
deactivate; the planned figures of their year stay (paper 2020/0323: 5,5 VZÄ → 332.500 €)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from modules.models import CostRate
from modules.selectors import county_personnel_needs

pytestmark = pytest.mark.django_db
D = Decimal


def edit_data(rate: CostRate, **extra) -> dict:
    data = {
        "category": rate.category,
        "year": str(rate.year),
        "amount_per_fte": "62.000,00",
        "note": rate.note,
        "is_active": "on",
        "version": rate.version,
    }
    data.update(extra)
    return data


def test_list_and_page_show_the_rates(client, a46_user, county_cost_rates_2021):
    client.force_login(a46_user)
    listing = client.get(reverse("modules:costrate_list"))
    assert listing.status_code == 200
    assert len(list(listing.context["table"].rows)) == 4
    rate = CostRate.objects.get(category="assistant", year=2021)
    page = client.get(rate.get_absolute_url()).content.decode()
    assert "45.000,00" in page


def test_editing_a_rate_is_recorded_and_an_outdated_form_saves_nothing(client, a46_user, county_cost_rates_2021):
    rate = CostRate.objects.get(category="coordination", year=2021)
    client.force_login(a46_user)
    url = reverse("modules:costrate_edit", args=[rate.pk])
    stale = rate.version
    assert client.post(url, edit_data(rate, amount_per_fte="63.000,00")).status_code == 302
    rate.refresh_from_db()
    assert rate.amount_per_fte == D("63000.00")
    assert rate.history.order_by("-history_date").first().history_user == a46_user
    response = client.post(url, edit_data(rate, amount_per_fte="1,00", version=stale))
    assert response.status_code == 200
    rate.refresh_from_db()
    assert rate.amount_per_fte == D("63000.00")


def test_deactivating_keeps_the_figures_of_its_year(client, a46_user, county_own_posts, county_cost_rates_2021):
    # 3 × 62.000 + 62.000 + 62.000 + 0,5 × 45.000 = 332.500 € (paper 2020/0323)
    assert county_personnel_needs(year=2021).total == D("332500.00")
    rate = CostRate.objects.get(category="assistant", year=2021)
    client.force_login(a46_user)
    data = edit_data(rate, amount_per_fte="45.000,00")
    data.pop("is_active")
    assert client.post(reverse("modules:costrate_edit", args=[rate.pk]), data).status_code == 302
    rate.refresh_from_db()
    assert rate.is_active is False
    assert county_personnel_needs(year=2021).total == D("332500.00")
    page = client.get(rate.get_absolute_url())
    assert "Inaktiv" in page.content.decode()
    assert "history" in page.context


@pytest.mark.parametrize("value", ["", "-1", "1e309", "NaN", "9" * 40, "<script>alert(1)</script>", "２０２１", "\x00"])
def test_hostile_values_in_the_edit_form_never_give_a_500(client, a46_user, county_cost_rates_2021, value):
    rate = CostRate.objects.get(category="coordination", year=2021)
    client.force_login(a46_user)
    url = reverse("modules:costrate_edit", args=[rate.pk])
    fields = client.get(url).context["form"].fields
    response = client.post(url, {name: value for name in fields})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    rate.refresh_from_db()
    assert rate.amount_per_fte == D("62000.00")


@pytest.mark.parametrize("username", ["committee_user", "readonly_user"])
def test_only_a46_edits(client, request, county_cost_rates_2021, username):
    rate = CostRate.objects.get(category="coordination", year=2021)
    client.force_login(request.getfixturevalue(username))
    assert client.get(reverse("modules:costrate_list")).status_code == 200
    assert client.post(reverse("modules:costrate_edit", args=[rate.pk]), edit_data(rate)).status_code == 403


def test_carriers_see_no_cost_rates(client, carrier_a_user, county_cost_rates_2021):
    client.force_login(carrier_a_user)
    assert client.get(reverse("modules:costrate_list")).status_code == 403
