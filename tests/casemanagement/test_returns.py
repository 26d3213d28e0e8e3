"""Caseload returns computed from a small register built by hand; every number counted in the comments."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casemanagement import services
from casemanagement.csv_format import parse_return_csv, return_csv_bytes
from casemanagement.models import CaseloadReturn, ReturnStatus
from casemanagement.selectors import combine_months, figures_normalised, return_figures, return_figures_computed
from kim.periods import month_bounds

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(make_case, post_a, post_b, carrier_b, stolberg):
    """Carrier A, post A (numbers = the comments in the tests):

    1  opened 10.01.2021, open                          referral Jobcenter 31.03.
    2  opened 15.02.2021, closed 28.02. (last day of February)
    3  opened 01.03.2021 (first day), closed 31.03. (last day), goal reached
    4  opened 01.02.2021, closed 01.03.2021, contact lost   referral JMD 28.02.
    5  opened 05.01.2021, closed 20.01., reopened 10.03.2021 (SGB III), open
    6  opened 31.03.2021, SGB XII, Stolberg, topics language + work   referral MBE 31.03.
    7  opened 01.04.2021
    plus a case of carrier B opened in March (must count nowhere for A)
    """
    c1 = make_case(date(2021, 1, 10))
    make_case(date(2021, 2, 15), date(2021, 2, 28))
    make_case(date(2021, 3, 1), date(2021, 3, 31), reason="goal_reached")
    c4 = make_case(date(2021, 2, 1), date(2021, 3, 1), reason="contact_lost")
    make_case(date(2021, 1, 5), date(2021, 1, 20), legal_domain="sgb3", reopened=[(date(2021, 3, 10), None)])
    c6 = make_case(date(2021, 3, 31), legal_domain="sgb12", municipality=stolberg, topics=("language", "work"))
    make_case(date(2021, 4, 1))
    make_case(date(2021, 3, 5), carrier=carrier_b, post=post_b, municipality=stolberg)
    services.referral_save(case=c1, data={"target": "jobcenter", "referred_on": date(2021, 3, 31)})
    services.referral_save(case=c4, data={"target": "jmd", "referred_on": date(2021, 2, 28)})
    services.referral_save(case=c6, data={"target": "mbe", "referred_on": date(2021, 3, 31)})


def march(carrier_a, post_a):
    start, end = month_bounds(2021, 3)
    return return_figures_computed(carrier=carrier_a, post=post_a, start=start, end=end)


def test_march_counts_month_boundaries_and_the_reopened_case(register, carrier_a, post_a):
    figures = march(carrier_a, post_a)
    # active at 1 March: 1 (open), 4 (closed on 1 March, so still open at the start) → 2
    # new: 3 (opened on the 1st), 5 (reopened 10.03.), 6 (opened on the 31st) → 3, of which reopened 1
    # closed: 3 (on the 31st), 4 (on the 1st) → 2
    # active at 31 March: 1, 5, 6 → 3 (3 closed on the last day does not count); 2 + 3 − 2 = 3
    assert figures["totals"] == {"active_start": 2, "new": 3, "reopened": 1, "closed": 2, "active_end": 3}
    assert figures["legal_domain"] == {"sgb2": 1, "sgb3": 1, "sgb12": 1}  # 3, 5, 6
    assert figures["municipality"] == {"eschweiler": 2, "stolberg": 1}  # 3, 5 | 6
    assert figures["topic"] == {"work": 3, "language": 1}  # 3, 5, 6 | 6
    assert figures["referral_target"] == {"jobcenter": 1, "mbe": 1}  # JMD was in February
    assert figures["closure_reason"] == {"goal_reached": 1, "contact_lost": 1}  # 3 | 4


def test_february_ends_with_the_case_closed_on_its_last_day_counted_as_closed(register, carrier_a, post_a):
    start, end = month_bounds(2021, 2)
    figures = return_figures_computed(carrier=carrier_a, post=post_a, start=start, end=end)
    # start: 1 (5 was closed on 20.01.) → 1; new: 2, 4 → 2; closed: 2 on 28.02. → 1; end: 1, 4 → 2
    assert figures["totals"] == {"active_start": 1, "new": 2, "reopened": 0, "closed": 1, "active_end": 2}
    assert figures["referral_target"] == {"jmd": 1}


def test_a_quarter_is_the_sum_of_its_months_and_equals_counting_the_quarter_directly(register, carrier_a, post_a):
    months = [
        return_figures_computed(
            carrier=carrier_a, post=post_a, start=month_bounds(2021, m)[0], end=month_bounds(2021, m)[1]
        )
        for m in (1, 2, 3)
    ]
    quarter = combine_months(months)
    # Q1: start 0; new: 1, 2, 3, 4, 5, 5 again, 6 → 7 (1 reopened); closed: 5 (20.01.), 2, 3, 4 → 4; end: 1, 5, 6 → 3
    assert quarter["totals"] == {"active_start": 0, "new": 7, "reopened": 1, "closed": 4, "active_end": 3}
    direct = return_figures_computed(carrier=carrier_a, post=post_a, start=date(2021, 1, 1), end=date(2021, 3, 31))
    assert figures_normalised(quarter) == figures_normalised(direct)


def test_a_submitted_return_is_frozen_and_later_register_changes_do_not_move_it(
    register, make_case, carrier_a, post_a, carrier_a_user
):
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_submit(caseload_return=r)
    make_case(date(2021, 3, 15))  # entered late: the live figure is now 4 new cases
    r.refresh_from_db()
    assert r.status == ReturnStatus.SUBMITTED
    assert return_figures(caseload_return=r)["totals"]["new"] == 3
    assert march(carrier_a, post_a)["totals"]["new"] == 4


def test_accepted_returns_are_locked_and_only_reopened_with_a_reason(register, carrier_a, post_a):
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_submit(caseload_return=r)
    services.return_accept(caseload_return=r)
    with pytest.raises(ValidationError):
        services.return_submit(caseload_return=r)
    with pytest.raises(ValidationError) as exc:
        services.return_reopen(caseload_return=r, reason="")
    assert "Begründung" in str(exc.value)
    services.return_reopen(caseload_return=r, reason="Abschlüsse im März fehlen")
    r.refresh_from_db()
    assert (r.status, r.review_note) == (ReturnStatus.RETURNED, "Abschlüsse im März fehlen")


def test_a_return_cannot_be_submitted_before_its_month_has_ended(carrier_a):
    from django.utils import timezone

    from tests import factories as f

    today = timezone.localdate()
    open_ended = f.CarrierPostFactory(employer=carrier_a, end=None)
    r = services.return_create(carrier=carrier_a, post=open_ended, year=today.year, month=today.month)
    with pytest.raises(ValidationError, match="noch nicht abgelaufen"):
        services.return_submit(caseload_return=r)


def test_a_valid_csv_upload_equals_the_computed_return(register, carrier_a, post_a):
    computed = march(carrier_a, post_a)
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    services.return_upload(caseload_return=r, content=return_csv_bytes(computed))
    services.return_submit(caseload_return=r)
    assert figures_normalised(return_figures(caseload_return=r)) == figures_normalised(computed)


def test_a_csv_with_a_bad_row_imports_nothing_and_names_line_and_column(register, carrier_a, post_a):
    r = services.return_create(carrier=carrier_a, post=post_a, year=2021, month=3)
    good = "Bereich;Merkmal;Anzahl\nBestand und Bewegung;Bestand am Anfang;2\nBestand und Bewegung;Neuaufnahmen;1\n"
    good += "Bestand und Bewegung;davon Wiederaufnahmen;0\nBestand und Bewegung;Abschlüsse;0\nBestand und Bewegung;Bestand am Ende;3\n"
    good += "Rechtskreis;SGB II;1\nKommune;Eschweiler;1\n"
    services.return_upload(caseload_return=r, content=good.encode("utf-8-sig"))
    bad = good + "Thema;Arbeit;zwei\nRechtskreis;SGB 99;1\n"  # lines 9 and 10 (header = line 1)
    with pytest.raises(ValidationError) as exc:
        services.return_upload(caseload_return=r, content=bad.encode())
    messages = exc.value.message_dict["file"]
    assert messages == [
        "Zeile 9, Spalte „Anzahl“: „zwei“ ist keine ganze Zahl von 0 bis 100000.",
        "Zeile 10, Spalte „Merkmal“: „SGB 99“ gibt es im Bereich „Rechtskreis“ nicht.",
    ]
    assert return_figures(caseload_return=CaseloadReturn.objects.get(pk=r.pk))["topic"] == {}  # the good upload stays


def test_a_csv_that_does_not_add_up_is_rejected():
    text = "Bereich;Merkmal;Anzahl\nBestand und Bewegung;Bestand am Anfang;2\nBestand und Bewegung;Neuaufnahmen;1\n"
    text += "Bestand und Bewegung;davon Wiederaufnahmen;0\nBestand und Bewegung;Abschlüsse;0\nBestand und Bewegung;Bestand am Ende;4\n"
    with pytest.raises(ValidationError) as exc:
        parse_return_csv(text.encode())
    # 2 + 1 − 0 = 3, not 4; and no legal domain / municipality lines for the 1 new case
    assert (
        exc.value.message_dict["file"][0]
        == "Zeile 6, Spalte „Anzahl“: Bestand am Ende muss Bestand am Anfang + Neuaufnahmen − Abschlüsse = 3 sein."
    )
    assert len(exc.value.message_dict["file"]) == 3


def test_a_csv_header_in_another_format_is_rejected_at_line_one():
    with pytest.raises(ValidationError, match="Zeile 1"):
        parse_return_csv(b"Area,Item,Count\n")
