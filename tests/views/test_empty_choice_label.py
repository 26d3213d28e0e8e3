"""One label for "nothing chosen yet" (issue 16): every form of the application, opened as a role
that may fill it in, offers "– bitte wählen –" and never Django's "---------"."""

from __future__ import annotations

from django.test import Client

from tests.test_access_matrix import USERNAMES, demo  # noqa: F401 - demo is the module's fixture
from tests.views.test_form_labels import form_pages


def test_every_select_offers_the_same_empty_choice(demo, db):  # noqa: F811
    from kim.models import User

    clients: dict[str, Client] = {}
    dashes, offered = [], 0
    for role, name, url in form_pages(demo[0]):
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(User.objects.get(username=USERNAMES[role]))
        html = clients[role].get(url).content.decode()
        if "---------" in html:
            dashes.append(name)
        offered += html.count(">– bitte wählen –</option>")
    assert offered > 10, offered  # the check has selects to check
    assert not dashes, dashes
