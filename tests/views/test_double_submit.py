"""Double submission (issue 15): a create form sent twice with the same one-time token (browser
back + save, a double click) creates one object; the second answer leads to the first."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kim.models import FormSubmission
from modules.models import Post
from tests import factories as f
from tests.views.test_forms import post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, a46_user):
    """A 46 signed in by role: a Django superuser is a technical operator, not A 46 (User.is_a46)."""
    client.force_login(a46_user)
    return client


def token_of(response) -> str:
    return re.search(r'name="submission_token" value="([0-9a-f-]{36})"', response.content.decode()).group(1)


def test_browser_back_and_save_does_not_create_the_post_twice(admin_client, carrier_a):
    module = f.ModuleFactory(number=2)
    url = reverse("modules:post_create")
    token = token_of(admin_client.get(url))
    first = admin_client.post(url, {**post_data(module, carrier_a), "submission_token": token})
    post = Post.objects.get()
    assert first.url == post.get_absolute_url()
    again = admin_client.post(url, {**post_data(module, carrier_a), "submission_token": token}, follow=True)
    assert Post.objects.count() == 1
    assert again.redirect_chain[-1][0] == post.get_absolute_url()
    assert "bereits gespeichert; es wurde nichts doppelt angelegt" in again.content.decode()


def test_each_form_page_gets_its_own_token_so_two_posts_are_two_posts(admin_client, carrier_a):
    module = f.ModuleFactory(number=2)
    url = reverse("modules:post_create")
    for title in ("CM Alsdorf", "CM Baesweiler"):
        token = token_of(admin_client.get(url))
        admin_client.post(url, {**post_data(module, carrier_a, title=title), "submission_token": token})
    assert sorted(Post.objects.values_list("title", flat=True)) == ["CM Alsdorf", "CM Baesweiler"]
    assert FormSubmission.objects.count() == 2


def test_a_failed_save_does_not_use_up_the_token(admin_client, carrier_a):
    module = f.ModuleFactory(number=2)
    url = reverse("modules:post_create")
    token = token_of(admin_client.get(url))
    refused = admin_client.post(url, {**post_data(module, carrier_a, fte="1,5"), "submission_token": token})
    assert refused.status_code == 200 and token in refused.content.decode()
    admin_client.post(url, {**post_data(module, carrier_a), "submission_token": token})
    assert Post.objects.count() == 1


def test_another_users_token_is_not_honoured(client, a46_user, carrier_a):
    module = f.ModuleFactory(number=2)
    url = reverse("modules:post_create")
    other = f.A46UserFactory()
    client.force_login(a46_user)
    token = token_of(client.get(url))
    client.post(url, {**post_data(module, carrier_a), "submission_token": token})
    client.force_login(other)
    response = client.post(url, {**post_data(module, carrier_a, title="CM zwei"), "submission_token": token})
    # a copied token protects nothing for another user: the save goes through, nothing is revealed
    assert (
        response.status_code == 302
        and response.url != Post.objects.get(title="Case Management Eschweiler").get_absolute_url()
    )
    assert Post.objects.count() == 2
