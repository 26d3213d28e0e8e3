"""Journey: a carrier opens a case, records a contact and a referral, closes it, submits the month's
return; A 46 accepts it. Every page on the way passes axe-core; screenshots are kept."""

from datetime import date, timedelta

from casemanagement.models import Case, CaseloadReturn


def test_carrier_keeps_a_case_and_a46_accepts_the_return(journey, demo):
    # The demo register covers 2021; December's return is still a draft there.
    today = date(2021, 12, 6)
    j = journey
    j.login("traeger-caritas")
    j.check_a11y("Startseite Träger")
    j.visit("/fallmanagement/faelle/", "Fallregister")
    before = Case.objects.filter(carrier__slug="caritas").count()

    j.go("/fallmanagement/faelle/neu/")
    j.check_a11y("Neuer Fall")
    j.fill(
        {
            "responsible_post": "#1",
            "opened_on": today.isoformat(),
            "age_band": "#2",
            "gender": "#1",
            "municipality": "#1",
            "residence_status": "#1",
            "legal_domain": "#1",
            "phase": "#1",
            "topics": True,
        }
    )
    j.submit()
    assert Case.objects.filter(carrier__slug="caritas").count() == before + 1
    code = Case.objects.filter(carrier__slug="caritas").order_by("-pk").first().code
    assert code in j.page.content()
    j.check_a11y("Fall angelegt")

    j.click("Kontakt erfassen")
    j.check_a11y("Kontakt erfassen")
    j.fill({"date": today.isoformat(), "duration_minutes": "45", "mode": "#1"})
    j.submit()

    j.click("Verweisung erfassen")
    j.fill(
        {
            "target": "#1",
            "referred_on": today.isoformat(),
            "status": "#1",
            "follow_up_on": (today + timedelta(days=14)).isoformat(),
        }
    )
    j.submit()
    j.check_a11y("Fall mit Kontakt und Verweisung")

    j.click("Abschließen")
    closed = today + timedelta(days=9)
    j.fill({"closed_on": closed.isoformat(), "reason": "#1"})
    j.submit()
    case = Case.objects.get(code=code)
    assert case.closed_on == closed
    j.check_a11y("Fall abgeschlossen")

    j.visit("/fallmanagement/meldungen/", "Meldungen")
    report = CaseloadReturn.objects.get(carrier__slug="caritas", post=case.responsible_post, year=2021, month=12)
    assert report.status == "draft"
    j.go(f"/fallmanagement/meldungen/{report.public_id}/")
    j.check_a11y("Meldung Dezember Entwurf")
    j.submit("Einreichen")
    report.refresh_from_db()
    assert report.status == "submitted"
    j.check_a11y("Meldung eingereicht")
    j.logout()

    j.login("a46")
    j.visit("/fallmanagement/meldungen/pruefung/", "Prüfung der Meldungen")
    j.page.locator(f"a[href*='{report.public_id}']").first.click()
    j.page.wait_for_load_state()
    assert code not in j.page.content()  # A 46 never sees single cases
    j.submit("Annehmen")
    report.refresh_from_db()
    assert report.status == "accepted"
    j.check_a11y("Meldung angenommen")
