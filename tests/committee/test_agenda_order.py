"""Committee staff reorder (up/down, swapping TOP numbers) and remove agenda items on the meeting page,
as long as no result of the meeting is recorded; the members' bundle next to the public one (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee import services
from committee.models import AgendaItem
from committee.pdf import meeting_bundle_pdf
from tests.committee.conftest import make_paper
from tests.committee.test_export import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def agenda(released_paper, meeting_0619, a46_department):
    """Meeting of 19 June 2020: TOP 1 the released paper, TOP 2 a second released paper decided there
    too, TOP 3 a non-public item without a paper."""
    second = make_paper(department=a46_department, number="2020/0400", title="Zweite Vorlage")
    services.consultation_save(paper=second, data={"order": 1, "meeting": meeting_0619, "role": "entscheidung"})
    services.paper_release(paper=second)
    items = [
        services.agenda_item_save(
            meeting=meeting_0619,
            data={"order": 1, "number": "1", "title": "KIM", "public": True, "paper": released_paper},
        ),
        services.agenda_item_save(
            meeting=meeting_0619, data={"order": 2, "number": "2", "title": "Zweite", "public": True, "paper": second}
        ),
        services.agenda_item_save(
            meeting=meeting_0619,
            data={"order": 3, "number": "3", "title": "Personalangelegenheit Geheim", "public": False, "paper": None},
        ),
    ]
    meeting_0619.refresh_from_db()
    return meeting_0619, items, released_paper.consultations.get(meeting=meeting_0619)


def agenda_rows(meeting) -> list[tuple[str, str]]:
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order").values_list("title", "number"))


# ---------------------------------------------------------------- move and remove


def test_an_agenda_item_moves_down_and_swaps_its_top_number(client, committee_user, agenda):
    meeting, (item1, _, _), _ = agenda
    client.force_login(committee_user)
    response = client.post(reverse("committee:agenda_down", args=[meeting.pk, item1.pk]), {"version": meeting.version})
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert agenda_rows(meeting) == [("Zweite", "1"), ("KIM", "2"), ("Personalangelegenheit Geheim", "3")]
    newest = item1.history.order_by("-history_date", "-history_id").first()
    assert (newest.number, newest.history_user) == ("2", committee_user)  # the move is recorded, with who


def test_an_agenda_item_moves_up(client, a46_user, agenda):
    meeting, (_, _, item3), _ = agenda
    client.force_login(a46_user)
    client.post(reverse("committee:agenda_up", args=[meeting.pk, item3.pk]), {"version": meeting.version})
    assert agenda_rows(meeting) == [("KIM", "1"), ("Personalangelegenheit Geheim", "2"), ("Zweite", "3")]


def test_an_agenda_item_is_removed_with_a_history_record(client, committee_user, agenda):
    meeting, (_, _, item3), _ = agenda
    client.force_login(committee_user)
    response = client.post(
        reverse("committee:agenda_remove", args=[meeting.pk, item3.pk]), {"version": meeting.version}
    )
    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=item3.pk).exists()
    deleted = AgendaItem.history.filter(id=item3.pk, history_type="-").get()
    assert deleted.history_user == committee_user


def test_the_meeting_page_offers_the_buttons_with_the_meetings_version(client, committee_user, readonly_user, agenda):
    meeting, (item1, _, item3), _ = agenda
    client.force_login(committee_user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("committee:agenda_down", args=[meeting.pk, item1.pk]) in page
    assert reverse("committee:agenda_up", args=[meeting.pk, item1.pk]) not in page  # the first cannot go up
    assert reverse("committee:agenda_down", args=[meeting.pk, item3.pk]) not in page  # nor the last down
    assert reverse("committee:agenda_remove", args=[meeting.pk, item3.pk]) in page
    assert f'name="version" value="{meeting.version}"' in page
    client.force_login(readonly_user)
    assert (
        reverse("committee:agenda_remove", args=[meeting.pk, item3.pk])
        not in client.get(meeting.get_absolute_url()).content.decode()
    )


def test_the_agenda_stays_once_results_are_recorded(client, committee_user, agenda):
    meeting, (item1, _, _), first = agenda
    services.consultation_record_result(consultation=first, data={"result": "ungeaendert"})
    meeting.refresh_from_db()
    client.force_login(committee_user)
    for name in ("agenda_remove", "agenda_down"):
        response = client.post(
            reverse(f"committee:{name}", args=[meeting.pk, item1.pk]), {"version": meeting.version}, follow=True
        )
        assert "bereits Ergebnisse erfasst" in response.content.decode()
    assert agenda_rows(meeting)[0] == ("KIM", "1")
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("committee:agenda_remove", args=[meeting.pk, item1.pk]) not in page


def test_a_stale_or_missing_version_moves_nothing(client, committee_user, agenda):
    meeting, (_, item2, _), _ = agenda
    client.force_login(committee_user)
    before = agenda_rows(meeting)
    for data in ({}, {"version": "abc"}, {"version": meeting.version + 5}, {"version": meeting.version - 1}):
        for name in ("agenda_up", "agenda_down", "agenda_remove"):
            response = client.post(reverse(f"committee:{name}", args=[meeting.pk, item2.pk]), data, follow=True)
            assert response.status_code == 200 and response.redirect_chain[0][1] == 302
    assert agenda_rows(meeting) == before


def test_a_move_changes_the_meetings_version_so_a_second_click_from_the_old_page_is_refused(
    client, committee_user, agenda
):
    meeting, (item1, _, _), _ = agenda
    client.force_login(committee_user)
    old = {"version": meeting.version}
    client.post(reverse("committee:agenda_down", args=[meeting.pk, item1.pk]), old)
    response = client.post(reverse("committee:agenda_down", args=[meeting.pk, item1.pk]), old, follow=True)
    assert "wurde inzwischen von" in response.content.decode()
    assert agenda_rows(meeting) == [("Zweite", "1"), ("KIM", "2"), ("Personalangelegenheit Geheim", "3")]


def test_the_edge_of_the_agenda_is_a_message(client, committee_user, agenda):
    meeting, (item1, _, _), _ = agenda
    client.force_login(committee_user)
    response = client.post(
        reverse("committee:agenda_up", args=[meeting.pk, item1.pk]), {"version": meeting.version}, follow=True
    )
    assert "bereits am Rand" in response.content.decode()
    assert AgendaItem.objects.get(pk=item1.pk).order == 1


def test_an_item_of_another_meeting_is_404(client, committee_user, agenda, meeting_0617):
    meeting, (item1, _, _), _ = agenda
    client.force_login(committee_user)
    response = client.post(
        reverse("committee:agenda_remove", args=[meeting_0617.pk, item1.pk]), {"version": meeting_0617.version}
    )
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item1.pk).exists()


def test_read_only_and_carrier_staff_cannot_change_the_agenda(client, readonly_user, carrier_a_user, agenda):
    meeting, (item1, _, _), _ = agenda
    for user in (readonly_user, carrier_a_user):
        client.force_login(user)
        response = client.post(
            reverse("committee:agenda_remove", args=[meeting.pk, item1.pk]), {"version": meeting.version}
        )
        assert response.status_code == 403
    assert AgendaItem.objects.filter(pk=item1.pk).exists()


# ---------------------------------------------------------------- the members' bundle


def test_the_members_bundle_has_the_non_public_part_and_the_public_one_does_not(agenda):
    meeting = agenda[0]
    public = pdf_text(meeting_bundle_pdf(meeting))
    members = pdf_text(meeting_bundle_pdf(meeting, public=False))
    assert "Personalangelegenheit Geheim" not in public and "nichtöffentlicher Teil" not in public
    assert "Personalangelegenheit Geheim" in members and "nichtöffentlicher Teil" in members
    assert "KIM" in public and "KIM" in members  # both carry the public part


def test_the_members_bundle_is_offered_to_entitled_roles(client, committee_user, readonly_user, a46_user, agenda):
    meeting = agenda[0]
    url = reverse("committee:meeting_bundle_non_public", args=[meeting.pk])
    for user in (committee_user, readonly_user, a46_user):
        client.force_login(user)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert url in page and reverse("committee:meeting_bundle", args=[meeting.pk]) in page
        response = client.get(url)
        assert response.status_code == 200
        assert "nichtoeffentlich.pdf" in response["Content-Disposition"]
    public = client.get(reverse("committee:meeting_bundle", args=[meeting.pk]))
    assert "nichtoeffentlich" not in public["Content-Disposition"]  # the public bundle stays the default


def test_carrier_staff_and_anonymous_get_no_members_bundle(client, carrier_a_user, agenda):
    meeting = agenda[0]
    url = reverse("committee:meeting_bundle_non_public", args=[meeting.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(carrier_a_user)
    assert client.get(url).status_code == 403
