"""The year switch (kim.years, issue 16): a year chosen on the dashboard or a year page pre-fills
the other year pages and the dashboard, always shown with a way to clear it; lists never read it
and show exactly the filters in their address, so a remembered year cannot hide a row."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    """The Pauschale for case management in 2020 (55.000 €) and 2023 (57.000 €)."""
    return [f.RateFactory(year=2020), f.RateFactory(year=2023, amount_per_fte=Decimal("57000.00"))]


def rate_years(response) -> list[int]:
    return sorted(row.record.year for row in response.context["table"].page.object_list)


def test_the_year_chosen_on_the_dashboard_is_kept_on_year_pages_only(client, a46_user, rates):
    client.force_login(a46_user)
    rates_url = reverse("funding:rate_list")
    assert client.get(reverse("dashboard"), {"year": 2020}).context["year"] == 2020

    # year pages without a year in the address: the remembered year, and the page says so
    response = client.get(reverse("funding:controlling_flow"))
    assert response.context["year"] == 2020
    html = response.content.decode()
    assert "Jahr 2020 aus Ihrer letzten Auswahl übernommen." in html
    assert f'href="{reverse("funding:controlling_flow")}?year="' in html
    assert client.get(reverse("casemanagement:statistics")).context["year"] == 2020
    assert client.get(reverse("dashboard")).context["year"] == 2020

    # a list shows exactly the filters of its address: every year, an empty year field, no notice
    response = client.get(rates_url)
    assert rate_years(response) == [2020, 2023]
    assert response.context["filter"].form["year"].value() is None
    assert "aus Ihrer letzten Auswahl" not in response.content.decode()
    assert rate_years(client.get(rates_url, {"year": 2023})) == [2023]
    # … and choosing a year on a list does not change the year of the year pages
    assert client.get(reverse("funding:controlling_payments")).context["year"] == 2020


def test_a_year_given_in_the_address_is_not_announced_as_remembered(client, a46_user, rates):
    client.force_login(a46_user)
    html = client.get(reverse("funding:controlling_flow"), {"year": 2020}).content.decode()
    assert "aus Ihrer letzten Auswahl" not in html


def test_clearing_the_remembered_year_brings_back_this_year(client, a46_user, rates):
    client.force_login(a46_user)
    client.get(reverse("funding:controlling_flow"), {"year": 2020})
    response = client.get(reverse("funding:controlling_flow"), {"year": ""})
    assert response.context["year"] == date.today().year
    assert "aus Ihrer letzten Auswahl" not in response.content.decode()
    assert client.get(reverse("casemanagement:statistics")).context["year"] == date.today().year


def test_an_implausible_year_is_not_remembered(client, a46_user, rates):
    client.force_login(a46_user)
    client.get(reverse("funding:controlling_flow"), {"year": 2020})
    assert client.get(reverse("funding:controlling_flow"), {"year": "99999"}).context["year"] == 2020
    assert client.get(reverse("funding:controlling_flow")).context["year"] == 2020


def test_each_session_has_its_own_year(client, a46_user, rates):
    from django.test import Client

    client.force_login(a46_user)
    client.get(reverse("dashboard"), {"year": 2020})
    other = Client()
    other.force_login(a46_user)
    assert other.get(reverse("funding:controlling_flow")).context["year"] == date.today().year


# --- on the demo: 2020 chosen on the repayment-risk page first must hide nothing in the lists ----


def login_after_choosing_2020(client, username: str) -> None:
    client.force_login(get_user_model().objects.get(username=username))
    assert client.get(reverse("funding:controlling_risks"), {"year": 2020}).status_code == 200


def test_a_post_created_after_choosing_2020_is_in_the_post_list_and_its_export(client, demo):
    from openpyxl import load_workbook

    from modules.models import Post

    login_after_choosing_2020(client, "a46")
    new = f.CarrierPostFactory(title="Neue Stelle nach der Jahreswahl", start=date(2026, 11, 1), end=date(2027, 12, 31))
    response = client.get(reverse("modules:post_list"), {"per_page": 100})
    shown = {row.record.pk for row in response.context["table"].page.object_list}
    assert shown == set(Post.objects.values_list("pk", flat=True)) and new.pk in shown
    assert "aktiv im Jahr: 2020" not in response.content.decode()

    export = client.get(reverse("modules:post_list"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    titles = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(titles) == Post.objects.count()
    assert any(
        "Neue Stelle nach der Jahreswahl" in str(cell) for row in sheet.iter_rows(values_only=True) for cell in row
    )


def test_the_review_queue_shows_every_submitted_return_after_choosing_2020(client, demo):
    from casemanagement.models import CaseloadReturn, ReturnStatus

    login_after_choosing_2020(client, "a46")
    submitted = set(CaseloadReturn.objects.filter(status=ReturnStatus.SUBMITTED).values_list("pk", flat=True))
    assert submitted, "the demo has submitted returns"
    response = client.get(reverse("casemanagement:review_queue"), {"per_page": 100})
    assert {row.record.pk for row in response.context["table"].page.object_list} == submitted
    assert "Keine Meldungen gefunden" not in response.content.decode()


def test_a_carrier_sees_every_public_paper_after_choosing_another_year(client, demo):
    from committee.models import Paper

    user = get_user_model().objects.filter(username__startswith="traeger-").order_by("username").first()
    client.force_login(user)
    public = set(Paper.objects.for_user(user).values_list("pk", flat=True))
    assert public, "the demo has public papers"
    # a year without papers chosen on the carrier's own lists before
    assert client.get(reverse("casemanagement:return_list"), {"year": 2025}).status_code == 200
    response = client.get(reverse("committee:paper_list"), {"per_page": 100})
    assert {row.record.pk for row in response.context["table"].page.object_list} == public
