"""Pages and downloads with case or return data carry ``Cache-Control: no-store`` (no browser or proxy
keeps them); public OParl answers do not need it."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from casemanagement import services

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return "no-store" in parts and "private" in parts


def test_case_and_return_pages_and_downloads_are_never_stored(
    client, carrier_a_user, a46_user, readonly_user, carrier_a, post_a, make_case
):
    case = make_case(date(2021, 3, 1))
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    client.force_login(carrier_a_user)
    carrier_urls = [
        reverse("dashboard"),
        reverse("casemanagement:case_list"),
        reverse("casemanagement:case_list") + "?export=csv",
        reverse("casemanagement:case_list") + "?export=xlsx",
        case.get_absolute_url(),
        reverse("casemanagement:case_edit", args=[case.public_id]),
        reverse("casemanagement:return_list"),
        r.get_absolute_url(),
        reverse("casemanagement:return_csv", args=[r.public_id]),
        reverse("overview:data_export", args=[carrier_a.slug]),
    ]
    for url in carrier_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), (url, response.get("Cache-Control"))
    r = services.return_submit(caseload_return=r)
    for staff in (a46_user, readonly_user):
        client.force_login(staff)
        for url in (
            r.get_absolute_url(),
            reverse("casemanagement:return_list"),
            reverse("casemanagement:return_list") + "?export=csv",
            reverse("casemanagement:statistics") + "?year=2021",
            reverse("casemanagement:statistics") + "?year=2021&quarter=1&export=csv",
            reverse("casemanagement:statistics") + "?year=2021&export=xlsx",
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert no_store(response), (url, response.get("Cache-Control"))


def test_a_refused_or_redirected_answer_to_a_signed_in_user_is_not_stored_either(client, a46_user, carrier_a_user):
    client.force_login(a46_user)
    assert no_store(client.get(reverse("casemanagement:case_list")))  # 403
    client.force_login(carrier_a_user)
    assert no_store(client.get(reverse("login")))  # 302 to the dashboard
