"""Journey: A 46 enters a forwarding chain on behalf of the recipients (they have no accounts): a new
municipality under the county, the carrier passes part of its 2021 money on to it, the municipality
passes part of that on to another carrier; the notice and the money-flow page show every level."""

from decimal import Decimal

from funding.models import ForwardingContract
from kim.models import Organisation, OrganisationKind


def test_a46_enters_a_three_level_chain(journey, demo):
    j = journey
    j.login("a46")
    county = Organisation.objects.get(kind=OrganisationKind.COUNTY)

    j.go("/stammdaten/organisationen/neu/")
    j.check_a11y("Neue Kommune als Organisation")
    j.fill(
        {
            "kind": "municipality",
            "name": "Gemeinde Musterdorf",
            "short_name": "Musterdorf",
            "slug": "musterdorf",
            "parent": str(county.pk),
        }
    )
    j.submit()
    musterdorf = Organisation.objects.get(slug="musterdorf")
    assert musterdorf.parent == county

    first = ForwardingContract.objects.get(year=2021, carrier__slug="caritas", is_draft=False, upstream=None)
    j.go(f"/finanzen/weiterleitungen/{first.pk}/")
    j.check_a11y("Vertrag Stufe 1")
    j.page.locator("main").get_by_role("link", name="Weiterleiten (durch Caritas)").click()
    j.page.wait_for_load_state()
    j.check_a11y("Weiterleiten Stufe 2")
    j.fill({"carrier": str(musterdorf.pk), "reference": "WV-Caritas-Musterdorf", "amount": "20.000,00"})
    j.submit()
    second = ForwardingContract.objects.get(upstream=first)
    assert (second.level, second.amount) == (2, Decimal("20000.00"))

    # over-forwarding is refused at the field: Musterdorf received 20.000 €
    j.go(f"/finanzen/weiterleitungen/{second.pk}/weiterleiten/")
    diakonie = Organisation.objects.get(slug="diakonie")
    j.fill({"carrier": str(diakonie.pk), "reference": "WV-Musterdorf-Diakonie", "amount": "20.000,01"})
    j.page.locator("main").get_by_role("button", name="Speichern", exact=True).first.click()
    j.page.wait_for_load_state()
    assert "Überschreitung" in j.page.locator("main").inner_text()
    j.check_a11y("Weiterleiten Stufe 3 zu viel")
    j.fill({"amount": "5.000,00"})
    j.submit()
    third = ForwardingContract.objects.get(upstream=second)
    assert (third.level, third.amount) == (3, Decimal("5000.00"))

    j.go(f"/finanzen/foerderbescheide/{first.grant_id}/")
    j.check_a11y("Bescheid mit Kette")
    assert j.page.locator("tr[data-level='3']").count() == 1

    j.go("/finanzen/mittelfluss/?year=2021")
    j.check_a11y("Mittelfluss mit drei Stufen")
    text = j.page.locator("main").inner_text()
    assert "Musterdorf (Stufe 2)" in text and "Diakonie (Stufe 3)" in text

    # the municipality's page: what it received (level 2) and what it passed on (level 3)
    j.go(f"/stammdaten/organisationen/{musterdorf.pk}/")
    j.check_a11y("Kommune mit Weiterleitungen")
    assert j.page.locator("tr[data-level='2']").count() == 1 and j.page.locator("tr[data-level='3']").count() == 1
