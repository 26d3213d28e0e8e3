"""Who may see what: anonymous → login, carriers only their own organisation (404 otherwise),
read-only roles get 403 on writes, and no other carrier's name leaks into a dropdown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def two_carriers(carrier_a, carrier_b):
    """One post with a cost plan and a forwarding contract per carrier, so anything could leak."""
    from funding.services import allocation_save, forwarding_save

    module2 = f.ModuleFactory(number=2)
    programme = f.KimProgrammeFactory(module=module2)
    f.RateFactory(programme=programme, category="case_management", year=2021, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        period_start=date(2021, 1, 1),
        period_end=date(2021, 12, 31),
        amount=D("110000"),
        approved_fte=D("2"),
    )
    posts, plans, contracts, allocations = {}, {}, {}, {}
    for key, carrier in (("a", carrier_a), ("b", carrier_b)):
        post = f.CarrierPostFactory(module=module2, employer=carrier, title=f"Case Management Träger {key.upper()}")
        posts[key] = post
        plans[key] = f.CostPlanFactory(post=post, year=2021, personnel=D("64000"), material_overhead=D("6000"))
        allocations[key] = allocation_save(
            grant=grant, data={"post": post, "fte": D("1"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)}
        )
        contracts[key] = forwarding_save(
            data={
                "grant": grant,
                "post": post,
                "start": date(2021, 1, 1),
                "end": date(2021, 12, 31),
                "reference": f"WV-{key}",
            }
        )
    occupancy = f.OccupancyFactory(post=posts["a"], start=posts["a"].start, end=posts["a"].end, fte=posts["a"].fte)
    return {
        "posts": posts,
        "plans": plans,
        "contracts": contracts,
        "grant": grant,
        "allocation": allocations["a"],
        "occupancy": occupancy,
    }


def all_urls(two_carriers, carrier_a) -> list[str]:
    post = two_carriers["posts"]["a"]
    return [
        reverse("dashboard"),
        reverse("modules:post_list"),
        reverse("modules:post_create"),
        reverse("modules:post_detail", args=[post.pk]),
        reverse("modules:post_edit", args=[post.pk]),
        reverse("modules:occupancy_create", args=[post.pk]),
        reverse("modules:personnelcost_create", args=[post.pk]),
        reverse("modules:occupancy_edit", args=[post.pk, two_carriers["occupancy"].pk]),
        reverse("modules:costrate_create"),
        reverse("kim:carrier_list"),
        reverse("kim:carrier_create"),
        reverse("kim:carrier_detail", args=[carrier_a.slug]),
        reverse("kim:carrier_edit", args=[carrier_a.slug]),
        reverse("funding:grant_list"),
        reverse("funding:grant_create"),
        reverse("funding:grant_detail", args=[two_carriers["grant"].pk]),
        reverse("funding:grant_edit", args=[two_carriers["grant"].pk]),
        reverse("funding:allocation_create", args=[two_carriers["grant"].pk]),
        reverse("funding:allocation_edit", args=[two_carriers["grant"].pk, two_carriers["allocation"].pk]),
        reverse("funding:forwarding_list"),
        reverse("funding:forwarding_create"),
        reverse("funding:forwarding_detail", args=[two_carriers["contracts"]["a"].pk]),
        reverse("funding:forwarding_edit", args=[two_carriers["contracts"]["a"].pk]),
        reverse("funding:costplan_list"),
        reverse("funding:costplan_create"),
        reverse("funding:costplan_detail", args=[two_carriers["plans"]["a"].pk]),
        reverse("funding:costplan_edit", args=[two_carriers["plans"]["a"].pk]),
        reverse("funding:gap_list"),
        reverse("funding:request_list"),
        reverse("funding:request_create"),
        reverse("funding:budget_list"),
        reverse("funding:budget_create"),
        reverse("funding:rate_list"),
        reverse("funding:rate_create"),
        reverse("funding:programme_create"),
    ]


def test_anonymous_users_are_sent_to_the_login_page_everywhere(client, two_carriers, carrier_a):
    for url in all_urls(two_carriers, carrier_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a46_reaches_every_page(client, a46_user, two_carriers, carrier_a):
    client.force_login(a46_user)
    for url in all_urls(two_carriers, carrier_a):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role_fixture", ["readonly_user", "committee_user"])
def test_read_only_roles_read_but_get_403_on_every_write(client, request, role_fixture, two_carriers, carrier_a):
    client.force_login(request.getfixturevalue(role_fixture))
    for url in all_urls(two_carriers, carrier_a):
        writes = "/neu/" in url or "/bearbeiten/" in url
        assert client.get(url).status_code == (403 if writes else 200), url
        if writes:
            assert client.post(url, {"title": "x"}).status_code == 403, url


def test_carrier_sees_own_post_and_gets_404_for_the_other_carriers_objects(
    client, carrier_a_user, two_carriers, carrier_b
):
    client.force_login(carrier_a_user)
    own, other = two_carriers["posts"]["a"], two_carriers["posts"]["b"]
    assert client.get(reverse("modules:post_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("modules:post_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("funding:forwarding_detail", args=[two_carriers["contracts"]["b"].pk])).status_code == 404
    assert client.get(reverse("funding:costplan_detail", args=[two_carriers["plans"]["b"].pk])).status_code == 404
    assert client.get(reverse("kim:carrier_detail", args=[carrier_b.slug])).status_code == 404


def test_carrier_gets_403_for_county_only_areas_and_all_writes(client, carrier_a_user, two_carriers, carrier_a):
    client.force_login(carrier_a_user)
    for name in ("funding:grant_list", "funding:request_list", "funding:budget_list", "funding:rate_list"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("funding:grant_detail", args=[two_carriers["grant"].pk])).status_code == 403
    assert client.post(reverse("modules:post_create"), {}).status_code == 403
    assert client.post(reverse("modules:post_edit", args=[two_carriers["posts"]["a"].pk]), {}).status_code == 403


@pytest.mark.parametrize(
    "url_name",
    [
        "dashboard",
        "modules:post_list",
        "kim:carrier_list",
        "funding:forwarding_list",
        "funding:costplan_list",
        "funding:gap_list",
    ],
)
def test_no_page_or_dropdown_shows_another_carriers_name(
    client, carrier_a_user, carrier_a, carrier_b, two_carriers, url_name
):
    client.force_login(carrier_a_user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert carrier_b.name not in html
    assert str(carrier_b) not in html
    assert "Träger B" not in html
    assert "Träger A" in html or carrier_a.name in html or str(carrier_a) in html


def test_carrier_dropdown_of_the_post_filter_lists_only_the_own_carrier(
    client, carrier_a_user, carrier_a, carrier_b, two_carriers
):
    client.force_login(carrier_a_user)
    response = client.get(reverse("modules:post_list"))
    choices = [str(label) for _value, label in response.context["filter"].form.fields["employer"].choices]
    assert str(carrier_a) in choices
    assert str(carrier_b) not in choices


def test_filtering_by_another_carrier_gives_an_error_not_their_data(client, carrier_a_user, carrier_b, two_carriers):
    client.force_login(carrier_a_user)
    response = client.get(reverse("funding:forwarding_list"), {"carrier": carrier_b.pk})
    assert response.status_code == 200
    assert "Träger B" not in response.content.decode()
