"""Help pages per area (`/hilfe/<area>/`): each figure explained with its rule and function, role-aware,
no figures in the texts, and every "?" link on a page points to an entry that exists."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from overview.help import AREAS, help_anchor_exists

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
AREA_SLUGS = [a.slug for a in AREAS]


def test_the_six_areas_of_the_issue_exist():
    assert AREA_SLUGS == ["stellen", "finanzen", "controlling", "fallmanagement", "gremien", "konten"]


def test_every_entry_names_an_existing_function_or_class():
    for area in AREAS:
        anchors = [e.anchor for e in area.entries]
        assert len(anchors) == len(set(anchors)), area.slug
        for entry in area.entries:
            module_name, _, attr = entry.function.rpartition(".")
            try:
                module = importlib.import_module(entry.function)  # a whole module (e.g. snapshots)
            except ModuleNotFoundError:
                module = importlib.import_module(module_name)
                assert hasattr(module, attr), entry.function


def test_help_texts_explain_and_show_no_amounts():
    money = re.compile(r"\d{1,3}(\.\d{3})+,\d{2}|\d+,\d{2} ?€")
    for area in AREAS:
        for entry in area.entries:
            for text in (entry.text, entry.rule):
                assert not money.search(str(text)), (entry.anchor, text)


def test_the_rules_the_issue_names_are_explained():
    finance = {e.anchor: str(e.rule) for e in next(a for a in AREAS if a.slug == "finanzen").entries}
    assert "Kalendermonate" in finance["anteilig"]
    assert "tatsächlich bewilligte Zuwendungen" in finance["eigenanteil-eigene"]
    assert "Aufwand der eigenen Stellen" in finance["eigenanteil-eigene"]
    cases = {e.anchor: str(e.rule) for e in next(a for a in AREAS if a.slug == "fallmanagement").entries}
    assert "1 bis 4" in cases["kleine-zahlen"] and "<5" in cases["kleine-zahlen"]


def test_a46_sees_every_entry_of_an_area_with_rule_and_function(client, a46_user):
    client.force_login(a46_user)
    html = client.get(reverse("help_area", args=["finanzen"])).content.decode()
    area = next(a for a in AREAS if a.slug == "finanzen")
    for entry in area.entries:
        assert f'id="{entry.anchor}"' in html
        assert f"<code>{entry.function}</code>" in html
    assert "Regel:" in html


def test_carrier_staff_see_only_help_for_what_they_can_use(client, carrier_a_user):
    client.force_login(carrier_a_user)
    html = client.get(reverse("help_area", args=["finanzen"])).content.decode()
    assert 'id="luecke"' in html and 'id="weiterleitung"' in html
    # notices, budget, forecast and the body's own posts are not theirs
    for anchor in ("bescheide", "anspruch", "prognose", "haushalt-ist", "eigenanteil-eigene", "empfehlung"):
        assert f'id="{anchor}"' not in html
    controlling = client.get(reverse("help_area", args=["controlling"])).content.decode()
    assert 'id="zahlungen"' in controlling and 'id="nachweise"' in controlling
    assert 'id="rueckforderung"' not in controlling and 'id="doppelfoerderung"' not in controlling
    cases = client.get(reverse("help_area", args=["fallmanagement"])).content.decode()
    assert 'id="offene-faelle"' in cases and 'id="je-vzae"' not in cases


def test_committee_staff_see_their_areas(client, committee_user):
    client.force_login(committee_user)
    html = client.get(reverse("help_area", args=["gremien"])).content.decode()
    assert 'id="stimmen"' in html and 'id="ergebnis"' in html
    cases = client.get(reverse("help_area", args=["fallmanagement"])).content.decode()
    assert 'id="fehlende-meldungen"' not in cases  # committee staff have no returns list
    konten = client.get(reverse("help_area", args=["konten"])).content.decode()
    assert 'id="kontoprotokoll"' not in konten


def test_unknown_area_is_404_and_the_index_lists_the_areas(client, a46_user):
    client.force_login(a46_user)
    assert client.get(reverse("help_area", args=["gibt-es-nicht"])).status_code == 404
    html = client.get(reverse("help")).content.decode()
    for slug in AREA_SLUGS:
        assert reverse("help_area", args=[slug]) in html


HELP_LINK = re.compile(r'\{% help_link "([a-z-]+)" "([a-z-]+)"')


def test_every_help_link_in_the_templates_points_to_an_existing_entry():
    links = []
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        links += [(path.name, *m) for m in HELP_LINK.findall(path.read_text(encoding="utf-8"))]
    assert len(links) >= 25
    assert not [link for link in links if not help_anchor_exists(link[1], link[2])]


def test_a_figure_label_links_to_its_entry(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    contract = paper_2020_0354.forwardings[0]
    html = client.get(contract.get_absolute_url()).content.decode()
    assert 'href="/hilfe/finanzen/#weiterleitung"' in html
    assert "Erläuterung: weitergeleiteter Betrag" in html
    # and every page of an area links to the area's help
    html = client.get(reverse("funding:controlling_risks")).content.decode()
    assert 'class="area-help"><a href="/hilfe/controlling/"' in html


def test_the_dashboard_figures_link_to_their_help(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    html = client.get(reverse("dashboard"), {"year": 2021}).content.decode()
    for anchor in (
        "finanzen/#bescheide",
        "finanzen/#luecke",
        "stellen/#personalbedarf",
        "finanzen/#eigenanteil-eigene",
    ):
        assert f'href="/hilfe/{anchor}"' in html, anchor
