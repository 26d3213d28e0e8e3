"""A lost database connection answers a German 503, never a 500 (kim.errors.server_error).

The outage itself is simulated: the view or the session store raises the error psycopg raises when
PostgreSQL restarts. The real restart is exercised by ``make loadtest-fault`` (scripts/loadtest.py, README).
"""

from unittest import mock

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse

from casemanagement.views import CaseListView

pytestmark = pytest.mark.django_db


@pytest.fixture
def carrier_client(carrier_a_user):
    client = Client(raise_request_exception=False)
    client.force_login(carrier_a_user)
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("terminating connection due to administrator command"),
        InterfaceError("connection already closed"),
    ],
)
def test_database_error_in_a_view_is_a_german_503(carrier_client, error):
    with mock.patch.object(CaseListView, "get", side_effect=error):
        response = carrier_client.get(reverse("casemanagement:case_list"))
    assert response.status_code == 503
    text = response.content.decode()
    assert "Datenbank vorübergehend nicht erreichbar" in text
    assert "nichts gespeichert" in text
    assert response["Retry-After"] == "10"


def test_database_error_while_loading_the_session_is_a_503(carrier_client):
    # The session is read by middleware before any view runs: the database is already needed there.
    with mock.patch.object(SessionStore, "load", side_effect=OperationalError("could not connect to server")):
        response = carrier_client.get(reverse("casemanagement:case_list"))
    assert response.status_code == 503
    assert "Datenbank vorübergehend nicht erreichbar" in response.content.decode()


def test_a_wrapped_database_error_is_recognised(carrier_client):
    def fail(*args, **kwargs):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc

    with mock.patch.object(CaseListView, "get", side_effect=fail):
        response = carrier_client.get(reverse("casemanagement:case_list"))
    assert response.status_code == 503


def test_other_errors_stay_a_500(carrier_client):
    with mock.patch.object(CaseListView, "get", side_effect=ValueError("bug")):
        response = carrier_client.get(reverse("casemanagement:case_list"))
    assert response.status_code == 500
    assert "Datenbank" not in response.content.decode()


def test_after_the_outage_the_next_request_succeeds(carrier_client):
    with mock.patch.object(CaseListView, "get", side_effect=OperationalError("gone")):
        assert carrier_client.get(reverse("casemanagement:case_list")).status_code == 503
    assert carrier_client.get(reverse("casemanagement:case_list")).status_code == 200
