"""Module 3 and module 1 indicators: entered by A 46 for county posts, summed per quarter and year."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from casemanagement import services
from casemanagement.models import IndicatorReport
from casemanagement.selectors import indicators_by_period
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def authority_post(county):
    return f.CountyPostFactory(
        employer=county, module=f.ModuleFactory(number=3), title="Ausländerbehörde", category="foreigners_authority"
    )


def test_quarters_and_the_year_are_sums_of_the_months(authority_post):
    for month, started in ((1, 3), (3, 4), (4, 2), (12, 6)):
        services.indicator_save(
            data={"post": authority_post, "year": 2021, "month": month, "procedures_25a_started": started}
        )
    [row] = indicators_by_period(year=2021)
    figure = next(x for x in row["figures"] if x["name"] == "procedures_25a_started")
    # Q1 = 3 + 4, Q2 = 2, Q3 = 0, Q4 = 6; year 3 + 4 + 2 + 6 = 15
    assert figure["values"] == [7, 2, 0, 6, 15]


def test_indicators_are_for_county_posts_of_modules_1_and_3_only(carrier_a, authority_post):
    carrier_post = f.CarrierPostFactory(employer=carrier_a)
    with pytest.raises(ValidationError) as exc:
        services.indicator_save(data={"post": carrier_post, "year": 2021, "month": 1})
    assert exc.value.message_dict["post"] == ["Kennzahlen werden für eigene Stellen der Körperschaft erfasst."]


def test_a46_enters_indicators_and_readonly_users_may_not(client, a46_user, readonly_user, authority_post):
    data = {
        "post": authority_post.pk,
        "year": "2021",
        "month": "2",
        "procedures_25a_started": "4",
        "procedures_25a_granted": "1",
        "procedures_25b_started": "0",
        "procedures_25b_granted": "0",
        "naturalisations_advised": "12",
        "naturalisations_completed": "3",
        "events": "0",
        "trainings": "0",
        "network_meetings": "0",
        "participants": "0",
    }
    client.force_login(readonly_user)
    assert client.post(reverse("casemanagement:indicator_create"), data).status_code == 403
    assert client.get(reverse("casemanagement:indicator_list")).status_code == 200
    client.force_login(a46_user)
    assert client.post(reverse("casemanagement:indicator_create"), data).status_code == 302
    report = IndicatorReport.objects.get()
    assert (report.month, report.naturalisations_advised) == (2, 12)
    response = client.post(reverse("casemanagement:indicator_create"), data)
    assert "Für diese Stelle und diesen Monat gibt es bereits Kennzahlen." in response.content.decode()


def test_carriers_do_not_see_the_indicators(client, carrier_a_user):
    client.force_login(carrier_a_user)
    assert client.get(reverse("casemanagement:indicator_list")).status_code == 403
