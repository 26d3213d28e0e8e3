"""Writes about money: forwarding amounts and the grant ceiling, no double funding, grants, plans, requests.

Figures of paper 2020/0354: 55.000 € per VZÄ; carriers plan 64.000 € personnel + 6.000 € overhead;
forwarded up to 5 × 55.000 € = 275.000 €; the module 2 grant is 6 × 55.000 € = 330.000 €.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import ForwardingContract, GrantAllocation, GrantNotice, OwnShareRequest
from funding.services import (
    allocation_save,
    cost_plan_save,
    forwarding_save,
    grant_save,
    own_share_request_save,
)
from modules.models import PostCategory
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal
NBSP = "\u00a0"
YEAR_2021 = {"start": date(2021, 1, 1), "end": date(2021, 12, 31)}


def messages(excinfo, field: str) -> list[str]:
    return excinfo.value.message_dict[field]


def allocate(grant, post, *, start=date(2021, 1, 1), end=date(2021, 12, 31), fte=None):
    """Allocate a post share to a grant (a contract needs one); widens the approved VZÄ if the grant is full,
    as an amending notice (Änderungsbescheid) for one more post would."""
    fte = post.fte if fte is None else fte
    allocated = sum((a.fte for a in grant.allocations.all()), start=D("0"))
    if allocated + fte > grant.approved_fte:
        GrantNotice.objects.filter(pk=grant.pk).update(approved_fte=allocated + fte)
        grant.refresh_from_db()
    return allocation_save(grant=grant, data={"post": post, "fte": fte, "start": start, "end": end})


def sixth_carrier_post(paper, *, personnel=D("64000"), overhead=D("6000")):  # noqa: B008 - Decimal is immutable
    """Another case-management post at a member of AG Wohlfahrt, with its 2021 cost plan and allocation."""
    carrier = f.CarrierFactory(slug="sechster-traeger", name="Sechster Träger e. V.", parent=paper.umbrella)
    post = f.CarrierPostFactory(module=paper.programme.module, employer=carrier, title="Case Management Würselen")
    f.CostPlanFactory(post=post, year=2021, personnel=personnel, material_overhead=overhead)
    allocate(paper.grant, post)
    return post


# --- forwarding amount ----------------------------------------------------------------------------------


def test_forwarding_is_capped_at_rate_times_fte_for_a_full_year(paper_2020_0354):
    # min(64.000 personnel, 55.000 × 1,0) = 55.000,00 € for each of the five carrier posts
    assert [c.amount for c in paper_2020_0354.forwardings] == [D("55000.00")] * 5
    for contract in paper_2020_0354.forwardings:
        contract.refresh_from_db()
        assert contract.amount == D("55000.00")
        assert contract.year == 2021
        assert contract.carrier == contract.post.employer


def test_forwarding_carries_the_post_employer_as_carrier(paper_2020_0354):
    carriers = [c.carrier for c in paper_2020_0354.forwardings]
    assert carriers == paper_2020_0354.carriers


def test_the_five_forwardings_sum_to_275_000_euros(paper_2020_0354):
    # paper: "Landesmittel in Höhe von bis zu 275.000 €" = 5 × 55.000 €
    total = sum((c.amount for c in ForwardingContract.objects.filter(grant=paper_2020_0354.grant)), start=D("0"))
    assert total == D("275000.00")


def test_forwarding_is_the_actual_personnel_cost_when_below_the_cap(paper_2020_0354):
    post = sixth_carrier_post(paper_2020_0354, personnel=D("50000"))

    contract = forwarding_save(data={"grant": paper_2020_0354.grant, "post": post, **YEAR_2021})

    # min(50.000, 55.000) = 50.000,00 €
    assert contract.amount == D("50000.00")


def test_forwarding_for_half_a_fte_is_capped_at_half_the_rate(paper_2020_0354):
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier, fte=D("0.5"))
    f.CostPlanFactory(post=post, year=2021, personnel=D("32000"), material_overhead=D("3000"))
    allocate(paper_2020_0354.grant, post)

    contract = forwarding_save(data={"grant": paper_2020_0354.grant, "post": post, **YEAR_2021})

    # min(32.000, 55.000 × 0,5 = 27.500) = 27.500,00 €
    assert contract.amount == D("27500.00")


def test_forwarding_for_the_second_half_of_2020_is_pro_rata_by_days(paper_2020_0354):
    programme = paper_2020_0354.programme
    f.RateFactory(programme=programme, category=PostCategory.CASE_MANAGEMENT, year=2020, amount_per_fte=D("55000"))
    grant_2020 = f.GrantNoticeFactory(
        programme=programme,
        reference="36.08.05-KIM-M2-2020",
        period_start=date(2020, 7, 1),
        period_end=date(2020, 12, 31),
        approved_fte=D("6"),
        amount=D("165901.62"),  # 6 × 27.650,27 €
    )
    post = paper_2020_0354.carrier_posts[0]  # starts 01.07.2020
    assert post.start == date(2020, 7, 1)
    f.CostPlanFactory(post=post, year=2020, personnel=D("32000"), material_overhead=D("3000"))
    allocate(grant_2020, post, start=date(2020, 7, 1), end=date(2020, 12, 31))

    contract = forwarding_save(
        data={"grant": grant_2020, "post": post, "start": date(2020, 7, 1), "end": date(2020, 12, 31)}
    )

    # 01.07.–31.12.2020 = 31+31+30+31+30+31 = 184 days of 366 (leap year).
    # cap = 55.000 × 184 / 366 = 10.120.000 / 366 = 27.650,273… → 27.650,27 €
    # the 2020 plan (32.000 €) covers exactly the post's 184 days, so its share is 32.000 € > cap.
    assert contract.amount == D("27650.27")
    assert contract.year == 2020


def test_forwarding_for_part_of_the_year_takes_the_matching_share_of_the_plan(paper_2020_0354):
    post = sixth_carrier_post(paper_2020_0354, personnel=D("36500"))

    contract = forwarding_save(
        data={"grant": paper_2020_0354.grant, "post": post, "start": date(2021, 7, 1), "end": date(2021, 12, 31)}
    )

    # 01.07.–31.12.2021 = 184 days of 365.
    # plan share = 36.500 × 184 / 365 = 18.400,00 €; cap = 55.000 × 184 / 365 = 27.726,03 € → 18.400,00 €
    assert contract.amount == D("18400.00")


# --- forwarding refusals --------------------------------------------------------------------------------


def test_forwardings_may_use_the_grant_up_to_the_last_cent(paper_2020_0354):
    post = sixth_carrier_post(paper_2020_0354)

    contract = forwarding_save(data={"grant": paper_2020_0354.grant, "post": post, **YEAR_2021})

    # 275.000 + 55.000 = 330.000 = the grant: allowed
    assert contract.amount == D("55000.00")
    assert ForwardingContract.objects.filter(grant=paper_2020_0354.grant).count() == 6


def test_a_sixth_forwarding_that_would_exceed_the_grant_is_refused_and_nothing_is_saved(paper_2020_0354):
    grant = paper_2020_0354.grant
    # An amending notice (Änderungsbescheid) cuts the grant to 300.000 €; 275.000 € are forwarded.
    grant_save(grant=grant, data={"amount": D("300000")})
    post = sixth_carrier_post(paper_2020_0354)

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(data={"grant": grant, "post": post, "reference": "WV-6", **YEAR_2021})

    # 275.000 + 55.000 = 330.000 > 300.000 by 30.000
    assert messages(excinfo, "grant") == [
        f"Überschreitung: Aus dem Bescheid (300.000,00{NBSP}€) sind bereits 275.000,00{NBSP}€ weitergeleitet; "
        f"weitere 55.000,00{NBSP}€ würden ihn um 30.000,00{NBSP}€ übersteigen."
    ]
    assert not ForwardingContract.objects.filter(post=post).exists()
    assert ForwardingContract.objects.filter(grant=grant).count() == 5
    grant.refresh_from_db()
    assert grant.amount == D("300000.00")


def test_changing_a_contract_does_not_count_its_own_amount_twice(paper_2020_0354):
    contract = paper_2020_0354.forwardings[0]
    grant_save(grant=paper_2020_0354.grant, data={"amount": D("275000")})  # no room left

    forwarding_save(contract=contract, data={"reference": "WV-geändert"})

    contract.refresh_from_db()
    assert contract.reference == "WV-geändert"
    assert contract.amount == D("55000.00")


def test_forwarding_for_a_county_post_is_refused(paper_2020_0354):
    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(data={"grant": paper_2020_0354.grant, "post": paper_2020_0354.coordination_post, **YEAR_2021})

    assert messages(excinfo, "post") == [
        "Weitergeleitet wird nur für Stellen bei einem Träger oder einer kreisangehörigen Kommune."
    ]


def test_forwarding_without_a_cost_plan_of_the_carrier_is_refused(paper_2020_0354):
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier)
    allocate(paper_2020_0354.grant, post)

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(data={"grant": paper_2020_0354.grant, "post": post, **YEAR_2021})

    assert messages(excinfo, "post") == [
        f"Für die Stelle „{post.title}“ liegt für 2021 kein Kostenplan des Trägers vor."
    ]


def test_forwarding_for_a_post_not_allocated_to_the_grant_is_refused(paper_2020_0354):
    """Review finding: without this, a contract could take the county coordination post's share of the grant."""
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier, title="CM ohne Zuordnung")
    f.CostPlanFactory(post=post, year=2021)

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(data={"grant": paper_2020_0354.grant, "post": post, **YEAR_2021})

    assert messages(excinfo, "post") == [
        "Die Stelle „CM ohne Zuordnung“ ist dem Bescheid KIM Modul 2 2021 (36.08.05-KIM-M2-2021) für diesen Zeitraum "
        "nicht zugeordnet; bitte zuerst beim Bescheid „Stelle zuordnen“."
    ]
    assert not ForwardingContract.objects.filter(post=post).exists()


