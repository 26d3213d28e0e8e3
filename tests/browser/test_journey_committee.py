"""Journey: committee staff record the consultation results of 2020/0354 and download its PDF."""

import shutil
import subprocess

import pytest

from committee.models import AgendaItem, Consultation, Meeting, Paper


@pytest.fixture
def paper_before_the_meetings(demo):
    """2020/0354 as it stood on 16.06.2020: released, no results yet."""
    paper = Paper.objects.get(number="2020/0354")
    for consultation in Consultation.objects.filter(paper=paper):
        consultation.result = ""
        consultation.votes_yes = consultation.votes_no = consultation.votes_abstention = consultation.votes_biased = (
            None
        )
        consultation.save()
    paper.status = "released"
    paper.save()
    return paper


def test_committee_staff_record_results_and_download_the_paper(journey, paper_before_the_meetings, tmp_path):
    paper = paper_before_the_meetings
    j = journey
    j.login("sitzungsdienst")
    j.check_a11y("Startseite Sitzungsdienst")
    j.visit("/gremien/vorlagen/", "Vorlagen")
    j.page.locator("main").get_by_role("link", name="2020/0354").first.click()
    j.page.wait_for_load_state()
    j.check_a11y("Vorlage 2020-0354")
    assert "Kopf bearbeiten" not in j.page.content()  # committee staff do not edit content or money

    first, second = Consultation.objects.filter(paper=paper).order_by("order")
    for consultation, result, votes in [
        (first, "ungeändert beschlossen", None),
        (second, "ungeändert beschlossen", ("14", "0", "1", "0")),
    ]:
        j.page.locator(f"a[href$='/beratungen/{consultation.pk}/ergebnis/']").click()
        j.page.wait_for_load_state()
        j.check_a11y(f"Ergebnis {consultation.meeting.date:%d.%m.%Y}")
        j.fill({"result": result})
        if votes:
            j.fill(dict(zip(["votes_yes", "votes_no", "votes_abstention", "votes_biased"], votes, strict=False)))
        j.submit()

    paper.refresh_from_db()
    assert paper.status == "decided"  # the decisive consultation (19.06.2020, Entscheidung) decided it
    second.refresh_from_db()
    assert (second.votes_yes, second.votes_no, second.votes_abstention) == (14, 0, 1)
    j.check_a11y("Vorlage beschlossen")

    with j.page.expect_download() as download_info:
        j.page.locator("main").get_by_role("link", name="PDF herunterladen").click()
    target = tmp_path / "vorlage-2020-0354.pdf"
    download_info.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
        assert "2020/0354" in text and "19.06.2020" in text and "ungeändert" in text


def test_committee_staff_reorder_the_agenda_and_get_the_members_bundle(journey, demo):
    """A meeting without results yet: TOP 1 moves down (it swaps its number with TOP 2), on a phone too."""
    meeting = next(m for m in Meeting.objects.filter(deleted=False).order_by("date") if m.agenda_items.count() >= 2)
    for consultation in Consultation.objects.filter(meeting=meeting).exclude(result=""):
        consultation.result = ""
        consultation.save()
    first, second = meeting.agenda_items.order_by("order")[:2]
    j = journey
    j.login("sitzungsdienst")
    j.page.set_viewport_size({"width": 375, "height": 800})
    j.visit(meeting.get_absolute_url(), "Sitzung vor der Umstellung")
    assert j.page.get_by_role("link", name="Mappe für Mitglieder (PDF, mit nichtöffentlichem Teil)").count() == 1
    j.page.get_by_role("button", name=f"TOP {first.number} nach unten").click()
    j.page.wait_for_load_state()
    assert "Tagesordnung neu geordnet." in j.page.content()
    j.check_a11y("Tagesordnung neu geordnet")
    j.shot("Tagesordnung neu geordnet 375 px")
    moved, other = AgendaItem.objects.get(pk=first.pk), AgendaItem.objects.get(pk=second.pk)
    assert (moved.order, moved.number, other.order, other.number) == (
        second.order,
        second.number,
        first.order,
        first.number,
    )
    width = j.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375 + 1, f"Die Sitzungsseite ist {width} px breit"
