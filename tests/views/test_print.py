"""Printed lists carry their title, the active filters (choices by their label) and the print date;
navigation, filters, paging and buttons are left out by the print stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db
CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "kim.css"


def test_list_prints_its_filters_page_and_date(client, a46_user):
    f.RateFactory(year=2021)
    client.force_login(a46_user)
    html = client.get(reverse("funding:rate_list"), {"year": 2021, "category": "case_management"}).content.decode()
    meta = re.search(r'<p class="print-only print-meta">(.*?)</p>', html, re.S).group(1)
    assert "Filter: Jahr: 2021 · Kategorie: Case Management" in meta  # the label, not "case_management"
    assert "Seite 1 von 1" in meta
    assert re.search(r"gedruckt am \d\d\.\d\d\.\d{4}, \d\d:\d\d Uhr", meta)
    html = client.get(reverse("funding:rate_list"), {"year": ""}).content.decode()
    assert "ohne Filter" in html


def test_print_stylesheet_hides_controls_and_repeats_table_headers():
    css = CSS.read_text(encoding="utf-8")
    blocks = " ".join(re.findall(r"@media print \{(.*?)\n\}", css, re.S))
    for selector in (".main-nav", ".filters", ".pagination", ".export-links", "button", ".breadcrumbs"):
        assert selector in blocks, selector
    assert "thead { display: table-header-group; }" in blocks
