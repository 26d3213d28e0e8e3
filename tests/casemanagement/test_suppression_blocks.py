"""The shortcuts of the exact audit at large scale (issue 17, state-slice) give the same answer as the
plain algorithm: independent systems solved apart, blocks without a new hidden figure not re-examined,
each table's keys built with their prefix at once."""

import random
from collections import defaultdict

import pytest

from casemanagement import suppression
from casemanagement.suppression import (
    _determined_by_component,
    _determined_decomposed,
    determined,
    determined_modular,
    figure_system,
    figure_system_prefixed,
    is_small,
    suppress_linked,
)

KEYS = {
    "totals": ["active_start", "new", "reopened", "closed", "active_end"],
    "legal_domain": ["a", "b", "c"],
    "closure_reason": ["x", "y"],
    "topic": ["t1", "t2"],
}


def column(rng: random.Random) -> dict:
    legal = {k: rng.choice([0, 0, 1, 2, 3, 5, 8]) for k in KEYS["legal_domain"]}
    closure = {k: rng.choice([0, 1, 3, 6]) for k in KEYS["closure_reason"]}
    new, closed = sum(legal.values()), sum(closure.values())
    start = rng.choice([0, 2, 7]) + closed
    return {
        "totals": {
            "active_start": start,
            "new": new,
            "reopened": min(new, rng.choice([0, 1])),
            "closed": closed,
            "active_end": start + new - closed,
        },
        "legal_domain": legal,
        "closure_reason": closure,
        "topic": {k: rng.choice([0, 2, 9]) for k in KEYS["topic"]},
    }


def linked_year(rng: random.Random, carriers: int, months: int) -> tuple[dict, list, object]:
    """Returns (one column each) and their sum per carrier (a period table across carriers), linked
    as the year's protection links them: a carrier's period cell = the sum of its returns' cells."""
    values: dict = {}
    equations: list = []
    period: dict = {}
    for c in range(carriers):
        rets = {}
        for m in range(months):
            rid = c * 100 + m
            rets[rid] = column(rng)
            v, e = figure_system_prefixed({rid: rets[rid]}, KEYS, ("r", rid))
            values.update(v)
            equations.extend(e)
        period[c] = {d: {k: sum(r[d].get(k, 0) for r in rets.values()) for k in keys} for d, keys in KEYS.items()}
        for d, keys in KEYS.items():
            for k in keys:
                equations.append(([("r", rid, "c", d, k, rid) for rid in rets], ("p", 0, "c", d, k, c)))
    v, e = figure_system_prefixed(period, KEYS, ("p", 0))
    values.update(v)
    equations.extend(e)

    def block(key: tuple):
        if key[0] == "r":
            return key[1] // 100
        return key[5] if key[2] == "c" else (key[4] if key[2] == "ct" else None)

    return values, equations, block


def test_independent_systems_solved_apart_determine_the_same_hidden_figures():
    rng = random.Random(17)
    for _ in range(40):
        values, equations, _block = linked_year(rng, carriers=rng.randint(1, 3), months=rng.randint(1, 3))
        keys = sorted(values, key=repr)
        hidden = {k for k in keys if is_small(values[k]) or rng.random() < 0.3}
        exact = determined(hidden, equations)
        assert determined_modular(hidden, equations) == exact
        assert _determined_by_component(frozenset(hidden), equations) == exact


@pytest.mark.parametrize("seed", range(6))
def test_the_audit_per_block_with_its_shortcuts_hides_what_the_plain_audit_hides(seed, monkeypatch):
    rng = random.Random(seed)
    values, equations, block = linked_year(rng, carriers=rng.randint(2, 4), months=rng.randint(2, 4))
    unpublished = {k for k in values if k[0] == "r" and k[2] != "c"}
    fast = suppress_linked(values, equations, unpublished=unpublished, block=block, exact_limit=0)

    calls: dict = defaultdict(int)
    plain_audit = suppression._audit

    def audit_without_shortcuts(hidden, eqs, blk, limit, memo, dirty=None):
        calls["audit"] += 1
        return plain_audit(hidden, eqs, blk, limit, memo, None)  # every block compared every round

    monkeypatch.setattr(suppression, "_audit", audit_without_shortcuts)
    plain = suppress_linked(values, equations, unpublished=unpublished, block=block, exact_limit=0)
    assert calls["audit"] >= 1
    assert fast == plain


def test_a_prefixed_table_has_the_keys_of_the_plain_table_behind_its_prefix():
    rng = random.Random(3)
    columns = {c: column(rng) for c in range(3)}
    values, equations = figure_system(columns, KEYS)
    pvalues, pequations = figure_system_prefixed(columns, KEYS, ("p", 2))
    assert pvalues == {("p", 2, *k): v for k, v in values.items()}
    assert list(pvalues) == [("p", 2, *k) for k in values]  # same order: the quick rule's ties stay the same
    assert pequations == [
        ([("p", 2, *m) for m in members], None if total is None else ("p", 2, *total)) for members, total in equations
    ]


