"""The demo register: deterministic, idempotent, 100–150 cases per funded VZÄ, returns in every state."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from casemanagement.models import Case, CaseloadReturn, Contact, Referral
from casemanagement.selectors import caseload_statistics, funded_fte_by_carrier

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            Case.objects.order_by("code").values_list(
                "code", "opened_on", "closed_on", "legal_domain", "municipality__name"
            )
        ),
        Contact.objects.count(),
        Referral.objects.count(),
    )


def test_the_demo_register_is_deterministic_idempotent_and_plausible():
    call_command("load_demo", stdout=io.StringIO())
    first = snapshot()
    history = Case.history.count()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == first and Case.history.count() == history  # second run changes nothing
    Case.objects.all().delete()
    CaseloadReturn.objects.all().delete()
    call_command("load_demo", stdout=io.StringIO())
    assert snapshot() == first  # same seed, same register

    per_carrier = dict(Case.objects.values_list("carrier__slug").annotate(n=Count("pk")))
    assert len(per_carrier) == 5 and all(100 <= n <= 150 for n in per_carrier.values())  # 1,0 VZÄ each
    assert (
        Case.history.filter(id__in=Case.objects.values("pk")).count() == Case.objects.count()
    )  # history despite bulk_create
    states = dict(CaseloadReturn.objects.values_list("status").annotate(n=Count("pk")))
    assert states == {"accepted": 45, "submitted": 10, "draft": 5}  # Jan–Sep, Oct–Nov, Dec × 5 posts
    fte = funded_fte_by_carrier(year=2021)
    assert sorted(str(v) for v in fte.values()) == ["1.000"] * 5
    stats = caseload_statistics(year=2021)
    assert len(stats.per_fte) == 5 and all(row["per_fte"] is not None for row in stats.per_fte)
