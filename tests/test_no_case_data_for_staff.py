"""Nobody outside a carrier sees a single case (domain.md §3, §5): A 46, committee staff and the audit
office, each signed in, request every URL of the URL configuration once (the names and the demo
objects of tests/test_access_matrix.py: carrier A's case, referral, returns …) plus the Django admin's
pages, and every list that offers a CSV or XLSX export once more in each of them. No answer may contain

- a case number of any carrier (``CAR-2021-0001``; the demo's and the ones created here),
- a contact row: carrier A's case gets a contact on 27.02.2021 of 537 minutes,
- a referral row: the same case gets a referral of 30.01.2021 with a follow-up on 28.03.2021,
- the figures of a draft return (drafts answer 404 to staff).

ZIP answers (XLSX, data export) are unpacked and PDFs read as text before they are searched. The
same markers are first found on carrier A's own pages, so the check cannot be blind. Every answer
to a signed-in user carries ``Cache-Control: no-store``.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from tests.test_access_matrix import POLICY, USERNAMES, Demo, url_names

# the staff roles of the application, and the technical operator of the Django admin (outside every carrier too)
STAFF = ("a46", "committee", "readonly", "operator")
CASE_CODE = re.compile(r"\b[A-Z]{2,6}-20\d\d-\d{4}\b")
CONTACT_DATE, CONTACT_MINUTES = date(2021, 2, 27), 537
REFERRAL_DATE, FOLLOW_UP = date(2021, 1, 30), date(2021, 3, 28)


def contact_row(text: str) -> bool:
    return ("27.02.2021" in text or "2021-02-27" in text) and str(CONTACT_MINUTES) in text


def referral_row(text: str) -> bool:
    return any(d in text for d in ("30.01.2021", "2021-01-30")) and any(d in text for d in ("28.03.2021", "2021-03-28"))


def readable(response) -> str:
    """The answer as text: ZIP members (XLSX, CSV archives) unpacked, PDFs through pdftotext."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    if raw.startswith(b"%PDF"):
        if shutil.which("pdftotext") is None:
            return raw.decode("latin-1")
        return subprocess.run(["pdftotext", "-", "-"], input=raw, capture_output=True, check=True).stdout.decode()
    return raw.decode("utf-8", "replace")


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo plus a marked contact and referral on carrier A's case, loaded once, rolled back at the end."""
    from casemanagement import services
    from casemanagement.models import CaseloadReturn, ReturnStatus

    media = tmp_path_factory.mktemp("no-case-data-media")
    with override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        with django_db_blocker.unblock():
            with transaction.atomic():
                call_command("load_demo", verbosity=0)
                d = Demo()
                services.contact_add(
                    case=d.case, data={"date": CONTACT_DATE, "duration_minutes": CONTACT_MINUTES, "mode": "phone"}
                )
                services.referral_save(
                    case=d.case,
                    data={"target": "jobcenter", "referred_on": REFERRAL_DATE, "follow_up_on": FOLLOW_UP},
                )
                d.draft_return = (
                    CaseloadReturn.objects.filter(carrier=d.carrier_a, status=ReturnStatus.DRAFT).order_by("pk").first()
                )
                sent_back = (
                    CaseloadReturn.objects.filter(carrier=d.carrier_a, status=ReturnStatus.SUBMITTED)
                    .exclude(pk=d.submitted_return.pk)
                    .order_by("pk")
                    .first()
                )
                d.returned_return = services.return_send_back(caseload_return=sent_back, reason="Korrektur")
                assert d.draft_return is not None
                yield d, media
                transaction.set_rollback(True)


@pytest.fixture
def private_media(settings, loaded):
    settings.MEDIA_ROOT = loaded[1]


def client_for(role: str) -> Client:
    from kim.models import Role, User

    client = Client(raise_request_exception=True)
    if role == "operator":
        # a technical account made an operator the way the README says (A 46 no longer reaches the admin)
        User.objects.create_user(username="betrieb", password=None, role=Role.READONLY)
        call_command("operator", "grant", "betrieb", stdout=io.StringIO())
        client.force_login(User.objects.get(username="betrieb"))
    else:
        client.force_login(User.objects.get(username=USERNAMES[role]))
    return client


