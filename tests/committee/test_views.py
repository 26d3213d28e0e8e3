"""Pages: who may see and do what. Committee staff record results but never edit content or money;
carriers see public released papers only; read-only users get 403 on writes; lists have a fixed query count."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committee import services
from committee.models import Attachment, Paper, PaperStatus
from tests.committee.conftest import make_paper, minimal_pdf

pytestmark = pytest.mark.django_db
D = Decimal


def page_version(obj) -> dict[str, str]:
    """The hidden ``version`` the object's page carries (buttons without it are refused)."""
    return {"version": str(type(obj)._base_manager.get(pk=obj.pk).version)}


@pytest.fixture
def hidden_papers(paper_money, a46_department):
    """A draft and a released non-public paper: what must never reach a carrier or OParl."""
    draft = make_paper(department=a46_department, number="2020/0500", title="Entwurf geheim")
    secret = make_paper(department=a46_department, number="2020/0501", title="Nichtöffentlich geheim", public=False)
    services.paper_release(paper=secret)
    return {"draft": draft, "secret": secret}


def test_anonymous_users_are_sent_to_the_login(client, released_paper):
    for url in (
        reverse("committee:paper_list"),
        reverse("committee:paper_detail", args=[released_paper.pk]),
        reverse("committee:paper_pdf", args=[released_paper.pk]),
        reverse("committee:meeting_list"),
        reverse("committee:committee_list"),
        reverse("committee:consultation_result", args=[released_paper.consultations.first().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_the_paper_detail_shows_the_preview_with_live_figures_for_a46(client, a46_user, draft_paper):
    client.force_login(a46_user)
    response = client.get(reverse("committee:paper_detail", args=[draft_paper.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vorschau mit den heutigen Daten" in body
    assert "275.000,00\u00a0€" in body
    assert "Freigeben (Zahlen einfrieren)" in body


def test_an_unknown_figure_is_shown_as_a_hint_in_the_preview_not_a_500(client, a46_user, paper_money, a46_department):
    paper = make_paper(department=a46_department, number="2020/0600", body="Betrag {{ tippfehler }}")
    client.force_login(a46_user)
    body = client.get(reverse("committee:paper_detail", args=[paper.pk])).content.decode()
    assert "Unbekannte Kennzahl „tippfehler“." in body


def test_the_preview_of_a_released_paper_shows_where_todays_data_differs(
    client, committee_user, released_paper, paper_money
):
    from funding.services import cost_plan_save

    cost_plan_save(plan=paper_money.cost_plans[0], data={"personnel": D("50000")})
    client.force_login(committee_user)
    body = client.get(reverse("committee:paper_detail", args=[released_paper.pk])).content.decode()
    assert "Die heutigen Daten weichen von der freigegebenen Fassung ab" in body
    # frozen 5 × 55.000 = 275.000; today 4 × 55.000 + 50.000 = 270.000
    assert (
        '<td>Weiterleitung an die Träger 2021</td><td class="money">275.000,00\u00a0€</td><td class="money">270.000,00\u00a0€</td>'
        in body
    )


def test_a_carrier_sees_public_released_papers_only(client, carrier_a_user, released_paper, hidden_papers):
    client.force_login(carrier_a_user)
    listing = client.get(reverse("committee:paper_list")).content.decode()
    assert "2020/0354" in listing
    assert "geheim" not in listing and "2020/0500" not in listing and "2020/0501" not in listing
    assert client.get(reverse("committee:paper_detail", args=[released_paper.pk])).status_code == 200
    for paper in hidden_papers.values():
        assert client.get(reverse("committee:paper_detail", args=[paper.pk])).status_code == 404
        assert client.get(reverse("committee:paper_pdf", args=[paper.pk])).status_code == 404
    assert client.get(reverse("committee:meeting_list")).status_code == 403


def test_a_carrier_cannot_download_an_attachment_of_a_hidden_paper(client, carrier_a_user, hidden_papers, a46_user):
    draft = hidden_papers["draft"]
    attachment = services.attachment_save(
        paper=draft, data={"order": 1, "title": "Anlage", "file": SimpleUploadedFile("a.pdf", minimal_pdf())}
    )
    client.force_login(carrier_a_user)
    assert client.get(reverse("committee:attachment_download", args=[attachment.pk])).status_code == 404
    client.force_login(a46_user)
    response = client.get(reverse("committee:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == minimal_pdf()


def test_committee_staff_record_a_result_and_the_decisive_one_decides_the_paper(client, committee_user, released_paper):
    decisive = released_paper.consultations.get(order=2)
    client.force_login(committee_user)
    url = reverse("committee:consultation_result", args=[decisive.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "result": "ungeaendert",
            "votes_yes": "14",
            "votes_no": "2",
            "votes_abstention": "1",
            "votes_biased": "0",
            "version": decisive.version,
        },
    )
    assert response.status_code == 302
    released_paper.refresh_from_db()
    decisive.refresh_from_db()
    assert released_paper.status == PaperStatus.DECIDED
    assert (decisive.result, decisive.votes_yes, decisive.votes_no) == ("ungeaendert", 14, 2)


def test_negative_votes_are_refused_at_the_field_and_nothing_changes(client, committee_user, released_paper):
    decisive = released_paper.consultations.get(order=2)
    client.force_login(committee_user)
    response = client.post(
        reverse("committee:consultation_result", args=[decisive.pk]), {"result": "ungeaendert", "votes_yes": "-3"}
    )
    assert response.status_code == 200
    assert "Die Stimmenzahl darf nicht negativ sein." in response.content.decode()
    decisive.refresh_from_db()
    assert decisive.result == "" and decisive.votes_yes is None


def test_committee_staff_cannot_edit_paper_content_or_money(client, committee_user, draft_paper, paper_money):
    client.force_login(committee_user)
    for url in (
        reverse("committee:paper_create"),
        reverse("committee:paper_edit", args=[draft_paper.pk]),
        reverse("committee:section_create", args=[draft_paper.pk]),
        reverse("committee:decision_create", args=[draft_paper.pk]),
        reverse("committee:attachment_create", args=[draft_paper.pk]),
        reverse("funding:costplan_edit", args=[paper_money.cost_plans[0].pk]),
        reverse("funding:rate_edit", args=[paper_money.rates["case_management"].pk]),
    ):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title": "x", "personnel": "1"}).status_code == 403, url
    assert client.post(reverse("committee:paper_release", args=[draft_paper.pk])).status_code == 403
    draft_paper.refresh_from_db()
    assert draft_paper.status == PaperStatus.DRAFT


def test_read_only_users_read_everything_and_get_403_on_every_write(client, readonly_user, released_paper):
    client.force_login(readonly_user)
    assert client.get(reverse("committee:paper_detail", args=[released_paper.pk])).status_code == 200
    assert client.get(reverse("committee:meeting_list")).status_code == 200
    consultation = released_paper.consultations.get(order=2)
    for url in (
        reverse("committee:paper_create"),
        reverse("committee:consultation_result", args=[consultation.pk]),
        reverse("committee:consultation_create", args=[released_paper.pk]),
        reverse("committee:meeting_create"),
        reverse("committee:agenda_create", args=[consultation.meeting_id]),
    ):
        assert client.post(url, {"result": "ungeaendert"}).status_code == 403, url
    consultation.refresh_from_db()
    assert consultation.result == ""


def test_a46_creates_a_paper_with_the_next_number_through_the_form(client, a46_user, paper_money, a46_department):
    client.force_login(a46_user)
    response = client.post(
        reverse("committee:paper_create"),
        {
            "number": "",
            "title": "Neue Vorlage",
            "paper_type": "information",
            "public": "on",
            "lead_department": a46_department.pk,
            "date": "03.06.2021",
            "programme_year": "2021",
            "decision_intro": "",
            "signature_mode": "in_vertretung",
            "signatory": "Dr. Ziemons",
        },
    )
    assert response.status_code == 302
    assert Paper.objects.get(title="Neue Vorlage").number == "2021/0001"


def test_a_duplicate_number_in_the_form_is_shown_at_the_field(client, a46_user, draft_paper, a46_department):
    client.force_login(a46_user)
    response = client.post(
        reverse("committee:paper_create"),
        {
            "number": "2020/0354",
            "title": "Doppelt",
            "paper_type": "decision",
            "lead_department": a46_department.pk,
            "date": "03.06.2020",
            "programme_year": "2021",
            "signature_mode": "im_auftrag",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == ["Diese Vorlagennummer ist bereits vergeben."]
    assert not Paper.objects.filter(title="Doppelt").exists()


def test_uploading_a_fake_pdf_in_the_form_shows_a_german_error_and_saves_nothing(client, a46_user, draft_paper):
    client.force_login(a46_user)
    response = client.post(
        reverse("committee:attachment_create", args=[draft_paper.pk]),
        {
            "order": "1",
            "title": "Antrag",
            "file": SimpleUploadedFile("antrag.pdf", b"<html>kein pdf</html>"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Die Datei ist kein gültiges Dokument des erlaubten Typs (PDF)."]
    assert Attachment.objects.count() == 0


def test_the_pdf_button_downloads_a_pdf(client, committee_user, released_paper):
    client.force_login(committee_user)
    response = client.get(reverse("committee:paper_pdf", args=[released_paper.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Vorlage-2020-0354.pdf"'
    assert response.content.startswith(b"%PDF-1.7")


def test_the_meeting_page_shows_the_agenda(client, committee_user, released_paper, meeting_0619):
    services.agenda_item_save(
        meeting=meeting_0619, data={"order": 1, "number": "3", "title": "KIM", "paper": released_paper}
    )
    client.force_login(committee_user)
    body = client.get(reverse("committee:meeting_detail", args=[meeting_0619.pk])).content.decode()
    assert "Sitzung Städteregionsausschuss" in body and "2020/0354" in body and "Sitzungsmappe (PDF)" in body


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_paper_list_needs_the_same_number_of_queries_for_one_or_three_papers(
    client, committee_user, paper_money, a46_department
):
    client.force_login(committee_user)
    make_paper(department=a46_department, number="2020/0001")
    one = _count(client, reverse("committee:paper_list"))
    make_paper(department=a46_department, number="2020/0002")
    make_paper(department=a46_department, number="2020/0003")
    assert _count(client, reverse("committee:paper_list")) == one


def test_the_meeting_list_needs_the_same_number_of_queries_for_one_or_three_meetings(
    client, committee_user, main_committee
):
    from committee.models import Meeting

    client.force_login(committee_user)
    Meeting.objects.create(committee=main_committee, date=date(2020, 6, 1))
    one = _count(client, reverse("committee:meeting_list"))
    Meeting.objects.create(committee=main_committee, date=date(2020, 6, 2))
    Meeting.objects.create(committee=main_committee, date=date(2020, 6, 3))
    assert _count(client, reverse("committee:meeting_list")) == one


def test_the_result_form_asks_for_a_choice_instead_of_preselecting_a_result(client, committee_user, released_paper):
    client.force_login(committee_user)
    response = client.get(reverse("committee:consultation_result", args=[released_paper.consultations.get(order=1).pk]))
    assert response.context["form"].fields["result"].choices[0] == ("", "– bitte wählen –")
    response = client.post(
        reverse("committee:consultation_result", args=[released_paper.consultations.get(order=1).pk]), {"result": ""}
    )
    assert response.status_code == 200 and "result" in response.context["form"].errors


def test_a46_edits_a_draft_through_its_pages(client, a46_user, draft_paper, meeting_0619):
    client.force_login(a46_user)
    for url in (
        reverse("committee:paper_edit", args=[draft_paper.pk]),
        reverse("committee:section_create", args=[draft_paper.pk]),
        reverse("committee:section_edit", args=[draft_paper.pk, draft_paper.sections.get().pk]),
        reverse("committee:decision_create", args=[draft_paper.pk]),
        reverse("committee:attachment_create", args=[draft_paper.pk]),
        reverse("committee:consultation_create", args=[draft_paper.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert (
        "{{ forwarded_total }}"
        in client.get(reverse("committee:section_create", args=[draft_paper.pk])).content.decode()
    )
    response = client.post(
        reverse("committee:section_create", args=[draft_paper.pk]),
        {
            "order": "2",
            "heading": "Finanzielle/bilanzielle Auswirkungen",
            "body": "Ertrag {{ budget_income_planned }}",
            "table_kind": "budget_lines",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("committee:consultation_create", args=[draft_paper.pk]),
        {"order": "1", "meeting": meeting_0619.pk, "role": "entscheidung"},
    )
    assert response.status_code == 302
    response = client.post(reverse("committee:paper_release", args=[draft_paper.pk]), page_version(draft_paper))
    draft_paper.refresh_from_db()
    assert draft_paper.status == PaperStatus.RELEASED
    assert draft_paper.snapshot["figures"]["budget_income_planned@2021"]["value"] == "570000.00"
    assert client.get(reverse("committee:section_create", args=[draft_paper.pk])).status_code == 200  # page opens …
    response = client.post(
        reverse("committee:section_create", args=[draft_paper.pk]), {"order": "3", "heading": "Neu", "body": "x"}
    )
    assert response.status_code == 200 and draft_paper.sections.count() == 2  # … but saving is refused after release


def test_a46_withdraws_a_released_paper_and_it_leaves_the_lists(client, a46_user, committee_user, released_paper):
    client.force_login(committee_user)
    assert client.post(reverse("committee:paper_withdraw", args=[released_paper.pk])).status_code == 403
    client.force_login(a46_user)
    response = client.post(reverse("committee:paper_withdraw", args=[released_paper.pk]), page_version(released_paper))
    assert response.status_code == 302
    released_paper.refresh_from_db()
    assert released_paper.deleted is True
    assert ">2020/0354</a>" not in client.get(reverse("committee:paper_list")).content.decode()
    assert client.get(reverse("committee:paper_detail", args=[released_paper.pk])).status_code == 404


def test_a_decided_paper_cannot_be_withdrawn(client, a46_user, released_paper):
    services.consultation_record_result(
        consultation=released_paper.consultations.get(order=2), data={"result": "ungeaendert"}
    )
    client.force_login(a46_user)
    response = client.post(
        reverse("committee:paper_withdraw", args=[released_paper.pk]), page_version(released_paper), follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Eine beschlossene Vorlage kann nicht zurückgezogen werden."
    ]
    released_paper.refresh_from_db()
    assert released_paper.deleted is False


@pytest.mark.parametrize(
    "query",
    [
        "?year=99999",
        "?year=-1",
        "?year=abc",
        "?page=abc",
        "?page=99999",
        "?per_page=-5",
        "?per_page=100000",
        "?status=gibtsnicht",
        "?paper_type=%00",
        "?q=%27%22%3C",
        "?sort=gibtsnicht",
    ],
)
def test_hostile_list_parameters_never_give_a_500(client, committee_user, released_paper, query):
    client.force_login(committee_user)
    for url in (
        reverse("committee:paper_list"),
        reverse("committee:meeting_list"),
        reverse("committee:committee_list"),
    ):
        assert client.get(url + query).status_code == 200, url + query


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("?page=abc", 200),  # a page that is no number is served, not an error
        ("?page=-3", 200),
        ("?page=99999", 200),
        ("?created_since=%00", 400),  # a date filter that is no date: the client's error, said as such
        ("?modified_until=2020-13-45T99:00:00", 400),
    ],
)
def test_hostile_oparl_parameters_never_give_a_500(client, released_paper, query, status):
    body = released_paper.lead_department.parent_id
    assert client.get(f"/oparl/v1.1/body/{body}/paper/{query}").status_code == status
    assert client.get("/oparl/v1.1/file/x1/").status_code == 404
    assert client.get("/oparl/v1.1/file/p99999999999999999999/").status_code == 404
