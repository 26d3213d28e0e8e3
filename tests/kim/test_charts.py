"""SVG charts: labelled values in German format, escaped text, accessible names, no colour-only coding."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from kim.charts import Series, bar_chart_svg

NS = {"s": "http://www.w3.org/2000/svg"}


def chart():
    return bar_chart_svg(
        title="Stellen und VZÄ je Modul 2021",
        description="Balken je Modul: Anzahl der Stellen und Vollzeitäquivalente.",
        categories=["Modul 1", "Modul 2", "<script>Modul 3</script>"],
        series=[Series("Stellen", [4, 6, 1]), Series("VZÄ", [Decimal("3.5"), Decimal("6.0"), Decimal("1.0")])],
    )


def test_chart_is_wellformed_svg_with_accessible_name():
    root = ET.fromstring(str(chart()))
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f".//s:title[@id='{title_id}']", NS).text == "Stellen und VZÄ je Modul 2021"
    assert root.find(f".//s:desc[@id='{desc_id}']", NS) is not None


def test_every_bar_is_labelled_with_its_german_value():
    texts = [t.text for t in ET.fromstring(str(chart())).iter("{http://www.w3.org/2000/svg}text")]
    for label in ["4", "6", "1", "3,5", "6", "1"]:
        assert label in texts
    assert "Stellen" in texts and "VZÄ" in texts  # legend names the series


def test_bars_are_proportional_and_text_is_escaped():
    svg = str(chart())
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = ET.fromstring(svg)
    bars = [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.find("{http://www.w3.org/2000/svg}title") is not None
    ]
    widths = {r.find("{http://www.w3.org/2000/svg}title").text: float(r.get("width")) for r in bars}
    # the longest bar (6) spans the plot; 3 of 6 posts would be half of it: 4/6 and 1/6 here
    assert abs(widths["Stellen, Modul 1: 4"] / widths["Stellen, Modul 2: 6"] - 4 / 6) < 0.01
    assert abs(widths["VZÄ, Modul 1: 3,5"] / widths["VZÄ, Modul 2: 6"] - 3.5 / 6) < 0.01


def test_series_differ_by_pattern_not_only_by_colour():
    svg = str(chart())
    assert "<pattern" in svg and "url(#" in svg


def test_all_zero_values_draw_no_bars_and_do_not_divide_by_zero():
    svg = bar_chart_svg(title="leer", description="keine Daten", categories=["A"], series=[Series("x", [0])])
    assert 'width="0.0"' in svg


# ---------------------------------------------------------------- column charts (grouped and stacked)

from kim.charts import column_chart_svg  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def bars_of(svg) -> dict[str, dict[str, float]]:
    root = ET.fromstring(str(svg))
    return {
        r.find(f"{SVG}title").text: {k: float(r.get(k)) for k in ("x", "y", "width", "height")}
        for r in root.iter(f"{SVG}rect")
        if r.find(f"{SVG}title") is not None
    }


def test_grouped_columns_are_proportional_and_protected_values_are_not_drawn():
    svg = column_chart_svg(
        title="Bestand",
        description="je Monat",
        categories=["Jan.", "Feb."],
        series=[Series("A", [10, "<5"]), Series("B", [20, "•"])],
        plot_height=200,
    )
    bars = bars_of(svg)
    # the peak (20) spans the plot height, 10 is half of it
    assert bars["B, Jan.: 20"]["height"] == 200.0
    assert bars["A, Jan.: 10"]["height"] == 100.0
    # protected values: no column, but the marker is printed where the column would be
    assert not any("Feb." in title for title in bars)
    texts = [t.text for t in ET.fromstring(str(svg)).iter(f"{SVG}text")]
    assert "<5" in texts and "•" in texts


def test_stacked_columns_add_up_and_show_the_total():
    svg = column_chart_svg(
        title="Meldungen",
        description="Status je Monat",
        categories=["Jan.", "Feb."],
        series=[Series("angenommen", [3, 1]), Series("fehlt", [1, 0])],
        stacked=True,
        plot_height=160,
    )
    bars = bars_of(svg)
    # peak stack 4 = 160 px: 3 → 120 px, 1 → 40 px, stacked on top of each other
    jan_a, jan_m = bars["angenommen, Jan.: 3"], bars["fehlt, Jan.: 1"]
    assert (jan_a["height"], jan_m["height"]) == (120.0, 40.0)
    assert jan_m["y"] + jan_m["height"] == jan_a["y"]
    assert bars["angenommen, Feb.: 1"]["height"] == 40.0
    assert "fehlt, Feb.: 0" not in bars  # zero has no segment
    texts = [t.text for t in ET.fromstring(str(svg)).iter(f"{SVG}text")]
    assert texts.count("4") == 1 and "3" in texts  # total on top, segment value inside
    assert svg == column_chart_svg(
        title="Meldungen",
        description="Status je Monat",
        categories=["Jan.", "Feb."],
        series=[Series("angenommen", [3, 1]), Series("fehlt", [1, 0])],
        stacked=True,
        plot_height=160,
    )  # deterministic
