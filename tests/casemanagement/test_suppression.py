"""Small numbers: every count 1–4 is "<5", and no hidden count can be recomputed from the totals."""

from __future__ import annotations

from casemanagement.suppression import PRIMARY, SECONDARY, protect_figures, show, suppress


def test_a_count_of_one_to_four_is_shown_as_less_than_five_and_zero_and_five_as_they_are():
    assert [show(n) for n in (0, 1, 4, 5, 17)] == [0, PRIMARY, PRIMARY, 5, 17]


def test_a_single_small_cell_in_a_row_hides_the_next_smallest_cell_too():
    # row: 3 + 7 + 20 = 30; 3 is hidden, so 7 must go too, else 30 − 7 − 20 = 3
    values = {"a": 3, "b": 7, "c": 20, "t": 30}
    hidden = suppress(values, [(["a", "b", "c"], "t")])
    assert hidden == {"a", "b"}


def test_when_no_other_cell_can_hide_it_the_total_is_hidden():
    # 3 + 0 = 3: the total equals the small cell and is small itself: both hidden by the primary rule
    assert suppress({"a": 3, "b": 0, "t": 3}, [(["a", "b"], "t")]) == {"a", "t"}
    # a = 6 is hidden as partner of x = 2 (6 + 2 = 8); in 6 + 0 = 6 only the total can cover it
    assert suppress({"a": 6, "b": 0, "t": 6, "x": 2, "y": 8}, [(["a", "b"], "t"), (["a", "x"], "y")]) == {"x", "a", "t"}


def test_two_carriers_with_one_small_cell_each_are_protected_in_rows_columns_and_totals():
    # legal domain × carrier (new cases): A: SGB II 3, SGB XII 9; B: SGB II 8, SGB XII 6
    # new: A 12, B 14 (column totals), row totals SGB II 11, SGB XII 15, grand 26
    columns = {
        "A": {"totals": {"active_start": 10, "new": 12, "reopened": 0, "closed": 7, "active_end": 15},
              "legal_domain": {"sgb2": 3, "sgb12": 9}},
        "B": {"totals": {"active_start": 20, "new": 14, "reopened": 0, "closed": 9, "active_end": 25},
              "legal_domain": {"sgb2": 8, "sgb12": 6}},
    }
    p = protect_figures(columns, {"totals": ["active_start", "new", "reopened", "closed", "active_end"], "legal_domain": ["sgb2", "sgb12"]})
    assert p.cell("legal_domain", "sgb2", "A") == PRIMARY
    # column A: 3 + 9 = 12 → 9 hidden; row SGB II: 3 + 8 = 11 → 8 hidden; then column B 8 + 6 = 14 → 6 hidden
    assert p.cell("legal_domain", "sgb12", "A") == SECONDARY
    assert p.cell("legal_domain", "sgb2", "B") == SECONDARY
    assert p.cell("legal_domain", "sgb12", "B") == SECONDARY
    # totals stay visible: 12, 14, 11, 15, 26 — each hidden cell has a hidden partner in every equation
    assert (p.col_total("legal_domain", "A"), p.col_total("legal_domain", "B")) == (12, 14)
    assert (p.row_total("legal_domain", "sgb2"), p.row_total("legal_domain", "sgb12"), p.grand("legal_domain")) == (11, 15, 26)
    assert p.cell("totals", "new", "A") == 12


def test_a_small_stock_is_not_recomputable_from_the_other_stock_figures():
    # 2 + 9 − 6 = 5: the start stock 2 is hidden, and so must be one of new/closed/end
    columns = {"A": {"totals": {"active_start": 2, "new": 9, "reopened": 0, "closed": 6, "active_end": 5}}}
    p = protect_figures(columns, {"totals": ["active_start", "new", "reopened", "closed", "active_end"]})
    shown = [p.cell("totals", k, "A") for k in ("active_start", "new", "closed", "active_end")]
    assert shown[0] == PRIMARY
    assert shown.count(SECONDARY) == 1
    assert shown[3] == SECONDARY  # the smallest visible non-zero member: 5
