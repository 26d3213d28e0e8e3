"""A submitted caseload return can be withdrawn by its carrier until A 46 has decided on it (issue 15)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from casemanagement import services
from casemanagement.models import ReturnStatus
from casemanagement.selectors import return_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(make_case, carrier_a, post_a):
    for day in (3, 10):
        make_case(date(2021, 3, day))
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    return services.return_submit(caseload_return=r)


def test_the_carrier_withdraws_a_submitted_return_and_it_is_a_live_draft_again(
    client, carrier_a_user, submitted, make_case
):
    client.force_login(carrier_a_user)
    response = client.post(
        reverse("casemanagement:return_withdraw", args=[submitted.public_id]), {"version": submitted.version}
    )
    assert response.url == submitted.get_absolute_url()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.submitted_at) == (ReturnStatus.DRAFT, None)
    make_case(date(2021, 3, 20))  # a late entry is now counted: the draft is computed live again
    assert return_figures(caseload_return=submitted)["totals"]["new"] == 3
    assert submitted.history.first().history_user == carrier_a_user


def test_a_decided_return_cannot_be_withdrawn(client, carrier_a_user, submitted):
    services.return_accept(caseload_return=submitted)
    submitted.refresh_from_db()
    client.force_login(carrier_a_user)
    page = client.post(
        reverse("casemanagement:return_withdraw", args=[submitted.public_id]),
        {"version": submitted.version},
        follow=True,
    )
    assert "Nur eingereichte, noch nicht geprüfte Meldungen können zurückgezogen werden." in page.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.ACCEPTED


def test_another_carrier_and_a46_cannot_withdraw(client, carrier_b_user, a46_user, submitted):
    url = reverse("casemanagement:return_withdraw", args=[submitted.public_id])
    client.force_login(carrier_b_user)
    assert client.post(url, {"version": submitted.version}).status_code == 404
    client.force_login(a46_user)
    assert client.post(url, {"version": submitted.version}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED
