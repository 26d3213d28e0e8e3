"""Every table of the web pages sits in a box that scrolls sideways and is a keyboard-reachable, named
region, written by the server (WCAG 2.1.1; axe-core ``scrollable-region-focusable``): hand-written tables in
``{% scroll_region %}``, the django_tables2 lists in their ``table-container``. Cards themselves never scroll.
The browser side (phone widths, no kim.js): tests/browser/test_scroll_regions.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
MARKS = re.compile(r"\{% scroll_region [^%]+%\}|\{% endscroll_region %\}|<table\b|</table>")


def web_templates() -> list[Path]:
    """The project's HTML templates with a table, except the PDF ones (paper, not a screen)."""
    found = []
    for path in sorted(ROOT.rglob("*.html")):
        parts = path.relative_to(ROOT).parts
        if {"node_modules", ".venv", "artifacts", "pdf"} & set(parts):
            continue
        if "<table" in path.read_text(encoding="utf-8"):
            found.append(path)
    return found


def test_every_table_of_a_web_page_is_in_a_scroll_region():
    paths = web_templates()
    assert len(paths) >= 30  # the post page, dashboards, the controlling pages, the change history …
    wrong = []
    for path in paths:
        marks = [m.group(0) for m in MARKS.finditer(path.read_text(encoding="utf-8"))]
        kinds = ["open" if m.startswith("{% scroll") else "end" if m.startswith("{% end") else m for m in marks]
        if kinds != ["open", "<table", "</table>", "end"] * (len(kinds) // 4) or not kinds:
            wrong.append(f"{path.relative_to(ROOT)}: {kinds}")
    assert not wrong, "Tabellen ohne {% scroll_region %}:\n" + "\n".join(wrong)


def test_cards_do_not_scroll_only_table_boxes_do():
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static" / "css" / "kim.css").read_text(encoding="utf-8"), flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)  # the rules inside media queries count alike
    scrolling = {m.group(1).strip() for m in re.finditer(r"([^{}]+)\{[^}]*overflow(?:-x|-y)?:\s*(?:auto|scroll)", css)}
    # the phone-width navigation scrolls too: its lists hold nothing but links
    assert scrolling == {".table-container", ".table-scroll", ".main-nav ul, .sub-nav ul"}, scrolling
    assert re.search(r"\.table-scroll:focus-visible[^{]*\{[^}]*outline: 3px solid var\(--focus\)", css)


def test_the_tag_renders_a_named_focusable_region():
    html = Template('{% load kim %}{% scroll_region _("Besetzung") %}<table></table>{% endscroll_region %}').render(
        Context()
    )
    assert html == (
        '<div class="table-scroll" role="region" tabindex="0" '
        'aria-label="Tabelle „Besetzung“, waagerecht scrollbar"><table></table></div>'
    )
    # a name from the data is escaped; no name still gives a region with a name
    html = Template("{% load kim %}{% scroll_region name %}<table></table>{% endscroll_region %}").render(
        Context({"name": 'A & "B"'})
    )
    assert 'aria-label="Tabelle „A &amp; &quot;B&quot;“, waagerecht scrollbar"' in html
    html = Template("{% load kim %}{% scroll_region name %}x{% endscroll_region %}").render(Context({}))
    assert 'tabindex="0" aria-label="Tabelle, waagerecht scrollbar">x</div>' in html


@pytest.mark.django_db
def test_a_list_and_a_post_page_send_their_regions(client, a46_user, carrier_a):
    from tests.factories import PostFactory

    post = PostFactory(employer=carrier_a, title="Stelle Baesweiler")
    client.force_login(a46_user)
    listing = client.get(reverse("modules:post_list")).content.decode()
    assert re.search(
        r'<div class="table-container" role="region" tabindex="0" aria-label="Tabelle „[^"]+“, waagerecht scrollbar">',
        listing,
    )
    page = client.get(post.get_absolute_url()).content.decode()
    for name in ("Besetzung", "Geplante Personalkosten je Jahr", "Änderungsverlauf"):
        assert f'role="region" tabindex="0" aria-label="Tabelle „{name}“, waagerecht scrollbar"><table' in page, name
