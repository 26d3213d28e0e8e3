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


def test_missing_months_per_carrier_count_only_returns_within_each_posts_months(carrier_a, carrier_b, post_a):
    """The A 46 count per carrier, by hand: post_a runs 07/2021–03/2022 (nine months). Returns for
    07/2021, 08/2021 and 03/2022; then the post is shortened to end on 31.01.2022, so the 03/2022 return
    lies outside its months and must not reduce the count: 07/2021–01/2022 is seven months, less two
    = 5. Carrier B's post 10/2021–12/2021 has no return: 3 months. Counted on 10.06.2022."""
    for month_of in ((2021, 7), (2021, 8), (2022, 3)):
        services.return_create(carrier=carrier_a, post=post_a, year=month_of[0], month=month_of[1])
    type(post_a).objects.filter(pk=post_a.pk).update(end=date(2022, 1, 31))
    f.CarrierPostFactory(employer=carrier_b, start=date(2021, 10, 1), end=date(2021, 12, 31))

    counts = selectors.missing_returns_by_carrier(today=date(2022, 6, 10))

    assert sorted((c.carrier_name, c.count) for c in counts) == sorted([(carrier_a.name, 5), (carrier_b.name, 3)])
    # the carrier home counts the same months for post_a
    post_a.refresh_from_db()
    assert (
        len(
            selectors.missing_months(
                start=post_a.start,
                end=post_a.end,
                last_finished=date(2022, 5, 31),
                existing={(2021, 7), (2021, 8), (2022, 3)},
            )
        )
        == 5
    )


def test_a_post_with_every_month_returned_owes_nothing(carrier_a, post_a):
    for year, month in [(2021, m) for m in range(7, 13)] + [(2022, m) for m in range(1, 4)]:
        services.return_create(carrier=carrier_a, post=post_a, year=year, month=month)
    assert selectors.missing_returns_by_carrier(today=date(2022, 6, 10)) == []
