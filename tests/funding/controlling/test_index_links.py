"""No link a role cannot use (issue 16): every link in the controlling overview opens for the role
that sees it; committee staff and the audit office get no link to a page that answers 403."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("user_fixture", ["a46_user", "committee_user", "readonly_user"])
def test_every_link_of_the_controlling_overview_opens_for_the_role(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    html = client.get(reverse("funding:controlling")).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    links = sorted(set(re.findall(r'href="(/finanzen/[^"#?]*)"', main)))
    assert len(links) >= 5, links
    statuses = {link: client.get(link).status_code for link in links}
    assert all(code == 200 for code in statuses.values()), statuses
    assert (reverse("funding:controlling_year") in links) == (user_fixture == "a46_user")
