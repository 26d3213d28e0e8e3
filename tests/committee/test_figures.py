"""Live figures in papers: computed from the data, frozen at release, differences shown, unknown names reported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from committee.figures import FIGURES, differences, render_paper
from funding.services import cost_plan_save
from tests.committee.conftest import make_paper

pytestmark = pytest.mark.django_db
D = Decimal
NB = "\u00a0"


def test_every_named_figure_of_the_paper_is_computed_from_the_data(paper_money):
    values = {
        name: FIGURES[name].compute(2021)
        for name in (
            "rate_per_post",
            "forwarded_total",
            "forwarded_posts",
            "carrier_personnel_per_post",
            "carrier_overhead_per_post",
            "gap_per_post",
            "gap_total",
            "request_amount",
            "recommended_amount",
            "personnel_needs",
            "budget_income_planned",
        )
    }
    assert values == {
        "rate_per_post": D("55000.00"),
        "forwarded_total": D("275000.00"),  # 5 × min(64.000, 55.000)
        "forwarded_posts": 5,
        "carrier_personnel_per_post": D("64000.00"),
        "carrier_overhead_per_post": D("6000.00"),
        "gap_per_post": D("9000.00"),  # 64.000 − 55.000
        "gap_total": D("45000.00"),  # 5 × 9.000
        "request_amount": D("100000.00"),
        "recommended_amount": D("45000.00"),  # min(45.000, 100.000)
        "personnel_needs": D("332500.00"),  # 5 × 62.000 + 0,5 × 45.000
        "budget_income_planned": D("570000.00"),
    }


def test_the_preview_of_a_draft_fills_in_todays_figures(draft_paper):
    rendered = render_paper(draft_paper)
    html = str(rendered.sections[0].html)
    assert f'weitergeleitet <span class="figure">275.000,00{NB}€</span>' in html
    assert f'Personalbedarf <span class="figure">332.500,00{NB}€</span>' in html
    assert rendered.problems == [] and not rendered.frozen


def test_an_unknown_or_malformed_figure_is_reported_in_the_preview_never_raised(paper_money, a46_department):
    paper = make_paper(
        department=a46_department,
        number="2020/0401",
        body="A {{ gibt_es_nicht }} B {{ Forwarded Total }} C {{ forwarded_total:abc }} D {{}}",
    )
    rendered = render_paper(paper)
    assert [p.message for p in rendered.problems] == [
        "Unbekannte Kennzahl „gibt_es_nicht“.",
        "Unbekannte Kennzahl „Forwarded Total“.",
        "Unbekannte Kennzahl „forwarded_total:abc“.",
        "Unbekannte Kennzahl „“.",
    ]
    assert '<span class="figure-missing">[gibt_es_nicht?]</span>' in str(rendered.sections[0].html)


def test_text_is_escaped_so_a_paper_cannot_inject_markup(paper_money, a46_department):
    paper = make_paper(
        department=a46_department, number="2020/0402", body="<script>alert(1)</script> {{ forwarded_total }}"
    )
    assert "&lt;script&gt;" in str(render_paper(paper).sections[0].html)


def test_a_released_paper_keeps_its_figures_when_the_data_changes_and_shows_the_difference(released_paper, paper_money):
    plan = paper_money.cost_plans[0]
    cost_plan_save(plan=plan, data={"personnel": D("50000")})
    frozen = render_paper(released_paper)
    assert frozen.frozen
    assert f'weitergeleitet <span class="figure">275.000,00{NB}€</span>' in str(frozen.sections[0].html)
    diffs = {d.label: (d.frozen, d.live) for d in differences(released_paper, frozen)}
    # today: 4 × 55.000 + min(50.000, 55.000) = 270.000; gaps 4 × 9.000 + 0 = 36.000
    assert diffs["Weiterleitung an die Träger 2021"] == (f"275.000,00{NB}€", f"270.000,00{NB}€")
    assert diffs["Eigenanteilslücke gesamt 2021"] == (f"45.000,00{NB}€", f"36.000,00{NB}€")
    assert diffs["Eigenanteilslücke je Stelle 2021"] == (f"9.000,00{NB}€", "n. v.")
    assert "Tabelle „Eigenanteile der Trägerstellen 2021“" in diffs
