"""No lost updates on papers: the head, its sections and decision items, meetings, and the release
button refuse a stale page with a German message; nothing of the stale page is written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from committee.models import PaperStatus
from tests import factories as f
from tests.form_values import stale_edit, top_errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def anna(client, a46_user):
    client.force_login(a46_user)
    return client


@pytest.fixture
def bernd(db):
    other = Client()
    other.force_login(f.A46UserFactory(username="a46-berger", first_name="Bernd", last_name="Berger"))
    return other


def test_a_stale_paper_head_is_refused(anna, bernd, draft_paper):
    url = reverse("committee:paper_edit", args=[draft_paper.pk])
    response = stale_edit(url, anna, bernd, first_changes={"signatory": "Anna"}, second_changes={"title": "KIM 2021"})
    assert response.status_code == 200
    errors = top_errors(response)
    assert errors[0].startswith("Dieser Datensatz wurde inzwischen von Bernd Berger am ")
    assert "Betreff: Kommunales Integrationsmanagement → KIM 2021" in errors
    draft_paper.refresh_from_db()
    assert (draft_paper.title, draft_paper.signatory) == ("KIM 2021", "Dr. Ziemons")


def test_a_stale_section_is_refused(anna, bernd, draft_paper):
    section = draft_paper.sections.get()
    url = reverse("committee:section_edit", args=[draft_paper.pk, section.pk])
    response = stale_edit(url, anna, bernd, first_changes={"heading": "Anna"}, second_changes={"heading": "Bernd"})
    assert response.status_code == 200
    assert any(e.endswith("Sachlage → Bernd") for e in top_errors(response))
    section.refresh_from_db()
    assert section.heading == "Bernd"


def test_a_stale_decision_item_is_refused(anna, bernd, draft_paper):
    item = draft_paper.decision_items.get()
    url = reverse("committee:decision_edit", args=[draft_paper.pk, item.pk])
    response = stale_edit(url, anna, bernd, first_changes={"text": "Anna"}, second_changes={"text": "Bernd"})
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.text == "Bernd"


def test_a_stale_meeting_is_refused(client, committee_user, bernd, meeting_0619):
    client.force_login(committee_user)
    url = reverse("committee:meeting_edit", args=[meeting_0619.pk])
    response = stale_edit(url, client, bernd, first_changes={"place": "Raum A"}, second_changes={"place": "Raum B"})
    assert response.status_code == 200
    meeting_0619.refresh_from_db()
    assert meeting_0619.place == "Raum B"


def test_releasing_from_a_page_older_than_the_last_edit_is_refused(anna, bernd, draft_paper):
    """Anna opens the paper; Bernd changes the title; Anna's release button must not freeze a
    paper she has not seen."""
    draft_paper.refresh_from_db()  # its sections and decision items made it newer than version 1
    loaded = draft_paper.version
    page = anna.get(draft_paper.get_absolute_url()).content.decode()
    assert f'name="version" value="{loaded}"' in page
    edit = reverse("committee:paper_edit", args=[draft_paper.pk])
    from tests.form_values import browser_values

    values = browser_values(bernd.get(edit).context["form"])
    assert bernd.post(edit, {**values, "title": "KIM 2021"}).status_code == 302
    response = anna.post(
        reverse("committee:paper_release", args=[draft_paper.pk]), {"version": str(loaded)}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0].startswith("Dieser Datensatz wurde inzwischen von Bernd Berger am ")
    assert "Betreff: Kommunales Integrationsmanagement → KIM 2021" in shown
    draft_paper.refresh_from_db()
    assert draft_paper.status == PaperStatus.DRAFT
    response = anna.post(
        reverse("committee:paper_release", args=[draft_paper.pk]), {"version": str(draft_paper.version)}
    )
    draft_paper.refresh_from_db()
    assert draft_paper.status == PaperStatus.RELEASED


@pytest.mark.parametrize("version", ["abc", "0", "9" * 40, "１"])
def test_a_garbled_version_on_the_release_button_is_a_german_message(anna, draft_paper, version):
    response = anna.post(reverse("committee:paper_release", args=[draft_paper.pk]), {"version": version}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Die Seite ist veraltet oder unvollständig. Bitte die Seite neu laden und es erneut versuchen."
    ]
    draft_paper.refresh_from_db()
    assert draft_paper.status == PaperStatus.DRAFT


def test_releasing_from_a_page_older_than_a_section_edit_is_refused(anna, bernd, draft_paper):
    """Bernd changes only a section (not the head); Anna's page still shows the old text, so her release
    is refused as well – the paper is newer than the page she saw."""
    draft_paper.refresh_from_db()
    page = anna.get(draft_paper.get_absolute_url()).content.decode()
    loaded = draft_paper.version
    assert f'name="version" value="{loaded}"' in page
    section = draft_paper.sections.get()
    edit = reverse("committee:section_edit", args=[draft_paper.pk, section.pk])
    from tests.form_values import browser_values

    values = browser_values(bernd.get(edit).context["form"])
    assert bernd.post(edit, {**values, "body": "Neuer Text von Bernd."}).status_code == 302
    response = anna.post(
        reverse("committee:paper_release", args=[draft_paper.pk]), {"version": str(loaded)}, follow=True
    )
    shown = [str(m) for m in response.context["messages"]]
    assert shown[0].startswith("Dieser Datensatz wurde inzwischen von Bernd Berger am ")
    draft_paper.refresh_from_db()
    assert draft_paper.status == PaperStatus.DRAFT
    assert draft_paper.version == loaded + 1


def test_adding_a_decision_item_makes_the_paper_newer(anna, draft_paper):
    draft_paper.refresh_from_db()
    loaded = draft_paper.version
    url = reverse("committee:decision_create", args=[draft_paper.pk])
    from tests.form_values import browser_values

    values = browser_values(anna.get(url).context["form"])
    assert anna.post(url, {**values, "order": "9", "text": "Zusätzlicher Beschlusspunkt."}).status_code == 302
    draft_paper.refresh_from_db()
    assert draft_paper.version == loaded + 1


NO_VERSION = "Die Seite ist veraltet oder unvollständig. Bitte die Seite neu laden und es erneut versuchen."


@pytest.mark.parametrize(
    ("name", "fixture", "after"),
    [
        ("paper_release", "draft_paper", (PaperStatus.RELEASED, False)),
        ("paper_withdraw", "draft_paper", (PaperStatus.DRAFT, True)),
        ("paper_withdraw", "released_paper", (PaperStatus.RELEASED, True)),
    ],
)
def test_a_paper_button_without_a_version_is_refused_like_a_stale_one(request, anna, name, fixture, after):
    """Issue 14, item 8: no version is no proof the page was current; the control with it goes through."""
    paper = request.getfixturevalue(fixture)
    paper.refresh_from_db()
    before = (paper.status, paper.deleted, paper.version, paper.history.count())
    url = reverse(f"committee:{name}", args=[paper.pk])
    response = anna.post(url, {}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [NO_VERSION]
    paper.refresh_from_db()
    assert (paper.status, paper.deleted, paper.version, paper.history.count()) == before

    assert anna.post(url, {"version": str(paper.version)}).status_code == 302
    paper.refresh_from_db()
    assert (paper.status, paper.deleted) == after
