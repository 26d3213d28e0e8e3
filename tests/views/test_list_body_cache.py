"""The post list's rendered body (filter form, table, export links) comes from kim.list_cache while the
data stamp is unchanged: the same page, fewer queries, a write shows at once, and the cache never
hands one scope (role, organisation) the HTML rendered for another."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kim import list_cache
from modules.models import Post
from modules.services import post_save
from tests import factories as f

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def get(client, url: str, params: dict | None = None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    html = CSRF.sub("", response.content.decode())
    return len(ctx.captured_queries), html[html.index('<div class="page-head">') :]  # the list body onwards


def test_a_repeated_request_gets_the_same_page_with_fewer_queries(client, a46_user):
    for i in range(3):
        f.CarrierPostFactory(title=f"CM Wiederholt {i}")
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    params = {"category": "case_management", "sort": "-title"}
    first_queries, first = get(client, url, params)
    second_queries, second = get(client, url, params)
    assert second == first
    assert "CM Wiederholt 2" in second
    assert second_queries < first_queries
    assert second_queries <= 4  # session, user, stamp (and at most one more of the frame), no list query


def test_the_parameter_order_does_not_matter_but_every_parameter_does(client, a46_user):
    f.CarrierPostFactory(title="CM Reihenfolge")
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    _, body = get(client, url + "?category=case_management&q=Reihenfolge")
    hit_queries, again = get(client, url + "?q=Reihenfolge&category=case_management")
    assert again == body
    other_queries, other = get(client, url + "?q=nichtvorhanden&category=case_management")
    assert "CM Reihenfolge" not in other
    assert other_queries > hit_queries


def test_a_new_post_shows_at_once_and_an_edit_replaces_the_old_title(client, a46_user):
    employer = f.CarrierFactory(slug="traeger-cache", name="Träger Cache")
    f.CarrierPostFactory(title="CM Bestand", employer=employer)
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    _, before = get(client, url)
    assert "CM Neu angelegt" not in before
    new = f.CarrierPostFactory(title="CM Neu angelegt", employer=employer)
    _, after = get(client, url)
    assert "CM Neu angelegt" in after
    post_save(post=Post.objects.get(pk=new.pk), data={"title": "CM Umbenannt"}, user=a46_user)
    _, renamed = get(client, url)
    assert "CM Umbenannt" in renamed
    assert "CM Neu angelegt" not in renamed


def test_a_new_employer_appears_in_the_filter_at_once(client, a46_user):
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    _, before = get(client, url)
    assert "Träger Neu im Filter" not in before
    f.CarrierFactory(slug="traeger-neu", name="Träger Neu im Filter", short_name="Träger Neu im Filter")
    _, after = get(client, url)
    assert "Träger Neu im Filter" in after


def test_a_carrier_never_gets_the_body_cached_for_another_scope(
    client, a46_user, carrier_a_user, carrier_b_user, carrier_a, carrier_b
):
    f.CarrierPostFactory(title="CM Nur Caritas", employer=carrier_a)
    f.CarrierPostFactory(title="CM Nur Diakonie", employer=carrier_b)
    url = reverse("modules:post_list")
    client.force_login(a46_user)
    _, admin = get(client, url)  # A 46 first: its body (both posts, every employer) is cached now
    assert "CM Nur Caritas" in admin and "CM Nur Diakonie" in admin
    assert carrier_a.short_name in admin and carrier_b.short_name in admin  # both in the employer filter
    client.force_login(carrier_a_user)
    _, own_a = get(client, url)
    assert "CM Nur Caritas" in own_a
    assert "CM Nur Diakonie" not in own_a and carrier_b.short_name not in own_a
    client.force_login(carrier_b_user)
    for _round in range(2):  # computed, then from the cache
        _, own_b = get(client, url)
        assert "CM Nur Diakonie" in own_b
        assert "CM Nur Caritas" not in own_b and carrier_a.short_name not in own_b


def test_the_key_names_role_organisation_language_and_stamp(a46_user, carrier_a_user, carrier_b_user):
    from django.utils import translation

    def key(user, *, stamp: str = "s1", language: str = "de") -> str:
        request = RequestFactory().get("/stellen/", {"module": "1"})
        request.user = user
        with translation.override(language):
            return list_cache.body_key(request, "modules.views.PostListView", stamp=stamp)

    keys = {
        key(a46_user),
        key(carrier_a_user),
        key(carrier_b_user),
        key(a46_user, stamp="s2"),
        key(a46_user, language="en"),
    }
    assert len(keys) == 5
    assert key(carrier_a_user) == key(carrier_a_user)


def test_the_export_is_never_served_from_the_body_cache(client, a46_user):
    f.CarrierPostFactory(title="CM Export")
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    get(client, url)
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "CM Export" in response.content.decode("utf-8-sig")


def test_another_address_on_unchanged_data_takes_the_filter_options_from_the_cache(client, a46_user, carrier_a):
    from django.core.cache import cache

    f.CarrierPostFactory(title="CM Auswahl", employer=carrier_a)
    f.CarrierPostFactory(title="CM Andere Auswahl")
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    get(client, url)  # fills the options of employer, place and module
    params = {"employer": str(carrier_a.pk), "sort": "title"}
    warm_queries, warm = get(client, url, params)
    cache.clear()
    cold_queries, cold = get(client, url, params)
    assert warm == cold  # same options, the chosen employer selected
    assert f'<option value="{carrier_a.pk}" selected>' in warm
    assert "CM Auswahl" in warm and "CM Andere Auswahl" not in warm
    assert warm_queries < cold_queries


def test_the_first_filtered_request_after_a_write_stays_within_eight_queries(client, a46_user, carrier_a):
    """After a write the options of module, employer and place are read again; the submitted values are
    checked against those same rows, not read a second time: session, user, stamp, three option lists,
    count and rows."""
    post = f.CarrierPostFactory(title="CM Nach Schreiben", employer=carrier_a, place=f.MunicipalityFactory())
    f.CarrierPostFactory(title="CM Anderer Träger")
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    params = {"module": str(post.module_id), "employer": str(carrier_a.pk), "place": str(post.place_id)}
    get(client, url, params)
    post_save(post=post, data={"title": "CM Nach dem Schreiben"})
    queries, cold = get(client, url, params)
    assert queries <= 8
    assert "CM Nach dem Schreiben" in cold and "CM Anderer Träger" not in cold
    for name in ("module", "employer", "place"):
        assert f'<option value="{params[name]}" selected>' in cold, name
    again_queries, warm = get(client, url, params)  # the body from the cache
    assert warm == cold
    assert again_queries < queries


@pytest.mark.parametrize("value", ["999999", "x", "1 OR 1=1"])
def test_a_value_outside_the_options_is_refused_as_before_on_a_cold_and_a_warm_cache(client, a46_user, value):
    from django.core.cache import cache

    f.CarrierPostFactory(title="CM Ungültig")
    client.force_login(a46_user)
    url = reverse("modules:post_list")
    get(client, url)  # the options cached
    params = {"employer": value, "sort": "title"}
    _, warm = get(client, url, params)  # checked by the field's own query
    cache.clear()
    _, cold = get(client, url, params)  # checked against the options read in this request
    assert cold == warm
    assert "CM Ungültig" not in cold  # an invalid filter shows no rows, as the list always did


def test_a_carrier_cannot_choose_another_carriers_employer_on_a_cold_cache(
    client, carrier_a_user, carrier_a, carrier_b
):
    from django.core.cache import cache

    f.CarrierPostFactory(title="CM Eigene", employer=carrier_a)
    f.CarrierPostFactory(title="CM Fremde", employer=carrier_b)
    client.force_login(carrier_a_user)
    cache.clear()
    _, cold = get(client, reverse("modules:post_list"), {"employer": str(carrier_b.pk)})
    assert "CM Fremde" not in cold and carrier_b.short_name not in cold
