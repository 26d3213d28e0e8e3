"""Uploaded documents: checked by content (not by name), size-limited, stored outside the static tree.

Files live under ``settings.MEDIA_ROOT`` (``PRIVATE_MEDIA``), which is never served by
whitenoise or a ``static()`` route; a view that checks permission streams them
(``serve_private_file``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = int(getattr(settings, "MAX_UPLOAD_BYTES", 10 * 1024 * 1024))
# An XLSX is a ZIP archive: a 1 MB file can expand to 1 GiB when opened (a "zip bomb"). Real
# workbooks compress XML about 5–20 times; 100 MB and 100 × leave a wide margin.
MAX_XLSX_UNCOMPRESSED_BYTES = int(getattr(settings, "MAX_XLSX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024))
MAX_XLSX_RATIO = int(getattr(settings, "MAX_XLSX_RATIO", 100))

PDF = "pdf"
XLSX = "xlsx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A file name on disk may have 255 bytes; a 4-byte character (e.g. 𠀀) counts four. Room is left for the
# "_abc1234" Django appends when the name is taken.
MAX_NAME_BYTES = 150


def short_upload_name(filename: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """The base name of an upload (no client directory), cut to ``max_bytes`` in UTF-8, extension kept."""
    name = Path(filename.replace("\\", "/")).name or "datei"
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 10:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    budget = max_bytes - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", errors="ignore") or "datei"
    return stem + suffix


class PrivateStorage(FileSystemStorage):
    """Storage under MEDIA_ROOT whose file names always fit the file system (see ``short_upload_name``)."""

    def get_valid_name(self, name: str) -> str:
        return short_upload_name(super().get_valid_name(name))


def private_storage() -> FileSystemStorage:
    """No fixed location: the storage reads MEDIA_ROOT when it is used (and follows setting changes)."""
    return PrivateStorage()


def sniff(head: bytes, whole: bytes | None = None) -> str | None:
    """The document type by content: a PDF starts with ``%PDF-``; an XLSX is a ZIP with a workbook part."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04") and whole is not None:
        try:
            with zipfile.ZipFile(io.BytesIO(whole)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
    return None


def _polyglot(kind: str, data: bytes) -> bool:
    """A file that is two formats at once: a PDF that is also a readable ZIP archive, or an XLSX with
    data after its end record (a PDF or anything else appended). Office writes nothing after it."""
    if kind == PDF:
        return zipfile.is_zipfile(io.BytesIO(data))
    end = data.rfind(b"PK\x05\x06")
    if end < 0 or len(data) < end + 22:
        return True
    comment = int.from_bytes(data[end + 20 : end + 22], "little")
    return end + 22 + comment != len(data)


def _expansion_problem(data: bytes) -> str | None:
    """Why an XLSX would expand too far when opened (None if it is fine).

    The sizes are those the archive declares; Python's zipfile never inflates a member beyond its
    declared size, so a lying header cannot get more past this check than it declares.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except zipfile.BadZipFile:
        return None  # not an archive at all: the type check refuses it
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED_BYTES:
        return _("Die Excel-Datei ist entpackt zu groß (%(size)s MB; erlaubt sind höchstens %(limit)s MB).") % {
            "size": f"{total / 1048576:.0f}",
            "limit": f"{MAX_XLSX_UNCOMPRESSED_BYTES / 1048576:.0f}",
        }
    if total > 1024 * 1024 and total > MAX_XLSX_RATIO * max(packed, 1):
        return _(
            "Die Excel-Datei ist ungewöhnlich stark komprimiert (%(ratio)s-fach; erlaubt ist höchstens "
            "%(limit)s-fach) und wird aus Sicherheitsgründen nicht angenommen."
        ) % {"ratio": f"{total // max(packed, 1):,}".replace(",", "."), "limit": MAX_XLSX_RATIO}
    return None


def validate_document(upload, allowed: tuple[str, ...] = (PDF,), max_bytes: int | None = None) -> str:
    """Raise a German ValidationError unless ``upload`` really is one of ``allowed`` and small enough.

    Returns the detected type. The file position is reset afterwards.
    """
    limit = max_bytes or MAX_UPLOAD_BYTES
    size = getattr(upload, "size", None)
    if size is None or size == 0:
        raise ValidationError(_("Die Datei ist leer."), code="empty")
    if size > limit:
        raise ValidationError(
            _("Die Datei ist zu groß (%(size)s MB); erlaubt sind höchstens %(limit)s MB.")
            % {"size": f"{size / 1048576:.1f}".replace(".", ","), "limit": f"{limit / 1048576:.0f}"},
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = sniff(data[:8], data)
    if kind == PDF and b"%%EOF" not in data[-2048:]:
        kind = None  # truncated or forged header
    if kind is not None and _polyglot(kind, data):
        kind = None
    if kind == XLSX and XLSX in allowed:
        problem = _expansion_problem(data)
        if problem:
            raise ValidationError(problem, code="expands_too_far")
    if kind not in allowed:
        names = {PDF: "PDF", XLSX: "Excel (XLSX)"}
        raise ValidationError(
            _("Die Datei ist kein gültiges Dokument des erlaubten Typs (%(types)s).")
            % {"types": ", ".join(names[a] for a in allowed)},
            code="wrong_type",
        )
    return kind


def serve_private_file(file_field, download_name: str) -> FileResponse:
    """Stream a stored document; call only after the caller has checked permission."""
    if not file_field:
        raise Http404
    path = Path(file_field.path)
    if not path.is_file():
        raise Http404
    data = path.read_bytes()
    kind = sniff(data[:8], data)
    response = FileResponse(path.open("rb"), as_attachment=True, filename=download_name)
    response["Content-Type"] = CONTENT_TYPES.get(kind, "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    return response
