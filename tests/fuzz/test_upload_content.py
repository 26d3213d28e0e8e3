"""Property-based fuzzing of the upload endpoints by content and by file name (kim/uploads.py).

Endpoints: a proof-of-use document (PDF or XLSX, funding:proof_upload), a paper's attachment (PDF
only, committee:attachment_create) and the caseload-return CSV import (casemanagement:return_upload).
Contents: random bytes, truncated PDFs, ``%PDF-`` without ``%%EOF``, a PDF with junk after the end,
ZIPs that are no XLSX, an XLSX whose parts are missing, polyglots (PDF + ZIP, ZIP + PDF), empty files.
Names: path separators of both systems, ``..``, drive letters, NUL, 300 characters, HTML.

The multipart bodies are written by hand: Django's test client would drop the client's directory
from the name itself, the server must do that on its own. Properties:

* never a server error (the test client re-raises every exception);
* a refusal stores nothing: no row in any domain or history table, no file under MEDIA_ROOT;
* an accepted document is stored under the endpoint's own folder with a name that contains none of
  the client's path (no separator, no ``..``, no NUL) and fits its column.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import changed, fingerprint

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BOUNDARY = "----kimfuzzBOUNDARY7MA4YWxk"


def pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
        b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def xlsx_like() -> bytes:
    # the two parts kim.uploads.sniff looks for; passes as XLSX (content of the parts is not parsed)
    return zip_of({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


CONTENTS = st.one_of(
    st.binary(max_size=3000).map(lambda b: ("random", b)),
    st.integers(1, len(pdf()) - 1).map(lambda n: ("truncated pdf", pdf()[:n])),
    st.binary(max_size=500).map(lambda b: ("pdf without eof", b"%PDF-1.7\n" + b.replace(b"%%EOF", b""))),
    st.integers(2100, 5000).map(lambda n: ("junk after eof", pdf() + b"\x00" * n)),
    st.dictionaries(
        st.sampled_from(["a.txt", "xl/other.xml", "[Content_Types].xml", "word/document.xml"]),
        st.binary(max_size=50),
        max_size=3,
    ).map(lambda d: ("zip, no xlsx", zip_of(d))),
    st.binary(min_size=1, max_size=200).map(lambda b: ("broken zip", b"PK\x03\x04" + b)),
    st.just(("polyglot pdf+zip", pdf() + xlsx_like())),
    st.just(("polyglot zip+pdf", xlsx_like() + pdf())),
    st.just(("empty", b"")),
    st.just(("pdf", pdf())),
    st.just(("xlsx", xlsx_like())),
)
NAMES = st.one_of(
    st.sampled_from(
        [
            "../../etc/passwd.pdf",
            "..\\..\\windows\\win.ini.pdf",
            "C:\\Users\\ma\\Desktop\\nachweis.pdf",
            "/etc/passwd",
            "x/../../y.pdf",
            "nul\x00byte.pdf",
            "a" * 300 + ".pdf",
            "ü" * 150 + ".pdf",
            ".pdf",
            "..",
            ".",
            "",
            "<script>alert(1)</script>.pdf",
            "%2e%2e%2fetc%2fpasswd.pdf",
            "ordner/unterordner/bericht.xlsx",
            " .pdf ",
        ]
    ),
    st.text(max_size=80),
    st.tuples(
        st.lists(st.sampled_from(["..", "a", "b c", "ü", ""]), max_size=4),
        st.sampled_from(["/", "\\"]),
        st.text(max_size=20),
    ).map(lambda t: t[1].join([*t[0], t[2] + ".pdf"])),
)


def multipart(fields: dict[str, str], filename: str, content: bytes) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    quoted = filename.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{quoted}"\r\n'.encode(
            "utf-8", "surrogatepass"
        )
        + b"Content-Type: application/octet-stream\r\n\r\n"
        + content
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def post(client, url: str, fields: dict[str, str], filename: str, content: bytes):
    try:
        body = multipart(fields, filename, content)
    except UnicodeEncodeError:  # lone surrogates cannot be sent by any client
        body = multipart(fields, "surrogate.pdf", content)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={BOUNDARY}")


def media_files() -> set[str]:
    root = Path(django_settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def client_path_parts(filename: str) -> list[str]:
    """The directories the client named (which must never reach the stored name)."""
    parts = [p for p in filename.replace("\\", "/").split("/")[:-1] if p not in ("", ".", "..")]
    return [p for p in parts if len(p) > 2]


def check_stored(name: str, folder: str, filename: str, max_length: int) -> None:
    assert name.startswith(folder), name
    rest = name[len(folder) :]
    assert "/" not in rest and "\\" not in rest and "\x00" not in rest, name
    assert rest not in ("", ".", ".."), name
    assert len(name) <= max_length, (len(name), name)
    for part in client_path_parts(filename):
        assert f"/{part}/" not in f"/{name}", (part, name)
    assert os.path.basename(name).encode() and len(os.path.basename(name).encode()) <= 255


@pytest.fixture
def media(demo, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def test_proof_documents(client, media):
    from funding.models import ProofDocument, ProofObligation, ProofStatus
    from kim.models import User

    obligation = (
        ProofObligation.objects.filter(contract__isnull=False)
        .exclude(status__in=[ProofStatus.CHECKED, ProofStatus.CLOSED])
        .select_related("contract__carrier")
        .order_by("pk")
        .first()
    )
    client.force_login(User.objects.get(username=f"traeger-{obligation.contract.carrier.slug}"))
    url = reverse("funding:proof_upload", args=[obligation.pk])
    accepted_kinds = set()

    def stored():
        return ProofDocument.objects.filter(obligation=obligation).latest("pk").file.name

    @FUZZ
    @given(content=CONTENTS, filename=NAMES)
    @example(content=("pdf", pdf()), filename="../../etc/passwd.pdf")
    @example(content=("pdf", pdf()), filename="C:\\Users\\ma\\Desktop\\nachweis.pdf")
    @example(content=("pdf", pdf()), filename="a" * 300 + ".pdf")
    @example(content=("xlsx", xlsx_like()), filename="nul\x00byte.xlsx")
    @example(content=("truncated pdf", pdf()[:-7]), filename="bericht.pdf")
    @example(content=("polyglot zip+pdf", xlsx_like() + pdf()), filename="x.pdf")
    def check(content, filename):
        kind, data = content
        with transaction.atomic():
            before_rows, before_files = fingerprint(), media_files()
            response = post(client, url, {"doc_type": "report"}, filename, data)
            assert response.status_code in (200, 302), response.status_code
            accepted = response.status_code == 302
            new_files = media_files() - before_files
            if accepted:
                accepted_kinds.add(kind)
                assert kind in ("pdf", "xlsx"), kind  # never a truncated PDF, a ZIP that is no workbook or a polyglot
                name = stored()
                folder = re.match(r"verwendungsnachweise/\d{4}/", name)
                assert folder, name
                check_stored(name, folder.group(0), filename, ProofDocument._meta.get_field("file").max_length)
                assert new_files == {name}
                original = ProofDocument.objects.filter(obligation=obligation).latest("pk").original_name
                assert "/" not in original and "\\" not in original and "\x00" not in original, original
            else:
                assert changed(before_rows, fingerprint()) == {}, "a refused upload changed rows"
                assert new_files == set(), new_files
            transaction.set_rollback(True)
        for leftover in media_files() - before_files:
            (Path(django_settings.MEDIA_ROOT) / leftover).unlink()

    check()
    assert {"pdf", "xlsx"} <= accepted_kinds, "no valid document was ever accepted: the properties would be blind"


def test_paper_attachments(client, media):
    from committee.models import Attachment
    from kim.models import User
    from tests.fuzz.test_forms import _draft_paper

    paper = _draft_paper()
    client.force_login(User.objects.get(username="a46"))
    url = reverse("committee:attachment_create", args=[paper.pk])
    folder = f"committee/papers/{paper.pk}/"
    accepted_kinds = set()

    @FUZZ
    @given(content=CONTENTS, filename=NAMES)
    @example(content=("pdf", pdf()), filename="../../etc/passwd.pdf")
    @example(content=("pdf", pdf()), filename="..\\..\\windows\\anlage.pdf")
    @example(content=("pdf", pdf()), filename="a" * 300 + ".pdf")
    @example(content=("pdf", pdf()), filename="ü" * 150 + ".pdf")
    @example(content=("pdf", pdf()), filename="nul\x00byte.pdf")
    @example(content=("xlsx", xlsx_like()), filename="tabelle.xlsx")
    def check(content, filename):
        kind, data = content
        with transaction.atomic():
            before_rows, before_files = fingerprint(), media_files()
            response = post(client, url, {"order": "7", "title": "Anlage"}, filename, data)
            assert response.status_code in (200, 302), response.status_code
            accepted = response.status_code == 302
            new_files = media_files() - before_files
            if accepted:
                accepted_kinds.add(kind)
                assert kind == "pdf", kind  # PDF only; never truncated, without end, or a polyglot
                name = Attachment.objects.filter(paper=paper).latest("pk").file.name
                check_stored(name, folder, filename, Attachment._meta.get_field("file").max_length)
                assert new_files == {name}
            else:
                assert changed(before_rows, fingerprint()) == {}, "a refused upload changed rows"
                assert new_files == set(), new_files
            transaction.set_rollback(True)
        for leftover in media_files() - before_files:
            (Path(django_settings.MEDIA_ROOT) / leftover).unlink()

    check()
    assert "pdf" in accepted_kinds, "no valid PDF was ever accepted: the properties would be blind"


def test_caseload_csv_import_with_hostile_bytes_and_names(client, media):
    from casemanagement import services
    from casemanagement.models import CaseloadReturn, ReturnStatus
    from kim.models import User

    r = CaseloadReturn.objects.filter(
        carrier__slug="caritas", status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED]
    ).first()
    if r is None:
        known = CaseloadReturn.objects.filter(carrier__slug="caritas").order_by("-year", "-month").first()
        r = services.return_create(carrier=known.carrier, post=known.post, year=known.year + 1, month=1)
    client.force_login(User.objects.get(username="traeger-caritas"))
    url = reverse("casemanagement:return_upload", kwargs={"public_id": r.public_id})

    @settings(FUZZ, max_examples=25)
    @given(content=CONTENTS, filename=NAMES)
    @example(
        content=("random", "\ufeffBereich;Merkmal;Anzahl\r\n".encode() + b"\x00\xff" * 100), filename="../meldung.csv"
    )
    def check(content, filename):
        kind, data = content
        with transaction.atomic():
            before_rows, before_files = fingerprint(), media_files()
            response = post(client, url, {"version": str(r.version)}, filename, data)  # as the page sends it
            assert response.status_code == 302, response.status_code
            page = client.get(response["Location"])
            assert page.status_code == 200
            # none of these contents is a valid return: nothing changes, nothing is stored as a file
            assert changed(before_rows, fingerprint()) == {}
            assert media_files() == before_files
            transaction.set_rollback(True)

    check()
