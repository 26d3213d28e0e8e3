"""The pages that exist for every role open in Chromium, pass axe-core, and keep German formats."""

import re


def test_a46_sees_dashboard_posts_and_funding_pages_accessibly(journey, demo):
    journey.login("a46")
    for path, label in [
        ("/?year=2021", "Übersicht 2021"),
        ("/stellen/", "Stellen"),
        ("/traeger/", "Träger"),
        ("/finanzen/foerderbescheide/", "Förderbescheide"),
        ("/finanzen/weiterleitungen/", "Weiterleitungen"),
        ("/finanzen/eigenanteile/", "Eigenanteile"),
        ("/finanzen/haushalt/", "Haushalt"),
        ("/finanzen/mittelfluss/?year=2021", "Mittelfluss 2021"),
        ("/fallmanagement/statistik/?year=2021", "Statistik 2021"),
        ("/gremien/vorlagen/", "Vorlagen"),
        ("/gremien/sitzungen/", "Sitzungen"),
    ]:
        journey.visit(path, label)
    text = journey.page.content()
    assert not re.search(r"\b2\.02[01]\b", text), "Jahreszahl mit Tausenderpunkt"
