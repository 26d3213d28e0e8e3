"""Paper rules: numbers, release and freezing, consultation results, attachments. Bad input changes nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from committee import services
from committee.models import Attachment, Paper, PaperStatus
from tests.committee.conftest import make_paper, minimal_pdf

pytestmark = pytest.mark.django_db
D = Decimal


def test_an_empty_number_gets_the_next_free_number_of_the_papers_year(paper_money, a46_department):
    make_paper(department=a46_department, number="2020/0354")
    make_paper(department=a46_department, number="2019/0999", paper_date=date(2019, 12, 1))
    paper = make_paper(department=a46_department, number="")
    # highest 2020 number is 0354 → 0355; 2019 numbers do not count
    assert paper.number == "2020/0355"
    assert make_paper(department=a46_department, number="", paper_date=date(2021, 1, 5)).number == "2021/0001"


def test_a_duplicate_number_is_refused_at_the_field_and_nothing_is_saved(draft_paper, a46_department):
    before = Paper.objects.count()
    with pytest.raises(ValidationError) as exc:
        make_paper(department=a46_department, number="2020/0354", title="Doppelt")
    assert exc.value.message_dict["number"] == ["Diese Vorlagennummer ist bereits vergeben."]
    assert Paper.objects.count() == before
    assert not Paper.objects.filter(title="Doppelt").exists()


@pytest.mark.parametrize(
    "number", ["2020/354", "20/0354", "2020-0354", "2020/0000", "abcd/efgh", "2020/03541", "１２３４/0001"]
)
def test_a_malformed_number_is_refused_with_the_expected_form(number, paper_money, a46_department):
    with pytest.raises(ValidationError) as exc:
        make_paper(department=a46_department, number=number)
    assert exc.value.message_dict["number"] == ["Die Vorlagennummer muss die Form JJJJ/NNNN haben, z. B. 2020/0354."]
    assert Paper.objects.count() == 0


def test_release_freezes_the_figures_and_tables_as_they_are_today(released_paper):
    snapshot = released_paper.snapshot
    assert released_paper.status == PaperStatus.RELEASED
    # 5 carrier posts × min(64.000, 55.000) = 275.000
    assert snapshot["figures"]["forwarded_total@2021"] == {"value": "275000.00", "text": "275.000,00\u00a0€"}
    # 64.000 − 55.000 = 9.000 per post; × 5 = 45.000
    assert snapshot["figures"]["gap_per_post@2021"]["text"] == "9.000,00\u00a0€"
    assert snapshot["figures"]["gap_total@2021"]["text"] == "45.000,00\u00a0€"
    assert snapshot["figures"]["recommended_amount@2021"]["text"] == "45.000,00\u00a0€"  # min(45.000, 100.000)
    # 3 × 62.000 + 0,5 × 45.000 + 62.000 (coordination) + 62.000 (module 3) = 332.500
    assert snapshot["figures"]["personnel_needs@2021"]["text"] == "332.500,00\u00a0€"
    assert snapshot["tables"]["own_share_gaps@2021"]["footer"][4] == "45.000,00\u00a0€"


def test_a_released_paper_can_no_longer_be_edited(released_paper):
    with pytest.raises(ValidationError) as exc:
        services.section_save(paper=released_paper, section=released_paper.sections.get(), data={"body": "geändert"})
    assert "freigegeben" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        services.paper_save(
            paper=released_paper, data={"number": "2020/0999", "title": "neu", "date": date(2020, 6, 3)}
        )
    released_paper.refresh_from_db()
    assert released_paper.number == "2020/0354"
    assert released_paper.sections.get().body.startswith("Pauschale")


def test_release_is_refused_while_a_figure_is_unknown(paper_money, a46_department):
    paper = make_paper(department=a46_department, number="2020/0400", body="Betrag {{ gibt_es_nicht }}.")
    with pytest.raises(ValidationError) as exc:
        services.paper_release(paper=paper)
    assert exc.value.messages == ["Freigabe nicht möglich: Sachlage – Unbekannte Kennzahl „gibt_es_nicht“."]
    paper.refresh_from_db()
    assert paper.status == PaperStatus.DRAFT and paper.snapshot is None


def test_a_result_for_a_meeting_in_the_future_is_refused_and_nothing_changes(released_paper, future_meeting):
    consultation = services.consultation_save(
        paper=released_paper, data={"order": 3, "meeting": future_meeting, "role": "entscheidung"}
    )
    with pytest.raises(ValidationError) as exc:
        services.consultation_record_result(consultation=consultation, data={"result": "ungeaendert", "votes_yes": 12})
    assert exc.value.message_dict["result"] == [
        "Die Sitzung am 19.06.2099 liegt in der Zukunft; ein Ergebnis kann erst danach erfasst werden."
    ]
    consultation.refresh_from_db()
    released_paper.refresh_from_db()
    assert (consultation.result, consultation.votes_yes, released_paper.status) == ("", None, PaperStatus.RELEASED)


def test_a_result_on_a_draft_is_refused(draft_paper, meeting_0619):
    consultation = services.consultation_save(
        paper=draft_paper, data={"order": 1, "meeting": meeting_0619, "role": "entscheidung"}
    )
    with pytest.raises(ValidationError) as exc:
        services.consultation_record_result(consultation=consultation, data={"result": "ungeaendert"})
    assert "noch nicht freigegeben" in exc.value.messages[0]


def test_the_preliminary_consultation_leaves_the_paper_released(released_paper):
    first = released_paper.consultations.get(order=1)
    services.consultation_record_result(consultation=first, data={"result": "kenntnis"})
    released_paper.refresh_from_db()
    assert released_paper.status == PaperStatus.RELEASED


def test_the_decisive_consultation_moves_the_paper_to_decided_with_its_votes(released_paper):
    decisive = released_paper.consultations.get(order=2)
    services.consultation_record_result(
        consultation=decisive,
        data={"result": "ungeaendert", "votes_yes": 14, "votes_no": 2, "votes_abstention": 1, "votes_biased": 0},
    )
    released_paper.refresh_from_db()
    decisive.refresh_from_db()
    assert released_paper.status == PaperStatus.DECIDED
    assert (
        decisive.get_result_display(),
        decisive.votes_yes,
        decisive.votes_no,
        decisive.votes_abstention,
        decisive.votes_biased,
    ) == ("ungeändert beschlossen", 14, 2, 1, 0)


def test_a_postponed_decision_does_not_decide_the_paper(released_paper):
    services.consultation_record_result(
        consultation=released_paper.consultations.get(order=2), data={"result": "vertagt"}
    )
    released_paper.refresh_from_db()
    assert released_paper.status == PaperStatus.RELEASED


def test_the_same_meeting_cannot_appear_twice_in_the_sequence(released_paper, meeting_0619):
    with pytest.raises(ValidationError) as exc:
        services.consultation_save(
            paper=released_paper, data={"order": 5, "meeting": meeting_0619, "role": "kenntnisnahme"}
        )
    assert "Die Vorlage steht in dieser Sitzung bereits in der Beratungsfolge." in exc.value.messages
    assert released_paper.consultations.count() == 2


def test_a_real_pdf_is_accepted_as_attachment_and_stored_privately(draft_paper, settings):
    upload = SimpleUploadedFile("antrag.pdf", minimal_pdf(), content_type="application/pdf")
    attachment = services.attachment_save(
        paper=draft_paper, data={"order": 1, "title": "Antrag vom 25.05.2020", "file": upload}
    )
    assert attachment.size == len(minimal_pdf())
    assert str(settings.MEDIA_ROOT) in attachment.file.path
    assert "static" not in attachment.file.path


def test_an_upload_that_is_not_a_pdf_is_refused_and_nothing_is_saved(draft_paper):
    fake = SimpleUploadedFile("antrag.pdf", b"MZ\x90\x00 kein PDF", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.attachment_save(paper=draft_paper, data={"order": 1, "title": "Antrag", "file": fake})
    assert exc.value.message_dict["file"] == ["Die Datei ist kein gültiges Dokument des erlaubten Typs (PDF)."]
    assert Attachment.objects.count() == 0


def test_an_upload_that_is_too_large_is_refused(draft_paper, settings, monkeypatch):
    monkeypatch.setattr("kim.uploads.MAX_UPLOAD_BYTES", 100)
    big = SimpleUploadedFile("gross.pdf", minimal_pdf() + b"%" * 200 + b"\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        services.attachment_save(paper=draft_paper, data={"order": 1, "title": "Groß", "file": big})
    assert exc.value.message_dict["file"][0].startswith("Die Datei ist zu groß")
    assert Attachment.objects.count() == 0


def test_correcting_the_decisive_result_to_postponed_takes_the_paper_back_to_released(released_paper):
    decisive = released_paper.consultations.get(order=2)
    services.consultation_record_result(consultation=decisive, data={"result": "ungeaendert"})
    services.consultation_record_result(consultation=decisive, data={"result": "vertagt"})
    released_paper.refresh_from_db()
    assert released_paper.status == PaperStatus.RELEASED
