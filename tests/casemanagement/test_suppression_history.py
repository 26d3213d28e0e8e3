"""The audit against earlier publications (casemanagement.publication, suppression.History) on tiny
hand-made systems: three returns' cells a, b, c (one row) and the row total, in two states."""

from __future__ import annotations

from casemanagement.suppression import History, determined_modular, is_small, suppress_linked


def leaks(values: dict, equations: list, hidden: set, history: History) -> set:
    """Hidden counts of 1-4 (current or earlier) that both states' tables determine together (what
    an earlier state showed is known, even where the current one hides it)."""
    known = {**history.values, **values}
    found = determined_modular((hidden - history.published) | history.hidden, equations + history.equations)
    return {k for k in found if is_small(known[k])}


def test_a_partner_shown_in_the_earlier_state_does_not_protect_a_count_and_the_new_total_is_hidden():
    # state 1: a 3 + b 7 + c 20 = 30; a hidden (1-4), b as its partner (smallest visible); c and 30 shown.
    # state 2: the return of b is sent back: a 3 + c 20 = 23. On its own the smallest partner of a is c
    # (20 < 23), but c was shown in state 1: the attacker subtracts 23 - 20 = 3. The history audit must
    # hide the new total 23 instead (a + b = 10 and a + 20 = T2: two equations, three unknowns).
    values = {"a": 3, "c": 20, "T2": 23}
    equations = [(["a", "c"], "T2")]
    history = History(
        equations=[(["a", ("h", "b"), "c"], ("h", "T1"))],
        hidden={("h", "b")},
        values={("h", "b"): 7, ("h", "T1"): 30},
        published={"c"},
    )
    alone = suppress_linked(values, equations)
    assert alone == {"a", "c"}
    assert leaks(values, equations, alone, history) == {"a"}  # the control: the single-state pattern leaks
    with_history = suppress_linked(values, equations, history=history)
    assert with_history == {"a", "T2"}
    assert leaks(values, equations, with_history, history) == set()


def test_an_earlier_hidden_count_that_the_new_state_would_reveal_gets_a_current_partner():
    # state 1: a 3 + b 7 + c 20 = 30; a hidden (1-4) and b as its partner. State 2: the return of a is
    # sent back: b 7 + c 20 = 27, nothing small, so on its own everything is shown, and 30 - 7 - 20 = 3
    # gives the earlier hidden a away. The audit hides b (in a's equation, not shown before), and then
    # 27 as b's partner (c was shown in state 1).
    values = {"b": 7, "c": 20, "T2": 27}
    equations = [(["b", "c"], "T2")]
    history = History(
        equations=[([("h", "a"), "b", "c"], ("h", "T1"))],
        hidden={("h", "a")},
        values={("h", "a"): 3, ("h", "T1"): 30},
        published={"c"},
    )
    alone = suppress_linked(values, equations)
    assert alone == set()
    assert leaks(values, equations, alone, history) == {("h", "a")}
    with_history = suppress_linked(values, equations, history=history)
    assert with_history == {"b", "T2"}
    assert leaks(values, equations, with_history, history) == set()
