"""The A 46 dashboard shows the paper's figures, computed from data built here with factories.

Expected values are typed from paper 2020/0354 (or hand calculations in the comments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import ForwardingContract
from funding.services import allocation_save
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"


def euro(text: str) -> str:
    return f"{text}{NBSP}€"


@pytest.fixture
def paper_2021(paper_2020_0354, county_cost_rates_2021):
    paper = paper_2020_0354
    f.OwnShareRequestFactory(
        applicant=paper.umbrella, received_on=date(2020, 5, 25), requested_amount=D("100000"), budget_year=2021
    )
    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="414100",
        kind="income",
        planned_amount=D("570000"),
        forecast_basis="land_income",
    )
    return paper


def test_dashboard_2021_shows_the_papers_figures(client, a46_user, paper_2021):
    client.force_login(a46_user)
    response = client.get(reverse("dashboard"), {"year": 2021})
    assert response.status_code == 200
    html = response.content.decode()
    ctx = response.context
    # Module 2: 6 posts × 55.000 € = 330.000 €
    module2 = next(m for m in ctx["funding"] if m.programme.module and m.programme.module.number == 2)
    assert module2.granted == D("330000.00")
    assert euro("330.000,00") in html
    # forwarded: 5 × min(64.000, 55.000) = 275.000 €
    assert ctx["forwarded_total"] == D("275000.00")
    assert euro("275.000,00") in html
    # gap: 64.000 − 55.000 = 9.000 € per post, × 5 = 45.000 €
    assert ctx["gaps"].per_post == D("9000.00")
    assert ctx["gaps"].total_gap == D("45000.00")
    assert euro("9.000,00") in html and euro("45.000,00") in html
    # request 100.000 € beside the recommended 45.000 €
    [(request, recommended)] = ctx["requests"]
    assert request.requested_amount == D("100000") and recommended == D("45000.00")
    assert euro("100.000,00") in html
    # county's own 5,5 VZÄ: 5 × 62.000 + 0,5 × 45.000 = 332.500 €
    assert ctx["personnel_needs"].total == D("332500.00")
    assert euro("332.500,00") in html
    # budget estimate 570.000 € in 946100 / 414100 beside the computed forecast
    [row] = ctx["budget"]
    assert row.line.planned_amount == D("570000")
    # forecast from posts × rates: only module 2 has rates here, 6 × 55.000 = 330.000 €
    assert row.forecast == D("330000.00")
    assert "946100 / 414100" in html and euro("570.000,00") in html
    assert "2.021" not in html


def test_dashboard_2020_flags_module_3_money_for_a_post_starting_on_1_october(
    client, a46_user, county_own_posts, county, authority
):
    module3 = f.ModuleFactory(number=3)
    programme = f.KimProgrammeFactory(module=module3, short_name="KIM Modul 3", name="KIM Modul 3")
    f.RateFactory(programme=programme, category="foreigners_authority", year=2020, amount_per_fte=D("55000"))
    grant = f.GrantNoticeFactory(
        programme=programme,
        recipient=county,
        authority=authority,
        reference="M3-2020",
        period_start=date(2020, 1, 1),
        period_end=date(2020, 12, 31),
        approved_fte=D("1"),
        amount=D("55000"),
    )
    post = county_own_posts.foreigners_authority
    assert post.start == date(2020, 10, 1)
    allocation_save(
        grant=grant, data={"post": post, "fte": D("1"), "start": date(2020, 1, 1), "end": date(2020, 12, 31)}
    )
    client.force_login(a46_user)
    response = client.get(reverse("dashboard"), {"year": 2020})
    html = response.content.decode()
    [risk] = response.context["repayment_risks"]
    # eligible: 55.000 × 92 days (01.10.–31.12.) / 366 days (2020 is a leap year) = 13.825,136… → 13.825,14
    assert risk.received == D("55000.00")
    assert risk.eligible == D("13825.14")
    assert "Rückforderungsrisiko" in html
    assert euro("55.000,00") in html and "01.10.2020" in html and euro("13.825,14") in html


def test_dashboard_remembers_the_chosen_year_and_survives_a_bad_year(client, a46_user, paper_2021):
    client.force_login(a46_user)
    client.get(reverse("dashboard"), {"year": 2021})
    assert client.get(reverse("dashboard")).context["year"] == 2021
    response = client.get(reverse("dashboard"), {"year": "zwanzig"})
    assert response.status_code == 200 and response.context["year"] == 2021


def test_carrier_home_shows_only_the_own_posts_contracts_and_gaps(client, paper_2021):
    caritas, diakonie = paper_2021.carriers[0], paper_2021.carriers[1]
    user = f.CarrierUserFactory(organisation=caritas)
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Case Management Eschweiler" in html and "Case Management Stolberg" not in html
    assert diakonie.name not in html
    assert [g.gap for g in response.context["gaps"]] == [D("9000.00")]


def test_demo_dashboard_for_2021_and_2020(client, demo):
    client.login(username="a46", password="demo")
    html = client.get(reverse("dashboard"), {"year": 2021}).content.decode()
    for figure in ("330.000,00", "275.000,00", "9.000,00", "45.000,00", "100.000,00", "332.500,00", "570.000,00"):
        assert euro(figure) in html, figure
    response = client.get(reverse("dashboard"), {"year": 2020})
    html = response.content.decode()
    assert "01.10.2020" in html and euro("55.000,00") in html
    # The KIM programmes count full calendar months: the notices 01.07.–31.12.2020 are 6/12 of a year.
    # Module 2: 6 posts × 55.000,00 € = 330.000,00 € a year; 6/12 × 330.000,00 € = 165.000,00 €
    # (by days it was 330.000 × 184 / 366 = 165.901,64 €).
    module2 = next(f for f in response.context["funding"] if f.programme.module and f.programme.module.number == 2)
    assert module2.granted == D("165000.00")
    assert euro("165.000,00") in html and euro("165.901,64") not in html
    # Each carrier contract 2020: min(64.000 personnel, 55.000 × 1,0) × 6/12 = 27.500,00 € (five of them)
    contracts = ForwardingContract.objects.filter(year=2020)
    assert sorted(c.amount for c in contracts) == [D("27500.00")] * 5
    # 5 × 27.500,00 € = 137.500,00 € forwarded in 2020
    assert response.context["forwarded_total"] == D("137500.00")
    # Module 3: the post starts on 01.10.2020: October–December = 3/12 × 55.000,00 € = 13.750,00 € eligible
    [risk] = [r for r in response.context["repayment_risks"] if r.post.module.number == 3]
    assert risk.eligible == D("13750.00") and euro("13.750,00") in html


def test_dashboard_refuses_a_post_with_405_and_sends_anonymous_visitors_to_the_login(client, a46_user):
    assert client.post("/").status_code == 302
    client.force_login(a46_user)
    assert client.post("/").status_code == 405
    assert client.get("/").status_code == 200


def test_committee_staff_see_no_proof_deadlines_they_could_not_open(client, demo):
    from kim.models import User

    client.force_login(User.objects.get(username="a46"))
    assert client.get("/?year=2022").context["proofs_due"], "the demo has due proofs of use"
    client.force_login(User.objects.get(username="sitzungsdienst"))
    response = client.get("/?year=2022")
    assert response.status_code == 200, response.headers
    assert response.context["proofs_due"] == []
    assert "/finanzen/verwendungsnachweise/" not in response.content.decode()


def test_without_a_chosen_year_the_dashboard_opens_the_latest_year_with_grants_up_to_this_one(
    client, a46_user, paper_2021
):
    """The default year: the newest grant period starting no later than this year (a notice for a
    future year is not yet the year to look at), found in one query whatever the number of years."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(a46_user)
    this_year = date.today().year
    f.GrantNoticeFactory(
        period_start=date(this_year + 1, 1, 1), period_end=date(this_year + 1, 12, 31), reference="36.08.05-KOMMEND"
    )
    with CaptureQueriesContext(connection) as few_years:
        assert client.get(reverse("dashboard")).context["year"] == 2021
    client.logout()
    client.force_login(a46_user)  # a new session: no remembered year
    for year in (2017, 2018, 2019):
        f.GrantNoticeFactory(
            period_start=date(year, 1, 1), period_end=date(year, 12, 31), reference=f"36.08.05-ALT-{year}"
        )
    cache.clear()
    with CaptureQueriesContext(connection) as more_years:
        assert client.get(reverse("dashboard")).context["year"] == 2021
    assert len(more_years) == len(few_years)
    f.GrantNoticeFactory(
        period_start=date(this_year, 3, 1), period_end=date(this_year, 12, 31), reference="36.08.05-JETZT"
    )
    client.logout()
    client.force_login(a46_user)
    assert client.get(reverse("dashboard")).context["year"] == this_year


def test_the_dashboard_says_which_year_it_opens_on_and_why(client, a46_user, paper_2021):
    client.force_login(a46_user)
    this_year = date.today().year
    html = client.get(reverse("dashboard")).content.decode()
    assert (
        f"Für {this_year} gibt es noch keinen Bewilligungsbescheid; angezeigt wird 2021, das letzte Jahr mit Daten."
        in html
    )
    # a year chosen before is shown as remembered, with a link that forgets it
    client.get(reverse("funding:controlling_flow"), {"year": 2020})
    html = client.get(reverse("dashboard")).content.decode()
    assert "Jahr 2020 aus Ihrer letzten Auswahl übernommen." in html and "das letzte Jahr mit Daten" not in html
    assert client.get(reverse("dashboard"), {"year": ""}).context["year"] == 2021
    assert "aus Ihrer letzten Auswahl" not in client.get(reverse("dashboard")).content.decode()
