"""axe-core on every HTML page of the URL configuration, each opened as a role that may see it.

The pages and the objects their URL parameters point to come from the access matrix
(``tests/test_access_matrix.py``: its ``POLICY`` table and its ``Demo`` objects), so a new URL is
checked here as soon as it has a policy entry. Every URL whose GET answers 200 to some signed-in
role is opened in Chromium as the first such role of ``PREFERENCE`` (A 46 first: it sees the most;
then the carrier, committee staff and read-only staff); the dashboard is opened by every role
(A 46 and carriers see different pages). Downloads (PDF, CSV, OParl JSON, files) are no HTML pages
and are left out by name. Each page: WCAG 2.1 A/AA rules, no serious or critical violation.

Runtime ≈ 30 s (97 pages); on PostgreSQL (the second run of `.ci/run`) it is skipped, SQLite checks
the same templates.
"""

from __future__ import annotations

import json
import os
import time

import pytest
from django.urls import reverse

from tests.browser.conftest import _axe_source
from tests.test_access_matrix import POLICY, USERNAMES, Demo, url_names

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="axe auf allen Seiten läuft einmal je CI-Lauf, auf SQLite (dieselben Vorlagen)",
)

PREFERENCE = ("a46", "carrier_a", "committee", "readonly")
# Not HTML: PDFs, CSV, files, OParl JSON.
DOWNLOADS = {
    "committee:paper_pdf",
    "committee:meeting_bundle",
    "committee:meeting_bundle_non_public",
    "committee:attachment_download",
    "casemanagement:return_csv",
    "funding:proof_document",
    "overview:data_export",
    "modules:import_template",
    "funding:import_template",
    "masterdata:organisation_import_template",
    "logout",
}
# Pages every role opens: the dashboard differs by role.
EVERY_ROLE = {"dashboard"}


def pages_to_check(d: Demo) -> list[tuple[str, str, str]]:
    """(role, url name, path) for every HTML page some signed-in role may GET."""
    out = []
    for name in url_names():
        if name in DOWNLOADS or name.startswith("oparl:") or name in {"login", "totp_verify", "totp_setup"}:
            continue
        kwargs_of, expected = POLICY[name]
        roles = [r for r in PREFERENCE if expected[r][0] == 200]
        if name not in EVERY_ROLE:
            roles = roles[:1]
        path = reverse(name, kwargs=kwargs_of(d))
        out += [(role, name, path) for role in roles]
    return out


@pytest.fixture
def second_factor_on(settings):
    """Sessions are made with force_login: no TOTP step (the journeys test the login itself)."""
    settings.KIM_REQUIRE_TOTP = False


def _axe(page) -> list[dict]:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source() + "\n;undefined")
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
            resultTypes: ['violations']
        })"""
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_every_page_passes_axe(browser, live_server, demo, settings):
    from django.test import Client

    from kim.models import User

    started = time.monotonic()
    d = Demo()
    pages = pages_to_check(d)
    # Every GET page that some role may read, and every part of the application.
    assert len(pages) >= 60, len(pages)
    assert {role for role, _n, _p in pages} == set(PREFERENCE)
    contexts = {}
    findings, checked = [], 0
    try:
        for role, name, path in pages:
            if role not in contexts:
                client = Client()
                client.force_login(User.objects.get(username=USERNAMES[role]))
                ctx = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
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
                page = ctx.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                contexts[role] = (ctx, page, errors)
            ctx, page, errors = contexts[role]
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, f"{role} {path}: {response and response.status}"
            assert "text/html" in response.headers.get("content-type", ""), f"{name} is no HTML page"
            checked += 1
            bad = _axe(page)
            if bad:
                findings.append(f"{role} {name} {path}: " + json.dumps(bad, ensure_ascii=False))
            assert not errors, f"JavaScript-Fehler auf {path}: {errors}"
    finally:
        for ctx, _page, _errors in contexts.values():
            ctx.close()
    print(f"axe: {checked} Seiten geprüft in {time.monotonic() - started:.0f} s")
    assert not findings, f"{len(findings)} von {checked} Seiten mit ernsten oder kritischen Verstößen:\n" + "\n".join(
        findings
    )
