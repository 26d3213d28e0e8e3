"""Closed cases are deleted after the retention period; frozen returns keep their figures."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from casemanagement import services
from casemanagement.models import Case, CaseloadReturn
from casemanagement.retention import apply_retention, deletion_date
from casemanagement.selectors import return_figures

pytestmark = pytest.mark.django_db


def test_a_closed_case_is_deleted_24_months_after_closure_and_the_accepted_return_stays(
    make_case, carrier_a, post_a, settings
):
    settings.CASE_RETENTION_MONTHS = 24
    closed = make_case(date(2021, 3, 1), date(2021, 3, 31))
    services.contact_add(case=closed, data={"date": date(2021, 3, 2), "duration_minutes": 45, "mode": "in_person"})
    still_open = make_case(date(2021, 3, 2))
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_submit(caseload_return=r)
    services.return_accept(caseload_return=r)
    assert deletion_date(closed) == date(2023, 3, 31)  # 31.03.2021 + 24 months

    assert apply_retention(today=date(2023, 3, 30)) == 0  # one day early: kept
    assert apply_retention(today=date(2023, 3, 31)) == 1
    assert list(Case.objects.values_list("pk", flat=True)) == [still_open.pk]
    assert not Case.history.filter(id=closed.pk).exists()  # the audit trail does not keep it either
    from casemanagement.models import Contact

    assert not Contact.history.filter(case_id=closed.pk).exists()
    # March 2021: 2 new (1 and 2 March), 1 closed (31 March) → still in the accepted return
    figures = return_figures(caseload_return=CaseloadReturn.objects.get(pk=r.pk))
    assert figures["totals"] == {"active_start": 0, "new": 2, "reopened": 0, "closed": 1, "active_end": 1}


def test_the_period_comes_from_the_setting(make_case, settings):
    settings.CASE_RETENTION_MONTHS = 6
    closed = make_case(date(2021, 8, 31), date(2021, 8, 31))
    assert deletion_date(closed) == date(2022, 2, 28)  # 31.08. + 6 months, February has 28 days


def test_the_command_reports_what_it_deleted(make_case, capsys):
    make_case(date(2020, 8, 3), date(2020, 9, 1))  # within the post's term (from 01.07.2020)
    call_command("apply_retention")
    assert "1 abgeschlossene Fälle gelöscht" in capsys.readouterr().out
