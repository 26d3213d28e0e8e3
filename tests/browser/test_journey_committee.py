"""Journey: committee staff record the consultation results of 2020/0354 and download its PDF."""

import shutil
import subprocess

import pytest

from committee.models import Consultation, Paper


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
