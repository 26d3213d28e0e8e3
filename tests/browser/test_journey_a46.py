"""Journey: A 46 prepares a new year (2022 from 2021): drafts in one step, confirms the rate, finalises
the grant notice and a forwarding contract, and checks the carriers' gap on the dashboard."""

from funding.models import ForwardingContract, GrantNotice, Rate
from modules.models import PostCategory


def test_a46_prepares_2022_and_checks_the_gap(journey, demo):
    j = journey
    j.login("a46")
    j.visit("/finanzen/controlling/", "Controlling")

    j.go("/finanzen/controlling/jahr-vorbereiten/")
    j.check_a11y("Jahr vorbereiten")
    j.fill({"source_year": "2021"})
    j.submit("Vorschau / Anlegen")
    assert "Vorschau" in j.page.content()
    assert not GrantNotice.objects.filter(period_start__year=2022).exists()  # the preview saves nothing
    j.check_a11y("Vorschau 2022")
    j.fill({"confirm": True})
    j.submit("Vorschau / Anlegen")
    grant = GrantNotice.objects.get(period_start__year=2022, programme__module__number=2)
    assert grant.is_draft

    rate = Rate.objects.get(year=2022, programme__module__number=2, category=PostCategory.CASE_MANAGEMENT)
    j.visit("/finanzen/saetze/", "Sätze")
    j.go(f"/finanzen/saetze/{rate.pk}/bearbeiten/")
    j.check_a11y("Satz 2022 bestätigen")
    j.fill({"amount_per_fte": "55.000,00"})
    j.submit()
    rate.refresh_from_db()
    assert rate.confirmed

    j.go(f"/finanzen/foerderbescheide/{grant.pk}/bearbeiten/")
    j.check_a11y("Bescheid 2022")
    j.fill({"reference": "36.08.05-KIM-M2-2022", "issued_on": "2022-02-15"})
    j.page.locator("[name='is_draft']").uncheck()
    j.submit()
    grant.refresh_from_db()
    assert not grant.is_draft and grant.amount == 330000  # 6 VZÄ × 55.000 €
    j.check_a11y("Bescheid 2022 erlassen")

    contract = ForwardingContract.objects.filter(grant=grant, post__employer__slug="caritas").get()
    j.go(f"/finanzen/weiterleitungen/{contract.pk}/bearbeiten/")
    j.check_a11y("Vertrag 2022")
    j.fill({"signed_on": "2022-01-20"})
    j.page.locator("[name='is_draft']").uncheck()
    j.submit()
    contract.refresh_from_db()
    assert not contract.is_draft and contract.amount == 55000  # min(64.000 €, 55.000 € × 1,0)

    j.visit("/?year=2022", "Übersicht 2022")
    text = j.page.locator("main").inner_text()
    # cost plans carried forward: 64.000 € personnel − 55.000 € funded = 9.000 € per carrier post
    assert "9.000,00" in text
