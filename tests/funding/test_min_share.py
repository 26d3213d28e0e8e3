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


# --- on the post and occupancy pages (the check lives in funding, registered for the modules pages) ---


@pytest.fixture
def admin_client(client, a46_user):
    client.force_login(a46_user)
    return client


def post_form(module, employer, fte: str) -> dict:
    return {
        "module": module.pk,
        "title": "Case Management Monschau",
        "category": "case_management",
        "fte": fte,
        "employer": employer.pk,
        "place": "",
        "pay_grade": "S 12",
        "start": "01.01.2021",
        "end": "",
        "notes": "",
    }


POST_WARNING = (
    "Stelle „Case Management Monschau“ mit 0,4 VZÄ liegt unter dem Mindestanteil von 0,5 VZÄ des Programms KIM Modul 2."
)


def test_saving_a_0_4_post_warns_naming_the_programme_and_saves_it(admin_client, carrier_a):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2), min_share_fte=D("0.5"))
    response = admin_client.post(
        reverse("modules:post_create"), post_form(programme.module, carrier_a, "0,4"), follow=True
    )
    assert response.status_code == 200
    # a warning, not a refusal: the post is saved, the message names the programme
    shown = [(m.level_tag, m.message) for m in response.context["messages"]]
    assert ("warning", POST_WARNING) in shown
    post = response.context["object"]
    assert post.fte == D("0.400")
    # and the post's page keeps flagging it
    response = admin_client.get(reverse("modules:post_detail", args=[post.pk]))
    assert response.context["warnings"] == [POST_WARNING]
    assert POST_WARNING in response.content.decode()


def test_a_0_5_post_is_not_flagged_and_a_0_3_occupancy_is(admin_client, carrier_a):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2), min_share_fte=D("0.5"))
    post = f.CarrierPostFactory(module=programme.module, employer=carrier_a, fte=D("0.5"), title="CM Roetgen")
    assert admin_client.get(reverse("modules:post_detail", args=[post.pk])).context["warnings"] == []
    response = admin_client.post(
        reverse("modules:occupancy_create", args=[post.pk]),
        {"start": "01.01.2021", "end": "31.12.2021", "fte": "0,3"},
        follow=True,
    )
    expected = "Besetzung der Stelle „CM Roetgen“ mit 0,3 VZÄ liegt unter dem Mindestanteil von 0,5 VZÄ des Programms KIM Modul 2."
    assert ("warning", expected) in [(m.level_tag, m.message) for m in response.context["messages"]]
    assert post.occupancies.get().fte == D("0.300")  # saved, only flagged
    assert admin_client.get(reverse("modules:post_detail", args=[post.pk])).context["warnings"] == [expected]


def test_a_post_of_a_programme_without_minimum_saves_without_warning(admin_client, carrier_a):
    programme = f.KimProgrammeFactory(module=f.ModuleFactory(number=2), min_share_fte=None)
    response = admin_client.post(
        reverse("modules:post_create"), post_form(programme.module, carrier_a, "0,4"), follow=True
    )
    assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []
