"""The StädteRegion Aachen demo (`manage.py load_demo`): idempotent, with the figures of paper 2020/0354."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from simple_history.models import HistoricalChanges

from funding.controlling.budget import budget_lines_with_forecast
from funding.models import BudgetLine, GrantNotice, OwnShareRequest
from funding.selectors import (
    forwarded_total,
    own_share_gap_summary,
    own_share_recommended,
    repayment_risks,
)
from kim.models import Organisation, OrganisationKind, Role, User
from modules.models import Post
from modules.selectors import county_personnel_needs

pytestmark = pytest.mark.django_db

D = Decimal


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model except the audit trail (simple_history), which is checked on its own below."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
    }


def figures_2021() -> dict[str, object]:
    grant = GrantNotice.objects.get(programme__short_name="KIM Modul 2", period_start__year=2021)
    gaps = own_share_gap_summary(year=2021)
    request = OwnShareRequest.objects.get(applicant__slug="ag-wohlfahrt", received_on=date(2020, 5, 25))
    line = BudgetLine.objects.get(year=2021, teilprodukt="946100", sachkonto="414100")
    [budget_row] = budget_lines_with_forecast(lines=BudgetLine.objects.filter(pk=line.pk))
    return {
        "grant_module2": grant.amount,
        "forwarded": forwarded_total(year=2021),
        "gap_per_post": gaps.per_post,
        "gap_total": gaps.total_gap,
        "overhead_total": gaps.total_overhead,
        "requested": request.requested_amount,
        "recommended": own_share_recommended(request=request),
        "personnel_needs": county_personnel_needs(year=2021).total,
        "budget_planned": line.planned_amount,
        "budget_forecast": budget_row.forecast,
    }


def test_loading_the_demo_twice_leaves_the_same_rows_and_figures():
    load_demo()
    counts, figures = row_counts(), figures_2021()

    load_demo()

    assert row_counts() == counts
    assert figures_2021() == figures


def history_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges)
    }


# Reloading must leave unchanged rows unsaved: every save would add a history row to the audit trail.
def test_reloading_the_unchanged_demo_adds_nothing_to_the_audit_trail():
    load_demo()
    before = history_counts()

    load_demo()

    assert history_counts() == before


def test_the_demo_has_the_papers_posts_and_carriers(demo):
    assert Post.objects.count() == 11  # 6 own (5,5 VZÄ) + 5 case-management posts at carriers
    assert Organisation.objects.filter(kind=OrganisationKind.CARRIER).count() == 5
    umbrella = Organisation.objects.get(slug="ag-wohlfahrt")
    assert set(Organisation.objects.filter(kind=OrganisationKind.CARRIER).values_list("parent", flat=True)) == {
        umbrella.pk
    }
    carrier_posts = Post.objects.filter(employer__kind=OrganisationKind.CARRIER)
    assert carrier_posts.count() == 5
    assert all(post.illustrative for post in carrier_posts)


def test_the_demo_users_log_in_with_password_demo_and_have_their_roles(demo):
    expected = {
        "a46": (Role.ADMIN, None),
        "sitzungsdienst": (Role.COMMITTEE, None),
        "pruefung": (Role.READONLY, None),
        "traeger-caritas": (Role.CARRIER, "caritas"),
        "traeger-diakonie": (Role.CARRIER, "diakonie"),
        "traeger-awo": (Role.CARRIER, "awo"),
        "traeger-drk": (Role.CARRIER, "drk"),
        "traeger-arbeitsplattform-migration": (Role.CARRIER, "arbeitsplattform-migration"),
    }
    for username, (role, carrier_slug) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo"), username
        assert user.role == role, username
        assert (user.organisation.slug if user.organisation else None) == carrier_slug, username
    assert User.objects.get(username="a46").is_a46
    # The Django admin is for technical operators only: no demo account is one.
    assert not User.objects.filter(is_superuser=True).exists()
    assert not User.objects.filter(is_staff=True).exists()
    assert User.objects.get(username="traeger-caritas").is_carrier_staff


def test_the_demo_reproduces_the_2021_figures_of_the_paper(demo):
    figures = figures_2021()

    assert figures["grant_module2"] == D("330000.00")  # 6 × 55.000
    assert figures["forwarded"] == D("275000.00")  # 5 × 55.000
    assert figures["gap_per_post"] == D("9000.00")  # 64.000 − 55.000
    assert figures["gap_total"] == D("45000.00")  # 5 × 9.000
    assert figures["overhead_total"] == D("30000.00")  # 5 × 6.000, not funded
    assert figures["requested"] == D("100000.00")
    assert figures["recommended"] == D("45000.00")
    assert figures["personnel_needs"] == D("332500.00")  # 5 × 62.000 + 0,5 × 45.000
    assert figures["budget_planned"] == D("570000.00")
    # 3 × 55.000 + 0,5 × 45.000 + 6 × 55.000 + 1 × 55.000 = 572.500
    assert figures["budget_forecast"] == D("572500.00")


def test_the_demo_shows_the_module_3_post_as_a_2020_repayment_risk(demo):
    risks = [r for r in repayment_risks(year=2020) if r.allocation.post.module.number == 3]

    [risk] = risks
    assert risk.allocation.post.start == date(2020, 10, 1)
    assert risk.received == D("55000.00")
    # the KIM programmes count full calendar months: October, November, December = 3/12;
    # 3/12 × 55.000,00 € = 13.750,00 € (by days it would have been 55.000 × 92 / 366 = 13.825,14 €)
    assert risk.eligible == D("13750.00")
    assert risk.cause == "late_start"


def test_the_demo_has_no_other_2020_repayment_risk(demo):
    # every other post starts on 01.07.2020 with its notice (01.07.–31.12.2020)
    assert [r.allocation.post.module.number for r in repayment_risks(year=2020)] == [3]
