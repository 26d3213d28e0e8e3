"""Long work shows a busy state (static/js/kim.js): the meeting bundle link says "Mappe wird
erstellt …", is aria-busy and announced in the live region until the PDF has arrived."""

import json
import re

# the public bundle's link (the members' bundle next to it is a busy link too); the script adds ?fertig=…
PUBLIC_BUNDLE = 'a[data-busy][href*="/mappe.pdf"]'


def test_meeting_bundle_link_is_busy_until_the_pdf_arrives(journey, demo):
    from committee.models import Meeting

    meeting = Meeting.objects.filter(deleted=False).order_by("pk").first()
    journey.login("sitzungsdienst")
    journey.visit(f"/gremien/sitzungen/{meeting.pk}/", "Sitzung")
    page = journey.page
    link = page.locator(PUBLIC_BUNDLE)  # the public bundle (the members' one is busy too)
    assert link.get_attribute("aria-busy") is None
    # Every state the link passes through is recorded in the page itself: on a slow machine the
    # PDF can arrive (and the busy state end) before a second round trip from the test could look.
    page.evaluate(
        """(selector) => {
            const el = document.querySelector(selector);
            window.__busyStates = [];
            new MutationObserver(() => window.__busyStates.push(
                {busy: el.getAttribute("aria-busy"), text: el.textContent.trim()}
            )).observe(el, {attributes: true, childList: true, characterData: true, subtree: true});
        }""",
        PUBLIC_BUNDLE,
    )
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".pdf")
    states = page.evaluate("() => window.__busyStates")
    # busy at once after the click (before the PDF is there): the busy text together with aria-busy
    assert {"busy": "true", "text": "Mappe wird erstellt …"} in states, states
    page.wait_for_function(
        f"() => !document.querySelector({json.dumps(PUBLIC_BUNDLE)}).hasAttribute('aria-busy')", timeout=10000
    )
    assert link.inner_text().strip() == "Sitzungsmappe (PDF)"
    page.wait_for_function("() => document.getElementById('busy-status').textContent.length > 0")
    assert re.search("fertig", page.locator("#busy-status").inner_text())
    journey.check_a11y()
