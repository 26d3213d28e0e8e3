"""Consultation results (issue 16): "empfohlen"/"nicht empfohlen" for preliminary consultations, the
tally checked against the result and the committee's size."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from committee import services
from committee.models import ConsultationResult

pytestmark = pytest.mark.django_db
TODAY = date(2020, 7, 1)


def consultations(paper):
    first, second = paper.consultations.order_by("order")
    return first, second  # Vorberatung 17.06.2020, Entscheidung 19.06.2020


def record(consultation, **data):
    return services.consultation_record_result(consultation=consultation, data=data, today=TODAY)


def test_a_preliminary_consultation_can_recommend_the_decision_cannot(released_paper):
    preliminary, decision = consultations(released_paper)
    saved = record(preliminary, result=ConsultationResult.RECOMMENDED, votes_yes=12, votes_no=1)
    assert saved.get_result_display() == "empfohlen"
    with pytest.raises(ValidationError) as exc:
        record(decision, result=ConsultationResult.RECOMMENDED)
    assert exc.value.message_dict["result"] == [
        "„empfohlen“ ist das Ergebnis einer Vorberatung oder Empfehlung, nicht einer Entscheidung."
    ]


def test_the_tally_must_fit_the_result(released_paper):
    _preliminary, decision = consultations(released_paper)
    with pytest.raises(ValidationError) as exc:
        record(decision, result=ConsultationResult.UNCHANGED, votes_yes=5, votes_no=9)
    assert exc.value.message_dict["votes_yes"] == [
        "Mit 5 Ja- und 9 Nein-Stimmen ist der Antrag nicht angenommen; Ergebnis „ungeändert beschlossen“ passt nicht."
    ]
    with pytest.raises(ValidationError):
        record(decision, result=ConsultationResult.REJECTED, votes_yes=9, votes_no=5)
    assert record(decision, result=ConsultationResult.REJECTED, votes_yes=5, votes_no=9).result == "abgelehnt"


def test_the_votes_cannot_exceed_the_committees_members(released_paper, meeting_0619):
    committee = meeting_0619.committee
    committee.members = 17
    committee.save()
    _preliminary, decision = consultations(released_paper)
    # 12 + 3 + 2 + 1 = 18 votes cast (incl. "befangen") for 17 voting members
    with pytest.raises(ValidationError) as exc:
        record(
            decision, result=ConsultationResult.UNCHANGED, votes_yes=12, votes_no=3, votes_abstention=2, votes_biased=1
        )
    assert exc.value.message_dict["votes_yes"] == [
        "18 Stimmen (Ja, Nein, Enthaltung, befangen) sind mehr, als Städteregionsausschuss stimmberechtigte "
        "Mitglieder hat (17)."
    ]
    record(decision, result=ConsultationResult.UNCHANGED, votes_yes=12, votes_no=3, votes_abstention=1, votes_biased=1)
    released_paper.refresh_from_db()
    assert released_paper.status == "decided"  # 17 votes for 17 members: recorded