def test_forwarding_is_capped_at_the_allocated_share_not_the_whole_post(paper_2020_0354):
    """A 1,0 post funded 0,5 by KIM: min(64.000, 55.000 × 0,5) = 27.500,00 €."""
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier, fte=D("1.0"))
    f.CostPlanFactory(post=post, year=2021, personnel=D("64000"))
    allocate(paper_2020_0354.grant, post, fte=D("0.5"))

    contract = forwarding_save(data={"grant": paper_2020_0354.grant, "post": post, **YEAR_2021})

    assert contract.amount == D("27500.00")


def test_a_second_forwarding_for_the_same_post_and_period_is_refused(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(
            data={"grant": paper_2020_0354.grant, "post": post, "start": date(2021, 7, 1), "end": date(2021, 12, 31)}
        )

    assert list(excinfo.value.message_dict) == ["start"]
    assert ForwardingContract.objects.filter(post=post).count() == 1


def test_a_forwarding_across_two_calendar_years_is_refused(paper_2020_0354):
    post = sixth_carrier_post(paper_2020_0354)

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(
            data={"grant": paper_2020_0354.grant, "post": post, "start": date(2021, 7, 1), "end": date(2022, 6, 30)}
        )

    assert messages(excinfo, "end") == ["Ein Weiterleitungsvertrag gilt für ein Kalenderjahr (Jährlichkeit)."]


def test_a_forwarding_outside_the_grant_period_is_refused(paper_2020_0354):
    post = sixth_carrier_post(paper_2020_0354)
    f.CostPlanFactory(post=post, year=2020, personnel=D("32000"), material_overhead=D("3000"))

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(
            data={"grant": paper_2020_0354.grant, "post": post, "start": date(2020, 7, 1), "end": date(2020, 12, 31)}
        )

    assert messages(excinfo, "start") == ["Der Zeitraum muss im Bewilligungszeitraum 01.01.2021–31.12.2021 liegen."]


def test_a_forwarding_from_another_modules_grant_is_refused(paper_2020_0354):
    module3_grant = f.GrantNoticeFactory(
        programme=f.KimProgrammeFactory(module=f.ModuleFactory(number=3)), approved_fte=D("1"), amount=D("55000")
    )
    post = sixth_carrier_post(paper_2020_0354)

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(data={"grant": module3_grant, "post": post, **YEAR_2021})

    assert messages(excinfo, "grant") == ["Der Bescheid gehört zu einem anderen Modul als die Stelle."]


def test_a_forwarding_without_a_rate_for_the_year_is_refused(paper_2020_0354):
    grant_2022 = f.GrantNoticeFactory(
        programme=paper_2020_0354.programme, period_start=date(2022, 1, 1), period_end=date(2022, 12, 31)
    )
    post = paper_2020_0354.carrier_posts[0]
    f.CostPlanFactory(post=post, year=2022)
    allocate(grant_2022, post, start=date(2022, 1, 1), end=date(2022, 12, 31))

    with pytest.raises(ValidationError) as excinfo:
        forwarding_save(data={"grant": grant_2022, "post": post, "start": date(2022, 1, 1), "end": date(2022, 12, 31)})

    assert messages(excinfo, "grant") == ["Für KIM Modul 2, Case Management, 2022 ist kein Fördersatz hinterlegt."]


# --- allocations: no double funding (§ 9 (4) TIntG), shares ≤ FTE, within the grant period ---------------


@pytest.fixture
def komm_an(paper_2020_0354):
    """A 2021 notice of "KOMM-AN NRW", a Land programme outside KIM, for one VZÄ."""
    programme = f.ProgrammeFactory(
        short_name="KOMM-AN NRW", name="KOMM-AN NRW", funder=paper_2020_0354.programme.funder
    )
    return f.GrantNoticeFactory(
        programme=programme,
        reference="KOMM-AN-2021",
        approved_fte=D("1"),
        amount=D("40000"),
    )


def test_a_post_funded_by_kim_cannot_also_be_funded_by_komm_an_nrw_for_an_overlapping_period(paper_2020_0354, komm_an):
    post = paper_2020_0354.carrier_posts[0]  # allocated 1,0 from KIM Modul 2 for 01.01.–31.12.2021

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(
            grant=komm_an, data={"post": post, "fte": D("1.0"), "start": date(2021, 4, 1), "end": date(2021, 9, 30)}
        )

    [message] = messages(excinfo, "fte")
    assert "KIM Modul 2" in message
    assert "KOMM-AN NRW" in message
    assert message == (
        "Doppelförderung: Die Stelle „Case Management Eschweiler“ ist ab 01.04.2021 bereits durch KIM Modul 2 "
        "gefördert; zusammen mit KOMM-AN NRW ergäben sich 2,0 VZÄ bei einem Stellenanteil von 1,0 VZÄ."
    )
    assert not GrantAllocation.objects.filter(grant=komm_an).exists()
    assert GrantAllocation.objects.filter(post=post).count() == 1


def test_double_funding_is_refused_whichever_programme_came_first(paper_2020_0354, komm_an):
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(
        module=paper_2020_0354.programme.module, employer=carrier, title="Case Management Roetgen"
    )
    kim_grant = f.GrantNoticeFactory(programme=paper_2020_0354.programme, approved_fte=D("1"), amount=D("55000"))
    allocation_save(grant=komm_an, data={"post": post, "fte": D("1.0"), **YEAR_2021})

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(grant=kim_grant, data={"post": post, "fte": D("1.0"), **YEAR_2021})

    [message] = messages(excinfo, "fte")
    assert message.startswith(
        "Doppelförderung: Die Stelle „Case Management Roetgen“ ist ab 01.01.2021 bereits durch KOMM-AN NRW gefördert"
    )
    assert "zusammen mit KIM Modul 2" in message


def test_half_from_kim_and_half_from_another_programme_is_allowed(paper_2020_0354, komm_an):
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier)
    grant = f.GrantNoticeFactory(programme=paper_2020_0354.programme, approved_fte=D("1"), amount=D("27500"))

    allocation_save(grant=grant, data={"post": post, "fte": D("0.5"), **YEAR_2021})
    allocation_save(grant=komm_an, data={"post": post, "fte": D("0.5"), **YEAR_2021})

    shares = sorted((a.grant.programme.short_name, a.fte) for a in GrantAllocation.objects.filter(post=post))
    assert shares == [("KIM Modul 2", D("0.500")), ("KOMM-AN NRW", D("0.500"))]


