"""Browser tests: Playwright drives Debian's Chromium (``/usr/bin/chromium``) against a live server.

No browser is ever downloaded: ``executable_path`` points at the system Chromium. Every page a
journey reaches is checked with axe-core (from npm, ``node_modules/axe-core``) for WCAG 2.1 A/AA;
serious and critical violations fail the test. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KIM_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium fehlt unter {CHROMIUM}; .ci/run installiert das Debian-Paket chromium.")
        pytest.skip(f"Chromium nicht installiert ({CHROMIUM}); `apt-get install chromium`.")
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail("axe-core fehlt: `npm ci` im Projektverzeichnis ausführen.")
        pytest.skip("axe-core fehlt (`npm ci`); ohne npm laufen die Browser-Tests nicht.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(15000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    pg.base_url = live_server.url
    yield pg
    context.close()
    assert not errors, f"JavaScript-Fehler auf der Seite: {errors}"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    """Journeys log in as users do: A 46 with password and TOTP code."""
    settings.KIM_REQUIRE_TOTP = True


@pytest.fixture
def demo(transactional_db):
    """The StädteRegion Aachen demo, as `make run` loads it (users with password "demo")."""
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)


_AXE_SOURCE: list[str] = []


def _axe_source() -> str:
    if not _AXE_SOURCE:
        _AXE_SOURCE.append(AXE.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


class Journey:
    """Helpers a journey uses: open a URL, log in, check accessibility, keep screenshots."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name
        self.step = 0
        self.checked: list[str] = []
        shutil.rmtree(SHOTS / name, ignore_errors=True)
        (SHOTS / name).mkdir(parents=True, exist_ok=True)

    def go(self, path: str):
        response = self.page.goto(self.page.base_url + path)
        assert response is not None and response.status < 400, f"{path} → {response and response.status}"
        return response

    def login(self, username: str, password: str = "demo"):
        self.go("/anmelden/")
        self.page.get_by_label("Benutzername").fill(username)
        self.page.get_by_label("Passwort").fill(password)
        self.page.get_by_role("button", name=re.compile("Anmelden")).click()
        self.page.wait_for_load_state()
        if "/zweiter-faktor/" in self.page.url:
            import pyotp

            from kim.models import TOTPDevice

            self.check_a11y("Zweiter Faktor")
            secret = TOTPDevice.objects.get(user__username=username).secret
            self.page.get_by_label(re.compile("Sechsstelliger Code")).fill(pyotp.TOTP(secret).now())
            self.page.get_by_role("button", name=re.compile("Bestätigen|Einrichten")).click()
            self.page.wait_for_load_state()
        assert "/anmelden/" not in self.page.url, "Anmeldung fehlgeschlagen"

    def logout(self):
        self.page.get_by_role("button", name=re.compile("Abmelden")).click()
        self.page.wait_for_load_state()

    def shot(self, label: str):
        self.step += 1
        plain = label.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
        slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
        self.page.screenshot(path=str(SHOTS / self.name / f"{self.step:02d}-{slug}.png"), full_page=True)

    def check_a11y(self, label: str | None = None):
        """axe-core, WCAG 2.1 A and AA rules: no serious or critical violation on this page."""
        # Evaluated through the DevTools protocol, not as a <script> tag: the page's CSP (no inline
        # scripts) stays in force during the check.
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(_axe_source() + "\n;undefined")
        result = self.page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations']
            })"""
        )
        bad = [v for v in result["violations"] if v.get("impact") in ("serious", "critical")]
        self.checked.append(self.page.url)
        if label:
            self.shot(label)
        assert not bad, f"Barrierefreiheit ({self.page.url}): " + json.dumps(
            [
                {
                    "id": v["id"],
                    "impact": v["impact"],
                    "help": v["help"],
                    "nodes": [n["target"] for n in v["nodes"][:5]],
                }
                for v in bad
            ],
            ensure_ascii=False,
            indent=1,
        )

    def fill(self, values: dict[str, object]):
        """Fill a form by field name: ``"#1"`` picks the first real option of a select, ``True`` ticks
        the first checkbox of that name, anything else is typed as the user would type it."""
        for name, value in values.items():
            field = self.page.locator(f"[name='{name}']")
            if value is True:
                field.first.check()
                continue
            tag = field.first.evaluate("el => el.tagName.toLowerCase()")
            if tag == "select":
                if isinstance(value, str) and value.startswith("#"):
                    options = field.first.locator("option").evaluate_all("os => os.map(o => o.value).filter(v => v)")
                    field.first.select_option(options[int(value[1:]) - 1])
                else:
                    values = field.first.locator("option").evaluate_all("os => os.map(o => o.value)")
                    if str(value) in values:
                        field.first.select_option(value=str(value))
                    else:
                        field.first.select_option(label=str(value))
            else:
                field.first.fill(str(value))

    def submit(self, button: str = "Speichern"):
        self.page.locator("main").get_by_role("button", name=button, exact=True).first.click()
        self.page.wait_for_load_state()
        errors = self.page.locator(".errorlist, .form-errors").all_inner_texts()
        assert not errors, f"Formularfehler auf {self.page.url}: {errors}"

    def click(self, name: str):
        self.page.locator("main").get_by_role("link", name=name, exact=True).first.click()
        self.page.wait_for_load_state()

    def visit(self, path: str, label: str):
        self.go(path)
        self.check_a11y(label)


@pytest.fixture
def journey(page, request):
    return Journey(page, request.node.name.removeprefix("test_"))
