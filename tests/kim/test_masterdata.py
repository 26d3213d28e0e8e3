"""A 46's master data pages (issue 15): organisations of every kind with their hierarchy; a
deactivated organisation disappears from choice lists but keeps its posts, figures and history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kim.models import Municipality, Organisation, OrganisationKind
from modules.forms import PostForm
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, a46_user):
    """A 46 signed in by role: a Django superuser is a technical operator, not A 46 (User.is_a46)."""
    client.force_login(a46_user)
    return client


def org_data(**values) -> dict:
    data = {"kind": "", "name": "", "short_name": "", "slug": "", "parent": "", "address": "", "is_active": "on"}
    data.update(values)
    return data


def test_a46_creates_a_department_under_the_body_and_sees_it_in_the_hierarchy(admin_client, county):
    response = admin_client.post(
        reverse("masterdata:organisation_create"),
        org_data(kind=OrganisationKind.DEPARTMENT, name="Amt 50 – Soziales", slug="amt-50", parent=county.pk),
    )
    department = Organisation.objects.get(slug="amt-50")
    assert response.url == reverse("masterdata:organisation_detail", args=[department.pk])
    assert (department.kind, department.parent) == (OrganisationKind.DEPARTMENT, county)
    page = admin_client.get(reverse("masterdata:organisation_detail", args=[county.pk])).content.decode()
    assert "Amt 50 – Soziales" in page


def test_a_department_needs_the_body_as_parent(admin_client, ag_wohlfahrt):
    response = admin_client.post(
        reverse("masterdata:organisation_create"),
        org_data(kind=OrganisationKind.DEPARTMENT, name="Amt ohne Kreis", slug="amt-x", parent=ag_wohlfahrt.pk),
    )
    assert response.context["form"].errors["parent"] == ["Ein Amt gehört zu einer Körperschaft (Kreis/Stadt)."]
    assert not Organisation.objects.filter(slug="amt-x").exists()


def test_the_hierarchy_cannot_become_a_cycle(admin_client, ag_wohlfahrt, carrier_a):
    url = reverse("masterdata:organisation_edit", args=[ag_wohlfahrt.pk])
    form = admin_client.get(url).context["form"]
    data = org_data(
        kind=ag_wohlfahrt.kind,
        name=ag_wohlfahrt.name,
        slug=ag_wohlfahrt.slug,
        parent=carrier_a.pk,  # carrier A is a member of the umbrella
        version=form["version"].value(),
    )
    response = admin_client.post(url, data)
    assert "nicht unter sich selbst" in response.context["form"].errors["parent"][0]
    ag_wohlfahrt.refresh_from_db()
    assert ag_wohlfahrt.parent is None


def test_a_deactivated_carrier_leaves_the_choice_lists_but_keeps_its_posts(admin_client, carrier_a, carrier_b):
    post = f.CarrierPostFactory(employer=carrier_b, title="CM Stolberg")
    url = reverse("masterdata:organisation_edit", args=[carrier_b.pk])
    version = admin_client.get(url).context["form"]["version"].value()
    admin_client.post(
        url,
        org_data(
            kind=carrier_b.kind,
            name=carrier_b.name,
            short_name=carrier_b.short_name,
            slug=carrier_b.slug,
            parent=carrier_b.parent_id,
            is_active="",
            version=version,
        ),
    )
    carrier_b.refresh_from_db()
    assert not carrier_b.is_active
    assert carrier_b not in PostForm().fields["employer"].queryset
    assert carrier_a in PostForm().fields["employer"].queryset
    assert carrier_b in PostForm(instance=post).fields["employer"].queryset  # the existing post stays editable
    assert "CM Stolberg" in admin_client.get(reverse("modules:post_list")).content.decode()
    history = admin_client.get(reverse("masterdata:organisation_detail", args=[carrier_b.pk])).content.decode()
    assert "aktiv" in history and carrier_b.history.count() == 2


def test_carriers_do_not_reach_the_organisation_pages_and_readers_cannot_edit(
    client, carrier_a_user, readonly_user, county
):
    client.force_login(carrier_a_user)
    assert client.get(reverse("masterdata:organisation_list")).status_code == 403
    client.force_login(readonly_user)
    assert client.get(reverse("masterdata:organisation_list")).status_code == 200
    assert client.get(reverse("masterdata:organisation_edit", args=[county.pk])).status_code == 403


def test_the_organisation_list_costs_the_same_queries_for_one_and_three_rows(admin_client, county):
    url = reverse("masterdata:organisation_list")
    admin_client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    f.DepartmentFactory(parent=county)
    f.CarrierFactory(parent=f.UmbrellaFactory())
    assert count() == one


# --- municipalities --------------------------------------------------------------------------------


def test_a46_creates_a_municipality_and_a_deactivated_one_leaves_the_choice_lists(admin_client, carrier_a):
    response = admin_client.post(
        reverse("masterdata:municipality_create"),
        {
            "name": "Beispielstadt",
            "slug": "beispielstadt",
            "official_key": "05999001",
            "module2_area": "on",
            "is_active": "on",
        },
    )
    town = Municipality.objects.get(slug="beispielstadt")
    assert response.url == town.get_absolute_url()
    post = f.CarrierPostFactory(employer=carrier_a, place=town)
    admin_client.post(
        reverse("masterdata:municipality_edit", args=[town.pk]),
        {"name": "Beispielstadt", "slug": "beispielstadt", "official_key": "05999001", "module2_area": "on"},
    )
    town.refresh_from_db()
    assert not town.is_active
    assert town not in PostForm().fields["place"].queryset
    assert town in PostForm(instance=post).fields["place"].queryset
    assert town.history.count() == 2


def test_a_municipality_key_has_eight_digits(admin_client):
    response = admin_client.post(
        reverse("masterdata:municipality_create"), {"name": "X", "slug": "x", "official_key": "123", "is_active": "on"}
    )
    assert response.context["form"].errors["official_key"] == ["Der Gemeindeschlüssel hat 8 Ziffern."]


def test_the_municipality_list_costs_the_same_queries_for_one_and_three_rows(admin_client):
    f.MunicipalityFactory(name="Eins", slug="eins")
    url = reverse("masterdata:municipality_list")
    admin_client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    f.MunicipalityFactory(name="Zwei", slug="zwei")
    f.MunicipalityFactory(name="Drei", slug="drei")
    assert count() == one
