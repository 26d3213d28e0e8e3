"""Committees as master data: create, edit (kind, members), deactivate, history; a deactivated committee
is offered for no new meeting but keeps its meetings, its page and its history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee.forms import MeetingForm
from committee.models import Committee, CommitteeKind, Meeting

pytestmark = pytest.mark.django_db


def committee_data(body, **extra) -> dict:
    data = {
        "name": "Integrationsrat",
        "short_name": "IR",
        "slug": "integrationsrat",
        "kind": CommitteeKind.INTEGRATION_COUNCIL,
        "body": body.pk,
        "members": "21",
        "order": "5",
        "is_active": "on",
    }
    data.update(extra)
    return data


@pytest.mark.parametrize("username", ["a46_user", "committee_user"])
def test_committee_staff_and_a46_create_a_committee_with_kind_and_members(client, request, county, username):
    user = request.getfixturevalue(username)
    client.force_login(user)
    form = client.get(reverse("committee:committee_create")).context["form"]
    response = client.post(
        reverse("committee:committee_create"),
        committee_data(county, submission_token=form.initial.get("submission_token", "")),
    )
    assert response.status_code == 302
    committee = Committee.objects.get(slug="integrationsrat")
    assert (committee.kind, committee.members, committee.is_active) == (CommitteeKind.INTEGRATION_COUNCIL, 21, True)
    assert response["Location"] == reverse("committee:committee_detail", args=[committee.pk])
    assert committee.history.first().history_user == user


def test_members_count_is_edited_and_recorded_in_the_history(client, a46_user, county, social_committee):
    client.force_login(a46_user)
    url = reverse("committee:committee_edit", args=[social_committee.pk])
    data = committee_data(
        county,
        name=social_committee.name,
        slug=social_committee.slug,
        kind=CommitteeKind.COMMITTEE,
        members="17",
        version=social_committee.version,
    )
    assert client.post(url, data).status_code == 302
    social_committee.refresh_from_db()
    assert social_committee.members == 17
    page = client.get(reverse("committee:committee_detail", args=[social_committee.pk])).content.decode()
    assert "17" in page
    newest = social_committee.history.order_by("-history_date").first()
    assert newest.members == 17 and newest.history_user == a46_user


def test_an_outdated_edit_page_saves_nothing(client, a46_user, county, social_committee):
    client.force_login(a46_user)
    url = reverse("committee:committee_edit", args=[social_committee.pk])
    stale = social_committee.version
    base = dict(name=social_committee.name, slug=social_committee.slug, version=stale)
    assert client.post(url, committee_data(county, members="11", **base)).status_code == 302
    response = client.post(url, committee_data(county, members="99", **base))
    assert response.status_code == 200
    social_committee.refresh_from_db()
    assert social_committee.members == 11


@pytest.mark.parametrize("members", ["0", "-3", "1000", "abc", "1e309", "<script>alert(1)</script>"])
def test_an_implausible_members_count_is_a_german_message_at_the_field(client, a46_user, county, members):
    client.force_login(a46_user)
    response = client.post(reverse("committee:committee_create"), committee_data(county, members=members))
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert not Committee.objects.filter(slug="integrationsrat").exists()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_hostile_values_in_every_field_never_give_a_500(client, a46_user, county):
    client.force_login(a46_user)
    url = reverse("committee:committee_create")
    fields = client.get(url).context["form"].fields
    for value in ["", "-1", "9" * 40, "<script>alert(1)</script>", "' OR 1=1 --", "２０２１", "\x00"]:
        response = client.post(url, {name: value for name in fields})
        assert response.status_code == 200, value
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert Committee.objects.count() == 0


def test_a_deactivated_committee_is_offered_for_no_new_meeting_but_keeps_its_meetings(
    client, a46_user, county, social_committee, main_committee, meeting_0617
):
    committee = social_committee
    client.force_login(a46_user)
    data = committee_data(county, name=committee.name, slug=committee.slug, version=committee.version)
    data.pop("is_active")
    assert client.post(reverse("committee:committee_edit", args=[committee.pk]), data).status_code == 302
    committee.refresh_from_db()
    assert committee.is_active is False
    # not in the dropdown of a new meeting …
    assert list(MeetingForm().fields["committee"].queryset) == [main_committee]
    # … but an existing meeting of it stays editable with its committee
    assert committee in MeetingForm(instance=meeting_0617).fields["committee"].queryset
    # its page, its meetings and its row in the list remain
    detail = client.get(reverse("committee:committee_detail", args=[committee.pk]))
    assert detail.status_code == 200
    assert "Inaktiv" in detail.content.decode()
    assert detail.context["object"].meeting_count == 1
    assert Meeting.objects.filter(committee=committee).count() == 1
    listing = client.get(reverse("committee:committee_list")).content.decode()
    assert committee.name in listing


@pytest.mark.parametrize("username", ["readonly_user", "carrier_a_user"])
def test_readonly_and_carriers_cannot_keep_committees(client, request, county, social_committee, username):
    client.force_login(request.getfixturevalue(username))
    assert client.post(reverse("committee:committee_create"), committee_data(county)).status_code == 403
    assert client.get(reverse("committee:committee_edit", args=[social_committee.pk])).status_code == 403
    assert not Committee.objects.filter(slug="integrationsrat").exists()


def test_the_history_is_shown_to_a46_and_the_audit(client, a46_user, readonly_user, committee_user, social_committee):
    url = reverse("committee:committee_detail", args=[social_committee.pk])
    for user in (a46_user, readonly_user):
        client.force_login(user)
        assert "history" in client.get(url).context
    client.force_login(committee_user)
    assert "history" not in client.get(url).context


def test_anonymous_is_sent_to_the_login(client, social_committee):
    response = client.get(reverse("committee:committee_detail", args=[social_committee.pk]))
    assert response.status_code == 302 and "/anmelden/" in response["Location"]
