"""Issue 16, item 6: the search field in the header finds a paper by its number and a post by its
name, scoped by role; a "?" beside a figure opens its help entry. At 390 px the field folds into a
link. Screenshots at 1366 and 390 px; axe on every page."""

from committee.models import Paper
from modules.models import Post


def test_search_in_the_header_and_help_from_a_figure(journey, demo):
    j = journey
    j.login("a46")
    j.page.set_viewport_size({"width": 1366, "height": 900})
    paper = Paper.objects.filter(number="2020/0354").first() or Paper.objects.order_by("pk").first()
    j.page.get_by_role("searchbox", name="Suchbegriff").fill(paper.number)
    j.page.get_by_role("button", name="Suchen").click()
    j.page.wait_for_load_state()
    main = j.page.locator("main")
    assert main.get_by_role("heading", name="Sitzungsvorlagen").count() == 1
    assert main.get_by_role("link", name=f"{paper.number} {paper.title}").count() == 1
    j.check_a11y("Suche nach Vorlagennummer 1366")

    j.go("/suche/?q=Caritas")
    assert main.get_by_role("heading", name="Weiterleitungsverträge").count() == 1
    j.check_a11y("Suche Caritas als A 46")

    # a figure's "?" opens its help entry
    j.go("/?year=2021")
    j.page.get_by_role("link", name="Erläuterung: Eigenanteil eigener Stellen").first.click()
    j.page.wait_for_load_state()
    assert j.page.url.endswith("/hilfe/finanzen/#eigenanteil-eigene")
    entry = j.page.locator("#eigenanteil-eigene")
    assert "tatsächlich bewilligte Zuwendungen" in entry.inner_text()
    j.check_a11y("Hilfe Finanzen 1366")
    j.go("/hilfe/")
    j.check_a11y("Hilfe Bereiche")

    j.page.set_viewport_size({"width": 390, "height": 844})
    j.go("/hilfe/controlling/")
    assert not j.page.get_by_role("searchbox", name="Suchbegriff").is_visible()
    header_height = j.page.locator(".site-header").bounding_box()["height"]
    assert header_height < 90, header_height  # two short lines: brand + "Suche", then language and account
    assert j.page.evaluate("document.documentElement.scrollWidth") <= 390
    j.check_a11y("Hilfe Controlling 390")
    j.page.locator(".site-header").get_by_role("link", name="Suche").click()
    j.page.wait_for_load_state()
    j.page.locator("main").get_by_label("Suchbegriff").fill("Case Management")
    j.page.locator("main").get_by_role("button", name="Suchen").click()
    j.page.wait_for_load_state()
    assert main.get_by_role("heading", name="Stellen").count() == 1
    assert j.page.evaluate("document.documentElement.scrollWidth") <= 390
    j.check_a11y("Suche 390")
    j.logout()

    carrier_user = "traeger-caritas"
    j.page.set_viewport_size({"width": 1366, "height": 900})
    j.login(carrier_user)
    j.go("/suche/?q=e.+V.")
    text = main.inner_text()
    assert "Förderbescheide" not in text
    own_posts = Post.objects.filter(employer__slug="caritas").count()
    assert main.locator("#treffer-posts + ul li").count() <= own_posts
    for other in ("Diakonisches Werk", "AWO Kreisverband", "DRK-Kreisverband"):
        assert other not in text
    j.check_a11y("Suche als Traeger")
    j.go("/hilfe/finanzen/")
    assert j.page.locator("#bescheide").count() == 0 and j.page.locator("#luecke").count() == 1
    j.check_a11y("Hilfe Finanzen als Traeger")
