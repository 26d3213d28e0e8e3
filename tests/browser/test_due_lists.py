"""Issue 16: what is due is in front of each role (demo). The carrier home lists its missing monthly
returns, A 46 sees the returns waiting for review, committee staff the meetings lacking results."""

from casemanagement import selectors
from casemanagement.models import CaseloadReturn, ReturnStatus
from kim.models import User


def test_each_role_sees_what_is_due(journey, demo):
    j = journey
    carrier = User.objects.filter(username__startswith="traeger-").order_by("username").first()
    j.login(carrier.username)
    missing = selectors.returns_due(user=carrier).missing_count
    assert missing > 0
    j.go("/")
    text = j.page.locator("main").inner_text()
    assert f"{missing} Monatsmeldungen fehlen" in text and "Keine Meldungen fällig" not in text
    j.check_a11y("Traeger Startseite")
    j.page.set_viewport_size({"width": 390, "height": 844})
    j.check_a11y("Traeger Startseite 390 px")
    # phone width: the case page's buttons wrap instead of running off the screen, the list's
    # filters fold into one line that names them
    from casemanagement.models import Case

    case = Case.objects.for_user(carrier).filter(closed_on__isnull=True).first()
    j.go(case.get_absolute_url())
    assert j.page.evaluate("document.documentElement.scrollWidth") <= 390
    j.check_a11y("Fall 390 px")
    j.go("/fallmanagement/faelle/?year=2021")
    assert not j.page.locator("details.filter-fold").evaluate("d => d.open")
    assert "Filter: eröffnet im Jahr: 2021" in j.page.locator("details.filter-fold summary").inner_text()
    j.check_a11y("Fallregister 390 px")
    j.page.set_viewport_size({"width": 1366, "height": 900})
    j.go("/fallmanagement/faelle/?year=2021")
    assert j.page.locator("details.filter-fold").evaluate("d => d.open")
    j.logout()

    j.login("a46")
    j.go("/")
    waiting = CaseloadReturn.objects.filter(status=ReturnStatus.SUBMITTED).count()
    assert f"{waiting} Fallzahlenmeldungen warten auf Prüfung" in j.page.locator("main").inner_text()
    j.check_a11y("A 46 Uebersicht mit Zu erledigen")
    j.logout()

    j.login("sitzungsdienst")
    j.go("/")
    assert "Zu erledigen" in j.page.locator("main").inner_text()
    j.check_a11y("Sitzungsdienst Uebersicht")
