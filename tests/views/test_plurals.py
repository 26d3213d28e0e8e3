"""German plural rules in messages built from counts (issue 16: no "1 Stellen")."""

from __future__ import annotations

from types import SimpleNamespace

from casemanagement.tables import IndicatorTable
from kim.security import wait_message


def test_wait_message_counts_one_second_in_the_singular():
    assert "Bitte warten Sie 1 Sekunde und" in wait_message(1)
    assert "Bitte warten Sie 2 Sekunden und" in wait_message(2)


def test_indicator_figures_use_singular_and_plural():
    record = SimpleNamespace(
        post=SimpleNamespace(module=SimpleNamespace(number=1)),
        events=1,
        trainings=2,
        network_meetings=1,
        participants=1,
    )
    text = IndicatorTable([]).render_figures(record)
    assert text == "1 Veranstaltung · 2 Fortbildungen · 1 Netzwerktreffen · 1 Teilnehmende"
