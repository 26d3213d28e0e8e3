"""Breadcrumbs: pages below an area name the way back; list pages themselves need none."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', html, re.S)
    return [re.sub(r"<[^>]+>", "", part).strip() for part in nav.group(1).split("›")] if nav else []


def test_form_page_has_default_breadcrumbs(client, a46_user):
    client.force_login(a46_user)
    html = client.get(reverse("funding:rate_create")).content.decode()
    trail = crumbs(html)
    assert trail[:2] == ["Übersicht", "Sätze"] and len(trail) == 3


def test_list_page_has_no_breadcrumbs(client, a46_user):
    client.force_login(a46_user)
    assert crumbs(client.get(reverse("funding:rate_list")).content.decode()) == []


def test_detail_page_keeps_its_own_breadcrumbs(client, a46_user, paper_2020_0354):
    client.force_login(a46_user)
    contract = paper_2020_0354.forwardings[0]
    trail = crumbs(client.get(contract.get_absolute_url()).content.decode())
    assert trail[0] == "Weiterleitungsverträge" and trail[-1] == str(contract)


def test_navigation_groups_areas_and_shows_the_active_area_below(client, a46_user):
    client.force_login(a46_user)
    ctx = client.get(reverse("funding:forwarding_list")).context
    assert [g["label"] for g in ctx["nav_groups"]] == [
        "Übersicht",
        "Stellen & Träger",
        "Finanzen",
        "Fallmanagement",
        "Gremien & Vorlagen",
    ]
    finance = next(g for g in ctx["nav_groups"] if g["active"])
    assert finance["label"] == "Finanzen"
    assert [i["label"] for i in finance["items"]][:3] == ["Förderbescheide", "Weiterleitungen", "Kostenpläne"]


def test_carrier_navigation_names_only_its_areas(client, carrier_a_user):
    client.force_login(carrier_a_user)
    ctx = client.get(reverse("funding:forwarding_list")).context
    labels = {i["label"] for g in ctx["nav_groups"] for i in g["items"]}
    assert "Förderbescheide" not in labels and "Statistik" not in labels
    assert {"Weiterleitungen", "Zahlungen", "Verwendungsnachweise"} <= labels
