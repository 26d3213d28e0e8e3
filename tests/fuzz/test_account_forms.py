"""Fuzzing the account forms (issue 15): invite (as A 46 and as a carrier administrator), lock and
second-factor reset with hostile values. Never a server error, hostile HTML never echoed raw, and an
answer with errors saved nothing (the invitation answers 200 with the link page when it saved)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import changed, fingerprint
from tests.fuzz.test_forms import HOSTILE, SCRIPT

pytestmark = pytest.mark.django_db

VALUE = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
INVITE_FIELDS = ("username", "first_name", "last_name", "email", "role", "organisation", "is_carrier_admin")


def check(client, url: str, data: dict) -> None:
    before = fingerprint()
    response = client.post(url, data)
    assert response.status_code < 500
    body = response.content.decode("utf-8", errors="replace")
    assert SCRIPT not in body
    saved = changed(before, fingerprint())
    if "Einmal-Link" not in body and response.status_code == 200:
        assert saved == {}, "a form with errors saved something"


@pytest.mark.parametrize("login", ["a46", "traeger-caritas"])
def test_hostile_input_never_breaks_the_invitation(client, demo, login):
    from kim.models import User

    client.force_login(User.objects.get(username=login))
    url = reverse("accounts:account_invite")

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.fixed_dictionaries({name: VALUE for name in INVITE_FIELDS}))
    def fuzz(data):
        with transaction.atomic():
            check(client, url, data)
            transaction.set_rollback(True)

    fuzz()


@pytest.mark.parametrize("url_name", ["accounts:account_deactivate", "accounts:second_factor_reset"])
def test_hostile_reasons_never_break_the_account_actions(client, demo, url_name):
    from kim.models import User

    client.force_login(User.objects.get(username="a46"))
    target = User.objects.get(username="sitzungsdienst" if url_name.endswith("deactivate") else "a46")
    url = reverse(url_name, args=[target.pk])

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(reason=VALUE)
    def fuzz(reason):
        with transaction.atomic():
            before = fingerprint()
            response = client.post(url, {"reason": reason})
            assert response.status_code < 500
            assert SCRIPT not in response.content.decode("utf-8", errors="replace")
            if response.status_code == 200:
                assert changed(before, fingerprint()) == {}
            transaction.set_rollback(True)

    fuzz()
