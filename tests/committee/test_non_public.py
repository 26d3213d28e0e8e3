"""Results of non-public sessions stay non-public in every rendering of a paper.

Paper 2020/0354 (public, released) is consulted in the public meetings of 17.06. and 19.06.2020
and, in between, in a non-public meeting of the Städteregionsausschuss on 18.06.2020 with the vote
tally 11 / 3 / 2 (yes / no / abstentions) that no other consultation has. Entitled to non-public
material are the administration's staff roles (A 46, committee staff, audit); carriers and the
public (OParl, its PDF, the meeting bundle of the public part) never see that consultation.
A public agenda item pointing at a draft paper names neither the paper nor its subject in public.
"""

from __future__ import annotations

import io
import shutil
from datetime import date, time

import pytest
from django.core.management import call_command
from django.urls import reverse

from committee import services
from committee.models import AgendaItem, Meeting
from committee.pdf import meeting_bundle_pdf
from tests.committee.conftest import make_paper
from tests.committee.test_export import pdf_text

pytestmark = pytest.mark.django_db
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) fehlt")

SECRET_DATE = "18.06.2020"
SECRET_TALLY_PDF = "Ja 11 · Nein 3 · Enth. 2"  # committee/pdf/paper.html
SECRET_TALLY_PAGE = "11 / 3 / 2"  # committee/paper/detail.html
DRAFT_TITLE = "Neuordnung der Trägerlandschaft im Kreis"


@pytest.fixture
def consulted(released_paper, meeting_0617, meeting_0619, main_committee, a46_department):
    closed = Meeting.objects.create(
        committee=main_committee, date=date(2020, 6, 18), start_time=time(9, 0), place="Aachen", public=False
    )
    secret = services.consultation_save(
        paper=released_paper, data={"order": 3, "meeting": closed, "role": "empfehlung"}
    )
    services.consultation_record_result(
        consultation=secret,
        data={"result": "geaendert", "votes_yes": 11, "votes_no": 3, "votes_abstention": 2},
    )
    public_one = released_paper.consultations.get(meeting=meeting_0617)
    services.consultation_record_result(
        consultation=public_one,
        data={"result": "ungeaendert", "votes_yes": 14, "votes_no": 0, "votes_abstention": 1},
    )
    draft = make_paper(department=a46_department, number="2020/0800", title=DRAFT_TITLE)
    services.agenda_item_save(
        meeting=meeting_0619, data={"order": 1, "number": "3", "title": "KIM", "paper": released_paper}
    )
    services.agenda_item_save(
        meeting=meeting_0619, data={"order": 2, "number": "4", "title": DRAFT_TITLE, "paper": draft}
    )
    return released_paper


