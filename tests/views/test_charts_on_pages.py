"""Charts appear next to their tables: the dashboard's VZÄ per module and the statistics' cases per VZÄ."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_dashboard_draws_vza_per_module_with_the_tables_figures(client, demo):
    from kim.models import User

    client.force_login(User.objects.get(username="a46"))
    html = client.get("/?year=2021").content.decode()
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    assert "VZÄ je Modul 2021" in svg
    # module 2 of the paper: 1,0 coordination + 5 × 1,0 case management = 6 VZÄ, all occupied
    assert "VZÄ gesamt, Modul 2: 6" in svg and "davon besetzt, Modul 2: 6" in svg
    # module 1: 0,5 assistant + 3 × 1,0 = 3,5 VZÄ
    assert "VZÄ gesamt, Modul 1: 3,5" in svg


def test_statistics_chart_leaves_out_suppressed_values(client, demo):
    from kim.models import User

    client.force_login(User.objects.get(username="a46"))
    response = client.get("/fallmanagement/statistik/", {"year": 2021})
    html = response.content.decode()
    from casemanagement.selectors import caseload_statistics

    stats = caseload_statistics(year=2021)  # what the page shows (its tables are rendered from this)
    drawn = [row for row in stats.per_fte if row["per_fte"] is not None]
    assert drawn, "the demo has enough cases per carrier to show ratios"
    svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", html, re.S).group(0)
    # one labelled bar per shown ratio, the same figure as in the table below the chart
    assert svg.count("</title></rect>") == len(drawn)
    for row in drawn:
        value = f"{row['per_fte']:.1f}".replace(".", ",").removesuffix(",0")
        assert f"Neuaufnahmen je VZÄ, {row['carrier']}: {value}" in svg
    assert "•" not in svg
