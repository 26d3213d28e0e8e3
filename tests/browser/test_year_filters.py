"""Issue 16: a year chosen on one page hides nothing elsewhere. A 46 chooses 2020 on the
repayment-risk page, then finds every submitted return in the review queue and every post in the
post list; a carrier who chose another year finds every public paper. Screenshots at 1366 and 390 px."""

from casemanagement.models import CaseloadReturn, ReturnStatus
from committee.models import Paper
from kim.models import User
from modules.models import Post


def rows(page) -> int:
    return page.locator("main table tbody tr").count()


def test_a_year_chosen_on_one_page_hides_nothing_on_the_lists(journey, demo):
    j = journey
    j.login("a46")
    j.go("/finanzen/rueckforderungsrisiken/?year=2020")
    j.check_a11y("Risiken 2020")

    j.go("/finanzen/mittelfluss/")
    assert "Jahr 2020 aus Ihrer letzten Auswahl übernommen." in j.page.locator("main").inner_text()
    j.check_a11y("Mittelfluss mit gemerktem Jahr")

    submitted = CaseloadReturn.objects.filter(status=ReturnStatus.SUBMITTED).count()
    assert submitted > 0
    j.go("/fallmanagement/meldungen/pruefung/?per_page=100")
    assert rows(j.page) == submitted
    j.check_a11y("Pruefung alle eingereichten Meldungen")

    j.go("/stellen/?per_page=100")
    assert rows(j.page) == Post.objects.count()
    assert "aus Ihrer letzten Auswahl" not in j.page.locator("main").inner_text()
    j.check_a11y("Stellenliste ohne Jahr")

    j.page.set_viewport_size({"width": 390, "height": 844})
    j.go("/")
    j.check_a11y("Uebersicht 390 px mit gemerktem Jahr")
    j.page.locator("main").get_by_role("link", name="Auswahl aufheben").click()
    j.page.wait_for_load_state()
    assert "aus Ihrer letzten Auswahl" not in j.page.locator("main").inner_text()
    j.page.set_viewport_size({"width": 1366, "height": 900})
    j.check_a11y("Uebersicht ohne gemerktes Jahr")
    j.logout()

    carrier = User.objects.filter(username__startswith="traeger-").order_by("username").first()
    j.login(carrier.username)
    j.go("/fallmanagement/meldungen/?year=2025")
    j.go("/gremien/vorlagen/?per_page=100")
    assert rows(j.page) == Paper.objects.for_user(carrier).count() > 0
    j.check_a11y("Vorlagen als Traeger")