def test_another_programme_after_the_kim_period_ends_is_allowed(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]
    programme = f.ProgrammeFactory(short_name="KOMM-AN NRW")
    komm_an_2022 = f.GrantNoticeFactory(
        programme=programme, period_start=date(2022, 1, 1), period_end=date(2022, 12, 31), approved_fte=D("1")
    )

    allocation = allocation_save(
        grant=komm_an_2022, data={"post": post, "fte": D("1.0"), "start": date(2022, 1, 1), "end": date(2022, 12, 31)}
    )

    assert allocation.pk is not None


def test_an_allocation_above_the_post_fte_is_refused(paper_2020_0354):
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier, fte=D("0.5"))

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(grant=paper_2020_0354.grant, data={"post": post, "fte": D("1.0"), **YEAR_2021})

    assert messages(excinfo, "fte") == ["Der geförderte Anteil ist größer als der Stellenanteil (0,5 VZÄ)."]


def test_a_second_allocation_within_one_programme_above_the_post_fte_is_refused(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[1]  # already 1,0 from the 2021 grant
    second_grant = f.GrantNoticeFactory(programme=paper_2020_0354.programme, approved_fte=D("1"), amount=D("27500"))

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(
            grant=second_grant,
            data={"post": post, "fte": D("0.5"), "start": date(2021, 7, 1), "end": date(2021, 12, 31)},
        )

    # same programme: not double funding, but 1,0 + 0,5 = 1,5 VZÄ on a post of 1,0 VZÄ
    assert messages(excinfo, "fte") == [
        "Ab 01.07.2021 wären 1,5 VZÄ der Stelle „Case Management Stolberg“ gefördert, sie hat nur 1,0 VZÄ."
    ]
    assert GrantAllocation.objects.filter(post=post).count() == 1


def test_allocations_above_the_approved_fte_of_the_grant_are_refused(paper_2020_0354):
    # the grant approves 6,0 VZÄ and all six are allocated
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module, employer=carrier)

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(grant=paper_2020_0354.grant, data={"post": post, "fte": D("1.0"), **YEAR_2021})

    assert messages(excinfo, "fte") == ["Der Bescheid bewilligt nur 6,0 VZÄ; diese Zuordnung würde mehr verteilen."]


