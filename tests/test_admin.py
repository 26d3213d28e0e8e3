"""The Django admin: for technical operators only, every changelist opens, writes go through the services
with the same version check as the app, and what contracts are computed from cannot be deleted."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.urls import reverse

from kim.models import Organisation, Role, User
from kim.services import organisation_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    from tests import factories as f

    # A technical account (role "nur lesen"), made an operator the way the README says.
    user = f.UserFactory(username="betrieb", role=Role.READONLY)
    call_command("operator", "grant", "betrieb", stdout=StringIO())
    user.refresh_from_db()
    return user


@pytest.fixture
def superuser_client(client, operator, paper_2020_0354):
    client.force_login(operator)
    return client


def test_every_registered_model_has_a_working_changelist_and_search(superuser_client):
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert superuser_client.get(url).status_code == 200, url
        assert superuser_client.get(url, {"q": "Case"}).status_code == 200, url


def test_a_rate_and_a_cost_plan_used_by_contracts_cannot_be_deleted(superuser_client, paper_2020_0354):
    rate = paper_2020_0354.rates["case_management"]
    plan = paper_2020_0354.cost_plans[0]
    assert superuser_client.get(reverse("admin:funding_rate_delete", args=[rate.pk])).status_code == 403
    assert superuser_client.get(reverse("admin:funding_costplan_delete", args=[plan.pk])).status_code == 403
    html = superuser_client.get(reverse("admin:funding_rate_changelist")).content.decode()
    assert "delete_selected" not in html


# ---------------------------------------------------------------- who may enter


@pytest.mark.parametrize("flags", [{}, {"is_staff": True}, {"is_staff": True, "is_superuser": True}])
def test_the_a46_role_gets_no_admin_page_whatever_its_flags(client, a46_user, carrier_a, flags):
    User.objects.filter(pk=a46_user.pk).update(**flags)
    client.force_login(a46_user)
    for url in ("/admin/", reverse("admin:kim_user_add"), reverse("admin:kim_user_changelist")):
        response = client.get(url, follow=True)
        assert response.status_code == 403, url
    before = User.objects.count()
    client.post(
        reverse("admin:kim_user_add"),
        {"username": "fremd", "password1": "x-lang-genug-1234", "password2": "x-lang-genug-1234"},
    )
    assert User.objects.count() == before


def test_an_operator_does_not_count_as_a46_in_the_app(client, operator):
    assert operator.is_superuser and not operator.is_a46 and operator.role_key == Role.READONLY
    client.force_login(operator)
    assert client.get(reverse("modules:post_create")).status_code == 403


def test_operator_command_grants_revokes_and_lists(a46_user, carrier_a_user):
    from tests import factories as f

    f.UserFactory(username="technik", role=Role.READONLY)
    out = StringIO()
    call_command("operator", "grant", "technik", stdout=out)
    assert "erteilt" in out.getvalue()
    technik = User.objects.get(username="technik")
    assert technik.is_superuser and technik.is_staff
    assert technik.history.first().history_change_reason == "Betreiberrechte erteilt"
    out = StringIO()
    call_command("operator", "list", stdout=out)
    assert out.getvalue().splitlines() == ["technik\taktiv"]
    call_command("operator", "revoke", "technik", stdout=StringIO())
    technik.refresh_from_db()
    assert not technik.is_superuser and not technik.is_staff
    for app_user in (a46_user, carrier_a_user):
        with pytest.raises(CommandError, match="nicht für A 46 oder Trägerpersonal"):
            call_command("operator", "grant", app_user.username, stdout=StringIO())
        app_user.refresh_from_db()
        assert not app_user.is_superuser
    with pytest.raises(CommandError, match="gibt es nicht"):
        call_command("operator", "grant", "niemand", stdout=StringIO())


# ---------------------------------------------------------------- same rules as the app


def test_a_stale_admin_page_does_not_overwrite_an_edit_made_in_the_app(superuser_client, carrier_a, a46_user):
    url = reverse("admin:kim_organisation_change", args=[carrier_a.pk])
    page = superuser_client.get(url).content.decode()
    loaded = carrier_a.version
    assert f'name="version" value="{loaded}"' in page
    # Meanwhile A 46 renames the carrier in the app (with the version its own page showed).
    organisation_save(
        organisation=Organisation.objects.get(pk=carrier_a.pk),
        data={"name": "Caritas neu", "version": loaded},
        user=a46_user,
    )
    form = {
        "kind": carrier_a.kind,
        "name": "Caritas aus dem Admin",
        "short_name": carrier_a.short_name,
        "slug": carrier_a.slug,
        "parent": carrier_a.parent_id or "",
        "address": carrier_a.address,
        "is_active": "on",
        "version": loaded,
    }
    response = superuser_client.post(url, form)
    assert response.status_code == 200
    assert "Ihre Änderungen wurden nicht gespeichert" in response.content.decode()
    assert Organisation.objects.get(pk=carrier_a.pk).name == "Caritas neu"
    # Reloaded with the current version, the same edit goes through the service.
    response = superuser_client.post(url, {**form, "version": loaded + 1})
    assert response.status_code == 302
    saved = Organisation.objects.get(pk=carrier_a.pk)
    assert (saved.name, saved.version) == ("Caritas aus dem Admin", loaded + 2)
    # A form without a version (a hand-made request) is refused the same way.
    response = superuser_client.post(url, {**form, "name": "ohne Version", "version": ""})
    assert "Das Formular ist unvollständig oder veraltet" in response.content.decode()
    assert Organisation.objects.get(pk=carrier_a.pk).name == "Caritas aus dem Admin"


def test_inline_rows_carry_their_version(superuser_client, carrier_a):
    from tests import factories as f

    occupancy = f.OccupancyFactory(post=f.PostFactory(employer=carrier_a))
    occupancy.save()  # version 2, so it cannot be confused with the post's 1
    page = superuser_client.get(reverse("admin:modules_post_change", args=[occupancy.post_id])).content.decode()
    assert f'name="version" value="{occupancy.post.version}"' in page
    assert f'-version" value="{occupancy.version}"' in page
