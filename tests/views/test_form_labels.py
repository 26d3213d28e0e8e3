"""Every form of the application, opened as a role that may fill it in: every control has a label
(or is a group with a legend), every help text and every error message is tied to its control by
``aria-describedby``, and an invalid control says so (``aria-invalid``). WCAG 1.3.1, 3.3.1, 3.3.2.

The forms are found through the access matrix (``tests/test_access_matrix.py``): every URL a role
may GET (200) and POST to with the form coming back (200) is a form page. Each is checked empty
(as the user first sees it) and after an empty POST (with the errors).
"""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import POLICY, USERNAMES, demo, url_names  # noqa: F401 - demo is the module's fixture

PREFERENCE = ("a46", "committee", "carrier_a")
CONTROLS = {"input", "select", "textarea"}
NOT_FILLED_IN = {"hidden", "submit", "button", "reset", "image"}


class Form(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_main = False
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.ids: dict[str, dict] = {}
        self.described: dict[str, list[str]] = {}  # referenced id -> referencing ids/tags
        self.fieldsets: list[dict] = []
        self.legend_in: list[bool] = []
        self.error_lists: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.in_main = True
        if not self.in_main:
            return
        if "id" in a:
            self.ids[a["id"]] = {"tag": tag, **a}
        for ref in (a.get("aria-describedby") or "").split():
            self.described.setdefault(ref, []).append(a.get("id") or tag)
        if tag == "ul" and "errorlist" in (a.get("class") or "").split() and "nonfield" not in (a.get("class") or ""):
            self.error_lists.append(a.get("id"))
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag == "fieldset":
            self.legend_in.append(False)
        if tag == "legend" and self.legend_in:
            self.legend_in[-1] = True
        if tag in CONTROLS and a.get("type", "text") not in NOT_FILLED_IN and a.get("name") != "csrfmiddlewaretoken":
            self.controls.append({"tag": tag, **a, "in_fieldset": bool(self.legend_in)})

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag == "fieldset" and self.legend_in:
            self.legend_in.pop()


# Pages answered 200 to GET and POST that are no form of fields: the confirmation of a reset, whose
# POST makes the signed-in carrier administrator's own password unusable (the client would be signed
# out for every later page). Its page has no input but the button; it is covered in tests/kim/test_accounts.py.
NOT_A_FORM = {"accounts:account_reset"}


def form_pages(d) -> list[tuple[str, str, str]]:
    pages = []
    for name in url_names():
        if name in NOT_A_FORM:
            continue
        kwargs_of, expected = POLICY[name]
        for role in PREFERENCE:
            if expected[role] == (200, 200):
                pages.append((role, name, reverse(name, kwargs=kwargs_of(d))))
                break
    return pages


def problems_of(html: str, where: str) -> list[str]:
    form = Form()
    form.feed(html)
    found = []
    for c in form.controls:
        cid = c.get("id")
        if not cid or cid not in form.label_for:
            found.append(f"{where}: {c['tag']} name={c.get('name')} has no <label for>")
    for ident, el in form.ids.items():
        if ident.endswith("_helptext") and ident not in form.described:
            found.append(f"{where}: help text {ident} is referenced by no aria-describedby")
        if ident.endswith("_error") and el["tag"] == "ul":
            if ident not in form.described:
                found.append(f"{where}: error list {ident} is referenced by no aria-describedby")
            control = form.ids.get(ident.removesuffix("_error"))
            if control and control["tag"] in CONTROLS and control.get("aria-invalid") != "true":
                found.append(f"{where}: {control.get('name')} has errors but no aria-invalid")
    for ident in form.error_lists:
        if ident not in form.described:
            found.append(f"{where}: an error list (id {ident}) is referenced by no aria-describedby")
    for ref, by in form.described.items():
        if ref not in form.ids:
            found.append(f"{where}: aria-describedby of {by} points to missing id {ref}")
    return found, form


def test_every_form_labels_its_fields_and_ties_help_and_errors_to_them(demo, db):  # noqa: F811
    from kim.models import User

    d = demo[0]
    pages = form_pages(d)
    assert len(pages) >= 40, len(pages)  # every create/edit form of the application
    clients = {}
    problems, controls, helps, errors = [], 0, 0, 0
    for role, name, url in pages:
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(username=USERNAMES[role]))
        client = clients[role]
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 200, f"{method} {url}: {response.status_code}"
            found, form = problems_of(response.content.decode(), f"{method.upper()} {name}")
            problems += found
            controls += len(form.controls)
            helps += sum(i.endswith("_helptext") for i in form.ids)
            errors += len(form.error_lists)
    # the check has something to check: many controls, help texts and (after empty POSTs) errors
    assert controls > 300 and helps > 100 and errors > 40, (controls, helps, errors)
    assert not problems, f"{len(problems)} Probleme:\n" + "\n".join(problems)
