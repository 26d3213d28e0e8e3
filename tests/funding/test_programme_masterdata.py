"""Programmes: a list with every programme; a deactivated one is offered in no form any more, but its
notices, rates and figures stay."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.forms import GrantForm, RateForm
from funding.selectors import funding_by_module

pytestmark = pytest.mark.django_db
D = Decimal


def test_the_list_shows_every_programme_with_its_notices(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    response = client.get(reverse("funding:programme_list"))
    assert response.status_code == 200
    rows = list(response.context["table"].rows)
    assert [r.record.short_name for r in rows] == [paper_2020_0354.programme.short_name]
    assert rows[0].record.grant_count == 1


def test_a_deactivated_programme_leaves_the_dropdowns_but_keeps_its_figures(client, a46_user, paper_2020_0354):
    programme = paper_2020_0354.programme
    granted_before = next(m for m in funding_by_module(year=2021) if m.programme.pk == programme.pk).granted
    assert granted_before == D("330000")
    assert programme in GrantForm().fields["programme"].queryset

    client.force_login(a46_user)
    url = reverse("funding:programme_edit", args=[programme.pk])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.pop("is_active", None)  # unchecked checkbox
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else None
    programme.refresh_from_db()
    assert programme.is_active is False

    assert programme not in GrantForm().fields["programme"].queryset
    assert programme not in RateForm().fields["programme"].queryset
    # an existing notice of it stays editable with its programme
    assert programme in GrantForm(instance=paper_2020_0354.grant).fields["programme"].queryset
    # its notice still counts: 6 × 55.000 € = 330.000 €
    assert next(m for m in funding_by_module(year=2021) if m.programme.pk == programme.pk).granted == D("330000")
    listing = client.get(reverse("funding:programme_list"))
    assert "nein" in listing.content.decode()
    newest = programme.history.order_by("-history_date").first()
    assert newest.is_active is False and newest.history_user == a46_user


@pytest.mark.parametrize("username", ["committee_user", "readonly_user"])
def test_staff_read_the_list(client, request, paper_2020_0354, username):
    client.force_login(request.getfixturevalue(username))
    assert client.get(reverse("funding:programme_list")).status_code == 200


def test_carriers_do_not_see_the_programme_list(client, carrier_a_user):
    client.force_login(carrier_a_user)
    assert client.get(reverse("funding:programme_list")).status_code == 403
