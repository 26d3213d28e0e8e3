"""Issue 16: committee staff record the results of a whole meeting on one page, starting from the
due list on their dashboard (demo)."""

from committee.models import Consultation


def test_committee_staff_record_a_meetings_results_from_the_due_list(journey, demo):
    j = journey
    j.login("sitzungsdienst")
    j.go("/")
    j.page.locator("section.todo a").first.click()
    j.page.wait_for_load_state()
    j.click("Ergebnisse erfassen")
    j.check_a11y("Ergebnisse der Sitzung")
    open_rows = Consultation.objects.filter(result="", meeting__date__lt="2026-01-01").count()
    selects = j.page.locator("main select[name$='-result']")
    n = selects.count()
    assert n >= 1
    for i in range(n):
        selects.nth(i).select_option(label="empfohlen")
    j.page.locator("main").get_by_role("button", name="Alle Ergebnisse speichern").click()
    j.page.wait_for_load_state()
    assert "Ergebnisse gespeichert." in j.page.locator("main").inner_text()
    assert Consultation.objects.filter(result="", meeting__date__lt="2026-01-01").count() == open_rows - n
    j.page.set_viewport_size({"width": 390, "height": 844})
    j.check_a11y("Sitzung nach dem Erfassen 390 px")
