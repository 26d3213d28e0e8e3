"""The minimum share rule (e.g. 0,5 VZÄ) is flagged on posts and occupancies too, naming the programme."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from funding.selectors import min_share_findings
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def test_a_0_4_post_and_a_0_3_occupancy_are_flagged_with_the_programme(client, a46_user):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2), min_share_fte=D("0.5"))
    small = f.CarrierPostFactory(module=programme.module, fte=D("0.4"), title="Case Management Monschau")
    full = f.CarrierPostFactory(module=programme.module, fte=D("1.0"), title="Case Management Roetgen")
    f.OccupancyFactory(post=full, fte=D("0.3"), start=date(2021, 1, 1), end=date(2021, 12, 31))
    f.CarrierPostFactory(module=programme.module, fte=D("0.5"), title="Case Management Simmerath")  # 0,5 is allowed

    findings = min_share_findings(year=2021)
    assert [(x.post, x.fte, x.what) for x in findings] == [
        (small, D("0.400"), "post"),
        (full, D("0.300"), "occupancy"),
    ]
    assert findings[0].message == (
        "Stelle „Case Management Monschau“ mit 0,4 VZÄ liegt unter dem Mindestanteil von 0,5 VZÄ "
        "des Programms KIM Modul 2."
    )
    client.force_login(a46_user)
    html = client.get(reverse("funding:controlling_risks"), {"year": 2021}).content.decode()
    assert "Case Management Monschau“ mit 0,4 VZÄ" in html and "Simmerath" not in html


def test_without_a_minimum_nothing_is_flagged():
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2), min_share_fte=None)
    f.CarrierPostFactory(module=programme.module, fte=D("0.25"))
    assert min_share_findings(year=2021) == []