def test_an_allocation_starting_before_the_grant_period_is_refused(paper_2020_0354):
    grant = f.GrantNoticeFactory(programme=paper_2020_0354.programme, approved_fte=D("1"))
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module)

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(
            grant=grant, data={"post": post, "fte": D("1.0"), "start": date(2020, 12, 1), "end": date(2021, 12, 31)}
        )

    assert messages(excinfo, "start") == ["Beginn liegt außerhalb des Bewilligungszeitraums (01.01.2021–31.12.2021)."]
    assert not GrantAllocation.objects.filter(grant=grant).exists()


def test_an_allocation_ending_after_the_grant_period_is_refused(paper_2020_0354):
    grant = f.GrantNoticeFactory(programme=paper_2020_0354.programme, approved_fte=D("1"))
    post = f.CarrierPostFactory(module=paper_2020_0354.programme.module)

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(
            grant=grant, data={"post": post, "fte": D("1.0"), "start": date(2021, 1, 1), "end": date(2022, 1, 31)}
        )

    assert messages(excinfo, "end") == ["Ende liegt außerhalb des Bewilligungszeitraums (01.01.2021–31.12.2021)."]


def test_an_allocation_of_a_post_of_another_module_is_refused(paper_2020_0354):
    grant = f.GrantNoticeFactory(programme=paper_2020_0354.programme, approved_fte=D("1"))

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(grant=grant, data={"post": paper_2020_0354.own.assistant, "fte": D("0.5"), **YEAR_2021})

    assert messages(excinfo, "post") == ["Die Stelle gehört nicht zum Modul dieses Bescheids."]


