"""Double-funding report across KIM and the other programmes of the portfolio."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from funding.controlling.selectors import double_funding_conflicts
from tests import factories as f
from tests.funding.conftest import count_queries

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("funding:controlling_double")


def construct_conflict(i: int = 0):
    """A 1,0 post funded 1,0 by KIM Modul 2 for 2021 and 0,5 by KOMM-AN NRW 01.03.–31.08.2021.

    Built with factories, bypassing allocation_save (which refuses it), as imported data might contain it."""
    kim = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    komm_an = f.ProgrammeFactory(short_name="KOMM-AN NRW", name="KOMM-AN NRW")
    post = f.CarrierPostFactory(
        title=f"Case Management Würselen {i}", employer=f.CarrierFactory(slug=f"traeger-df-{i}", name=f"Träger DF {i}")
    )
    f.GrantAllocationFactory(grant=f.GrantNoticeFactory(programme=kim, reference=f"KIM-{i}"), post=post, fte=D("1.0"))
    f.GrantAllocationFactory(
        grant=f.GrantNoticeFactory(programme=komm_an, reference=f"KOMM-AN-{i}", approved_fte=D("1"), amount=D("20000")),
        post=post,
        fte=D("0.5"),
        start=date(2021, 3, 1),
        end=date(2021, 8, 31),
    )
    return post


def test_a_constructed_conflict_is_named_exactly():
    post = construct_conflict()

    [conflict] = double_funding_conflicts()

    assert conflict.post == post
    assert conflict.programmes == ["KIM Modul 2", "KOMM-AN NRW"]
    assert (conflict.start, conflict.end) == (date(2021, 3, 1), date(2021, 8, 31))
    assert conflict.funded_fte == D("1.5")  # 1,0 KIM + 0,5 KOMM-AN
    assert conflict.excess_fte == D("0.5")  # 1,5 − 1,0
    assert conflict.is_double_funding


def test_one_programme_above_the_fte_is_an_over_funding_not_a_double_funding():
    kim = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    post = f.CarrierPostFactory(fte=D("0.5"))
    f.GrantAllocationFactory(grant=f.GrantNoticeFactory(programme=kim), post=post, fte=D("0.75"))
    [conflict] = double_funding_conflicts()
    assert (
        conflict.programmes == ["KIM Modul 2"] and conflict.excess_fte == D("0.25") and not conflict.is_double_funding
    )


def test_split_shares_within_the_fte_are_no_conflict():
    kim = f.KimProgrammeFactory(module=f.ModuleFactory(number=2))
    other = f.ProgrammeFactory(short_name="Durchstarten", name="Durchstarten in Ausbildung und Arbeit")
    post = f.CarrierPostFactory()
    f.GrantAllocationFactory(grant=f.GrantNoticeFactory(programme=kim), post=post, fte=D("0.5"))
    f.GrantAllocationFactory(grant=f.GrantNoticeFactory(programme=other), post=post, fte=D("0.5"))
    assert double_funding_conflicts() == []


def test_the_clean_demo_reports_no_conflict():
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert double_funding_conflicts() == []


def test_the_report_page_names_the_conflict(client, a46_user):
    construct_conflict()
    client.force_login(a46_user)
    html = client.get(URL).content.decode()
    assert "Case Management Würselen 0" in html and "KOMM-AN NRW" in html and "KIM Modul 2" in html
    assert "01.03.2021–31.08.2021" in html and "Doppelförderung" in html and "<strong>0,5</strong>" in html


def test_carriers_may_not_see_the_report_and_anonymous_users_log_in(client, carrier_a_user):
    assert client.get(URL).status_code == 302
    client.force_login(carrier_a_user)
    assert client.get(URL).status_code == 403


def test_the_report_runs_a_fixed_number_of_queries(client, a46_user):
    client.force_login(a46_user)
    construct_conflict(0)
    one = count_queries(client, URL)
    construct_conflict(1), construct_conflict(2), construct_conflict(3)
    assert count_queries(client, URL) == one
