"""Entitlement beside every notice: approved VZÄ × rate × period share, a warning (never a refusal) when the
notified amount differs, and the difference listed in controlling. Figures worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse

from funding.models import GrantNotice
from funding.selectors import grant_entitlement, grant_entitlement_differences
from kim.periods import Proration
from modules.models import PostCategory
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin_client(client, a46_user):
    """A 46 signed in by role: a Django superuser is a technical operator, not A 46 (User.is_a46)."""
    client.force_login(a46_user)
    return client


def kim2_2023(**kwargs) -> GrantNotice:
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2), proration=Proration.FULL_MONTHS)
    f.RateFactory(programme=programme, category=PostCategory.CASE_MANAGEMENT, year=2023, amount_per_fte=D("57000"))
    values = {
        "programme": programme,
        "period_start": date(2023, 1, 1),
        "period_end": date(2023, 12, 31),
        "approved_fte": D("7"),
        "amount": D("390000.00"),
    }
    values.update(kwargs)
    return f.GrantNoticeFactory(**values)


def test_a_notice_of_7_vzae_at_57000_should_grant_399000_and_390000_differs_by_9000():
    grant = kim2_2023()
    entitlement = grant_entitlement(grant=grant)
    # 7 VZÄ × 57.000,00 € × 12/12 = 399.000,00 €
    assert entitlement.computed == D("399000.00")
    # 390.000,00 € − 399.000,00 € = −9.000,00 €
    assert entitlement.difference == D("-9000.00")
    assert [e.grant for e in grant_entitlement_differences(year=2023)] == [grant]


def test_a_second_half_year_notice_is_six_twelfths_under_full_months():
    # 7 VZÄ × 57.000 = 399.000 a year; 01.07.–31.12. = 6/12 → 199.500,00 €
    grant = kim2_2023(period_start=date(2023, 7, 1), amount=D("199500.00"))
    entitlement = grant_entitlement(grant=grant)
    assert (entitlement.units, entitlement.units_of_year) == (6, 12)
    assert entitlement.computed == D("199500.00")
    assert not entitlement.differs
    assert grant_entitlement_differences(year=2023) == []


def test_with_two_rates_the_allocations_weight_each_category():
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=1), proration=Proration.FULL_MONTHS)
    f.RateFactory(programme=programme, category=PostCategory.COORDINATION, year=2021, amount_per_fte=D("55000"))
    f.RateFactory(programme=programme, category=PostCategory.ASSISTANT, year=2021, amount_per_fte=D("45000"))
    grant = f.GrantNoticeFactory(programme=programme, approved_fte=D("1.5"), amount=D("77500.00"))
    coordination = f.CountyPostFactory(category=PostCategory.COORDINATION, fte=D("1.0"))
    entitlement = grant_entitlement(grant=grant)
    assert entitlement.computed is None  # two rates and no allocation: not computable
    f.GrantAllocationFactory(grant=grant, post=coordination)
    f.GrantAllocationFactory(grant=grant, post=f.CountyPostFactory(category=PostCategory.ASSISTANT, fte=D("0.5")))
    # 1,0 × 55.000 + 0,5 × 45.000 = 55.000 + 22.500 = 77.500,00 € for the whole year 2021
    assert grant_entitlement(grant=grant).computed == D("77500.00")


def test_saving_a_differing_amount_is_accepted_with_a_german_warning(client, a46_user, authority, county):
    # A 46 edits notices (the role decides; a superuser flag adds nothing in the app since branch adoption).
    client.force_login(a46_user)
    grant = kim2_2023(authority=authority, recipient=county, amount=D("399000.00"))
    data = {
        "programme": grant.programme.pk,
        "recipient": county.pk,
        "authority": authority.pk,
        "reference": grant.reference,
        "issued_on": "15.02.2023",
        "period_start": "01.01.2023",
        "period_end": "31.12.2023",
        "approved_fte": "7,0",
        "amount": "390.000,00",
        "version": grant.version,
    }
    response = client.post(reverse("funding:grant_edit", args=[grant.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    grant.refresh_from_db()
    assert grant.amount == D("390000.00")  # saved, not refused
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("weicht vom berechneten Anspruch 399.000,00\u00a0€ ab" in t and "-9.000,00" in t for t in texts), texts

    page = client.get(reverse("funding:grant_detail", args=[grant.pk])).content.decode()
    assert "399.000,00" in page and "-9.000,00" in page
    listing = client.get(reverse("funding:controlling_entitlements"), {"year": 2023}).content.decode()
    assert grant.reference in listing and "-9.000,00" in listing


def test_the_demo_notices_match_their_computed_entitlement():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    m2 = GrantNotice.objects.get(programme__short_name="KIM Modul 2", period_start__year=2020)
    # 6 VZÄ × 55.000 × 6/12 = 165.000,00 €
    assert grant_entitlement(grant=m2).computed == D("165000.00") == m2.amount
    assert grant_entitlement_differences(year=2020) == []
    assert grant_entitlement_differences(year=2021) == []
