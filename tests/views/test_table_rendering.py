"""kim.tables.rows_html (the list pages' rows rendered in one pass, ``{% kim_table %}``) gives the same
table as django_tables2's own ``{% render_table %}``: same cells, links, attributes, dates and money."""

from __future__ import annotations

import itertools
import re
from datetime import date

import pytest
from django.template import RequestContext, Template
from django.urls import reverse

from kim.tables import GermanDateColumn
from tests.views.test_list_queries import LISTS, add_carrier_rows

pytestmark = pytest.mark.django_db


def _normalise(html: str) -> str:
    html = re.sub(r">\s+<", "><", html.strip())
    return re.sub(r"\s+", " ", html)


def both_renderings(response) -> tuple[str, str]:
    table = response.context["table"]
    request = response.wsgi_request
    table._counter = itertools.count()  # rows count on across renderings (odd/even); each from the start
    theirs = Template("{% load django_tables2 %}{% render_table table %}").render(
        RequestContext(request, {"table": table})
    )
    table._counter = itertools.count()
    ours = Template("{% load kim %}{% kim_table table %}").render(RequestContext(request, {"table": table}))
    return _normalise(theirs), _normalise(ours)


def assert_equal(ours: str, theirs: str) -> None:
    if ours != theirs:  # show where they part, not two long strings
        i = next((k for k, (a, b) in enumerate(zip(ours, theirs, strict=False)) if a != b), min(len(ours), len(theirs)))
        raise AssertionError(f"differ at {i}: ours …{ours[i - 80 : i + 120]}… theirs …{theirs[i - 80 : i + 120]}…")


def assert_same_table(response) -> None:
    theirs, ours = both_renderings(response)
    assert "<tbody" in ours and ours.count("<tr") == theirs.count("<tr") >= 2  # header and at least one row
    assert_equal(ours, theirs)


@pytest.mark.parametrize(("url_name", "add_row"), LISTS, ids=[name for name, _ in LISTS])
def test_a46_lists_render_the_same_table_as_django_tables2(client, a46_user, url_name, add_row):
    client.force_login(a46_user)
    for i in (1, 2, 3):
        add_row(i)
    assert_same_table(client.get(reverse(url_name)))


@pytest.mark.parametrize("url_name", ["modules:post_list", "funding:forwarding_list", "funding:controlling_proofs"])
def test_carrier_lists_render_the_same_table_as_django_tables2(client, carrier_a_user, carrier_a, url_name):
    for i in (1, 2):
        add_carrier_rows(carrier_a, i)
    client.force_login(carrier_a_user)
    assert_same_table(client.get(reverse(url_name)))


def test_an_empty_list_shows_the_empty_text(client, a46_user):
    client.force_login(a46_user)
    response = client.get(reverse("modules:post_list"))
    theirs, ours = both_renderings(response)
    assert "Keine Stellen gefunden." in ours
    assert_equal(ours, theirs)


def test_the_page_uses_the_one_pass_rows(client, a46_user):
    client.force_login(a46_user)
    LISTS[0][1](1)
    html = client.get(reverse("modules:post_list")).content.decode()
    assert "Case Management 1</a></td>" in html  # the linked title, rendered by kim.tables.rows_html


def test_german_date_column_renders_as_the_date_filter_and_the_default_when_empty():
    column = GermanDateColumn()

    class Bound:
        default = "—"

    assert column.render(value=date(2020, 10, 1), bound_column=Bound) == "01.10.2020"
    assert column.render(value=None, bound_column=Bound) == "—"
    assert column.render(value="kein Datum", bound_column=Bound) == "—"
