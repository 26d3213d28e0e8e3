"""Read-only OParl 1.1 interface (https://schema.oparl.org/1.1/) under /oparl/v1.1/.

Public data only: released, public papers; public meetings and their public agenda items;
committees. Objects withdrawn after publication (``deleted``) stay listed with ``deleted: true``
so that clients synchronising with ``modified_since`` learn about them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time
from typing import Any
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from committee.models import (
    AgendaItem,
    Attachment,
    Committee,
    CommitteeKind,
    Consultation,
    Meeting,
    Paper,
    PaperStatus,
)
from committee.pdf import paper_pdf
from kim.models import BodyKind, Organisation
from kim.selectors import body_current
from kim.uploads import serve_private_file

SCHEMA = "https://schema.oparl.org/1.1/"
PER_PAGE = 20
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


def iso(value: datetime | None) -> str | None:
    """Timestamp with offset, without microseconds (OParl: RFC 3339 / ISO 8601)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(microsecond=0).isoformat()


def oparl_response(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Type"] = "application/json; charset=utf-8"
    return response


class Urls:
    def __init__(self, request: HttpRequest):
        self.request = request

    def __call__(self, name: str, *args: Any) -> str:
        return self.request.build_absolute_uri(reverse(f"oparl:{name}", args=args))


# --- public querysets ----------------------------------------------------------------------------


def public_papers() -> QuerySet[Paper]:
    return Paper.objects.filter(public=True, status__in=[PaperStatus.RELEASED, PaperStatus.DECIDED])


def public_meetings() -> QuerySet[Meeting]:
    return Meeting.objects.filter(public=True)


def public_agenda_items() -> QuerySet[AgendaItem]:
    # the paper is read with the item: an item of an unpublished paper is named neutrally (public_title)
    return AgendaItem.objects.filter(public=True, meeting__public=True).select_related("paper")


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.public().filter(paper__in=public_papers())


def public_attachments() -> QuerySet[Attachment]:
    return Attachment.objects.filter(paper__in=public_papers())


# --- serialisers -----------------------------------------------------------------------------------


def _base(obj, kind: str, url: str) -> dict:
    data = {"id": url, "type": SCHEMA + kind}
    if getattr(obj, "deleted", False):
        data.update({"deleted": True, "created": iso(obj.created), "modified": iso(obj.modified)})
    return data


def _stamp(data: dict, obj) -> dict:
    data["created"] = iso(obj.created)
    data["modified"] = iso(obj.modified)
    data["deleted"] = False
    return data


def body_json(org: Organisation, u: Urls) -> dict:
    pk = org.pk
    body = body_current()
    is_body = org.pk == body.organisation_id  # the body's own organisation carries its configured name
    return {
        "id": u("body", pk),
        "type": SCHEMA + "Body",
        "system": u("system"),
        "name": body.name if is_body else org.name,
        "shortName": body.short_name if is_body else (org.short_name or org.name),
        "organization": u("body_organization", pk),
        "person": u("body_person", pk),
        "meeting": u("body_meeting", pk),
        "paper": u("body_paper", pk),
        "agendaItem": u("body_agendaitem", pk),
        "consultation": u("body_consultation", pk),
        "file": u("body_file", pk),
        "legislativeTerm": [],
        "legislativeTermList": u("body_legislativeterm", pk),
        "classification": body.kind_label if is_body else str(org.get_kind_display()),
        "deleted": False,
    }


# OParl 1.1 Organization: organizationType is the rough category (every committee of the body is a
# "Gremium"); classification the kind, as precise as possible and in German whatever the interface
# language: the council and the main committee by the body's own words (GO NRW / KrO NRW, Städteregion).
COUNCIL_NAMES: dict[str, str] = {
    BodyKind.COUNTY: "Kreistag",
    BodyKind.CITY: "Rat",
    BodyKind.STAEDTEREGION: "Städteregionstag",
}
MAIN_COMMITTEE_NAMES: dict[str, str] = {
    BodyKind.COUNTY: "Kreisausschuss",
    BodyKind.CITY: "Hauptausschuss",
    BodyKind.STAEDTEREGION: "Städteregionsausschuss",
}


def oparl_classification(kind: str, body_kind: str) -> str:
    """The committee kind as OParl's ``classification`` (body_kind: kim.models.BodyKind, "" if not set up)."""
    if kind == CommitteeKind.COUNCIL:
        return COUNCIL_NAMES.get(body_kind, "Kreistag")
    if kind == CommitteeKind.MAIN_COMMITTEE:
        return MAIN_COMMITTEE_NAMES.get(body_kind, "Kreisausschuss")
    if kind == CommitteeKind.INTEGRATION_COUNCIL:
        return "Integrationsrat"
    return "Ausschuss"


def organization_json(committee: Committee, u: Urls) -> dict:
    data = _base(committee, "Organization", u("organization", committee.pk))
    if committee.deleted:
        return data
    data.update(
        {
            "body": u("body", committee.body_id),
            "name": committee.name,
            "shortName": committee.short_name or committee.name,
            "organizationType": "Gremium",
            "classification": oparl_classification(committee.kind, body_current().kind),
            "meeting": u("organization_meeting", committee.pk),
        }
    )
    return _stamp(data, committee)


def _meeting_start(meeting: Meeting) -> str:
    start = datetime.combine(meeting.date, meeting.start_time or time(0, 0))
    return iso(timezone.make_aware(start))


def agenda_item_json(item: AgendaItem, u: Urls, consultations: dict[tuple[int, int], Consultation]) -> dict:
    data = _base(item, "AgendaItem", u("agendaitem", item.pk))
    if item.deleted:
        return data
    data.update(
        {
            "meeting": u("meeting", item.meeting_id),
            "number": item.number,
            "order": item.order,
            "name": item.public_title,
            "public": item.public,
        }
    )
    consultation = consultations.get((item.meeting_id, item.paper_id)) if item.paper_id else None
    if consultation is not None:
        data["consultation"] = u("consultation", consultation.pk)
        if consultation.result:
            data["result"] = consultation.get_result_display()
            if consultation.has_votes:
                data["resolutionText"] = vote_text(consultation)
                # OParl 1.1 allows vendor-prefixed extension fields; documented in the README (OParl section)
                data["kim:votes"] = {
                    "yes": consultation.votes_yes,
                    "no": consultation.votes_no,
                    "abstention": consultation.votes_abstention,
                    "biased": consultation.votes_biased,
                }
    return _stamp(data, item)


def vote_text(consultation: Consultation) -> str:
    """ "Ja 30 · Nein 2 · Enthaltungen 1 · befangen 0": every recorded count, a recorded 0 included."""

    def count(value: int | None) -> str:
        return "–" if value is None else str(value)

    return (
        f"{consultation.get_result_display()}: Ja {count(consultation.votes_yes)} · Nein {count(consultation.votes_no)}"
        f" · Enthaltungen {count(consultation.votes_abstention)} · befangen {count(consultation.votes_biased)}"
    )


def meeting_json(meeting: Meeting, u: Urls, consultations: dict | None = None) -> dict:
    data = _base(meeting, "Meeting", u("meeting", meeting.pk))
    if meeting.deleted:
        return data
    consultations = consultations if consultations is not None else _consultation_index(meeting_ids=[meeting.pk])
    data.update(
        {
            "name": meeting.title,
            "meetingState": "durchgeführt" if meeting.date <= timezone.localdate() else "eingeladen",
            "cancelled": meeting.cancelled,
            "start": _meeting_start(meeting),
            "organization": [u("organization", meeting.committee_id)],
            "agendaItem": [agenda_item_json(i, u, consultations) for i in meeting.public_items],
        }
    )
    if meeting.place:
        data["location"] = {
            "id": u("meeting", meeting.pk) + "#ort",
            "type": SCHEMA + "Location",
            "description": meeting.place,
        }
    return _stamp(data, meeting)


def consultation_json(c: Consultation, u: Urls, agenda: dict[tuple[int, int], AgendaItem]) -> dict:
    data = _base(c, "Consultation", u("consultation", c.pk))
    if c.deleted:
        return data
    data.update(
        {
            "paper": u("paper", c.paper_id),
            "meeting": u("meeting", c.meeting_id),
            "organization": [u("organization", c.meeting.committee_id)],
            "authoritative": c.authoritative,
            "role": c.get_role_display(),
        }
    )
    item = agenda.get((c.meeting_id, c.paper_id))
    if item is not None:
        data["agendaItem"] = u("agendaitem", item.pk)
    return _stamp(data, c)


def main_file_json(paper: Paper, u: Urls) -> dict:
    key = f"p{paper.pk}"
    data = {
        "id": u("file", key),
        "type": SCHEMA + "File",
        "name": f"Vorlage {paper.number}",
        "fileName": paper.file_name,
        "mimeType": "application/pdf",
        "date": (paper.released_at or paper.modified).date().isoformat(),
        "accessUrl": u("file_download", key),
        "downloadUrl": u("file_download", key),
        "paper": [u("paper", paper.pk)],
        "created": iso(paper.released_at or paper.created),
        "modified": iso(paper.modified),
        "deleted": paper.deleted,
    }
    return data


def attachment_file_json(a: Attachment, u: Urls) -> dict:
    key = f"a{a.pk}"
    data = _base(a, "File", u("file", key))
    if a.deleted or a.paper.deleted:
        data.update({"deleted": True, "created": iso(a.created), "modified": iso(a.modified)})
        return data
    data.update(
        {
            "name": a.title,
            "fileName": a.download_name,
            "mimeType": "application/pdf",
            "date": a.created.date().isoformat(),
            "size": a.size,
            "accessUrl": u("file_download", key),
            "downloadUrl": u("file_download", key),
            "paper": [u("paper", a.paper_id)],
        }
    )
    return _stamp(data, a)


def paper_json(paper: Paper, u: Urls, agenda: dict | None = None) -> dict:
    data = _base(paper, "Paper", u("paper", paper.pk))
    if paper.deleted:
        return data
    agenda = agenda if agenda is not None else _agenda_index(paper_ids=[paper.pk])
    data.update(
        {
            "body": u("body", paper.lead_department.parent_id or paper.lead_department_id),
            "name": paper.title,
            "reference": paper.number,
            "date": paper.date.isoformat(),
            "paperType": paper.get_paper_type_display(),
            "relatedPaper": [u("paper", r.pk) for r in paper.related.all() if r.is_published],
            "mainFile": main_file_json(paper, u),
            "auxiliaryFile": [attachment_file_json(a, u) for a in paper.attachments.all() if not a.deleted],
            "consultation": [consultation_json(c, u, agenda) for c in paper.consultations.all() if c.meeting.public],
        }
    )
    return _stamp(data, paper)


# The indexes are read for the objects being serialised only (a page of a list, one detail):
# loading every public agenda item or consultation per request cost ~2/3 of a paper list page at
# county scale (3.000 papers). One query either way, whatever the number of rows.
def _agenda_index(*, paper_ids: Iterable[int]) -> dict[tuple[int, int], AgendaItem]:
    items = public_agenda_items().filter(paper_id__in=list(paper_ids))
    return {(i.meeting_id, i.paper_id): i for i in items}


def _consultation_index(*, meeting_ids: Iterable[int]) -> dict[tuple[int, int], Consultation]:
    return {(c.meeting_id, c.paper_id): c for c in public_consultations().filter(meeting_id__in=list(meeting_ids))}


def papers_qs() -> QuerySet[Paper]:
    return (
        public_papers()
        .select_related("lead_department")
        .prefetch_related(
            Prefetch("related", queryset=Paper.objects.all()),
            Prefetch("attachments", queryset=Attachment.objects.order_by("order")),
            Prefetch("consultations", queryset=Consultation.objects.select_related("meeting").order_by("order")),
        )
    )


def meetings_qs() -> QuerySet[Meeting]:
    return public_meetings().prefetch_related(
        Prefetch("agenda_items", queryset=public_agenda_items().order_by("order"), to_attr="public_items")
    )


def _meetings_serialiser(rows: list[Meeting], u: Urls) -> Callable[[Meeting], dict]:
    index = _consultation_index(meeting_ids=[m.pk for m in rows])
    return lambda m: meeting_json(m, u, index)


# --- lists ------------------------------------------------------------------------------------------


class BadFilter(ValueError):
    pass


def parse_filters(request: HttpRequest) -> tuple[dict[str, datetime], dict[str, str]]:
    """The date filters as ORM lookups (``created__gte`` …) and the raw values kept for the links."""
    lookups: dict[str, datetime] = {}
    kept = {}
    for name in FILTERS:
        raw = request.GET.get(name)
        if raw is None:
            continue
        try:
            value = parse_datetime(raw.replace(" ", "+"))
            if value is not None:
                if timezone.is_naive(value):
                    value = timezone.make_aware(value)
                # The database compares in UTC; 0001-01-01T00:00+01:00 has no UTC value.
                value = value.astimezone(UTC)
        except (ValueError, OverflowError):  # well-formed but impossible: month 13, beyond year 1–9999
            value = None
        if value is None:
            raise BadFilter(
                f"Ungültiger Zeitpunkt für {name}: {raw!r} (erwartet ISO 8601, z. B. 2020-06-19T00:00:00+02:00)."
            )
        field, op = name.split("_")
        lookups[f"{field}__{'gte' if op == 'since' else 'lte'}"] = value
        kept[name] = raw
    return lookups, kept


def list_response(
    request: HttpRequest,
    qs: QuerySet,
    serialise: Callable[[Any], dict] | None = None,
    *,
    filterable: bool = True,
    for_page: Callable[[list], Callable[[Any], dict]] | None = None,
) -> JsonResponse:
    """One page of ``qs`` as an OParl list. ``for_page(rows)`` builds the serialiser from the rows of
    the page (for indexes read for those rows only) instead of a fixed ``serialise``."""
    try:
        # Unfilterable lists (bodies carry no timestamps) still validate the filters and keep them in links.
        lookups, kept = parse_filters(request)
        if filterable:
            qs = qs.filter(**lookups)
    except BadFilter as exc:
        return oparl_response({"error": str(exc)}, status=400)
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    total = qs.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(page, pages)
    rows = list(qs[(page - 1) * PER_PAGE : page * PER_PAGE])
    if for_page is not None:
        serialise = for_page(rows)
    base = request.build_absolute_uri(request.path)

    def link(number: int) -> str:
        return base + "?" + urlencode({**kept, "page": number})

    links = {"first": link(1), "last": link(pages), "self": link(page)}
    if page > 1:
        links["prev"] = link(page - 1)
    if page < pages:
        links["next"] = link(page + 1)
    return oparl_response(
        {
            "data": [serialise(row) for row in rows],
            "pagination": {
                "totalElements": total,
                "elementsPerPage": PER_PAGE,
                "currentPage": page,
                "totalPages": pages,
            },
            "links": links,
        }
    )


# --- views ------------------------------------------------------------------------------------------


def bodies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(committees__isnull=False).distinct().order_by("pk")


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def system(request: HttpRequest) -> JsonResponse:
    u = Urls(request)
    body = body_current()
    return oparl_response(
        {
            "id": u("system"),
            "type": SCHEMA + "System",
            "oparlVersion": SCHEMA,
            "name": f"KIM-Verwaltung · {body.name} – Sitzungsvorlagen",
            "body": u("body_list"),
            "contactName": body.lead_department or body.name,
            "deleted": False,
        }
    )


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_list(request: HttpRequest) -> JsonResponse:
    u = Urls(request)
    # Organisations carry no timestamps; the filters are validated and kept in the links only.
    return list_response(request, bodies(), lambda org: body_json(org, u), filterable=False)


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return oparl_response(body_json(get_object_or_404(bodies(), pk=pk), Urls(request)))


def _body_or_404(pk: int) -> Organisation:
    return get_object_or_404(bodies(), pk=pk)


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_organization(request: HttpRequest, pk: int) -> JsonResponse:
    _body_or_404(pk)
    u = Urls(request)
    return list_response(
        request, Committee.objects.filter(body_id=pk).order_by("pk"), lambda c: organization_json(c, u)
    )


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_meeting(request: HttpRequest, pk: int) -> JsonResponse:
    _body_or_404(pk)
    u = Urls(request)
    return list_response(
        request,
        meetings_qs().filter(committee__body_id=pk).order_by("pk"),
        for_page=lambda rows: _meetings_serialiser(rows, u),
    )


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_paper(request: HttpRequest, pk: int) -> JsonResponse:
    _body_or_404(pk)
    u = Urls(request)
    qs = papers_qs().filter(Q(lead_department__parent_id=pk) | Q(lead_department_id=pk)).order_by("pk")

    def for_page(rows):
        agenda = _agenda_index(paper_ids=[p.pk for p in rows])
        return lambda p: paper_json(p, u, agenda)

    return list_response(request, qs, for_page=for_page)


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_agendaitem(request: HttpRequest, pk: int) -> JsonResponse:
    _body_or_404(pk)
    u = Urls(request)
    qs = public_agenda_items().filter(meeting__committee__body_id=pk).order_by("pk")

    def for_page(rows):
        index = _consultation_index(meeting_ids={i.meeting_id for i in rows})
        return lambda i: agenda_item_json(i, u, index)

    return list_response(request, qs, for_page=for_page)


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_consultation(request: HttpRequest, pk: int) -> JsonResponse:
    _body_or_404(pk)
    u = Urls(request)
    qs = public_consultations().filter(meeting__committee__body_id=pk).select_related("meeting").order_by("pk")

    def for_page(rows):
        agenda = _agenda_index(paper_ids={c.paper_id for c in rows})
        return lambda c: consultation_json(c, u, agenda)

    return list_response(request, qs, for_page=for_page)


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_file(request: HttpRequest, pk: int) -> JsonResponse:
    """Attachments of public papers (the generated paper PDFs are each paper's ``mainFile``)."""
    _body_or_404(pk)
    u = Urls(request)
    qs = public_attachments().select_related("paper").order_by("pk")
    return list_response(request, qs, lambda a: attachment_file_json(a, u))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def body_empty(request: HttpRequest, pk: int) -> JsonResponse:
    """Persons and legislative terms are not kept by this application: an empty list."""
    _body_or_404(pk)
    return list_response(request, Committee.objects.none(), lambda x: {}, filterable=False)


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return oparl_response(organization_json(get_object_or_404(Committee, pk=pk), Urls(request)))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def organization_meeting(request: HttpRequest, pk: int) -> JsonResponse:
    get_object_or_404(Committee, pk=pk)
    u = Urls(request)
    return list_response(
        request,
        meetings_qs().filter(committee_id=pk).order_by("pk"),
        for_page=lambda rows: _meetings_serialiser(rows, u),
    )


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return oparl_response(meeting_json(get_object_or_404(meetings_qs(), pk=pk), Urls(request)))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def agendaitem_detail(request: HttpRequest, pk: int) -> JsonResponse:
    item = get_object_or_404(public_agenda_items(), pk=pk)
    return oparl_response(agenda_item_json(item, Urls(request), _consultation_index(meeting_ids=[item.meeting_id])))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def paper_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return oparl_response(paper_json(get_object_or_404(papers_qs(), pk=pk), Urls(request)))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def consultation_detail(request: HttpRequest, pk: int) -> JsonResponse:
    c = get_object_or_404(public_consultations().select_related("meeting"), pk=pk)
    return oparl_response(consultation_json(c, Urls(request), _agenda_index(paper_ids=[c.paper_id])))


def _file_target(key: str):
    if len(key) < 2 or len(key) > 12 or key[0] not in "pa" or not key[1:].isascii() or not key[1:].isdigit():
        raise Http404
    if key[0] == "p":
        return get_object_or_404(papers_qs(), pk=int(key[1:]))
    return get_object_or_404(public_attachments().select_related("paper"), pk=int(key[1:]))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def file_detail(request: HttpRequest, key: str) -> JsonResponse:
    target = _file_target(key)
    u = Urls(request)
    return oparl_response(main_file_json(target, u) if isinstance(target, Paper) else attachment_file_json(target, u))


@transaction.non_atomic_requests  # reads only: no BEGIN/COMMIT round trips
@require_GET
def file_download(request: HttpRequest, key: str) -> HttpResponse:

    target = _file_target(key)
    if target.deleted or (isinstance(target, Attachment) and target.paper.deleted):
        raise Http404
    if isinstance(target, Paper):
        # the public document: no consultation of a non-public meeting (committee.pdf.PaperDocument)
        response = HttpResponse(paper_pdf(target, public=True), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{target.file_name}"'
    else:
        response = serve_private_file(target.file, target.download_name)
    response["Access-Control-Allow-Origin"] = "*"
    return response
