"""Issue 16: a new carrier post is set up by following its next steps (allocate, cost plan,
contract) with forms that open filled in; the report pages offer their export; the AWO sees its
proof of use due. Screenshots at 1366 and 390 px, axe on every page."""

from datetime import date
from decimal import Decimal

from funding.models import ForwardingContract, GrantNotice
from kim.models import Organisation
from modules.models import Module, Post


def test_a46_sets_up_a_post_by_its_next_steps(journey, demo):
    j = journey
    notice = GrantNotice.objects.get(reference="36.08.05-KIM-M2-2021")
    post = Post.objects.create(
        module=Module.objects.get(number=2),
        category="case_management",
        title="Case Management Baesweiler",
        fte=Decimal("0.5"),
        employer=Organisation.objects.get(slug="drk"),
        start=date(2021, 7, 1),
        end=date(2022, 12, 31),
    )
    # the notice's 6,0 VZÄ are allocated; give it room for this half post (as a corrected notice would)
    GrantNotice.objects.filter(pk=notice.pk).update(approved_fte=Decimal("6.5"))
    j.login("a46")
    j.visit(post.get_absolute_url(), "Stelle mit naechsten Schritten")
    steps = j.page.locator(".next-steps").inner_text()
    assert "Besetzung erfassen" in steps and "Einem Förderbescheid zuordnen" in steps
    j.page.set_viewport_size({"width": 390, "height": 844})
    j.check_a11y("Stelle 390 px")
    assert j.page.evaluate("document.documentElement.scrollWidth") <= 390
    j.page.set_viewport_size({"width": 1366, "height": 900})

    j.click("Einem Förderbescheid zuordnen")
    j.check_a11y("Bescheid waehlen")
    j.page.locator("main tr", has_text=notice.reference).get_by_role("link", name="zuordnen").click()
    j.page.wait_for_load_state()
    assert j.page.locator("[name='start']").input_value() == "2021-07-01"
    assert j.page.locator("[name='fte']").input_value() == "0,5"
    j.check_a11y("Zuordnung vorbelegt")
    j.submit()

    j.go(post.get_absolute_url())
    j.click("Kostenplan 2021 für „Case Management Baesweiler“ anlegen")
    assert j.page.locator("[name='year']").input_value() == "2021"
    j.fill({"personnel": "30.000,00", "material_overhead": "2.000,00"})
    j.check_a11y("Kostenplan vorbelegt")
    j.submit()
    assert "/weiterleitungen/neu/" in j.page.url
    assert j.page.locator("[name='end']").input_value() == "2021-12-31"
    j.check_a11y("Vertrag vorbelegt")
    j.submit()
    contract = ForwardingContract.objects.get(post=post)
    # 55.000 € × 0,5 VZÄ × 6/12 months (the demo's KIM programmes count full months) = 13.750 €,
    # below the 30.000 € personnel of the plan
    assert contract.amount == Decimal("13750.00")

    j.visit("/finanzen/mittelfluss/?year=2021", "Mittelfluss mit Export")
    assert j.page.locator(".export-links").get_by_role("link", name="Excel (XLSX)").count() == 1
    j.visit("/finanzen/doppelfoerderung/", "Doppelfoerderung mit Export")
    assert j.page.locator(".export-links").count() == 1
    j.visit("/", "A 46 Uebersicht mit Nachweisen")
    assert "Verwendungsnachweis der Träger ist fällig" in j.page.locator(".todo").inner_text()
    j.logout()

    j.login("traeger-awo")
    j.visit("/", "AWO Startseite mit Verwendungsnachweis")
    assert "Case Management Alsdorf, 2021" in j.page.locator("#verwendungsnachweise").inner_text()
    j.page.set_viewport_size({"width": 390, "height": 844})
    j.check_a11y("AWO Startseite 390 px")
