"""Committee staff record the results of a whole meeting on one page (issue 16)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee import services
from committee.models import Consultation
from tests.committee.conftest import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_papers(released_paper, meeting_0619, a46_department):
    second = make_paper(department=a46_department, number="2020/0400", title="Zweite Vorlage")
    services.consultation_save(paper=second, data={"order": 1, "meeting": meeting_0619, "role": "entscheidung"})
    services.paper_release(paper=second)
    return released_paper, second


def rows(meeting, paper):
    c = Consultation.objects.get(meeting=meeting, paper=paper)
    return c, f"c{c.pk}"


def test_committee_staff_record_every_result_of_a_meeting_at_once(client, committee_user, two_papers, meeting_0619):
    first, second = two_papers
    client.force_login(committee_user)
    detail = client.get(meeting_0619.get_absolute_url()).content.decode()
    url = reverse("committee:meeting_results", args=[meeting_0619.pk])
    assert url in detail
    page = client.get(url)
    assert len(page.context["rows"]) == 2
    (c1, p1), (c2, p2) = rows(meeting_0619, first), rows(meeting_0619, second)
    data = {
        f"{p1}-version": str(c1.version),
        f"{p2}-version": str(c2.version),
        f"{p1}-result": "ungeaendert",
        f"{p1}-votes_yes": "12",
        f"{p1}-votes_no": "3",
        f"{p2}-result": "vertagt",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == meeting_0619.get_absolute_url()
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert (c1.result, c1.votes_yes, c1.votes_no, c2.result) == ("ungeaendert", 12, 3, "vertagt")
    first.refresh_from_db()
    assert first.status == "decided"


def test_one_implausible_row_saves_nothing_and_says_why(client, committee_user, two_papers, meeting_0619):
    first, second = two_papers
    client.force_login(committee_user)
    url = reverse("committee:meeting_results", args=[meeting_0619.pk])
    (c1, p1), (c2, p2) = rows(meeting_0619, first), rows(meeting_0619, second)
    response = client.post(
        url,
        {
            f"{p1}-version": str(c1.version),
            f"{p2}-version": str(c2.version),
            f"{p1}-result": "vertagt",
            f"{p2}-result": "ungeaendert",
            f"{p2}-votes_yes": "2",
            f"{p2}-votes_no": "9",
        },
    )
    assert response.status_code == 200
    assert "Mit 2 Ja- und 9 Nein-Stimmen ist der Antrag nicht angenommen" in response.content.decode()
    assert set(Consultation.objects.filter(meeting=meeting_0619).values_list("result", flat=True)) == {""}


def test_only_committee_staff_and_a46_record_results(client, readonly_user, carrier_a_user, two_papers, meeting_0619):
    url = reverse("committee:meeting_results", args=[meeting_0619.pk])
    client.force_login(readonly_user)
    assert client.get(url).status_code == 403
    assert url not in client.get(meeting_0619.get_absolute_url()).content.decode()
    client.force_login(carrier_a_user)
    assert client.get(url).status_code == 403


def test_a_page_without_any_result_chosen_saves_nothing_and_asks_for_one(
    client, committee_user, two_papers, meeting_0619
):
    client.force_login(committee_user)
    response = client.post(reverse("committee:meeting_results", args=[meeting_0619.pk]), {})
    assert response.status_code == 200
    assert "Bitte mindestens für eine Beratung ein Ergebnis auswählen." in response.content.decode()


def test_a_stale_row_is_refused_with_the_conflict_message_and_nothing_is_saved(
    client, committee_user, a46_user, two_papers, meeting_0619
):
    """Two people on the results page: the second one's row was loaded before the first one saved."""
    first, second = two_papers
    (c1, p1), (c2, p2) = rows(meeting_0619, first), rows(meeting_0619, second)
    stale = {
        f"{p1}-version": str(c1.version),
        f"{p2}-version": str(c2.version),
        f"{p1}-result": "ungeaendert",
        f"{p2}-result": "vertagt",
    }
    services.consultation_record_result(consultation=c1, data={"result": "vertagt"}, user=a46_user)
    client.force_login(committee_user)
    response = client.post(reverse("committee:meeting_results", args=[meeting_0619.pk]), stale)
    assert response.status_code == 200
    assert "wurde inzwischen von" in response.content.decode()
    c1.refresh_from_db()
    c2.refresh_from_db()
    assert (c1.result, c2.result) == ("vertagt", "")  # the other row was not saved either


def test_a_row_without_its_version_is_refused_not_500(client, committee_user, two_papers, meeting_0619):
    first, _second = two_papers
    c1, p1 = rows(meeting_0619, first)
    client.force_login(committee_user)
    url = reverse("committee:meeting_results", args=[meeting_0619.pk])
    for version in ("", "x", "１"):
        response = client.post(url, {f"{p1}-version": version, f"{p1}-result": "ungeaendert"})
        assert response.status_code == 200
        assert "Das Formular ist unvollständig oder veraltet." in response.content.decode()
    c1.refresh_from_db()
    assert c1.result == ""


def test_the_results_page_carries_each_rows_version(client, committee_user, two_papers, meeting_0619):
    first, _second = two_papers
    c1, p1 = rows(meeting_0619, first)
    client.force_login(committee_user)
    page = client.get(reverse("committee:meeting_results", args=[meeting_0619.pk])).content.decode()
    assert f'name="{p1}-version" value="{c1.version}"' in page
