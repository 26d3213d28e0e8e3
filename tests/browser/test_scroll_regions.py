"""A box that scrolls sideways is reachable by keyboard on every page, whatever the layout's timing.

The full suite once failed on a post's page at 390 px: axe-core's ``scrollable-region-focusable`` flagged
the change history card. Cards scrolled (``overflow-x: auto``) and kim.js made a scrolling card focusable
only in its ``resize`` handler; axe ran before Chromium had dispatched that event. Now cards never scroll,
and every wide table sits in a box that the server marks with ``tabindex``, ``role`` and a name
(``{% scroll_region %}``, the django_tables2 wrapper). These checks run without kim.js and at
phone widths, where the boxes surely scroll: what the server sends must pass on its own.
"""

from __future__ import annotations

import json
import os
from datetime import date
from decimal import Decimal

import pytest

from tests.browser.conftest import SHOTS, _axe_source
from tests.test_access_matrix import USERNAMES, Demo

# Every element that scrolls (axe's own test, without its 13 px tolerance) and that neither is in the tab
# order nor holds an element that is: the rule ``scrollable-region-focusable``, stricter.
UNREACHABLE_SCROLLERS = """() => {
  const tabbable = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]),'
    + ' textarea:not([disabled]), summary, [tabindex]:not([tabindex^="-"])';
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    const x = ['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth;
    const y = ['auto', 'scroll'].includes(s.overflowY) && el.scrollHeight > el.clientHeight;
    if (!x && !y) continue;
    if (el.matches(tabbable) || el.querySelector(tabbable)) continue;
    out.push(el.outerHTML.slice(0, 120));
  }
  return out;
}"""


def _context(browser, live_server, settings, username: str, width: int):
    """A signed-in Chromium page without kim.js: what the server sends, nothing the script adds. (Page
    scripts stay on for axe, whose run waits on timers; the project's only script is not loaded.)"""
    from django.test import Client

    from kim.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    ctx = browser.new_context(locale="de-DE", viewport={"width": width, "height": 800})
    ctx.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    ctx.set_default_timeout(15000)
    ctx.route("**/*.js", lambda route: route.abort())
    return ctx


def _axe_scroll_rule(page) -> list:
    page.evaluate(_axe_source() + "\n;undefined")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'rule', values: ['scrollable-region-focusable']}, resultTypes: ['violations']
        })"""
    )
    return [n["target"] for v in result["violations"] for n in v["nodes"]]


@pytest.fixture
def second_factor_on(settings):
    """Sessions are made with force_login (the journeys test the login itself)."""
    settings.KIM_REQUIRE_TOTP = False


def test_post_page_at_phone_width_needs_no_script_for_its_scrolling_tables(browser, live_server, demo, settings):
    """The page of the failed run: a new carrier post (empty tables, a change history without links)."""
    from kim.models import Organisation
    from modules.models import Module, Post

    post = Post.objects.create(
        module=Module.objects.get(number=2),
        category="case_management",
        title="Case Management Baesweiler",
        fte=Decimal("0.5"),
        employer=Organisation.objects.get(slug="drk"),
        start=date(2021, 7, 1),
        end=date(2022, 12, 31),
    )
    for width in (320, 390):
        ctx = _context(browser, live_server, settings, USERNAMES["a46"], width)
        try:
            page = ctx.new_page()
            page.goto(live_server.url + post.get_absolute_url())
            assert _axe_scroll_rule(page) == [], width
            assert page.evaluate(UNREACHABLE_SCROLLERS) == [], width
            # the change history is wider than a phone: it scrolls, in its own named region
            history = page.locator(".history [role=region]")
            assert history.count() == 1
            assert history.get_attribute("tabindex") == "0"
            assert history.get_attribute("aria-label") == "Tabelle „Änderungsverlauf“, waagerecht scrollbar"
            assert history.evaluate("el => el.scrollWidth > el.clientWidth"), f"{width} px: the history fits?"
            # the page itself never scrolls sideways: cards hold their tables' boxes
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            # keyboard: Tab reaches the region, its focus ring is the house one (3 px, --focus)
            history.focus()
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")
            assert history.evaluate("el => el === document.activeElement")
            outline = history.evaluate(
                "el => getComputedStyle(el).outlineWidth + ' ' + getComputedStyle(el).outlineColor"
            )
            assert outline == "3px rgb(255, 191, 71)", outline
            (SHOTS / "scroll_regions").mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / "scroll_regions" / f"post-{width}px.png"), full_page=True)
        finally:
            ctx.close()


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="alle Seiten einmal je CI-Lauf, auf SQLite (dieselben Vorlagen)",
)
def test_every_page_at_phone_width_needs_no_script_for_its_scrolling_boxes(browser, live_server, demo, settings):
    """The pages the axe sweep opens (test_axe_every_page), at 360 px and without kim.js."""
    from tests.browser.test_axe_every_page import pages_to_check

    pages = pages_to_check(Demo())
    contexts: dict = {}
    findings = []
    try:
        for role, name, path in pages:
            if role not in contexts:
                contexts[role] = _context(browser, live_server, settings, USERNAMES[role], 360)
                contexts[role].new_page()
            page = contexts[role].pages[0]
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, f"{role} {path}"
            unreachable = page.evaluate(UNREACHABLE_SCROLLERS)
            flagged = _axe_scroll_rule(page)
            if unreachable or flagged:
                findings.append(f"{role} {name} {path}: {json.dumps(flagged)} {unreachable}")
    finally:
        for ctx in contexts.values():
            ctx.close()
    assert len(pages) >= 60
    (SHOTS / "scroll_regions").mkdir(parents=True, exist_ok=True)
    (SHOTS / "scroll_regions" / "findings.txt").write_text("\n".join(findings), encoding="utf-8")
    assert not findings, f"{len(findings)} Seiten mit nicht erreichbaren Scrollbereichen:\n" + "\n".join(findings)
