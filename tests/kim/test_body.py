"""The body as data (issue 15): a body of another name appears in pages, PDF, bundle, OParl, TOTP
issuer and exports, and "Aachen" nowhere; ``manage.py setup`` on an empty database; no code names
the demo body."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from committee import services as committee_services
from committee.models import Committee, Meeting
from committee.pdf import meeting_bundle_pdf, paper_pdf
from kim.models import AccountEvent, Body, BodyKind, Organisation, OrganisationKind, Role, TOTPDevice, User
from kim.security import totp_device_get_or_create, totp_provisioning_uri
from kim.selectors import body_current
from overview.data_export import carrier_export_zip
from tests import factories as f

pytestmark = pytest.mark.django_db

NAME = "Kreis Beispielland"
ROOT = Path(__file__).resolve().parents[2]


def pdf_text(data: bytes) -> str:
    raw = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", " ", raw)


@pytest.fixture
def beispielland() -> Body:
    county = Organisation.objects.create(kind=OrganisationKind.COUNTY, name=NAME, slug="kreis-beispielland")
    department = Organisation.objects.create(
        kind=OrganisationKind.DEPARTMENT, name="Amt 50 – Integration", slug="amt-50", parent=county
    )
    body = Body.objects.create(name=NAME, short_name="Beispielland", kind=BodyKind.COUNTY, organisation=county)
    body.lead_departments.add(department)
    return body


@pytest.fixture
def released_paper(beispielland):
    department = beispielland.lead_departments.get()
    committee = Committee.objects.create(body=beispielland.organisation, slug="ka", name="Kreisausschuss", order=1)
    meeting = Meeting.objects.create(
        committee=committee, date=date(2026, 11, 5), start_time=time(15, 0), place="Kreishaus"
    )
    paper = committee_services.paper_save(
        data={
            "number": "2026/0101",
            "title": "Kommunales Integrationsmanagement 2027",
            "paper_type": "decision",
            "public": True,
            "lead_department": department,
            "date": date(2026, 10, 20),
            "programme_year": 2026,
            "decision_intro": "Der Kreisausschuss beschließt:",
            "signature_mode": "im_auftrag",
            "signatory": "Dr. Muster",
        }
    )
    committee_services.decision_item_save(paper=paper, data={"order": 1, "text": "Er stimmt zu."})
    committee_services.section_save(paper=paper, data={"order": 1, "heading": "Sachlage", "body": "Text."})
    committee_services.consultation_save(paper=paper, data={"order": 1, "meeting": meeting, "role": "entscheidung"})
    committee_services.agenda_item_save(
        meeting=meeting, data={"order": 1, "number": "1", "title": paper.title, "public": True, "paper": paper}
    )
    return committee_services.paper_release(paper=paper), meeting


def test_the_body_name_is_read_from_the_database_and_cached_per_process(beispielland, django_assert_num_queries):
    assert body_current().name == NAME
    with django_assert_num_queries(0):
        assert body_current().lead_department == "Amt 50 – Integration"
    beispielland.name = "Kreis Umbenannt"
    beispielland.save()  # saving clears the cache
    assert body_current().name == "Kreis Umbenannt"
    assert body_current().head_title == "Der Landrat"  # default of a county


def test_pages_show_the_body_and_never_the_demo_body(client, beispielland):
    user = f.A46UserFactory()
    client.force_login(user)
    for url in (reverse("dashboard"), reverse("modules:post_list"), reverse("funding:controlling_flow"), "/admin/"):
        html = client.get(url, follow=True).content.decode()
        assert NAME in html or "Beispielland" in html, url
        assert "Aachen" not in html and "StädteRegion" not in html, url
    html = client.get(reverse("dashboard")).content.decode()
    assert f"<title>Übersicht · KIM-Verwaltung · {NAME}</title>" in html or f"· {NAME}</title>" in html
    assert "Amt 50 – Integration" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) fehlt")
def test_paper_pdf_and_meeting_bundle_carry_the_body_name_and_its_head(released_paper):
    paper, meeting = released_paper
    data = paper_pdf(paper)
    text = pdf_text(data)
    assert NAME in text and "Der Landrat" in text
    assert "Aachen" not in text and "Städteregionsrat" not in text
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert re.search(rf"^Author:\s+{NAME}$", info, re.M)
    bundle = pdf_text(meeting_bundle_pdf(meeting))
    assert bundle.count(NAME) >= 2 and "Aachen" not in bundle  # cover and the paper's head


def test_oparl_system_and_body_name_the_body(client, released_paper):
    system = client.get(reverse("oparl:system")).json()
    assert system["name"] == f"KIM-Verwaltung · {NAME} – Sitzungsvorlagen"
    assert system["contactName"] == "Amt 50 – Integration"
    bodies = client.get(reverse("oparl:body_list")).json()["data"]
    assert [(b["name"], b["shortName"], b["classification"]) for b in bodies] == [(NAME, "Beispielland", "Kreis")]
    assert "Aachen" not in str(system) + str(bodies)


def test_totp_issuer_and_exports_name_the_body(client, beispielland):
    admin = f.A46UserFactory()
    assert "issuer=KIM%20Beispielland" in totp_provisioning_uri(totp_device_get_or_create(admin))
    client.force_login(admin)
    response = client.get(reverse("funding:forwarding_list") + "?export=xlsx")
    workbook = load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert workbook.properties.creator == f"KIM-Verwaltung · {NAME}"
    carrier = f.CarrierFactory(name="Beispielträger e. V.", slug="beispieltraeger")
    with zipfile.ZipFile(carrier_export_zip(carrier)) as archive:
        readme = archive.read("LIESMICH.txt").decode("utf-8-sig")
    assert f"KIM-Verwaltung · {NAME} (Amt 50 – Integration)" in readme and "Aachen" not in readme


def test_no_code_or_template_names_the_demo_body():
    """Only the demo data (per-app demo.py), tests, migrations (history) and the catalogue may."""
    offenders = []
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if path.suffix not in {".py", ".html", ".txt", ".js", ".css"} or not path.is_file():
            continue
        if rel.parts[0] in {".venv", "node_modules", "tests", "locale", "docs", "media", "staticfiles"}:
            continue
        if path.name == "demo.py" or "migrations" in rel.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        if "Aachen" in text or "StädteRegion" in text or "Ziemons" in text:
            offenders.append(str(rel))
    assert offenders == []


# --- manage.py setup ------------------------------------------------------------------------------


def run_setup(*extra: str) -> str:
    out = io.StringIO()
    call_command(
        "setup",
        "--body",
        NAME,
        "--kind",
        "county",
        "--admin",
        "erstadmin",
        "--email",
        "it@beispielland.example",
        "--url",
        "https://kim.beispielland.example",
        *extra,
        stdout=out,
    )
    return out.getvalue()


def test_setup_creates_the_body_and_the_first_administrator_with_a_one_time_link(client, settings):
    settings.KIM_REQUIRE_TOTP = True
    out = run_setup("--department", "Amt 50 – Integration")
    body = Body.objects.get()
    assert (body.name, body.kind, body.organisation.name) == (NAME, "county", NAME)
    assert [d.name for d in body.lead_departments.all()] == ["Amt 50 – Integration"]
    admin = User.objects.get()
    assert (admin.username, admin.role, admin.email, admin.has_usable_password()) == (
        "erstadmin",
        Role.ADMIN,
        "it@beispielland.example",
        False,
    )
    link = re.search(r"https://kim\.beispielland\.example(/konto/link/\S+/)", out).group(1)
    # the link: set a password, then the second factor is set up before anything else
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": "Sehr-geheim-2026!", "new_password2": "Sehr-geheim-2026!"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).url.startswith(reverse("totp_setup"))
    admin.refresh_from_db()
    assert admin.check_password("Sehr-geheim-2026!")
    assert not TOTPDevice.objects.filter(user=admin, confirmed=True).exists()
    assert list(AccountEvent.objects.order_by("pk").values_list("kind", flat=True)) == ["setup", "password_set"]
    # one-time: the same link again is refused
    client.logout()
    again = client.get(link, follow=True)
    assert "Dieser Link ist ungültig" in again.content.decode()


def test_setup_twice_changes_nothing(settings):
    run_setup()
    counts = (Body.objects.count(), User.objects.count(), Organisation.objects.count(), AccountEvent.objects.count())
    history = Body.history.count() + User.history.count()
    out = run_setup()
    assert "Nichts geändert" in out and "/konto/link/" not in out
    assert (
        Body.objects.count(),
        User.objects.count(),
        Organisation.objects.count(),
        AccountEvent.objects.count(),
    ) == counts
    assert Body.history.count() + User.history.count() == history


def test_setup_refuses_a_database_of_another_body():
    run_setup()
    with pytest.raises(CommandError, match="bereits für „Kreis Beispielland“ eingerichtet"):
        call_command("setup", "--body", "Stadt Anders", "--kind", "city", "--admin", "x", "--email", "x@example.org")
    assert Body.objects.get().name == NAME
