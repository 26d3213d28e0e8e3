"""The committee staff's due list on the dashboard (issue 16): past meetings without results and
released papers on no agenda, each linking to the page that resolves it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee import services
from committee.models import Consultation, ConsultationResult

pytestmark = pytest.mark.django_db


def test_committee_staff_see_meetings_without_results_and_unscheduled_papers(
    client, committee_user, released_paper, meeting_0617, meeting_0619
):
    client.force_login(committee_user)
    todo = client.get(reverse("dashboard")).context["todo"]
    # both 2020 meetings lie in the past and each has one consultation of paper 2020/0354 without result
    assert [(m.pk, m.open_items) for m in todo["meetings_without_results"]] == [
        (meeting_0617.pk, 1),
        (meeting_0619.pk, 1),
    ]
    assert [p.pk for p in todo["papers_unscheduled"]] == [released_paper.pk]
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("committee:meeting_detail", args=[meeting_0617.pk]) in html
    assert "Vorlage 2020/0354 ist freigegeben, aber auf keiner Tagesordnung" in html

    Consultation.objects.filter(meeting=meeting_0617).update(result=ConsultationResult.NOTED)
    services.agenda_item_save(
        meeting=meeting_0619, data={"order": 1, "number": "5", "title": "KIM", "public": True, "paper": released_paper}
    )
    todo = client.get(reverse("dashboard")).context["todo"]
    assert [m.pk for m in todo["meetings_without_results"]] == [meeting_0619.pk]
    assert todo["papers_unscheduled"] == []


def test_a46_sees_no_committee_due_list_and_committee_staff_no_review_queue(client, a46_user, committee_user):
    client.force_login(committee_user)
    assert "review_count" not in client.get(reverse("dashboard")).context["todo"]
    client.force_login(a46_user)
    assert "meetings_without_results" not in client.get(reverse("dashboard")).context["todo"]
