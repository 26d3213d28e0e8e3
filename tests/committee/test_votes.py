"""Votes in full: a recorded 0 "befangen" is shown in the PDF, OParl carries the tally, and recording a
result advances ``modified`` of the agenda item and the paper (OParl modified_since)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from committee import services
from committee.models import AgendaItem
from committee.oparl import vote_text
from committee.pdf import paper_pdf
from tests.committee.test_export import pdf_text

pytestmark = pytest.mark.django_db
VOTES = {"result": "ungeaendert", "votes_yes": 14, "votes_no": 2, "votes_abstention": 1, "votes_biased": 0}


@pytest.fixture
def item(released_paper, meeting_0619) -> AgendaItem:
    return services.agenda_item_save(
        meeting=meeting_0619, data={"order": 1, "number": "3", "title": "KIM", "paper": released_paper}
    )


def test_recording_a_result_advances_modified_of_the_agenda_item_and_the_paper(released_paper, item):
    before_item, before_paper = item.modified, released_paper.modified
    services.consultation_record_result(consultation=released_paper.consultations.get(order=2), data=VOTES)
    item.refresh_from_db()
    released_paper.refresh_from_db()
    assert item.modified > before_item
    assert released_paper.modified > before_paper


def test_oparl_agenda_item_carries_the_tally_with_a_recorded_zero(client, released_paper, item):
    consultation = released_paper.consultations.get(order=2)
    services.consultation_record_result(consultation=consultation, data=VOTES)
    consultation.refresh_from_db()
    assert vote_text(consultation) == "ungeändert beschlossen: Ja 14 · Nein 2 · Enthaltungen 1 · befangen 0"
    data = client.get(reverse("oparl:agendaitem", args=[item.pk])).json()
    assert data["kim:votes"] == {"yes": 14, "no": 2, "abstention": 1, "biased": 0}
    assert data["resolutionText"].endswith("befangen 0")


def test_the_pdf_shows_befangen_0_when_it_was_recorded(released_paper):
    services.consultation_record_result(consultation=released_paper.consultations.get(order=2), data=VOTES)
    released_paper.refresh_from_db()
    assert "befangen 0" in pdf_text(paper_pdf(released_paper))
