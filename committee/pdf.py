"""PDF export of papers and meeting bundles (Sitzungsmappe) with WeasyPrint, as PDF/A-3b.

Fonts come from Debian (``fonts-liberation``, ``fonts-dejavu-core``), installed by ``.ci/run``;
nothing is fetched at run time (the URL fetcher refuses everything but the attachment files).
German hyphenation comes from ``hyphens: auto`` with ``lang="de"`` (pyphen's dictionaries).
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max, Prefetch
from django.template.loader import render_to_string

from committee.figures import RenderedPaper, render_paper
from committee.models import AgendaItem, Consultation, Meeting, Paper, PaperStatus
from kim.i18n import german
from kim.selectors import body_current

PDF_VARIANT = "pdf/a-3b"


def _no_fetch(url: str, *args, **kwargs):
    raise ValueError(f"Externe Ressourcen werden nicht geladen: {url}")


def papers_for_export():
    """Papers with what a PDF needs, in a fixed number of queries."""
    return Paper.objects.select_related("lead_department__parent").prefetch_related(
        "decision_items",
        "sections",
        "attachments",
        "related",
        Prefetch("consultations", queryset=Consultation.objects.select_related("meeting__committee").order_by("order")),
    )


@dataclass
class PaperDocument:
    """A paper as one PDF shows it. ``public``: the document anyone may receive (OParl, carriers,
    the meeting bundle): without consultations of non-public meetings (their results and votes are
    not published) and naming published related papers only."""

    paper: Paper
    rendered: RenderedPaper
    anchor: str = ""
    public: bool = True

    @property
    def consultations(self) -> list[Consultation]:
        return [c for c in self.paper.consultations.all() if c.meeting.public or not self.public]

    @property
    def related(self) -> list[Paper]:
        return [r for r in self.paper.related.all() if r.is_published or not self.public]


def paper_document(paper: Paper, anchor: str = "", *, public: bool = True) -> PaperDocument:
    return PaperDocument(paper, render_paper(paper), anchor or f"paper-{paper.pk}", public=public)


_local = threading.local()


def _font_config():
    """One FontConfiguration per thread: setting up fontconfig costs ~15 % of a paper's render time."""
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


_gc_lock = threading.Lock()
_gc_pause = {"depth": 0, "was_enabled": True}


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint lays out and writes a document.

    A paper builds some 10⁵ boxes, styles and text layouts, most of them alive until the PDF is
    written: the collector's automatic passes over them (and, now and then, over the whole heap of
    the process) found nothing to free and cost 5–40 % of a paper's render (bench, paper 2020/0354).
    The garbage is collected by the next automatic pass after the render. Process-wide, so nested
    and concurrent renders (threads) count: the last one to finish restores the collector as found."""
    with _gc_lock:
        if _gc_pause["depth"] == 0:
            _gc_pause["was_enabled"] = gc.isenabled()
            gc.disable()
        _gc_pause["depth"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pause["depth"] -= 1
            if _gc_pause["depth"] == 0 and _gc_pause["was_enabled"]:
                gc.enable()


def _write(html: str, *, title: str, attachments: list | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint import Attachment as WPAttachment

    files = [WPAttachment(filename=a.file.path, name=a.download_name, description=a.title) for a in attachments or []]
    authors = [body_current().name]
    with _cycle_collector_paused():
        document = HTML(string=html, url_fetcher=_no_fetch, base_url="/").render(font_config=_font_config())
        document.metadata.title = title
        document.metadata.authors = authors
        return document.write_pdf(pdf_variant=PDF_VARIANT, attachments=files, uncompressed_pdf=False)


def _pdf_cache_key(paper: Paper, with_attachments: bool, public: bool = True) -> str | None:
    """Released and decided papers are frozen; only their head, results and Anlagen can still change,
    and each of those moves a ``modified`` stamp. Drafts show live data and are never cached."""
    if paper.status == PaperStatus.DRAFT:
        return None

    stamps = Paper.objects.filter(pk=paper.pk).aggregate(
        p=Max("modified"),
        c=Max("consultations__modified"),
        m=Max("consultations__meeting__modified"),
        a=Max("attachments__modified"),
    )
    parts = [str(paper.pk), str(int(with_attachments)), "public" if public else "full"]
    parts += [v.isoformat() if v else "-" for v in stamps.values()]
    body = body_current()  # the head of the page carries the body's name and its head of administration
    parts.append(hashlib.sha256(f"{body.name}|{body.head_title}".encode()).hexdigest()[:16])
    return "paper-pdf:" + ":".join(parts)


def paper_pdf(paper: Paper, *, with_attachments: bool = False, public: bool = True) -> bytes:
    """The paper as PDF/A-3b; ``with_attachments`` embeds its Anlagen as PDF/A-3 file attachments.
    ``public=False`` (staff entitled to non-public material only) adds the consultations of
    non-public meetings and unpublished related papers.

    Released papers are rendered once and then served from the cache (keyed by their change stamps).
    A committee paper is an official German document: always rendered in German, whatever the
    language of the interface.
    """
    with german():
        return _paper_pdf_cached(paper, with_attachments=with_attachments, public=public)


def _paper_pdf_cached(paper: Paper, *, with_attachments: bool, public: bool) -> bytes:

    key = _pdf_cache_key(paper, with_attachments, public)
    if key is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    data = _paper_pdf_render(paper, with_attachments=with_attachments, public=public)
    if key is not None:
        cache.set(key, data, timeout=24 * 3600)
    return data


def render_paper_pdf(paper: Paper, *, with_attachments: bool = False, public: bool = True) -> bytes:
    """The paper's PDF rendered now, bypassing the cache (what a cache miss costs; the benchmark times it)."""
    return _paper_pdf_render(paper, with_attachments=with_attachments, public=public)


