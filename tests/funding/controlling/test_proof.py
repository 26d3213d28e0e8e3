"""Proof of use: obligations, due dates, documents, status and who checked, reminders exactly once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from funding.controlling.services import (
    proof_document_add,
    proof_obligation_save,
    proof_status_set,
    send_proof_reminders,
)
from funding.models import ProofDocument, ProofObligation, ProofReminder
from tests import factories as f
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="sachbericht.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def carrier_proof(paper_2020_0354):
    """Caritas' proof for its 2021 contract, due 30.06.2022."""
    return proof_obligation_save(
        kind="carrier", contract=paper_2020_0354.forwardings[0], data={"due_on": date(2022, 6, 30)}
    )


def test_a_due_date_before_the_period_end_is_refused_in_german(paper_2020_0354):
    with pytest.raises(ValidationError) as exc:
        proof_obligation_save(
            kind="carrier", contract=paper_2020_0354.forwardings[0], data={"due_on": date(2021, 12, 30)}
        )
    assert exc.value.message_dict["due_on"] == [
        "Die Frist darf nicht vor dem Ende des Zeitraums (31.12.2021) liegen; ein Nachweis kann erst danach erbracht werden."
    ]
    assert ProofObligation.objects.count() == 0


def test_the_due_date_error_lands_at_the_field_of_the_form(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    response = client.post(
        reverse("funding:proof_create_grant", args=[paper_2020_0354.grant.pk]), {"due_on": "01.12.2021"}
    )
    assert response.status_code == 200
    assert "31.12.2021" in response.context["form"].errors["due_on"][0]
    assert ProofObligation.objects.count() == 0


def test_a_carrier_uploads_a_pdf_for_its_own_contract_and_the_obligation_is_submitted(
    client, carrier_proof, carrier_a_user
):
    client.force_login(carrier_a_user)
    response = client.post(
        reverse("funding:proof_upload", args=[carrier_proof.pk]), {"doc_type": "report", "file": pdf()}
    )
    assert response.status_code == 302
    carrier_proof.refresh_from_db()
    assert carrier_proof.status == "submitted"
    [document] = ProofDocument.objects.all()
    assert document.original_name == "sachbericht.pdf" and document.uploaded_by == carrier_a_user
    download = client.get(reverse("funding:proof_document", args=[carrier_proof.pk, document.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_document_of_the_wrong_type_is_refused_at_the_field(client, carrier_proof, carrier_a_user):
    client.force_login(carrier_a_user)
    fake = SimpleUploadedFile("nachweis.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        reverse("funding:proof_upload", args=[carrier_proof.pk]), {"doc_type": "numerical", "file": fake}
    )
    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"] == [
        "Die Datei ist kein gültiges Dokument des erlaubten Typs (PDF, Excel (XLSX))."
    ]
    assert ProofDocument.objects.count() == 0
    carrier_proof.refresh_from_db()
    assert carrier_proof.status == "open"


def test_another_carrier_can_neither_see_nor_upload_nor_download(client, carrier_proof, carrier_b_user, a46_user):
    document = proof_document_add(obligation=carrier_proof, doc_type="report", upload=pdf(), user=a46_user)
    client.force_login(carrier_b_user)
    assert client.get(reverse("funding:proof_detail", args=[carrier_proof.pk])).status_code == 404
    assert (
        client.post(
            reverse("funding:proof_upload", args=[carrier_proof.pk]), {"doc_type": "report", "file": pdf()}
        ).status_code
        == 404
    )
    assert client.get(reverse("funding:proof_document", args=[carrier_proof.pk, document.pk])).status_code == 404
    assert list(client.get(reverse("funding:controlling_proofs")).context["table"].data) == []


def test_a46_records_who_checked_the_proof(client, carrier_proof, a46_user):
    proof_document_add(obligation=carrier_proof, doc_type="report", upload=pdf(), user=a46_user)
    client.force_login(a46_user)
    response = client.post(reverse("funding:proof_status", args=[carrier_proof.pk]), {"status": "checked"})
    assert response.status_code == 302
    carrier_proof.refresh_from_db()
    assert (
        carrier_proof.status == "checked"
        and carrier_proof.checked_by == a46_user
        and carrier_proof.checked_on is not None
    )


def test_read_only_and_carrier_users_may_not_set_the_status(client, carrier_proof, readonly_user, carrier_a_user):
    for user in (readonly_user, carrier_a_user):
        client.force_login(user)
        assert (
            client.post(reverse("funding:proof_status", args=[carrier_proof.pk]), {"status": "closed"}).status_code
            == 403
        )


def test_a_proof_without_documents_cannot_be_checked(carrier_proof, a46_user):
    with pytest.raises(ValidationError):
        proof_status_set(obligation=carrier_proof, status="checked", user=a46_user)


def test_reminders_fire_exactly_once_per_obligation_and_threshold(settings, carrier_proof, carrier_a_user, a46_user):
    settings.PROOF_REMINDER_DAYS = "30,7"
    carrier_a_user.email, a46_user.email = "caritas@example.org", "a46@example.org"
    carrier_a_user.save(), a46_user.save()
    # due 30.06.2022: 30 days before is 31.05.2022, 7 days before is 23.06.2022
    assert send_proof_reminders(today=date(2022, 5, 30)) == 0
    assert send_proof_reminders(today=date(2022, 5, 31)) == 1
    assert send_proof_reminders(today=date(2022, 6, 1)) == 0  # 30-day reminder already sent
    assert send_proof_reminders(today=date(2022, 6, 22)) == 0
    assert send_proof_reminders(today=date(2022, 6, 23)) == 1
    assert send_proof_reminders(today=date(2022, 6, 24)) == 0
    assert len(mail.outbox) == 2
    assert sorted(mail.outbox[0].to) == ["a46@example.org", "caritas@example.org"]
    assert "30.06.2022" in mail.outbox[0].subject
    assert sorted(ProofReminder.objects.values_list("days_before", flat=True)) == [7, 30]


def test_a_submitted_proof_gets_no_reminder(settings, carrier_proof, a46_user):
    proof_document_add(obligation=carrier_proof, doc_type="report", upload=pdf(), user=a46_user)
    assert send_proof_reminders(today=date(2022, 6, 25)) == 0


def test_the_command_sends_the_reminders(carrier_proof, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2022, 6, 1))
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert ProofReminder.objects.filter(days_before=30).count() == 1


def test_the_proof_list_runs_a_fixed_number_of_queries(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    url = reverse("funding:controlling_proofs")
    proof_obligation_save(kind="carrier", contract=paper_2020_0354.forwardings[0], data={"due_on": date(2022, 6, 30)})
    one = count_queries(client, url)
    for contract in paper_2020_0354.forwardings[1:4]:
        obligation = proof_obligation_save(kind="carrier", contract=contract, data={"due_on": date(2022, 6, 30)})
        proof_document_add(obligation=obligation, doc_type="report", upload=pdf(), user=a46_user)
    proof_obligation_save(kind="land", grant=paper_2020_0354.grant, data={"due_on": date(2022, 9, 30)})
    assert count_queries(client, url) == one


def test_anonymous_users_are_sent_to_the_login(client):
    assert client.get(reverse("funding:controlling_proofs")).status_code == 302


def test_the_dashboard_shows_proofs_due_within_the_reminder_threshold(
    client, settings, a46_user, carrier_proof, monkeypatch
):
    from django.utils import timezone

    settings.PROOF_REMINDER_DAYS = "30,7"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2022, 6, 20))
    client.force_login(a46_user)
    response = client.get(reverse("dashboard"), {"year": 2021})
    [due] = response.context["proofs_due"]
    assert due == carrier_proof and due.days_left == 10  # 20.06. → 30.06.2022
    assert "fällig am 30.06.2022" in response.content.decode() and "noch 10 Tage" in response.content.decode()


def xlsx_upload(name="nachweis.xlsx"):
    import io

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def test_an_xlsx_numerical_proof_is_accepted(client, carrier_proof, carrier_a_user):
    client.force_login(carrier_a_user)
    response = client.post(
        reverse("funding:proof_upload", args=[carrier_proof.pk]), {"doc_type": "numerical", "file": xlsx_upload()}
    )
    assert response.status_code == 302
    [document] = ProofDocument.objects.all()
    assert document.get_doc_type_display() == "zahlenmäßiger Nachweis"


def test_the_proof_page_runs_a_fixed_number_of_queries(client, a46_user, carrier_proof):
    url = reverse("funding:proof_detail", args=[carrier_proof.pk])
    client.force_login(a46_user)
    proof_document_add(obligation=carrier_proof, doc_type="report", upload=pdf(), user=a46_user)
    one = count_queries(client, url)
    for _ in range(3):
        proof_document_add(
            obligation=carrier_proof,
            doc_type="numerical",
            upload=pdf("zahlen.pdf"),
            user=f.CarrierUserFactory(organisation=carrier_proof.contract.carrier),
        )
    assert count_queries(client, url) == one