# --- grants -----------------------------------------------------------------------------------------------


def test_a_grant_cannot_be_reduced_below_what_is_forwarded(paper_2020_0354):
    grant = paper_2020_0354.grant

    with pytest.raises(ValidationError) as excinfo:
        grant_save(grant=grant, data={"amount": D("274999.99")})

    assert messages(excinfo, "amount") == [
        f"Aus diesem Bescheid sind bereits 275.000,00{NBSP}€ weitergeleitet; die Zuwendung kann nicht darunter liegen."
    ]
    grant.refresh_from_db()
    assert grant.amount == D("330000.00")


def test_a_grant_can_be_reduced_to_exactly_what_is_forwarded(paper_2020_0354):
    grant = grant_save(grant=paper_2020_0354.grant, data={"amount": D("275000")})

    grant.refresh_from_db()
    assert grant.amount == D("275000.00")


def test_a_grant_period_cannot_be_shortened_below_its_forwarding_contracts(paper_2020_0354):
    grant = paper_2020_0354.grant

    with pytest.raises(ValidationError) as excinfo:
        grant_save(grant=grant, data={"period_end": date(2021, 6, 30)})

    assert list(excinfo.value.message_dict) == ["period_end"]
    grant.refresh_from_db()
    assert grant.period_end == date(2021, 12, 31)


