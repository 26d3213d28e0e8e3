"""Released papers are rendered once; any change to what their PDF shows renders anew."""

from unittest import mock

import pytest
from django.core.cache import cache

from committee import pdf
from committee.models import Consultation, Paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_paper(demo):
    cache.clear()
    return Paper.objects.get(number="2020/0354")


def test_released_paper_is_rendered_once_then_served_from_the_cache(demo_paper):
    with mock.patch.object(pdf, "_paper_pdf_render", wraps=pdf._paper_pdf_render) as render:
        first = pdf.paper_pdf(demo_paper)
        second = pdf.paper_pdf(demo_paper)
    assert first == second and first.startswith(b"%PDF-")
    assert render.call_count == 1


def test_a_changed_consultation_renders_anew(demo_paper):
    with mock.patch.object(pdf, "_paper_pdf_render", wraps=pdf._paper_pdf_render) as render:
        pdf.paper_pdf(demo_paper)
        consultation = Consultation.objects.filter(paper=demo_paper).order_by("order").first()
        consultation.save()  # moves its modified stamp, as recording a result does
        pdf.paper_pdf(demo_paper)
    assert render.call_count == 2


def test_drafts_are_never_cached(demo_paper):
    draft = Paper.objects.filter(status="draft").first() or Paper.objects.exclude(pk=demo_paper.pk).first()
    draft.status = "draft"
    assert pdf._pdf_cache_key(draft, False) is None


def test_the_cycle_collector_is_paused_while_weasyprint_renders_and_restored_after(demo_paper):
    import gc

    from weasyprint import HTML

    real_render = HTML.render
    during = []

    def render(self, *args, **kwargs):
        during.append(gc.isenabled())
        return real_render(self, *args, **kwargs)

    assert gc.isenabled()
    with mock.patch.object(HTML, "render", render):
        assert pdf.render_paper_pdf(demo_paper).startswith(b"%PDF-")
    assert during == [False]
    assert gc.isenabled()


def test_nested_and_failing_pauses_restore_the_collector_as_found():
    import gc

    assert gc.isenabled()
    with pdf._cycle_collector_paused():
        with pytest.raises(RuntimeError), pdf._cycle_collector_paused():
            raise RuntimeError("render failed")
        assert not gc.isenabled()  # the outer render still runs
    assert gc.isenabled()
    gc.disable()
    try:
        with pdf._cycle_collector_paused():
            pass
        assert not gc.isenabled()  # switched off by someone else: left off
    finally:
        gc.enable()
