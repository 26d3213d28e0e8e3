"""What is due, in front of each role (issue 16): the carrier home lists every missing monthly
return of its posts; expectations are counted by hand in the comments."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from casemanagement import selectors, services
from casemanagement.models import CaseloadReturn, ReturnStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def post_a(carrier_a):
    """Case management 15.07.2021–31.03.2022: months 07/2021 … 03/2022 are nine months."""
    return f.CarrierPostFactory(
        employer=carrier_a, title="Case Management Eschweiler", start=date(2021, 7, 15), end=date(2022, 3, 31)
    )


def test_every_finished_month_since_the_post_started_without_a_return_is_missing(carrier_a, carrier_a_user, post_a):
    services.return_create(carrier=carrier_a, post=post_a, year=2021, month=8)
    CaseloadReturn.objects.filter(month=8).update(status=ReturnStatus.SUBMITTED)
    services.return_create(carrier=carrier_a, post=post_a, year=2021, month=9)  # a draft: open, not missing
    # another carrier's post and a module 1 post of the carrier owe nothing here
    f.CarrierPostFactory(start=date(2021, 1, 1), end=None)
    f.CountyPostFactory(employer=carrier_a)

    due = selectors.returns_due(user=carrier_a_user, today=date(2022, 6, 10))
    # nine months 07/2021–03/2022, less 08/2021 (submitted) and 09/2021 (draft) = 7
    [missing] = due.missing
    assert missing.post == post_a and missing.count == 7 == due.missing_count
    assert missing.ranges == "07/2021, 10/2021–03/2022"
    assert [(d.year, d.month, d.caseload_return.status) for d in due.open] == [(2021, 9, ReturnStatus.DRAFT)]

    # before the post's end the months run up to last month only: 07/2021–11/2021 is five months,
    # less the two with a return = 3 (December 2021 is not finished on 10.12.2021)
    assert selectors.returns_due(user=carrier_a_user, today=date(2021, 12, 10)).missing_count == 3


def test_the_carrier_home_shows_the_missing_months_with_a_prefilled_link(client, carrier_a, carrier_a_user, post_a):
    client.force_login(carrier_a_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "9 Monatsmeldungen fehlen" in html  # 07/2021–03/2022, all finished by now, none returned
    assert "07/2021–03/2022" in html
    link = f"{reverse('casemanagement:return_create')}?post={post_a.pk}&amp;year=2021&amp;month=7"
    assert link in html
    assert "Keine Meldungen fällig" not in html

    form = client.get(link.replace("&amp;", "&")).context["form"]
    assert (form["post"].value(), form["year"].value(), form["month"].value()) == (post_a.pk, 2021, 7)


def test_a_carrier_without_posts_has_nothing_due(client, carrier_a_user):
    client.force_login(carrier_a_user)
    assert "Keine Meldungen fällig." in client.get(reverse("dashboard")).content.decode()


def test_the_a46_dashboard_counts_returns_waiting_for_review_and_missing_months(client, a46_user, carrier_a, post_a):
    for month in (7, 8, 9):
        services.return_create(carrier=carrier_a, post=post_a, year=2021, month=month)
    CaseloadReturn.objects.filter(month__in=(7, 8)).update(status=ReturnStatus.SUBMITTED)
    # the county's own case-management post reports no returns
    f.CountyPostFactory(module=f.ModuleFactory(number=2), category=post_a.category, title="CM der Verwaltung")
    client.force_login(a46_user)
    response = client.get(reverse("dashboard"))
    todo = response.context["todo"]
    assert todo["review_count"] == 2  # 07 and 08/2021 submitted; the 09 draft is the carrier's business
    # nine months 07/2021–03/2022 less the three with a return = 6
    assert [(c.carrier_name, c.count) for c in todo["missing_by_carrier"]] == [(carrier_a.name, 6)]
    html = response.content.decode()
    assert "2 Fallzahlenmeldungen warten auf Prüfung" in html
    assert reverse("casemanagement:review_queue") in html
