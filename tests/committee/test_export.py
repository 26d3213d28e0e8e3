"""PDF/A export of papers and meeting bundles: the demo paper 2020/0354 as text, frozen after release."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command

from committee.models import Meeting, Paper
from committee.pdf import meeting_bundle_pdf, paper_pdf
from funding.models import CostPlan
from funding.services import cost_plan_save
from tests.committee.conftest import make_paper

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) fehlt"),
]
D = Decimal


def pdf_text(data: bytes) -> str:
    """pdftotext, with hyphenation at line ends undone and whitespace collapsed."""
    raw = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    raw = raw.replace("\u2010\n", "").replace("\u00ad\n", "")
    return re.sub(r"\s+", " ", raw)


def loose(text: str) -> str:
    """Without hyphens: pdftotext drops the hyphen of a compound broken at the line end ("Nordrhein-Westfälischen")."""
    return re.sub(r"[-\u2010] ?", "", text)


def test_export_paper_writes_the_demo_paper_as_pdf_a_with_its_computed_figures(demo, tmp_path):
    target = tmp_path / "vorlage.pdf"
    call_command("export_paper", "2020/0354", "-o", str(target), stdout=io.StringIO())
    data = target.read_bytes()
    assert data.startswith(b"%PDF-1.7")
    xmp = subprocess.run(["pdfinfo", "-meta", str(target)], capture_output=True, check=True).stdout.decode()
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in xmp  # PDF/A-3b identification in the XMP metadata
    text = pdf_text(data)
    for expected in (
        "2020/0354",
        "Kommunales Integrationsmanagement im Rahmen der Nordrhein-Westfälischen Teilhabe- und Integrationsstrategie 2030",
        "A 46",
        "Beratungsfolge",
        "17.06.2020 Ausschuss für Soziales, Gesundheit, Senioren und demographischen Wandel Vorberatung",
        "19.06.2020 Städteregionsausschuss Entscheidung ungeändert beschlossen",
        "Beschlussvorschlag",
        "Er begrüßt die Umsetzung des Kommunalen Integrationsmanagements",
        "Er nimmt den der Sitzungsvorlage 2020/0354 als Anlage beigefügten Antrag",
        "Er begrüßt die Verortung von fünf Stellen",
        "Er stellt fest, dass im Haushaltsjahr 2020 keine Mittel",
        "Im Auftrag gez. Dr. Ziemons",
        "Antrag der Arbeitsgemeinschaft der Verbände der Freien Wohlfahrtspflege vom 25.05.2020",
        "Seite 1 von",
    ):
        assert loose(expected) in loose(text), expected
    # every amount of the paper, computed by the application from the demo inputs:
    assert "Förderhöhe beträgt 55.000,00 € pro Jahr" in text  # rate per VZÄ
    assert "bis zu 275.000,00 € an die Arbeitsgemeinschaft" in text  # 5 × min(64.000, 55.000)
    assert "maximal 9.000,00 € pro Stelle" in text  # 64.000 − 55.000
    assert "insgesamt bis zu 45.000,00 €" in text  # min(5 × 9.000, 100.000)
    assert "in Höhe von 100.000,00 € (s. Anlage)" in text
    assert "insgesamt 332.500,00 €" in text  # 5 × 62.000 + 0,5 × 45.000
    assert "insgesamt 570.000,00 € im Teilprodukt 946100" in text
    assert "2020 in Höhe von 55.000,00 € für 1,0 Stelle" in text  # module 3 grant 2020


def test_a_cost_plan_change_after_release_leaves_the_released_pdf_unchanged_and_a_new_draft_shows_it(demo):
    paper = Paper.objects.get(number="2020/0354")
    before = pdf_text(paper_pdf(paper))
    for plan in CostPlan.objects.filter(year=2021):
        cost_plan_save(plan=plan, data={"personnel": D("50000")})
    after = pdf_text(paper_pdf(paper))
    assert after == before
    assert "bis zu 275.000,00 €" in after
    draft = make_paper(
        department=paper.lead_department, number="", body="Weiterleitung {{ forwarded_total }}; Lücke {{ gap_total }}."
    )
    draft_text = pdf_text(paper_pdf(draft))
    # 5 × min(50.000, 55.000) = 250.000; gap 50.000 − 50.000 = 0 per post
    assert "Weiterleitung 250.000,00 €; Lücke 0,00 €." in draft_text


def test_the_meeting_bundle_has_the_agenda_with_page_numbers_and_only_public_papers(demo, tmp_path):
    meeting = Meeting.objects.get(date="2020-06-19", committee__slug="staedteregionsausschuss")
    target = tmp_path / "mappe.pdf"
    call_command("export_meeting", "2020-06-19", "staedteregionsausschuss", "-o", str(target), stdout=io.StringIO())
    text = pdf_text(target.read_bytes())
    assert "Sitzung Städteregionsausschuss" in text
    assert "Tagesordnung – öffentlicher Teil" in text
    assert "Vorlage 2020/0323 · Beschlussvorlage" in text and "Vorlage 2020/0354 · Beschlussvorlage" in text
    # table of contents: the cover is page 1, the one-page stub 2020/0323 page 2, 2020/0354 starts on page 3
    assert "S. 2" in text and "S. 3" in text
    assert "Personalangelegenheiten" not in text  # the non-public part stays out
    assert text.count("Vorlage-Nr.") == 2
    assert meeting_bundle_pdf(meeting)[:8] == b"%PDF-1.7"


def test_export_meeting_explains_a_wrong_meeting_in_german(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Keine Sitzung des Gremiums „gibtsnicht“ am 19.06.2020."):
        call_command("export_meeting", "2020-06-19", "gibtsnicht", "-o", "/tmp/x.pdf")
    with pytest.raises(CommandError, match="Keine Sitzungsvorlage mit der Nummer 2020/9999."):
        call_command("export_paper", "2020/9999", "-o", "/tmp/x.pdf")


def test_the_attachments_can_be_embedded_as_pdf_a_3_file_attachments(demo, tmp_path):
    target = tmp_path / "mit-anlagen.pdf"
    call_command("export_paper", "2020/0354", "-o", str(target), "--mit-anlagen", stdout=io.StringIO())
    listing = subprocess.run(["pdfdetach", "-list", str(target)], capture_output=True, check=True).stdout.decode()
    assert "1: Anlage-1-2020-0354.pdf" in listing