def _paper_pdf_render(paper: Paper, *, with_attachments: bool, public: bool) -> bytes:
    paper = papers_for_export().get(pk=paper.pk)
    doc = paper_document(paper, public=public)
    html = render_to_string("committee/pdf/paper.html", {"docs": [doc], "bundle": None, "body": body_current()})
    return _write(
        html,
        title=f"Vorlage {paper.number} – {paper.title}",
        attachments=list(paper.attachments.all()) if with_attachments else None,
    )


@dataclass
class BundleItem:
    item: AgendaItem
    doc: PaperDocument | None


def meeting_bundle_pdf(meeting: Meeting, *, public: bool = True) -> bytes:
    """Sitzungsmappe: agenda with a table of contents, then every public released paper of the public part.

    The bundle of the public part is a public document: its papers show no consultation of a
    non-public meeting, and an item whose paper is not published names neither paper nor subject.
    ``public=False`` is the members' bundle (only for users who see non-public material,
    committee.models.sees_non_public): both parts of the agenda, every released paper on it."""
    with german():  # an official German document, like the paper itself
        return _meeting_bundle_pdf(meeting, public=public)


def _meeting_bundle_pdf(meeting: Meeting, *, public: bool) -> bytes:
    items_qs = meeting.agenda_items.select_related("paper").order_by("-public", "order")
    if public:
        items_qs = items_qs.filter(public=True)
    items = list(items_qs)
    paper_ids = [i.paper_id for i in items if i.paper_id]
    papers_qs = papers_for_export().filter(pk__in=paper_ids, deleted=False)
    papers_qs = papers_qs.published() if public else papers_qs.exclude(status=PaperStatus.DRAFT)
    papers = {p.pk: p for p in papers_qs}
    bundle = [
        BundleItem(
            i,
            paper_document(papers[i.paper_id], anchor=f"top-{i.pk}", public=public) if i.paper_id in papers else None,
        )
        for i in items
    ]
    html = render_to_string(
        "committee/pdf/paper.html",
        {
            "docs": [b.doc for b in bundle if b.doc],
            "bundle": {
                "meeting": meeting,
                "public_items": [b for b in bundle if b.item.public],
                "non_public_items": [b for b in bundle if not b.item.public],
                "public": public,
            },
            "body": body_current(),
        },
    )
    title = f"Sitzungsmappe {meeting}" if public else f"Sitzungsmappe {meeting} (nichtöffentlich)"
    return _write(html, title=title)
