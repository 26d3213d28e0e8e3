"""The whole post list page per user from kim.list_cache (a repeated request renders no template): never
another user's header, a fresh CSRF token that works, this request's own return address, messages
shown, and the session and user read by kim.sessions / kim.auth_backends as Django's own store would."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kim.auth_backends import SessionUserBackend
from kim.sessions import SessionStore
from tests import factories as f

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
NEXT = re.compile(r'name="next" value="([^"]*)"')


def page(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_second_request_is_the_same_page_with_its_own_token_and_address(a46_user):
    f.CarrierPostFactory(title="CM Seite")
    client = Client(enforce_csrf_checks=True)
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    address = url + "?category=case_management&sort=title"
    page(client, address)  # the body rendered and stored
    _, first = page(client, address)  # the frame rendered, the page stored
    queries, second = page(client, address)  # the page from the cache
    assert queries <= 3  # session, user, stamp
    assert "CM Seite" in second and "kim-page-" not in second
    assert TOKEN.sub("", second) == TOKEN.sub("", first)
    _, reordered = page(client, url + "?sort=title&category=case_management")  # same key, its own address
    assert NEXT.findall(reordered) == [escape_amp(url + "?sort=title&category=case_management")]
    assert NEXT.findall(second) == [escape_amp(address)]
    tokens = set(TOKEN.findall(second))
    assert len(tokens) == 1 and tokens != set(TOKEN.findall(first))  # freshly masked for this answer
    # the token of the cached page is valid: the language switch (a POST with CSRF check) accepts it
    response = client.post(
        reverse("set_language"), {"language": "en", "next": url, "csrfmiddlewaretoken": tokens.pop()}
    )
    assert response.status_code == 302


def escape_amp(text: str) -> str:
    return text.replace("&", "&amp;")


def test_two_users_of_one_role_never_share_the_page(a46_user):
    other = get_user_model().objects.create_user(
        username="a46-zwei", password="x" * 16, role=a46_user.role, first_name="Zweite", last_name="Person"
    )
    url = reverse("modules:post_list")
    first, second = Client(), Client()
    first.force_login(a46_user)
    second.force_login(other)
    for _round in range(2):  # rendered, then from the cache
        _, own = page(first, url)
        _, theirs = page(second, url)
        assert "Zweite Person" in theirs and "Zweite Person" not in own


def test_a_renamed_user_sees_the_new_name_at_once(a46_user):
    client = Client()
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    page(client, url)
    page(client, url)
    a46_user.first_name, a46_user.last_name = "Neu", "Benannt"
    a46_user.save()
    _, html = page(client, url)
    assert "Neu Benannt" in html


def test_a_message_is_shown_and_the_page_is_not_stored_with_it(a46_user, rf):
    client = Client()
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    page(client, url)
    page(client, url)  # now cached
    # a message left for the next request (as after saving a form), in the messages cookie
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(rf.get(url))
    client.cookies[storage.cookie_name] = storage._encode([Message(messages.SUCCESS, "Gespeichert für diese Seite.")])
    _, shown = page(client, url)
    assert "Gespeichert für diese Seite." in shown
    _, after = page(client, url)
    assert "Gespeichert für diese Seite." not in after


def test_the_session_store_reads_live_rows_only(a46_user):
    store = SessionStore()
    store["x"] = 1
    store.create()
    key = store.session_key
    assert SessionStore(key).load() == {"x": 1}
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(key)
    assert expired.load() == {}
    assert expired.session_key is None
    assert SessionStore("nichtvorhanden12345").load() == {}


def test_the_backend_reads_the_user_as_the_model_backend(a46_user):
    backend = SessionUserBackend()
    user = backend.get_user(str(a46_user.pk))
    assert user == a46_user and user.role == a46_user.role and user.organisation_id == a46_user.organisation_id
    assert user.date_joined == get_user_model().objects.get(pk=a46_user.pk).date_joined
    assert backend.get_user("999999") is None
    assert backend.get_user("kein-schlüssel") is None
    a46_user.is_active = False
    a46_user.save()
    assert backend.get_user(str(a46_user.pk)) is None
