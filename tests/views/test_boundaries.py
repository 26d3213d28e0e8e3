"""Review findings at the input boundaries: dates far in the future, implausible years in list filters,
paging parameters, unique-constraint errors at their field. Never a 500; German messages.

Every list URL is tried with one bad parameter at a time: test_hostile_input.py sends all parameters
together, where one invalid filter hides the effect of the others. Expected values are typed by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import BudgetLine, CostPlan, ForwardingContract, GrantNotice, Rate
from modules.models import CostRate, Occupancy
from modules.selectors import occupied_segments
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal

DATE_RANGE = "Bitte ein Datum zwischen 2000 und 2100 eingeben."
YEAR_RANGE = "Das Jahr muss zwischen 2000 und 2100 liegen."
YEAR_INVALID = "Bitte ein Jahr vierstellig eingeben, z. B. 2021."


@pytest.fixture
def admin_client(client, a46_user):
    client.force_login(a46_user)
    return client


def field_errors(response, field):
    return [str(e) for e in response.context["form"].errors.get(field, [])]


def filter_errors(response, field):
    return [str(e) for e in response.context["filter"].form.errors.get(field, [])]


# --- 1. dates: 01.01.2000 to 31.12.2100 ----------------------------------------------------------------


@pytest.fixture
def open_post(carrier_a):
    """A post without an end (unbefristet) from 01.01.2000, so only the date field limits an occupancy."""
    return f.CarrierPostFactory(employer=carrier_a, start=date(2000, 1, 1), end=None)


def test_occupancy_ending_31_12_9999_is_refused_at_the_field_not_a_500(admin_client, open_post):
    # Before: the date passed the form and occupied_segments overflowed on date.fromordinal(end + 1).
    url = reverse("modules:occupancy_create", args=[open_post.pk])
    response = admin_client.post(url, {"start": "01.01.2021", "end": "31.12.9999", "fte": "1,0"})
    assert response.status_code == 200
    assert field_errors(response, "end") == [DATE_RANGE]
    assert Occupancy.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "31.12.1999"),
        ("start", "01.01.99"),  # two-digit year: 1999
        ("start", "01.01.0001"),
        ("end", "01.01.2101"),
        ("end", "9999-12-31"),
    ],
)
def test_occupancy_dates_outside_2000_to_2100_are_refused(admin_client, open_post, field, value):
    data = {"start": "01.01.2021", "end": "31.12.2021", "fte": "1,0", field: value}
    response = admin_client.post(reverse("modules:occupancy_create", args=[open_post.pk]), data)
    assert response.status_code == 200
    assert field_errors(response, field) == [DATE_RANGE]
    assert Occupancy.objects.count() == 0


def test_occupancy_from_01_01_2000_to_31_12_2100_is_accepted(admin_client, open_post):
    response = admin_client.post(
        reverse("modules:occupancy_create", args=[open_post.pk]),
        {"start": "01.01.2000", "end": "31.12.2100", "fte": "1,0"},
    )
    assert response.status_code == 302
    occupancy = Occupancy.objects.get()
    assert (occupancy.start, occupancy.end) == (date(2000, 1, 1), date(2100, 12, 31))


def test_grant_notice_date_outside_the_range_is_refused(admin_client, authority, county):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    data = {
        "programme": programme.pk,
        "recipient": county.pk,
        "authority": authority.pk,
        "reference": "36.08.05-KIM-M2-2021",
        "issued_on": "15.02.2021",
        "period_start": "01.01.2021",
        "period_end": "31.12.9999",
        "approved_fte": "6,0",
        "amount": "330.000,00",
    }
    response = admin_client.post(reverse("funding:grant_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "period_end") == [DATE_RANGE]
    assert GrantNotice.objects.count() == 0


def test_occupied_segments_handles_an_end_on_date_max():
    # An end on the last representable day behaves like an open end; no OverflowError.
    assert occupied_segments([(date(2021, 1, 1), date.max, D("1.0"))]) == [(date(2021, 1, 1), None, D("1.0"))]
    assert occupied_segments([(date(2021, 1, 1), date.max, D("0.5")), (date(2022, 1, 1), None, D("0.5"))]) == [
        (date(2021, 1, 1), date(2021, 12, 31), D("0.5")),
        (date(2022, 1, 1), None, D("1.0")),
    ]


# --- 2. year filters on the lists ----------------------------------------------------------------------

YEAR_FILTERS = [
    ("modules:post_list", "year"),
    ("funding:grant_list", "year"),
    ("funding:forwarding_list", "year"),
    ("funding:costplan_list", "year"),
    ("funding:gap_list", "year"),
    ("funding:budget_list", "year"),
    ("funding:rate_list", "year"),
    ("funding:request_list", "budget_year"),
]


@pytest.mark.parametrize(("url_name", "param"), YEAR_FILTERS)
@pytest.mark.parametrize("value", ["0", "-1", "1999", "2101", "10000", "2147483648", "99999999999999999999"])
def test_an_implausible_year_gives_the_filter_error_not_a_500(admin_client, url_name, param, value):
    f.GrantNoticeFactory()
    response = admin_client.get(reverse(url_name), {param: value})
    assert response.status_code == 200
    assert filter_errors(response, param) == [YEAR_RANGE]
    assert YEAR_RANGE in response.content.decode()


@pytest.mark.parametrize(("url_name", "param"), YEAR_FILTERS)
@pytest.mark.parametrize("value", ["abc", "2021,5", "1e3"])
def test_a_year_that_is_not_a_whole_number_gives_the_filter_error(admin_client, url_name, param, value):
    response = admin_client.get(reverse(url_name), {param: value})
    assert response.status_code == 200
    assert filter_errors(response, param) == [YEAR_INVALID]


@pytest.mark.parametrize(("url_name", "param"), YEAR_FILTERS)
@pytest.mark.parametrize("value", ["2000", "2100"])
def test_the_first_and_last_accepted_years_filter_without_error(admin_client, url_name, param, value):
    response = admin_client.get(reverse(url_name), {param: value})
    assert response.status_code == 200
    assert filter_errors(response, param) == []


def test_the_grant_year_filter_still_filters(admin_client):
    f.GrantNoticeFactory(reference="BESCHEID-2021", period_start=date(2021, 1, 1), period_end=date(2021, 12, 31))
    f.GrantNoticeFactory(reference="BESCHEID-2022", period_start=date(2022, 1, 1), period_end=date(2022, 12, 31))
    response = admin_client.get(reverse("funding:grant_list"), {"year": "2022"})
    assert [row.record.reference for row in response.context["table"].page.object_list] == ["BESCHEID-2022"]


# --- 3. paging parameters --------------------------------------------------------------------------------

LIST_URLS = [
    "modules:post_list",
    "kim:carrier_list",
    "funding:grant_list",
    "funding:forwarding_list",
    "funding:costplan_list",
    "funding:gap_list",
    "funding:request_list",
    "funding:budget_list",
    "funding:rate_list",
]


@pytest.mark.parametrize("url_name", LIST_URLS)
@pytest.mark.parametrize(
    ("value", "per_page"),
    [("-1", 1), ("0", 1), ("1", 1), ("100", 100), ("101", 100), ("100000000", 100), ("abc", 25), ("", 25)],
)
def test_per_page_is_clamped_to_1_to_100(admin_client, paper_2020_0354, url_name, value, per_page):
    response = admin_client.get(reverse(url_name), {"per_page": value})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == per_page


@pytest.mark.parametrize("url_name", LIST_URLS)
@pytest.mark.parametrize("value", ["0", "-1", "abc", "99999", "1.5", "9" * 40])
def test_an_invalid_page_never_gives_a_500(admin_client, paper_2020_0354, url_name, value):
    response = admin_client.get(reverse(url_name), {"page": value})
    assert response.status_code == 200  # clamped to the first or last page, never a 404 or 500


def test_page_out_of_range_shows_the_last_page_and_not_a_number_the_first(admin_client, paper_2020_0354):
    # Five forwarding contracts in paper 2020/0354; two a page → pages of 2, 2 and 1.
    url = reverse("funding:forwarding_list")
    for page, number, rows in [("99999", 3, 1), ("0", 3, 1), ("-1", 3, 1), ("abc", 1, 2), ("2", 2, 2)]:
        table = admin_client.get(url, {"per_page": "2", "page": page}).context["table"]
        assert (table.page.number, len(table.page.object_list)) == (number, rows), page


def test_per_page_cannot_switch_paging_off(admin_client):
    for i in range(101):
        f.GrantNoticeFactory(reference=f"AZ-{i:03d}")
    table = admin_client.get(reverse("funding:grant_list"), {"per_page": "100000000"}).context["table"]
    assert len(table.page.object_list) == 100
    assert table.paginator.num_pages == 2


# --- 4. unique-constraint errors at the field ---------------------------------------------------------------


def non_field_errors(response):
    return [str(e) for e in response.context["form"].non_field_errors()]


def test_duplicate_cost_plan_is_reported_at_the_year(admin_client, carrier_a):
    post = f.CarrierPostFactory(employer=carrier_a)
    f.CostPlanFactory(post=post, year=2021)
    response = admin_client.post(
        reverse("funding:costplan_create"),
        {"post": post.pk, "year": "2021", "personnel": "64.000,00", "material_overhead": "6.000,00"},
    )
    assert response.status_code == 200
    assert field_errors(response, "year") == ["Für diese Stelle und dieses Jahr gibt es bereits einen Kostenplan."]
    assert non_field_errors(response) == []
    assert CostPlan.objects.count() == 1


def test_duplicate_grant_notice_is_reported_at_the_reference(admin_client, authority, county):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    f.GrantNoticeFactory(programme=programme, authority=authority, recipient=county, reference="36.08.05-KIM-M2-2021")
    data = {
        "programme": programme.pk,
        "recipient": county.pk,
        "authority": authority.pk,
        "reference": "36.08.05-KIM-M2-2021",
        "issued_on": "15.02.2022",
        "period_start": "01.01.2022",
        "period_end": "31.12.2022",
        "approved_fte": "6,0",
        "amount": "330.000,00",
    }
    response = admin_client.post(reverse("funding:grant_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "reference") == [
        "Ein Bescheid mit diesem Aktenzeichen dieser Behörde ist bereits erfasst."
    ]
    assert non_field_errors(response) == []
    assert GrantNotice.objects.count() == 1


def test_duplicate_rate_is_reported_at_the_year(admin_client):
    rate = f.RateFactory(year=2021)
    response = admin_client.post(
        reverse("funding:rate_create"),
        {"programme": rate.programme.pk, "category": rate.category, "year": "2021", "amount_per_fte": "60.000,00"},
    )
    assert response.status_code == 200
    assert field_errors(response, "year") == [
        "Für dieses Programm, diese Kategorie und dieses Jahr gibt es bereits einen Fördersatz."
    ]
    assert non_field_errors(response) == []
    assert Rate.objects.count() == 1


def test_duplicate_cost_rate_is_reported_at_the_year(admin_client):
    f.CostRateFactory(category="coordination", year=2021)
    response = admin_client.post(
        reverse("modules:costrate_create"),
        {"category": "coordination", "year": "2021", "amount_per_fte": "63.000,00", "note": ""},
    )
    assert response.status_code == 200
    assert field_errors(response, "year") == [
        "Für diese Kategorie und dieses Jahr gibt es bereits einen Personalkostensatz."
    ]
    assert non_field_errors(response) == []
    assert CostRate.objects.count() == 1


def test_duplicate_budget_line_is_reported_at_the_sachkonto(admin_client):
    f.BudgetLineFactory(year=2021, teilprodukt="946100", sachkonto="414100", kind="income")
    data = {
        "year": "2021",
        "teilprodukt": "946100",
        "sachkonto": "414100",
        "label": "Zuweisungen vom Land",
        "kind": "income",
        "planned_amount": "1.000,00",
        "forecast_basis": "none",
    }
    response = admin_client.post(reverse("funding:budget_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "sachkonto") == [
        "Diese Haushaltsposition (Jahr, Teilprodukt, Sachkonto, Art) gibt es bereits."
    ]
    assert non_field_errors(response) == []
    assert BudgetLine.objects.count() == 1


def test_duplicate_forwarding_contract_is_reported_at_the_start(admin_client, paper_2020_0354):
    paper = paper_2020_0354
    post = paper.carrier_posts[0]
    data = {
        "grant": paper.grant.pk,
        "post": post.pk,
        "reference": "",
        "signed_on": "",
        "start": "01.01.2021",
        "end": "31.12.2021",
    }
    response = admin_client.post(reverse("funding:forwarding_create"), data)
    assert response.status_code == 200
    assert field_errors(response, "start") == [
        "Für diese Stelle beginnt an diesem Tag bereits ein Weiterleitungsvertrag."
    ]
    assert non_field_errors(response) == []
    assert ForwardingContract.objects.count() == 5


def test_other_non_field_errors_stay_at_the_top(carrier_a):
    from funding.forms import CostPlanForm

    form = CostPlanForm(data={})
    form.is_valid()
    form.add_error(None, "Etwas anderes ist schiefgegangen.")
    form.add_error(None, "Für diese Stelle und dieses Jahr gibt es bereits einen Kostenplan.")
    assert form.non_field_errors() == ["Etwas anderes ist schiefgegangen."]
    assert "Für diese Stelle und dieses Jahr gibt es bereits einen Kostenplan." in form.errors["year"]
