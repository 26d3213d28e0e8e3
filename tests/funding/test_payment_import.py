"""Import of the instalments to the carriers (Abschläge): matched by contract (module, post, start) and due
date; the contract's limit holds; re-import changes nothing; cancelled contracts take no instalment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funding.controlling import selectors as cs
from funding.imports import PaymentImport
from funding.models import CarrierPayment, ForwardingContract
from funding.services import forwarding_cancel
from kim.imports import CHANGED, ERROR, NEW, UNCHANGED, run_import

pytestmark = pytest.mark.django_db
D = Decimal
HEADER = "Modul;Stelle;Vertrag ab;fällig am;Betrag;gezahlt am"


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def test_two_halves_of_a_contract_are_imported_once(paper_2020_0354, a46_user):
    post = paper_2020_0354.carrier_posts[0].title
    content = csv_file(
        f"2;{post};01.01.2021;15.01.2021;27.500,00;20.01.2021",
        f"2;{post};01.01.2021;15.07.2021;27.500,00;",
    )
    result = run_import(PaymentImport(), content, user=a46_user, commit=True)
    assert result.saved, [str(e) for e in result.errors]
    assert [r.status for r in result.rows] == [NEW, NEW]
    contract = paper_2020_0354.forwardings[0]
    row = cs.contracts_with_balances(contracts=ForwardingContract.objects.filter(pk=contract.pk)).get()
    # 2 × 27.500 = 55.000 € planned, 27.500 € paid, 55.000 − 27.500 = 27.500 € still to pay
    assert (row.planned, row.paid, row.balance) == (D("55000.00"), D("27500.00"), D("27500.00"))
    again = run_import(PaymentImport(), content, user=a46_user, commit=True)
    assert [r.status for r in again.rows] == [UNCHANGED, UNCHANGED]
    paid_later = csv_file(
        f"2;{post};01.01.2021;15.01.2021;27.500,00;20.01.2021",
        f"2;{post};01.01.2021;15.07.2021;27.500,00;20.07.2021",
    )
    changed = run_import(PaymentImport(), paid_later, user=a46_user, commit=True)
    assert [r.status for r in changed.rows] == [UNCHANGED, CHANGED]
    assert CarrierPayment.objects.filter(paid_on__isnull=False).count() == 2


def test_more_than_the_contract_saves_nothing(paper_2020_0354, a46_user):
    post = paper_2020_0354.carrier_posts[0].title
    content = csv_file(
        f"2;{post};01.01.2021;15.01.2021;27.500,00;",
        f"2;{post};01.01.2021;15.07.2021;27.500,01;",
    )
    result = run_import(PaymentImport(), content, user=a46_user, commit=True)
    assert not result.saved
    assert result.rows[1].status == ERROR
    assert str(result.errors[0]).startswith("Zeile 3, Spalte „Betrag“: Über dem Vertrag")
    assert CarrierPayment.objects.count() == 0


def test_unknown_post_or_contract_is_named_with_row_and_column(paper_2020_0354, a46_user):
    post = paper_2020_0354.carrier_posts[0].title
    content = csv_file(
        "2;Gibt es nicht;01.01.2021;15.01.2021;100,00;",
        f"2;{post};02.01.2021;15.01.2021;100,00;",
        f"2;{post};01.01.2021;31.02.2021;100,00;",
    )
    result = run_import(PaymentImport(), content, user=a46_user, commit=True)
    messages = [str(e) for e in result.errors]
    assert messages[0].startswith("Zeile 2, Spalte „Stelle“")
    assert messages[1].startswith("Zeile 3, Spalte „Vertrag ab“")
    assert messages[2].startswith("Zeile 4, Spalte „fällig am“")
    assert CarrierPayment.objects.count() == 0


def test_a_cancelled_contract_takes_no_instalment(paper_2020_0354, a46_user):
    contract = paper_2020_0354.forwardings[0]
    forwarding_cancel(contract=contract, reason="doppelt erfasst", version=contract.version, user=a46_user)
    content = csv_file(f"2;{contract.post.title};01.01.2021;15.01.2021;100,00;")
    result = run_import(PaymentImport(), content, user=a46_user, commit=True)
    assert not result.saved
    assert "Vertrag ab" in str(result.errors[0])
