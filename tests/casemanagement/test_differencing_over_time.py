"""The differencing attacker across several states of a year (issue 14): closed by the publication ledger.

tests/casemanagement/test_differencing.py proves that no hidden count follows from every table A 46
can download for a year *at one moment*. The year's protection is recomputed whenever a return is
submitted, accepted, sent back, reopened or withdrawn, and the new suppression pattern need not agree
with the old one; an attacker who keeps the tables of every moment solves all systems together.
Before the ledger (demo year 2021, measured 3 December 2026): after one return sent back, 334 hidden
cells were determined, 130 of them true counts of 1-4, either counts of the returned return (a total
visible in both states differs by exactly its figure) or unchanged counts whose partner the second
pattern showed. Every state shown is now recorded (casemanagement.publication) and each new state is
audited against all earlier ones (README, "Schutz kleiner Fallzahlen").

The attacker here is the one of test_differencing.py, over several states: an unknown is a return's
cell *with its count in that state* (a corrected cell is a new unknown; an unchanged one the same, so
the attacker may use every true equation between the states), the identities of each state hold, and
every number visible in any state is known. A hidden cell is determined iff its vector lies in the row
space of all of that.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from casemanagement import services
from casemanagement.models import CaseloadReturn, Dimension, ReturnSource, ReturnStatus
from tests.casemanagement.test_differencing import (
    HIDDEN,
    YEAR,
    Model,
    RowSpace,
    clear_caches,
    download_everything,
)

pytestmark = pytest.mark.django_db


def versioned(vector: Counter, model: Model) -> Counter:
    """The vector over the unknowns of that state: (return, dimension, key, count in that state)."""
    result: Counter = Counter()
    for (rid, d, k), c in vector.items():
        result[(rid, d, k, model.truth[(rid, d, k)])] += c
    return result


def download(client: Any) -> tuple[list, Model]:
    clear_caches()
    model = Model(YEAR)
    published = download_everything(client, model)
    wrong = [(w, s, model.value(v)) for w, v, s in published if s not in HIDDEN and model.value(v) != int(s)]
    assert not wrong, wrong[:5]  # the model reads the tables of this state as they are meant
    return published, model


def attack(states: list[tuple[list, Model]]) -> dict[str, int]:
    """Hidden cells of any state that every state's visible numbers and identities determine -> their value."""
    space = RowSpace()
    for published, model in states:
        for row in [v for _w, v, s in published if s not in HIDDEN] + model.identities():
            space.add(versioned(row, model))
    determined = {}
    hidden = 0
    for number, (published, model) in enumerate(states):
        for where, vector in [(w, v) for w, v, s in published if s in HIDDEN]:
            hidden += 1
            row = versioned(vector, model)
            if space.contains(row):
                determined[f"state {number + 1}: {where}"] = sum(c * var[3] for var, c in row.items())
    small = {w: n for w, n in determined.items() if 0 < n < 5}
    print(f"{len(states)} states: {hidden} hidden, {len(determined)} determined, {len(small)} of 1-4")
    return small


def submitted_return() -> CaseloadReturn:
    r = CaseloadReturn.objects.filter(year=YEAR, status=ReturnStatus.SUBMITTED).order_by("-month", "pk").first()
    assert r is not None
    return r


def resubmit(r: CaseloadReturn, figures: dict | None = None) -> None:
    """The carrier submits the returned return again: its figures as stored, or corrected ones."""
    r.refresh_from_db()
    if figures is not None:
        services._store_figures(r, figures)
    CaseloadReturn.objects.filter(pk=r.pk).update(source=ReturnSource.UPLOAD)  # keep the stored figures
    r.refresh_from_db()
    services.return_submit(caseload_return=r)


@pytest.fixture
def a46(client, a46_user, settings):
    settings.KIM_STATISTICS_BACKGROUND = False  # each download sees the recomputed state
    client.force_login(a46_user)
    return client


def test_no_hidden_count_follows_from_the_tables_before_and_after_one_return_is_sent_back(a46, demo):
    before = download(a46)
    services.return_send_back(caseload_return=submitted_return(), reason="Korrektur")
    after = download(a46)
    assert attack([before, after]) == {}


def test_no_hidden_count_follows_when_a_new_return_is_submitted_between_two_downloads(a46, demo):
    target = submitted_return()
    services.return_send_back(caseload_return=target, reason="Korrektur")  # not yet published with it
    before = download(a46)
    assert target.pk not in before[1].returns
    resubmit(target)
    after = download(a46)
    assert target.pk in after[1].returns
    assert attack([before, after]) == {}


def test_no_hidden_count_follows_from_a_return_sent_back_corrected_and_resubmitted(a46, demo):
    target = submitted_return()
    first = download(a46)
    services.return_send_back(caseload_return=target, reason="Korrektur")
    second = download(a46)
    # the correction: one case of the return moved to another legal domain (every identity still holds)
    figures = {d: dict(counts) for d, counts in first[1].figures_of(target.pk).items()}
    domains = figures[Dimension.LEGAL_DOMAIN]
    source = min(k for k, n in domains.items() if n > 0)
    other = min(k for k in domains if k != source)
    domains[source] -= 1
    domains[other] += 1
    resubmit(target, figures)
    third = download(a46)
    assert third[1].truth[(target.pk, Dimension.LEGAL_DOMAIN, other)] == domains[other]
    assert attack([first, second, third]) == {}