def test_a_grant_must_be_issued_by_an_authority_of_the_land(paper_2020_0354):
    with pytest.raises(ValidationError) as excinfo:
        grant_save(
            data={
                "programme": paper_2020_0354.programme,
                "recipient": paper_2020_0354.county,
                "authority": paper_2020_0354.county,
                "reference": "falsch",
                "issued_on": date(2021, 2, 15),
                "period_start": date(2021, 1, 1),
                "period_end": date(2021, 12, 31),
                "approved_fte": D("1"),
                "amount": D("55000"),
            }
        )

    assert messages(excinfo, "authority") == ["Bewilligungsbehörde muss eine Behörde des Landes sein."]
    assert not GrantNotice.objects.filter(reference="falsch").exists()


# The next two were found while writing these tests (grant_save ignored allocations); fixed in funding/services.py.


def test_a_grants_approved_fte_cannot_drop_below_the_allocated_fte(paper_2020_0354):
    # six allocations of 1,0 VZÄ each; 3,0 approved would attribute 330.000 × 1/3 = 110.000 € to every post
    grant = paper_2020_0354.grant

    with pytest.raises(ValidationError) as excinfo:
        grant_save(grant=grant, data={"approved_fte": D("3")})

    assert messages(excinfo, "approved_fte") == [
        "Den Stellen sind bereits mehr VZÄ aus diesem Bescheid zugeordnet; bitte zuerst die Zuordnungen anpassen."
    ]
    grant.refresh_from_db()
    assert grant.approved_fte == D("6.000")


def test_a_grant_period_cannot_be_shortened_below_its_allocations(paper_2020_0354):
    post = paper_2020_0354.own.foreigners_authority
    grant = f.GrantNoticeFactory(
        programme=f.KimProgrammeFactory(module=post.module), approved_fte=D("1"), amount=D("55000")
    )
    allocation_save(grant=grant, data={"post": post, "fte": D("1.0"), **YEAR_2021})

    with pytest.raises(ValidationError) as excinfo:
        grant_save(grant=grant, data={"period_end": date(2021, 6, 30)})

    assert messages(excinfo, "period_end") == [
        "Die Zuordnung zu „Ausländer- und Einbürgerungsbehörde (§§ 25a/25b AufenthG, Einbürgerung)“ "
        "liegt außerhalb des neuen Bewilligungszeitraums."
    ]
    grant.refresh_from_db()
    assert grant.period_end == date(2021, 12, 31)