@needs_pdftotext
def test_the_public_pdf_in_oparl_lacks_the_non_public_consultation(client, consulted):
    response = client.get(reverse("oparl:file_download", args=[f"p{consulted.pk}"]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Ja 14 · Nein 0 · Enth. 1" in text  # the public preliminary consultation and its votes are there
    assert SECRET_TALLY_PDF not in text and SECRET_DATE not in text
    assert "geändert beschlossen" not in text.replace("ungeändert beschlossen", "")


@needs_pdftotext
def test_the_paper_pdf_shows_the_non_public_consultation_to_staff_only(
    client, consulted, a46_user, committee_user, readonly_user, carrier_a_user
):
    url = reverse("committee:paper_pdf", args=[consulted.pk])
    for user in (a46_user, committee_user, readonly_user):
        client.force_login(user)
        text = pdf_text(client.get(url).content)
        assert SECRET_TALLY_PDF in text and SECRET_DATE in text, user.username
    client.force_login(carrier_a_user)
    text = pdf_text(client.get(url).content)  # after the staff's full version was cached
    assert "Ja 14 · Nein 0 · Enth. 1" in text
    assert SECRET_TALLY_PDF not in text and SECRET_DATE not in text


def test_the_paper_page_shows_the_non_public_consultation_to_staff_only(
    client, consulted, a46_user, readonly_user, carrier_a_user
):
    url = reverse("committee:paper_detail", args=[consulted.pk])
    for user in (a46_user, readonly_user):
        client.force_login(user)
        assert SECRET_TALLY_PAGE in client.get(url).content.decode()
    client.force_login(carrier_a_user)
    html = client.get(url).content.decode()
    assert "14 / 0 / 1 / –" in html
    assert SECRET_TALLY_PAGE not in html and SECRET_DATE not in html


def test_oparl_names_neither_the_non_public_consultation_nor_the_draft_papers_subject(client, consulted):
    body = consulted.lead_department.parent_id
    texts = [
        client.get(url).content.decode()
        for url in (
            f"/oparl/v1.1/paper/{consulted.pk}/",
            f"/oparl/v1.1/body/{body}/paper/",
            f"/oparl/v1.1/body/{body}/consultation/",
            f"/oparl/v1.1/body/{body}/meeting/",
            f"/oparl/v1.1/body/{body}/agendaItem/",
            f"/oparl/v1.1/file/p{consulted.pk}/",
        )
    ]
    for text in texts:
        assert "2020-06-18" not in text and "Empfehlung" not in text
        assert DRAFT_TITLE not in text and "2020/0800" not in text
    items = client.get(f"/oparl/v1.1/body/{body}/agendaItem/").json()["data"]
    assert sorted(i["name"] for i in items) == ["Beratung einer Vorlage (noch nicht veröffentlicht)", "KIM"]


def test_oparl_answers_404_for_the_non_public_meeting_and_consultation_and_names_the_draft_item_neutrally(
    client, consulted
):
    closed = Meeting.objects.get(public=False, date=date(2020, 6, 18))
    secret = consulted.consultations.get(meeting=closed)
    assert client.get(reverse("oparl:meeting", args=[closed.pk])).status_code == 404
    assert client.get(reverse("oparl:consultation", args=[secret.pk])).status_code == 404
    meetings = client.get(reverse("oparl:organization_meeting", args=[closed.committee_id])).content.decode()
    assert "2020-06-18" not in meetings
    item = AgendaItem.objects.get(title=DRAFT_TITLE)
    detail = client.get(reverse("oparl:agendaitem", args=[item.pk]))
    assert detail.status_code == 200
    assert detail.json()["name"] == "Beratung einer Vorlage (noch nicht veröffentlicht)"
    assert DRAFT_TITLE not in detail.content.decode() and "2020/0800" not in detail.content.decode()
    meeting = client.get(reverse("oparl:meeting", args=[item.meeting_id])).content.decode()
    assert DRAFT_TITLE not in meeting and "2020/0800" not in meeting


@needs_pdftotext
def test_the_meeting_bundle_of_the_public_part_is_a_public_document(consulted, meeting_0619):
    text = pdf_text(meeting_bundle_pdf(meeting_0619))
    assert "Vorlage 2020/0354" in text and "Ja 14 · Nein 0 · Enth. 1" in text
    assert SECRET_TALLY_PDF not in text and SECRET_DATE not in text
    assert DRAFT_TITLE not in text and "2020/0800" not in text
    assert "Beratung einer Vorlage (noch nicht veröffentlicht)" in text


@needs_pdftotext
def test_export_paper_writes_the_public_version_unless_asked_for_the_non_public_one(consulted, tmp_path):
    public, full = tmp_path / "oeffentlich.pdf", tmp_path / "verwaltung.pdf"
    call_command("export_paper", "2020/0354", "-o", str(public), stdout=io.StringIO())
    call_command("export_paper", "2020/0354", "-o", str(full), "--nichtoeffentlich", stdout=io.StringIO())
    assert SECRET_TALLY_PDF not in pdf_text(public.read_bytes())
    assert SECRET_TALLY_PDF in pdf_text(full.read_bytes())
