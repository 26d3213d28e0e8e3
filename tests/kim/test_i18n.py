"""English interface: chosen only with the switch in the header, German for everyone else.

The catalogue ``locale/en/LC_MESSAGES/django.po`` must be complete (no empty or fuzzy entry, the
same placeholders as the German source, every marked source string present) and the committed
``django.mo`` must be the compiled ``.po`` (the application reads only the ``.mo``; ``make run``
works without gettext). Numbers, amounts and dates stay German in both languages; committee papers
and exports stay German whatever the interface language.
"""

from __future__ import annotations

import csv
import gettext as pygettext
import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories as f

BASE = Path(settings.BASE_DIR)
PO = BASE / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
NBSP = "\u00a0"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\{[^}]*\}\}")
# English number formats that must never appear: "2,021", "55,000.00", "330.000.00"
ENGLISH_NUMBER = re.compile(r"\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b|\b\d+\.\d{2}\s?€")


# ---------------------------------------------------------------- a small .po reader (no polib)


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    out, i, body = [], 0, text[1:-1]
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            out.append(escapes.get(body[i + 1], body[i + 1]))
            i += 2
        else:
            out.append(body[i])
            i += 1
    return "".join(out)


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: msgid (``context\x04msgid`` with a msgctxt, as in a .mo), plural (or None),
    msgstr {index: text}, flags (set); obsolete (``#~``) entries are skipped."""
    entries, current, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current is not None and current["has_id"]:
                entries.append(current)
            current, key = None, None
            continue
        if current is None:
            current = {"msgid": "", "plural": None, "msgstr": {}, "flags": set(), "has_id": False, "context": None}
        if line.startswith("#,"):
            current["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = re.match(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line)
        if match:
            keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
            if keyword == "msgctxt":
                key = ("context",)
                current["context"] = value
            elif keyword == "msgid":
                key = ("msgid",)
                current["has_id"] = True
                current["msgid"] = value
            elif keyword == "msgid_plural":
                key = ("plural",)
                current["plural"] = value
            else:
                key = ("msgstr", int(index or 0))
                current["msgstr"][key[1]] = value
        else:  # continuation line
            value = _unquote(line)
            if key == ("context",):
                current["context"] += value
            elif key == ("msgid",):
                current["msgid"] += value
            elif key == ("plural",):
                current["plural"] += value
            else:
                current["msgstr"][key[1]] += value
    for e in entries:
        if e["context"] is not None:
            e["msgid"] = f"{e['context']}\x04{e['msgid']}"
    return entries


def catalogue() -> tuple[dict, list[dict]]:
    entries = read_po(PO)
    header = next(e for e in entries if e["msgid"] == "")
    return header, [e for e in entries if e["msgid"] != ""]


# ---------------------------------------------------------------- the catalogue


def test_catalogue_has_every_entry_translated_and_none_fuzzy():
    header, entries = catalogue()
    assert len(entries) > 1000  # the whole interface, not a sample
    assert "Language: en" in header["msgstr"][0]
    assert "nplurals=2; plural=(n != 1);" in header["msgstr"][0]
    problems = []
    for e in entries:
        if "fuzzy" in e["flags"]:
            problems.append(f"fuzzy: {e['msgid']!r}")
        forms = 2 if e["plural"] is not None else 1
        if sorted(e["msgstr"]) != list(range(forms)) or not all(e["msgstr"].values()):
            problems.append(f"untranslated: {e['msgid']!r}")
        for index, text in e["msgstr"].items():
            source = e["plural"] if (index > 0 and e["plural"] is not None) else e["msgid"]
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"placeholders differ: {e['msgid']!r} → {text!r}")
    assert not problems, "\n".join(problems[:30])


def test_the_reader_sees_an_untranslated_or_fuzzy_entry(tmp_path):
    """The completeness test above is not blind: a missing and a fuzzy translation are found."""
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Language: en\\n"\n\nmsgid "Stelle"\nmsgstr ""\n\n#, fuzzy\nmsgid "Träger"\nmsgstr "Provider"\n\n'
        'msgid "%(n)s Stelle"\nmsgid_plural "%(n)s Stellen"\nmsgstr[0] "%(n)s post"\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    entries = [e for e in read_po(po) if e["msgid"]]
    assert [e["msgstr"] for e in entries] == [{0: ""}, {0: "Provider"}, {0: "%(n)s post", 1: ""}]
    assert "fuzzy" in entries[1]["flags"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (gettext) fehlt")
def test_msgfmt_check_passes():
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(PO)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_committed_mo_is_the_compiled_po():
    """The application reads the .mo; a .po edited without recompiling would silently show German."""
    _, entries = catalogue()
    with MO.open("rb") as fh:
        compiled = pygettext.GNUTranslations(fh)._catalog  # msgid → msgstr, (msgid, n) → plural form
    expected = {}
    for e in entries:
        if e["plural"] is None:
            expected[e["msgid"]] = e["msgstr"][0]
        else:
            for index, text in e["msgstr"].items():
                expected[(e["msgid"], index)] = text
    compiled.pop("", None)
    stale = {k for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)}
    assert not stale, f"django.mo is out of date (python manage.py compilemessages): {sorted(map(str, stale))[:10]}"


# Keywords as used by Django's makemessages (xgettext defaults add _, gettext, ngettext).
XGETTEXT_KEYWORDS = [
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="xgettext (gettext) fehlt")
def test_every_marked_source_string_is_in_the_catalogue():
    """A string marked in code or templates after the last ``makemessages`` would show German in English."""
    from django.utils.translation import templatize

    skip = {".venv", "node_modules", "tests", "migrations", "artifacts", "staticfiles", "media"}
    sources = [p for p in BASE.rglob("*") if p.suffix in {".py", ".html"} and not skip & set(p.relative_to(BASE).parts)]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i, path in enumerate(sources):
            if path.suffix == ".html":
                target = Path(tmp) / f"t{i}.py"
                target.write_text(templatize(path.read_text(encoding="utf-8"), origin=str(path)), encoding="utf-8")
                files.append(str(target))
            else:
                files.append(str(path))
        pot = Path(tmp) / "all.pot"
        subprocess.run(
            [
                "xgettext",
                "--language=Python",
                "--from-code=UTF-8",
                "-o",
                str(pot),
                *[f"--keyword={k}" for k in XGETTEXT_KEYWORDS],
                *files,
            ],
            check=True,
            capture_output=True,
        )
        marked = {e["msgid"] for e in read_po(pot) if e["msgid"]}
    _, entries = catalogue()
    missing = marked - {e["msgid"] for e in entries}
    assert len(marked) > 1000
    assert not missing, f"run makemessages -l en and translate: {sorted(missing)[:10]}"


# ---------------------------------------------------------------- the switch


def choose(client, language: str, next_url: str = "/anmelden/"):
    response = client.post(reverse("set_language"), {"language": language, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return response


@pytest.mark.django_db
def test_german_is_the_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Bitte melden Sie sich mit Ihrem Benutzernamen und Passwort an." in html
    assert response["Content-Language"] == "de"


@pytest.mark.django_db
def test_login_page_in_english_after_choosing_it_and_german_again_after_switching_back(client):
    response = choose(client, "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "Please log in with your username and password." in html
    assert "<h1>Log in</h1>" in html
    assert 'lang="de" class="lang-button" aria-pressed="false">Deutsch</button>' in html
    assert 'lang="en" class="lang-button" aria-pressed="true">English</button>' in html
    # a wrong password: the form's own message in English
    html = client.post(reverse("login"), {"username": "niemand", "password": "falsch-falsch"}).content.decode()
    assert "Username or password is incorrect." in html

    choose(client, "de")
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="de">' in html
    assert "Bitte melden Sie sich mit Ihrem Benutzernamen und Passwort an." in html


@pytest.mark.django_db
def test_the_choice_does_not_outlive_the_request(client):
    """One person's English must not leak into what the thread does next (e-mails, commands, other tests)."""
    from django.utils import translation

    choose(client, "en")
    assert '<html lang="en">' in client.get(reverse("login")).content.decode()
    assert translation.get_language() == "de"
    assert translation.gettext("Abmelden") == "Abmelden"


@pytest.mark.django_db
def test_an_unknown_language_in_the_cookie_falls_back_to_german(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert '<html lang="de">' in client.get(reverse("login")).content.decode()
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/anmelden/"})
    assert (
        settings.LANGUAGE_COOKIE_NAME not in response.cookies
        or response.cookies[settings.LANGUAGE_COOKIE_NAME].value != "xx"
    )


@pytest.mark.django_db
def test_the_switch_refuses_a_foreign_next_url(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example.org/"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def paper_2021(paper_2020_0354, county_cost_rates_2021):
    return paper_2020_0354


def assert_german_numbers(html: str) -> None:
    text = re.sub(r"<[^>]+>", " ", html)
    assert not ENGLISH_NUMBER.findall(text), ENGLISH_NUMBER.findall(text)[:5]


@pytest.mark.django_db
def test_dashboard_in_english_keeps_german_numbers(client, a46_user, paper_2021):
    client.force_login(a46_user)
    choose(client, "en", "/")
    html = client.get(reverse("dashboard"), {"year": 2021}).content.decode()
    assert '<html lang="en">' in html
    for expected in (
        "Overview 2021",
        "Funding from the Land (grant notices)",
        "Log out",
        "Posts &amp; providers",
        "Finance",
    ):
        assert expected in html, expected
    # module 2 in 2021: 6 posts × 55.000 € = 330.000,00 € (paper 2020/0354); German format in English too
    assert f"330.000,00{NBSP}€" in html
    assert "2021" in html and "2.021" not in html
    assert_german_numbers(html)


@pytest.mark.django_db
def test_dashboard_german_by_default(client, a46_user, paper_2021):
    client.force_login(a46_user)
    html = client.get(reverse("dashboard"), {"year": 2021}).content.decode()
    assert '<html lang="de">' in html
    assert "Übersicht 2021" in html and "Förderung des Landes (Bescheide)" in html
    assert "Funding from the Land" not in html


@pytest.mark.django_db
def test_list_page_in_english(client, a46_user, paper_2021):
    client.force_login(a46_user)
    choose(client, "en", "/")
    html = client.get(reverse("funding:forwarding_list")).content.decode()
    assert "<h1>Forwarding contracts</h1>" in html or ">Forwarding contracts<" in html
    for header in (">Contract<", ">Provider<", ">Post<", ">Amount<", ">Year<"):  # the table's column headers
        assert header in html, header
    assert "Export this list (with filter and sorting):" in html
    # 5 carrier posts × 55.000 € (whole year 2021, personnel costs 64.000 € above the flat rate)
    assert html.count(f"55.000,00{NBSP}€") >= 5
    assert_german_numbers(html)


@pytest.mark.django_db
def test_form_with_validation_errors_in_english(client, a46_user, county):
    client.force_login(a46_user)
    choose(client, "en", "/")
    module = f.ModuleFactory(number=1)
    response = client.post(
        reverse("modules:post_create"),
        {
            "module": module.pk,
            "title": "Sachbearbeitung",
            "category": "coordination",
            "fte": "eins",
            "employer": county.pk,
            "start": "31.02.2021",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Not saved." in html and "Please correct the marked fields." in html
    assert "Please enter a post share as a number, e.g. 0,5 or 1,0." in html
    assert "Please enter a valid date (DD.MM.YYYY)." in html
    assert "<h1>New post</h1>" in html


@pytest.mark.django_db
def test_exports_keep_german_headers_in_english(client, a46_user, paper_2021):
    client.force_login(a46_user)
    choose(client, "en", "/")
    response = client.get(reverse("funding:forwarding_list"), {"export": "csv"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert header == ["Vertrag", "Jahr", "Träger", "Stelle", "von", "bis", "Betrag"]


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) fehlt")
def test_committee_paper_pdf_stays_german_with_english_interface(client, a46_user, paper_2021):
    """A committee paper is an official German document, whatever language its author reads the interface in."""
    from django.utils import translation

    from committee.pdf import paper_pdf
    from tests.committee.conftest import make_paper

    paper = make_paper(department=f.DepartmentFactory(parent=paper_2021.county), number="2020/0354")
    with translation.override("en"):
        data = paper_pdf(paper)
        assert translation.get_language() == "en"  # the interface language is restored afterwards
    text = re.sub(
        r"\s+",
        " ",
        subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode(),
    )
    assert "Beratungsfolge" in text and "Beschlussvorschlag" in text
    assert "Consultation sequence" not in text and "Proposed resolution" not in text