def test_with_the_history_switched_off_two_states_give_small_counts_away(a46, demo, settings):
    """The control: each state protected on its own (no ledger audit), the same attack succeeds."""
    settings.KIM_PUBLICATION_HISTORY = False
    before = download(a46)
    services.return_send_back(caseload_return=submitted_return(), reason="Korrektur")
    after = download(a46)
    small = attack([before, after])
    assert len(small) > 10
    assert all(0 < n < 5 for n in small.values())


def test_the_decomposed_audit_used_at_county_scale_holds_over_two_states_too(a46, demo, monkeypatch):
    """Above suppression.EXACT_LIMIT hidden figures (county scale) the audit solves each carrier's
    equations within the carrier first and then the equations across carriers exactly
    (``suppression._determined_decomposed``); forced here for the demo year. Measured 3 December 2026
    before it: the audit per carrier with a quick rule for the sums across carriers let the attacker
    determine 42 counts of 1-4 over these two states (80 without the quick rule)."""
    from casemanagement import suppression

    monkeypatch.setattr(suppression, "EXACT_LIMIT", 0)
    calls = {"n": 0}
    decomposed = suppression._determined_decomposed

    def counted(*args, **kwargs):
        calls["n"] += 1
        return decomposed(*args, **kwargs)

    monkeypatch.setattr(suppression, "_determined_decomposed", counted)
    before = download(a46)
    services.return_send_back(caseload_return=submitted_return(), reason="Korrektur")
    after = download(a46)
    assert calls["n"] > 0  # the county-scale path ran
    assert attack([before, after]) == {}


def test_the_decomposed_audit_over_three_states_with_a_corrected_return(a46, demo, monkeypatch):
    from casemanagement import suppression

    monkeypatch.setattr(suppression, "EXACT_LIMIT", 0)
    target = submitted_return()
    first = download(a46)
    services.return_send_back(caseload_return=target, reason="Korrektur")
    second = download(a46)
    figures = {d: dict(counts) for d, counts in first[1].figures_of(target.pk).items()}
    domains = figures[Dimension.LEGAL_DOMAIN]
    source = min(k for k, n in domains.items() if n > 0)
    other = min(k for k in domains if k != source)
    domains[source] -= 1
    domains[other] += 1
    resubmit(target, figures)
    third = download(a46)
    assert attack([first, second, third]) == {}


def test_with_the_history_switched_off_the_county_scale_path_gives_small_counts_away(a46, demo, settings, monkeypatch):
    """The control of the two tests above: the same path, each state protected on its own."""
    from casemanagement import suppression

    monkeypatch.setattr(suppression, "EXACT_LIMIT", 0)
    settings.KIM_PUBLICATION_HISTORY = False
    before = download(a46)
    services.return_send_back(caseload_return=submitted_return(), reason="Korrektur")
    after = download(a46)
    small = attack([before, after])
    assert len(small) > 10
    assert all(0 < n < 5 for n in small.values())


def test_no_hidden_count_follows_from_four_states_of_a_return_sent_back_twice(a46, demo):
    """A return sent back, resubmitted unchanged and sent back again: the fourth state has the inputs of
    the second, but partners the third state showed are public now (see the next test)."""
    target = submitted_return()
    states = [download(a46)]
    for n in range(3):
        if n % 2 == 0:
            services.return_send_back(caseload_return=target, reason="Korrektur")
        else:
            resubmit(target)
        states.append(download(a46))
    assert attack(states) == {}


def test_a_return_sent_back_twice_leaves_the_partner_search_never_empty(demo, caplog, settings):
    """No count of 1-4 is left determined without a figure to hide beside it ("keine Zahl mehr zu
    verbergen neben …"), in any of the four states.

    Diagnosis (3 December 2026; it was a strict xfail): in the fourth state the audit logged three
    referral-target cells of returns 10 and 21 (the returned return is 11, carrier 10, November). Its
    model was not stricter than the attacker's: in the first audit round of that state the cells were
    truly determined, e.g. return 10's "jmd" (3), now carrier 10's only return in Q4: its year cell
    (13, still visible before the round) and that of states 1 and 3 (16) share Q1-Q3, and states 1
    and 3 showed Q4 (6 = returns 10 + 11), so Q4 now = 13 - 16 + 6 = 3 (true equations in the attacker's
    model as well). An earlier leak of the same round in key order, return 11's own
    "jmd" (3, hidden in states 1 and 3; 16 - 13), had just hidden the year cell, the hideable figure
    nearest to both; the search for return 10's cell then came up empty and logged, although the next
    audit found the cell undetermined. The pattern was safe; the warning was early. It now waits for
    an audit after which nothing else changes (a count left determined in the result); no pattern
    changes by that. Which leak came first depended on the ``repr`` of the keys (ids: 10 before 9),
    hence the XPASS under pytest-xdist; ties are now broken by content (``suppression.content_order``)."""
    import logging

    from casemanagement import selectors

    settings.KIM_STATISTICS_BACKGROUND = False
    caplog.set_level(logging.WARNING, logger="casemanagement.suppression")
    target = submitted_return()
    selectors.year_protection_compute(year=YEAR)
    for n in range(3):
        if n % 2 == 0:
            services.return_send_back(caseload_return=target, reason="Korrektur")
        else:
            resubmit(target)
        clear_caches()
        selectors.year_protection_compute(year=YEAR)
    assert [r.getMessage() for r in caplog.records if "keine Zahl" in r.getMessage()] == []