def random_system(rng: random.Random) -> tuple[set, list, object]:
    """Any sparse system: figures spread over a few blocks and the sums across them (None), equations
    of one block, across blocks, with a total or as a stock equation (+ + - -), random hidden figures."""
    blocks = rng.randint(1, 5)
    keys = [(b, i) for b in range(blocks) for i in range(rng.randint(1, 7))] + [
        (None, i) for i in range(rng.randint(0, 4))
    ]
    equations: list = []
    for _ in range(rng.randint(1, 3 * len(keys))):
        if rng.random() < 0.6:  # within one block
            b = rng.randrange(blocks)
            pool = [k for k in keys if k[0] == b]
        else:
            pool = keys
        chosen = rng.sample(pool, min(len(pool), rng.randint(2, 5)))
        if len(chosen) == 4 and rng.random() < 0.3:
            equations.append((chosen, None))
        elif len(chosen) >= 2:
            equations.append((chosen[1:], chosen[0]))
    hidden = {k for k in keys if rng.random() < rng.choice([0.3, 0.6, 0.9])}
    return hidden, equations, lambda key: key[0]


def test_the_decomposed_audit_determines_exactly_what_the_whole_system_determines():
    """The two-level elimination (suppression._determined_decomposed) against the whole system solved at
    once, on many random systems: the same determined set, exactly (not a subset)."""
    rng = random.Random(2026)
    differing = 0
    for n in range(600):
        if n % 3 == 0:
            values, equations, block = linked_year(rng, carriers=rng.randint(1, 4), months=rng.randint(1, 3))
            hidden = {k for k in values if is_small(values[k]) or rng.random() < rng.choice([0.2, 0.5, 0.8])}
        else:
            hidden, equations, block = random_system(rng)
        whole = determined_modular(hidden, equations)
        assert _determined_decomposed(hidden, equations, block, {}) == whole, n
        if n < 200:
            assert whole == determined(hidden, equations), n
        differing += whole != set() and whole != hidden
    assert differing > 100  # the systems are neither all determined nor all free


def test_the_decomposed_audit_reuses_a_block_only_while_its_hidden_figures_are_the_same():
    rng = random.Random(5)
    values, equations, block = linked_year(rng, carriers=3, months=3)
    hidden = {k for k in values if is_small(values[k])}
    memo: dict = {}
    extra = sorted((k for k in values if k not in hidden), key=repr)
    rng.shuffle(extra)
    for key in extra[:40]:
        hidden.add(key)
        assert _determined_decomposed(hidden, equations, block, memo, {block(key)}) == determined_modular(
            hidden, equations
        )


def test_a_small_count_still_determined_after_one_partner_gets_one_in_each_of_its_equations(monkeypatch):
    """suppress_linked: a count of 1–4 the audit finds determined a second time gets a partner in each of its
    equations at once, not one a round (the county's year took 76 audits so). k = 3, a = 4 and b = 4 are each
    in a sum with printed figures (listed first: where their first partner is taken) and in the triangle
    k + a = t1, a + b = t2, b + k = t3, which determines each of them: k = (t1 − t2 + t3) / 2. Hiding
    members of the first sums one by one never protects them; a partner in the triangle does."""
    values = {"k": 3, "a": 4, "b": 4, "t1": 7, "t2": 8, "t3": 7}
    values |= {"z1": 5, "z2": 6, "z3": 7, "s": 21, "y1": 5, "y2": 6, "sa": 15, "y3": 7, "y4": 8, "sb": 19}
    equations = [
        (["k", "z1", "z2", "z3"], "s"),
        (["a", "y1", "y2"], "sa"),
        (["b", "y3", "y4"], "sb"),
        (["k", "a"], "t1"),
        (["a", "b"], "t2"),
        (["b", "k"], "t3"),
    ]
    assert determined({"k", "a", "b"}, equations) == {"k", "a", "b"}
    audits: list[set] = []
    plain_audit = suppression._audit

    def recording(hidden, eqs, blk, limit, memo, dirty=None):
        audits.append(plain_audit(hidden, eqs, blk, limit, memo, dirty))
        return audits[-1]

    monkeypatch.setattr(suppression, "_audit", recording)
    hidden = suppress_linked(values, equations)
    assert [("k" in found) for found in audits] == [True, True, False]  # found again once, then protected
    assert not {"k", "a", "b"} & determined(hidden, equations)
    assert {"z1", "y1", "y3"} <= hidden  # the first partners, which did not protect them
    assert {"t1", "t2", "t3"} & hidden  # a partner in the triangle did