def urls(d: Demo) -> list[tuple[str, str]]:
    """(name, path) for every named URL with demo objects, the draft and the sent-back return, the admin."""
    out = [(name, reverse(name, kwargs=POLICY[name][0](d))) for name in url_names()]
    for name in [n for n in url_names() if n.startswith("casemanagement:return_")]:
        if "public_id" in POLICY[name][0](d):
            for r in (d.draft_return, d.returned_return):
                out.append((name, reverse(name, kwargs={"public_id": r.public_id})))
    out.append(("admin:index", reverse("admin:index")))
    for model in admin.site._registry:
        try:
            out.append(("admin", reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")))
        except NoReverseMatch:  # pragma: no cover - every registered model has a changelist
            continue
    # the admin's delete confirmation lists what hangs on an object (the cases of a carrier, a post,
    # a municipality); its change pages and object history likewise
    for obj in (d.carrier_a, d.post, d.case.municipality, d.post.module):
        opts = obj._meta
        for view in ("change", "delete", "history"):
            out.append(("admin", reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])))
    return out


def findings(text: str, codes: set[str]) -> list[str]:
    found = []
    if CASE_CODE.search(text):
        found.append(f"case number {CASE_CODE.search(text).group(0)}")
    found += [f"case number {c}" for c in codes if c in text][:1]
    if contact_row(text):
        found.append("contact row")
    if referral_row(text):
        found.append("referral row")
    return found


def test_the_markers_are_found_on_carrier_as_own_pages(loaded, db):
    """The control: the detector sees what the carrier itself sees (else the staff check would be blind)."""
    d = loaded[0]
    client = Client(raise_request_exception=True)
    from kim.models import User

    client.force_login(User.objects.get(username="traeger-caritas"))
    page = readable(client.get(d.case.get_absolute_url()))
    assert d.case.code in page and contact_row(page) and referral_row(page)
    export = readable(client.get(reverse("overview:data_export", args=[d.carrier_a.slug])))
    assert CASE_CODE.search(export) and contact_row(export) and referral_row(export)


@pytest.mark.parametrize("role", STAFF)
def test_no_staff_role_reaches_a_case_a_contact_or_a_referral_row(role, loaded, db):
    from casemanagement.models import Case

    d = loaded[0]
    codes = set(Case.objects.values_list("code", flat=True))
    client = client_for(role)
    problems, checked = [], 0
    for name, url in urls(d):
        with transaction.atomic():
            response = client.get(url)
            checked += 1
            text = readable(response)
            problems += [f"GET {name} {url} ({response.status_code}): {f}" for f in findings(text, codes)]
            if not no_store(response):
                problems.append(f"GET {name} {url}: no Cache-Control: no-store")
            if name.startswith("casemanagement:return_") and response.status_code == 200:
                for r in (d.draft_return, d.returned_return):
                    if str(r.public_id) in url:
                        problems.append(f"GET {name} {url}: a {r.status} return answers 200")
            for fmt in ("csv", "xlsx"):
                if response.status_code == 200 and f"export={fmt}" in text:
                    export = client.get(url, {"export": fmt})
                    checked += 1
                    problems += [f"GET {name} {url}?export={fmt}: {f}" for f in findings(readable(export), codes)]
                    if not no_store(export):
                        problems.append(f"GET {name} {url}?export={fmt}: no Cache-Control: no-store")
            transaction.set_rollback(True)
    assert checked > 150
    assert not problems, f"{role} reaches case data:\n" + "\n".join(problems)


def test_the_admins_delete_confirmation_names_no_case_only_that_register_rows_hang_on_it(loaded, db):
    """Django lists every protected object ("Fall: CAR-2021-0001") on the delete confirmation of a
    carrier or a municipality; there the register appears as one line without names or a count."""
    d = loaded[0]
    client = client_for("operator")
    for obj in (d.carrier_a, d.case.municipality):
        opts = obj._meta
        page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])).content.decode()
        assert "Fälle (nicht einzeln angezeigt)" in page
        assert not CASE_CODE.search(page)
