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
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find("{http://www.w3.org/2000/svg}title") is not None]
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
