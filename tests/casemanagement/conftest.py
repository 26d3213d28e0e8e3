"""Fixtures of the case register: two carriers with one case-management post each, municipalities,
and helpers that build small registers by hand through the services."""

from __future__ import annotations

from datetime import date

import pytest

from casemanagement import services
from casemanagement.models import Case
from tests import factories as f


@pytest.fixture
def eschweiler():
    return f.MunicipalityFactory(name="Eschweiler", slug="eschweiler")


@pytest.fixture
def stolberg():
    return f.MunicipalityFactory(name="Stolberg", slug="stolberg")


@pytest.fixture
def post_a(carrier_a, eschweiler):
    return f.CarrierPostFactory(employer=carrier_a, title="Case Management Eschweiler", place=eschweiler)


@pytest.fixture
def post_b(carrier_b, stolberg):
    return f.CarrierPostFactory(employer=carrier_b, title="Case Management Stolberg", place=stolberg)


@pytest.fixture
def make_case(carrier_a, post_a, eschweiler):
    """make_case(opened, closed=None, reason=..., legal_domain=..., topics=[...], post=..., carrier=...)"""

    def make(
        opened: date,
        closed: date | None = None,
        *,
        reason: str = "goal_reached",
        legal_domain: str = "sgb2",
        topics=("work",),
        municipality=None,
        post=None,
        carrier=None,
        reopened: list | None = None,
    ) -> Case:
        case = services.case_create(
            carrier=carrier or carrier_a,
            data={
                "responsible_post": post or post_a,
                "age_band": "27-44",
                "gender": "f",
                "municipality": municipality or eschweiler,
                "residence_status": "erlaubnis",
                "legal_domain": legal_domain,
                "opened_on": opened,
            },
            topics=topics,
        )
        if closed:
            case = services.case_close(case=case, closed_on=closed, reason=reason)
        for again, again_closed in reopened or []:
            case = services.case_reopen(case=case, reopened_on=again, reason="new_need")
            if again_closed:
                case = services.case_close(case=case, closed_on=again_closed, reason="handed_over")
        return case

    return make


@pytest.fixture
def april_write(make_case, carrier_a, post_a):
    """write(): three cases opened in April 2021 and carrier A's April return submitted (the statistics' next state)."""

    def write():
        for day in (1, 2, 3):
            make_case(date(2021, 4, day))
        r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=4)
        services.return_submit(caseload_return=r)

    return write
