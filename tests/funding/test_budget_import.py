"""Import of budget lines (Haushaltspositionen): key year + Teilprodukt + Sachkonto + Ertrag/Aufwand;
the budget list's XLSX export (with its computed columns) re-imports unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.imports import BudgetLineImport
from funding.models import BudgetLine
from kim.imports import CHANGED, ERROR, NEW, UNCHANGED, run_import
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = "Jahr;Teilprodukt;Sachkonto;Bezeichnung;Ertrag/Aufwand;Planansatz;Prognose aus"


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def test_new_then_unchanged_then_changed(a46_user):
    row = "2021;946100;414100;Zuweisungen vom Land;Ertrag;570.000,00;Landeszuweisungen KIM (Stellen × Pauschalen)"
    result = run_import(BudgetLineImport(), csv_file(row), user=a46_user, commit=True)
    assert result.saved and [r.status for r in result.rows] == [NEW]
    line = BudgetLine.objects.get()
    assert (line.kind, line.planned_amount, line.forecast_basis) == ("income", D("570000.00"), "land_income")
    again = run_import(BudgetLineImport(), csv_file(row), user=a46_user, commit=True)
    assert [r.status for r in again.rows] == [UNCHANGED]
    changed = run_import(
        BudgetLineImport(),
        csv_file("2021;946100;414100;Zuweisungen vom Land;Ertrag;580.000,00;"),
        user=a46_user,
        commit=True,
    )
    assert [r.status for r in changed.rows] == [CHANGED]
    line.refresh_from_db()
    # an empty "Prognose aus" keeps the stored basis
    assert (line.planned_amount, line.forecast_basis) == (D("580000.00"), "land_income")


def test_bad_rows_are_named_and_nothing_is_saved(a46_user):
    content = csv_file(
        "2021;946100;414100;gut;Ertrag;1,00;",
        "2021;946100;414101;Art falsch;Einnahme;1,00;",
        "2021;946100;414102;Betrag falsch;Aufwand;-1,00;",
        "2021;946100;414103;Prognose falsch;Aufwand;1,00;Kaffeesatz",
    )
    result = run_import(BudgetLineImport(), content, user=a46_user, commit=True)
    assert not result.saved
    assert [r.status for r in result.rows][1:] == [ERROR, ERROR, ERROR]
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("Zeile 3, Spalte „Ertrag/Aufwand“")
    assert messages[1].startswith("Zeile 4, Spalte „Planansatz“")
    assert messages[2].startswith("Zeile 5, Spalte „Prognose aus“")
    assert BudgetLine.objects.count() == 0


def test_the_xlsx_export_of_the_budget_list_reimports_unchanged(client, a46_user):
    f.BudgetLineFactory(
        year=2021,
        teilprodukt="946100",
        sachkonto="414100",
        kind="income",
        planned_amount=D("570000"),
        forecast_basis="land_income",
    )
    f.BudgetLineFactory(year=2021, teilprodukt="946100", sachkonto="531800", kind="expense", planned_amount=D("275000"))
    client.force_login(a46_user)
    exported = client.get(reverse("funding:budget_list") + "?year=2021&export=xlsx")
    assert exported.status_code == 200
    before = list(BudgetLine.objects.order_by("pk").values())
    result = run_import(BudgetLineImport(), exported.content, user=a46_user, commit=True)
    assert result.errors == [], [str(e) for e in result.errors]
    assert [r.status for r in result.rows] == [UNCHANGED, UNCHANGED]
    assert list(BudgetLine.objects.order_by("pk").values()) == before
