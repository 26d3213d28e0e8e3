"""Corrections in the case register (issue 15): a contact corrected or deleted, a referral deleted;
the history records who did it; another carrier's entries answer 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from casemanagement import services
from casemanagement.models import Contact, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(make_case):
    return make_case(date(2021, 3, 1))


@pytest.fixture
def contact(case):
    return services.contact_add(case=case, data={"date": date(2021, 3, 2), "duration_minutes": 45, "mode": "in_person"})


def test_the_carrier_corrects_a_contact_under_the_same_rules(client, carrier_a_user, case, contact):
    client.force_login(carrier_a_user)
    url = reverse("casemanagement:contact_edit", args=[case.public_id, contact.pk])
    refused = client.post(url, {"date": "01.02.2021", "duration_minutes": "30", "mode": "phone"})
    assert "nicht vor der Eröffnung des Falls (01.03.2021)" in refused.content.decode()
    response = client.post(url, {"date": "03.03.2021", "duration_minutes": "30", "mode": "phone"})
    assert response.url == case.get_absolute_url()
    contact.refresh_from_db()
    assert (contact.date, contact.duration_minutes, contact.mode) == (date(2021, 3, 3), 30, "phone")
    assert contact.history.first().history_user == carrier_a_user


def test_the_carrier_deletes_a_contact_after_confirming_and_the_history_keeps_who(
    client, carrier_a_user, case, contact
):
    client.force_login(carrier_a_user)
    url = reverse("casemanagement:contact_delete", args=[case.public_id, contact.pk])
    assert "Endgültig löschen" in client.get(url).content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()  # the page alone deletes nothing
    client.post(url)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    deleted = Contact.history.filter(id=contact.pk, history_type="-").get()
    assert deleted.history_user == carrier_a_user


def test_the_carrier_deletes_a_referral(client, carrier_a_user, case):
    referral = services.referral_save(
        case=case, data={"target": "jobcenter", "referred_on": date(2021, 3, 4), "status": "pending"}
    )
    client.force_login(carrier_a_user)
    client.post(reverse("casemanagement:referral_delete", args=[case.public_id, referral.pk]))
    assert not Referral.objects.filter(pk=referral.pk).exists()


def test_another_carrier_cannot_touch_the_contact(client, carrier_b_user, case, contact):
    client.force_login(carrier_b_user)
    for name in ("casemanagement:contact_edit", "casemanagement:contact_delete"):
        assert client.post(reverse(name, args=[case.public_id, contact.pk])).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()