# --- cost plans and own-share requests -------------------------------------------------------------


def test_a_cost_plan_is_accepted_for_a_carrier_post(paper_2020_0354):
    post = paper_2020_0354.carrier_posts[0]

    plan = cost_plan_save(data={"post": post, "year": 2022, "personnel": D("65000"), "material_overhead": D("6000")})

    plan.refresh_from_db()
    assert plan.personnel == D("65000.00")


def test_a_cost_plan_is_refused_for_a_county_post(paper_2020_0354):
    with pytest.raises(ValidationError) as excinfo:
        cost_plan_save(
            data={
                "post": paper_2020_0354.coordination_post,
                "year": 2021,
                "personnel": D("62000"),
                "material_overhead": D("0"),
            }
        )

    assert messages(excinfo, "post") == [
        "Kostenpläne gibt es nur für Stellen bei Trägern und kreisangehörigen Kommunen."
    ]


def test_a_second_cost_plan_for_the_same_post_and_year_is_refused(paper_2020_0354):
    with pytest.raises(ValidationError):
        cost_plan_save(
            data={
                "post": paper_2020_0354.carrier_posts[0],
                "year": 2021,
                "personnel": D("1"),
                "material_overhead": D("0"),
            }
        )


def own_share_data(paper, **overrides):
    data = {
        "applicant": paper.umbrella,
        "received_on": date(2020, 5, 25),
        "requested_amount": D("100000"),
        "budget_year": 2021,
    }
    data.update(overrides)
    return data


def test_an_own_share_decision_above_the_requested_amount_is_refused(paper_2020_0354):
    with pytest.raises(ValidationError) as excinfo:
        own_share_request_save(data=own_share_data(paper_2020_0354, decided_amount=D("100000.01")))

    assert messages(excinfo, "decided_amount") == ["Es kann nicht mehr bewilligt werden als beantragt."]
    assert not OwnShareRequest.objects.exists()


def test_an_own_share_decision_up_to_the_requested_amount_is_accepted(paper_2020_0354):
    request = own_share_request_save(data=own_share_data(paper_2020_0354))

    own_share_request_save(request=request, data={"decided_amount": D("45000"), "decided_on": date(2021, 3, 1)})

    request.refresh_from_db()
    assert request.decided_amount == D("45000.00")


def test_an_own_share_request_from_the_county_is_refused(paper_2020_0354):
    with pytest.raises(ValidationError) as excinfo:
        own_share_request_save(data=own_share_data(paper_2020_0354, applicant=paper_2020_0354.county))

    assert messages(excinfo, "applicant") == ["Antragsteller ist ein Träger oder ein Dachverband."]


def test_a_programme_with_a_minimum_share_refuses_smaller_allocations(paper_2020_0354):
    """Configurable rule (domain §1): some counties fund only post shares of at least 0,5 VZÄ."""
    programme = paper_2020_0354.programme
    programme.min_share_fte = D("0.5")
    programme.save()
    carrier = f.CarrierFactory(parent=paper_2020_0354.umbrella)
    post = f.CarrierPostFactory(module=programme.module, employer=carrier, fte=D("0.25"))
    GrantNotice.objects.filter(pk=paper_2020_0354.grant.pk).update(approved_fte=D("7"))

    with pytest.raises(ValidationError) as excinfo:
        allocation_save(
            grant=paper_2020_0354.grant,
            data={"post": post, "fte": D("0.25"), "start": date(2021, 1, 1), "end": date(2021, 12, 31)},
        )

    assert messages(excinfo, "fte") == ["KIM Modul 2 fördert nur Stellenanteile ab 0,5 VZÄ."]
    assert not GrantAllocation.objects.filter(post=post).exists()
