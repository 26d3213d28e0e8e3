"""Regressions of the security probe's 500s on committee input (issue 14, hole 7) and the date range."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committee import services
from committee.forms import MeetingForm, PaperForm
from committee.models import Meeting
from tests.committee.conftest import minimal_pdf

pytestmark = pytest.mark.django_db


def test_a_related_paper_id_beyond_any_stored_id_is_a_field_error(draft_paper, a46_department):
    # SQLite raised OverflowError for 99999999999999999999 (more than 64 bits).
    form = PaperForm(
        data={
            "title": "Neue Vorlage",
            "paper_type": draft_paper.paper_type,
            "lead_department": a46_department.pk,
            "date": "19.06.2020",
            "related": ["99999999999999999999"],
            "signature_mode": draft_paper.signature_mode,
        }
    )
    assert not form.is_valid()
    assert form.errors["related"] == [
        "Bitte eine gültige Auswahl treffen. 99999999999999999999 ist keine gültige Auswahl."
    ]


def test_the_paper_form_page_answers_a_huge_related_id_with_the_form(client, a46_user, draft_paper, a46_department):
    client.force_login(a46_user)
    response = client.post(
        reverse("committee:paper_create"),
        {"title": "X", "lead_department": a46_department.pk, "date": "19.06.2020", "related": "99999999999999999999"},
    )
    assert response.status_code == 200
    assert "ist keine gültige Auswahl" in response.content.decode()


@pytest.mark.parametrize("entered", ["31.12.9999", "9999-12-31", "01.01.1999", "01.01.2101"])
def test_a_meeting_outside_2000_to_2100_is_refused_at_the_date_field(main_committee, entered):
    form = MeetingForm(data={"committee": main_committee.pk, "date": entered, "place": "Kreishaus"})
    assert not form.is_valid()
    assert form.errors["date"] == ["Bitte ein Datum zwischen 2000 und 2100 eingeben."]


def test_the_meeting_service_refuses_the_same_dates_whatever_door_is_used(main_committee):
    with pytest.raises(ValidationError) as caught:
        services.meeting_save(data={"committee": main_committee, "date": date(9999, 12, 31), "place": "Kreishaus"})
    assert caught.value.message_dict["date"] == ["Bitte ein Datum zwischen 2000 und 2100 eingeben."]
    assert not Meeting.objects.filter(date=date(9999, 12, 31)).exists()
    saved = services.meeting_save(data={"committee": main_committee, "date": date(2100, 12, 31), "place": "Kreishaus"})
    assert saved.date == date(2100, 12, 31)


def test_an_attachment_named_with_long_four_byte_characters_is_stored_under_a_short_name(draft_paper):
    # 200 × "𠀀" is 800 bytes: the file system allows 255 ("File name too long", a 500).
    upload = SimpleUploadedFile("𠀀" * 200 + ".pdf", minimal_pdf(), content_type="application/pdf")
    attachment = services.attachment_save(paper=draft_paper, data={"file": upload, "order": 1, "title": "Anlage"})
    stored = attachment.file.name.rsplit("/", 1)[-1]
    assert stored.endswith(".pdf") and stored.startswith("𠀀")
    assert len(stored.encode()) <= 150
    assert attachment.file.storage.exists(attachment.file.name)
