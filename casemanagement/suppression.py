"""Small-number protection for every count that leaves a carrier (screens, exports, papers).

Rule (also in README.md, "Schutz kleiner Fallzahlen"):

1. Primary suppression: every count from 1 to 4 is shown as "<5". Zero is shown (it reveals no one).
2. Secondary suppression: the published figures form a system of equations: every row of a
   breakdown adds up to its row total, every carrier's column to its column total, the totals to
   the grand total; and for each carrier (and in the sum) "stock at start + new − closed = stock at
   end". The column total of the breakdowns by legal domain and municipality *is* the carrier's
   "new" figure and that of the closure reasons its "closed" figure, so the tables are protected
   together. Whenever an equation has exactly one hidden member, the smallest non-zero visible
   member of that equation is hidden too (shown as "•"); if there is none, the equation's total is
   hidden (or, for an equation without total, a visible zero). This repeats until no equation has
   exactly one hidden member, so no hidden count can be recomputed by subtraction.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar, cast

logger = logging.getLogger(__name__)

THRESHOLD = 5
PRIMARY = "<5"
SECONDARY = "•"

Key = Hashable
T = TypeVar("T")


def content_order(key: Key, first_seen: dict[Key, int] | None = None) -> tuple:
    """How ties between figures are broken (which partner is hidden, which leak is protected first):
    by what the key says, never by its ``repr``, where the digits of a primary key decided (``10``
    before ``9``, so the pattern changed with the ids earlier rows had taken, e.g. under pytest-xdist).
    Numbers compare as numbers, text as text: ids of the same kind keep the order in which their rows
    were created, whatever ids rows created before them took. A key of an earlier state
    (``("h", basis hash, *key)``, ``publication.history``) is ordered by its own key and the first
    earlier state that had it (``first_seen``), not by the hash (Python's string hash differs from one
    process to the next); two such keys with the same own key come from different states."""
    if isinstance(key, tuple) and key and key[0] == "h" and len(key) > 2:
        rest = cast(tuple, key)[2:]
        return ((1, 0, "h"), (0, (first_seen or {}).get(key, 0), ""), *_parts(rest))
    return _parts(key if isinstance(key, tuple) else (key,))


def _parts(key: tuple) -> tuple:
    return tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in key)


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def show(value: int) -> str | int:
    """A single count standing alone (nothing printed to subtract it from): 1–4 become "<5"."""
    return PRIMARY if is_small(value) else value


Equation = tuple[list[Key], Key | None]  # members add up to total; total None: stock equation (+ + − −)


def _terms(equation: Equation) -> list[tuple[Key, int]]:
    members, total = equation
    if total is None:  # active_start + new − closed − active_end = 0
        return list(zip(members, (1, 1, -1, -1), strict=False))
    return [(m, 1) for m in members] + [(total, -1)]


def determined(hidden: set[Key], equations: list[Equation]) -> set[Key]:
    """Hidden keys a reader can compute exactly from the printed numbers (linear algebra, exact).

    The equations restricted to the hidden unknowns are brought to reduced row echelon form; an
    unknown is determined iff some row of it has that unknown alone.
    """

    order = sorted(hidden, key=content_order)
    index = {k: i for i, k in enumerate(order)}
    rows = []
    for equation in equations:
        row: dict[int, Fraction] = {}
        for key, sign in _terms(equation):
            if key in index:
                row[index[key]] = row.get(index[key], Fraction(0)) + sign
        row = {c: v for c, v in row.items() if v}
        if row:
            rows.append(row)
    pivots: list[tuple[int, dict[int, Fraction]]] = []
    for row in rows:
        for col, prow in pivots:  # eliminate existing pivots
            if col in row:
                factor = row[col]
                for c, v in prow.items():
                    row[c] = row.get(c, Fraction(0)) - factor * v
                row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {c: v / lead for c, v in row.items()}
        for i, (pcol, prow) in enumerate(pivots):  # keep earlier pivot rows reduced
            if col in prow:
                factor = prow[col]
                merged = dict(prow)
                for c, v in row.items():
                    merged[c] = merged.get(c, Fraction(0)) - factor * v
                pivots[i] = (pcol, {c: v for c, v in merged.items() if v})
        pivots.append((col, row))
    return {order[col] for col, row in pivots if len(row) == 1}


def suppress(values: dict[Key, int], equations: Iterable[Equation]) -> set[Key]:
    """The keys to hide: primary (1–4), then secondary until no hidden count can be recomputed.

    First the quick rule (an equation with exactly one hidden member gets a second one), then an
    exact audit: while linear algebra over all equations still determines a hidden count, one more
    number of an equation containing it is hidden.
    """
    equations = list(equations)
    hidden = {k for k, v in values.items() if is_small(v)}

    def hide_partner(terms_keys: list[Key]) -> bool:
        visible = [k for k in terms_keys if k not in hidden]
        if not visible:
            return False
        nonzero = [k for k in visible if values.get(k, 0) > 0]
        hidden.add(min(nonzero or visible, key=lambda k: (values.get(k, 0), content_order(k))))
        return True

    while True:
        changed = True
        while changed:
            changed = False
            for equation in equations:
                keys = [k for k, _sign in _terms(equation)]
                if sum(1 for k in keys if k in hidden) == 1 and hide_partner(keys):
                    changed = True
        leaking = sorted((k for k in determined(hidden, equations) if values.get(k, 0) != 0), key=content_order)
        if not leaking:
            return hidden
        key = leaking[0]
        for equation in equations:
            keys = [k for k, _sign in _terms(equation)]
            if key in keys and hide_partner(keys):
                break
        else:
            return hidden  # nothing left to hide next to it


PRIME = 2**61 - 1


def determined_modular(hidden: set[Key], equations: list[Equation]) -> set[Key]:
    """Hidden keys a reader can compute exactly from the printed numbers, by elimination modulo a
    large prime instead of fractions (the same answer as ``determined`` in a fraction of the time).

    A key determined over the rationals is determined modulo the prime too, so no leak is missed;
    the prime could at most report a key too many (it would then be hidden needlessly). The
    equations restricted to the hidden keys are kept in reduced row echelon form, sparse: a key is
    determined iff a row holds it alone.
    """
    index: dict[Key, int] = {}
    order: list[Key] = []
    rows: list[dict[int, int]] = []
    for equation in equations:
        row: dict[int, int] = {}
        for key, sign in _terms(equation):
            if key in hidden:
                if key not in index:
                    index[key] = len(order)
                    order.append(key)
                col = index[key]
                row[col] = (row.get(col, 0) + sign) % PRIME
        rows.append(row)
    pivots = _echelon(rows)
    return {order[col] for col, row in pivots.items() if len(row) == 1}


def _echelon(rows: Iterable[dict[int, int]]) -> dict[int, dict[int, int]]:
    """The reduced row echelon form modulo ``PRIME`` of sparse rows (column -> coefficient): pivot
    column -> its row (coefficient 1 there, 0 in every other pivot column). The pivot of a row is its
    smallest column, so the columns numbered first are eliminated first."""
    pivots: dict[int, dict[int, int]] = {}
    containing: dict[int, set[int]] = defaultdict(set)  # column -> pivot columns whose row holds it
    for row in rows:
        row = dict(row)
        for col in [c for c in row if c in pivots]:
            factor = row.get(col, 0)
            if factor:
                for c, v in pivots[col].items():
                    row[c] = (row.get(c, 0) - factor * v) % PRIME
        row = {c: v for c, v in row.items() if v}
        if not row:
            continue
        lead = min(row)
        if row[lead] == PRIME - 1:  # most equations have coefficients ±1: no modular inverse needed
            row = {c: PRIME - v for c, v in row.items()}
        elif row[lead] != 1:
            inverse = pow(row[lead], PRIME - 2, PRIME)
            row = {c: v * inverse % PRIME for c, v in row.items()}
        for other in list(containing.get(lead, ())):
            prow = pivots[other]
            factor = prow[lead]
            for c, v in row.items():
                new = (prow.get(c, 0) - factor * v) % PRIME
                if new:
                    if c not in prow:
                        containing[c].add(other)
                    prow[c] = new
                else:
                    prow.pop(c, None)
                    containing[c].discard(other)
        pivots[lead] = row
        for c in row:
            containing[c].add(lead)
    return pivots


EXACT_LIMIT = 20_000  # hidden figures up to which the audit solves the whole year's system at once


def _audit(
    hidden: set[Key],
    equations: list[Equation],
    block: Callable[[Any], Hashable | None] | None,
    limit: int,
    memo: dict,
    dirty: set | None = None,
) -> set[Key]:
    """``determined_modular`` over all equations, or, above ``limit`` hidden figures and with a
    ``block`` function (figure -> its carrier, None for sums across carriers), the same answer by
    ``_determined_decomposed``: each block's figures eliminated within the block, then the much
    smaller system of the figures in equations across blocks solved exactly. ``memo`` keeps each
    block's elimination while its hidden figures stay the same (later rounds). ``dirty`` (if given)
    names the blocks that got a hidden figure since the last call: the others cannot have changed,
    so their elimination is reused without comparing their hidden figures."""
    if block is None or len(hidden) <= limit:
        return determined_modular(hidden, equations)
    return _determined_decomposed(hidden, equations, block, memo, dirty)


@dataclass
class _Eliminated:
    """One block's equations in reduced row echelon form, its interior figures (in no equation across
    blocks) eliminated first (see ``_determined_decomposed``)."""

    determined: set[Key]  # interior figures the block's own equations determine
    interface: list[dict[Key, int]]  # rows without interior figures: the block's part of the interface system
    candidates: list[tuple[Key, dict[Key, int]]]  # interior figure = a combination of interface figures


def _eliminate_block(hidden: frozenset[Key], equations: list[Equation], crossing: set[Key]) -> _Eliminated:
    interior = [k for k in dict.fromkeys(k for e in equations for k, _s in _terms(e)) if k in hidden]
    order = [k for k in interior if k not in crossing] + [k for k in interior if k in crossing]
    count = sum(1 for k in interior if k not in crossing)
    index = {k: i for i, k in enumerate(order)}
    rows = []
    for equation in equations:
        row: dict[int, int] = {}
        for key, sign in _terms(equation):
            if key in index:
                row[index[key]] = (row.get(index[key], 0) + sign) % PRIME
        rows.append(row)
    result = _Eliminated(set(), [], [])
    for lead, row in _echelon_by_component(rows).items():
        if lead >= count:
            result.interface.append({order[c]: v for c, v in row.items()})
        elif not any(c < count for c in row if c != lead):  # no free interior figure in its row
            rest = {order[c]: v for c, v in row.items() if c != lead}
            if rest:
                result.candidates.append((order[lead], rest))
            else:
                result.determined.add(order[lead])
    return result


def _connected(items: Iterable[tuple[T, Iterable[Hashable]]]) -> list[list[T]]:
    """The items grouped by their keys: two items sharing a key (directly or through others) fall into
    one group (union-find). Items without any key are left out."""
    parent: dict[Hashable, Hashable] = {}

    def find(k: Hashable) -> Hashable:
        root = k
        while parent[root] != root:
            root = parent[root]
        while parent[k] != root:
            parent[k], k = root, parent[k]
        return root

    keyed: list[tuple[Hashable, T]] = []
    for item, keys in items:
        first = None
        for k in keys:
            if k not in parent:
                parent[k] = k
            if first is None:
                first = find(k)
            else:
                other = find(k)
                if other != first:
                    parent[other] = first
        if first is not None:
            keyed.append((first, item))
    groups: dict[Hashable, list[T]] = defaultdict(list)
    for k, item in keyed:
        groups[find(k)].append(item)
    return list(groups.values())


def _echelon_by_component(rows: list[dict[int, int]]) -> dict[int, dict[int, int]]:
    """``_echelon`` of rows that share no column (directly or through others) computed apart: the
    same reduced form (the pivots of independent systems do not meet), elimination grows faster than
    linearly with a system's size."""
    pivots: dict[int, dict[int, int]] = {}
    for group in _connected((row, row) for row in rows):
        pivots.update(_echelon(group))
    return pivots


def _determined_decomposed(
    hidden: set[Key],
    equations: list[Equation],
    block: Callable[[Any], Hashable | None],
    memo: dict,
    dirty: set | None = None,
) -> set[Key]:
    """``determined_modular`` (the same set, exactly) by a two-level elimination (Schur complement).

    Equations are split into those of one block (every figure in the block of one carrier) and those
    across blocks (the rest). Hidden figures in an equation across blocks are *interface* figures (I);
    the other hidden figures of block b are its *interior* (J_b). Each block's equations, restricted
    to the hidden figures, are brought to reduced row echelon form with J_b's columns first (pivot =
    leftmost column). Its rows with a pivot in I (no interior figure left) span S_b, the combinations
    of block b's equations free of interior figures. T is the span of every S_b and the equations
    across blocks, all over I only; its reduced form is computed exactly.

    Proof that a hidden figure x is determined by the whole system (its unit vector e_x lies in the
    row space R) iff the answer below says so. Determined iff every null vector z (A z = 0) has z_x = 0.
    (1) The projections onto I of the null vectors are exactly ker T: a null vector satisfies every
    row of T. Conversely, given y in ker T, each block's rows with an interior pivot are solved by
    choosing the pivot figures (free interior figures 0): the rows of S_b hold by y, and the
    equations across blocks contain only interface figures, so y extends to a null vector.
    (2) For x in I: z_x = 0 for all null vectors iff y_x = 0 on ker T iff e_x lies in T (row space =
    annihilator of the kernel), i.e. a row of T's reduced form holds x alone.
    (3) For x in J_b: if x is a free column of block b's form, the null vector with x = 1, the other
    free interior figures of b 0, every interface figure 0 and the pivots solved from that (y = 0 is
    in ker T) has z_x = 1: not determined. If x is the pivot of row r, z_x = -(r's free interior
    part)·z - (r's interface part)·z; if r has a free interior figure, setting it alone gives z_x ≠ 0:
    not determined; otherwise z_x = -(r's interface part)·y, zero for all y in ker T iff that part
    lies in T (the empty part: determined by the block alone).
    Everything is computed modulo ``PRIME`` as in ``determined_modular``: the same field, so the same
    set. The test compares both on random systems (tests/casemanagement/test_suppression_blocks.py).
    """
    if "groups" not in memo:
        groups: dict[Hashable, list[Equation]] = defaultdict(list)
        across: list[Equation] = []
        for equation in equations:
            members, total = equation
            blocks = {block(k) for k in members}
            if total is not None:
                blocks.add(block(total))
            if len(blocks) == 1 and None not in blocks:
                groups[blocks.pop()].append(equation)
            else:
                across.append(equation)
        memo["groups"] = groups
        memo["across"] = across
        memo["crossing"] = _equation_keys(across)
        memo["across_terms"] = [_terms(e) for e in across]  # built once, filtered by the hidden figures each round
        memo["keys"] = {name: _equation_keys(group) for name, group in groups.items()}
        dirty = None  # first call: every block
    crossing: set[Key] = memo["crossing"]
    eliminated: list[_Eliminated] = []
    for name, group in memo["groups"].items():
        cached = memo.get(name)
        if cached is None or dirty is None or name in dirty:
            state = frozenset(k for k in memo["keys"][name] if k in hidden)
            if cached is None or cached[0] != state:
                cached = (state, _eliminate_block(state, group, crossing))
                memo[name] = cached
        eliminated.append(cached[1])
    index: dict[Key, int] = {}
    order: list[Key] = []

    def numbered(terms: Iterable[tuple[Key, int]]) -> dict[int, int]:
        row: dict[int, int] = {}
        for key, coefficient in terms:
            if key not in index:
                index[key] = len(order)
                order.append(key)
            row[index[key]] = (row.get(index[key], 0) + coefficient) % PRIME
        return row

    rows = [numbered([(k, s) for k, s in terms if k in hidden]) for terms in memo["across_terms"]]
    for part in eliminated:
        rows.extend(numbered(row.items()) for row in part.interface)
    pivots = _echelon_by_component(rows)
    result = {order[col] for col, row in pivots.items() if len(row) == 1}
    for part in eliminated:
        result |= part.determined
        for key, rest in part.candidates:
            if all(k in index for k in rest) and _in_row_space({index[k]: v for k, v in rest.items()}, pivots):
                result.add(key)
    return result


def _in_row_space(row: dict[int, int], pivots: dict[int, dict[int, int]]) -> bool:
    """Whether ``row`` is a combination of the rows of a reduced row echelon form (``_echelon``):
    subtracting each pivot row times the row's coefficient in its pivot column leaves zero (the
    pivot rows are zero in each other's pivot columns, so one pass suffices)."""
    rest = dict(row)
    for col, coefficient in row.items():
        prow = pivots.get(col)
        if prow is None:
            continue
        for c, v in prow.items():
            rest[c] = (rest.get(c, 0) - coefficient * v) % PRIME
    return not any(rest.values())


def _equation_keys(equations: list[Equation]) -> set[Key]:
    keys: set[Key] = set()
    for members, total in equations:
        keys.update(members)
        if total is not None:
            keys.add(total)
    return keys


def _determined_by_component(hidden: frozenset[Key] | set[Key], equations: list[Equation]) -> set[Key]:
    """``determined_modular`` split into independent systems: equations that share no hidden figure
    (directly or through others) are solved apart. The same answer (a hidden figure is determined
    iff its unit vector lies in the row space, and the row space of a block-diagonal system is the
    sum of its blocks' row spaces), but elimination grows faster than linearly with a system's size."""
    result: set[Key] = set()
    for group in _connected((eq, [k for k in _equation_keys([eq]) if k in hidden]) for eq in equations):
        result |= determined_modular(hidden, group)
    return result


def suppress_linked(
    values: dict[Key, int],
    equations: Iterable[Equation],
    *,
    unpublished: frozenset[Key] | set[Key] = frozenset(),
    block: Callable[[Any], Hashable | None] | None = None,
    exact_limit: int | None = None,
    history: History | None = None,
) -> set[Key]:
    """Primary suppression, then secondary suppression over all equations of a whole year.

    For the figures of a whole year (every table of every period linked by its equations; see
    ``casemanagement.selectors.year_protection``). First the quick rule of ``suppress`` to a fixed
    point: a worklist holds the equations with exactly one hidden member, and hiding a partner
    re-examines only the equations that partner is in, so this step grows with the number of
    (cell, equation) pairs. The partner is the smallest non-zero visible member (ties by key):
    deterministic, and a zero only where nothing else is left. Then the exact audit
    (``determined_modular``): while a combination of equations still determines a hidden count of
    1–4, one more member of an equation holding it is hidden (if the next audit still finds it
    determined, one member of each of its equations) and the quick rule runs again; hidden
    figures that are determined all the same (zeros, redundant partners) are shown at the end.
    ``unpublished`` keys (figures that appear in an equation but on no page) count as unknown.
    Above ``exact_limit`` hidden figures the audit runs per ``block`` (see ``_audit``).

    ``history`` (see ``History``): the states published earlier, frozen. The audit then runs over the
    current equations and theirs together; a hidden count of 1–4 of either that they determine is
    protected by hiding a current figure not published before: a member of one of its equations, or,
    if none of those may be hidden, the nearest such figure along the equations (``_nearest``).
    """
    equations = list(equations)
    history = history or History()
    published = history.published
    # an equation with an unpublished member tells a reader nothing by itself: the quick rule skips it
    eq_keys = [
        keys
        for keys in (
            list(dict.fromkeys(members if total is None else [*members, total])) for members, total in equations
        )
        if not any(k in unpublished for k in keys)
    ]
    by_key: dict[Key, list[int]] = defaultdict(list)
    for i, keys in enumerate(eq_keys):
        for k in keys:
            by_key[k].append(i)
    hidden = {k for k, v in values.items() if is_small(v)} | set(unpublished)
    count = [sum(1 for k in keys if k in hidden) for keys in eq_keys]

    dirty: set = set()  # blocks with a figure hidden since the last audit (see _audit)

    def hide(key: Key, queue: deque) -> None:
        hidden.add(key)
        if block is not None:
            dirty.add(block(key))
        for j in by_key[key]:
            count[j] += 1
            if count[j] == 1:
                queue.append(j)

    def partner(keys: list[Key]) -> Key | None:
        visible = [k for k in keys if k not in hidden and k not in published]
        if not visible:
            return None
        nonzero = [k for k in visible if values.get(k, 0) > 0]
        return min(nonzero or visible, key=lambda k: (values.get(k, 0), order(k)))

    def order(key: Key) -> tuple:
        return content_order(key, history.first_seen)

    def hideable(key: Key) -> bool:
        return key in values and key not in hidden and key not in published and key not in unpublished_set

    queue = deque(i for i, c in enumerate(count) if c == 1)
    memo: dict = {}
    unpublished_set = set(unpublished)
    audited = equations + history.equations if history.equations else equations
    everything: dict[Key, list[list[Key]]] | None = None  # key -> its equations (current and earlier), for _nearest
    ignored = unpublished_set | history.unpublished
    # small figures the last audit found determined: one partner did not protect them, so each of their
    # equations gets one now (one at a time, a figure in many equations took a round per partner)
    persisting: set = set()
    while True:
        while queue:
            i = queue.popleft()
            if count[i] != 1:
                continue
            key = partner(eq_keys[i])
            if key is not None:
                hide(key, queue)
        limit = EXACT_LIMIT if exact_limit is None else exact_limit
        leaking = _audit((hidden - published) | history.hidden, audited, block, limit, memo, dirty) - ignored
        dirty.clear()
        changed = False
        small = [k for k in leaking if is_small(values[k] if k in values else history.values.get(k, 0))]
        stuck = []  # no figure left to hide next to them now (logged only if nothing else changes, below)
        for key in sorted(small, key=order):
            found = False
            for i in by_key.get(key, ()):
                chosen = partner(eq_keys[i])
                if chosen is not None:
                    hide(chosen, queue)
                    changed = found = True
                    if key not in persisting:
                        break
            if not found:
                if everything is None:
                    everything = defaultdict(list)
                    for members, total in audited:
                        keys = list(members) if total is None else [*members, total]
                        for k in keys:
                            everything[k].append(keys)
                chosen = _nearest(key, everything, hideable, values, order)
                if chosen is not None:
                    hide(chosen, queue)
                    changed = True
                else:
                    stuck.append(key)
        persisting = set(small)
        if not changed:
            # Only now is a count of 1-4 known to stay determined. A figure without a partner in a round
            # where others got one is audited again first: the figures just hidden next to it for other
            # leaks of the same differencing (e.g. the year's sum for both returns of a quarter) may
            # protect it already, and then it was never a leak of the result.
            for key in stuck:
                logger.warning("Schutz kleiner Fallzahlen: keine Zahl mehr zu verbergen neben %r", key)
            # A hidden figure the others already determine tells nothing more when shown (a zero, or a
            # partner made redundant by later ones): shown. Counts of 1–4 stay hidden in any case.
            return hidden - {k for k in leaking if not is_small(values.get(k, 0))}


@dataclass
class History:
    """The states of a year published earlier, as seen by the audit of a new state (casemanagement.publication).

    ``equations``: their equations, keys renamed (a figure with the same basis as a current one is
    that figure; any other is a key of its own), without those the current system has anyway.
    ``hidden``: their keys that stay unknown (hidden in every earlier state, not current).
    ``values``: the true values of those keys (a determined one of 1–4 is a leak).
    ``published``: current keys shown in an earlier state: public, never hidden as protection.
    ``unpublished``: their keys that no page ever showed (sums of a return's breakdowns).
    ``first_seen``: the number of the first earlier state with each of their own keys (``content_order``)."""

    equations: list[Equation] = field(default_factory=list)
    hidden: set[Key] = field(default_factory=set)
    values: dict[Key, int] = field(default_factory=dict)
    published: set[Key] = field(default_factory=set)
    unpublished: set[Key] = field(default_factory=set)
    first_seen: dict[Key, int] = field(default_factory=dict)


def _nearest(
    start: Key,
    equations: dict[Key, list[list[Key]]],
    hideable: Callable[[Key], bool],
    values: dict[Key, int],
    order: Callable[[Key], tuple] = content_order,
) -> Key | None:
    """The hideable figure nearest to ``start`` along the equations (breadth first): the smallest
    non-zero one of the first level that has any, ties by key; None if no equation leads to one."""
    seen = {start}
    level = [start]
    while level:
        found: list[Key] = []
        following: list[Key] = []
        for key in level:
            for keys in equations.get(key, ()):
                for k in keys:
                    if k in seen:
                        continue
                    seen.add(k)
                    (found if hideable(k) else following).append(k)
        if found:
            nonzero = [k for k in found if values.get(k, 0) > 0]
            return min(nonzero or found, key=lambda k: (values.get(k, 0), order(k)))
        level = following
    return None


def display(key: Key, values: dict[Key, int], hidden: set[Key]) -> str | int:
    value = values.get(key, 0)
    if key in hidden:
        return PRIMARY if is_small(value) else SECONDARY
    return value


@dataclass
class ProtectedFigures:
    """Figures of several columns (carriers, or one return) after suppression.

    ``prefix`` selects one table of a larger protected system (a period or a return of the year,
    see ``figure_system_prefixed``)."""

    values: dict[Key, int]
    hidden: set[Key]
    prefix: tuple = ()

    def _show(self, key: tuple) -> str | int:
        return display(self.prefix + key if self.prefix else key, self.values, self.hidden)

    def cell(self, dimension: str, key: str, col: Hashable) -> str | int:
        return self._show(("c", dimension, key, col))

    def row_total(self, dimension: str, key: str) -> str | int:
        return self._show(("rt", dimension, key))

    def col_total(self, dimension: str, col: Hashable) -> str | int:
        return self._show(cast(tuple, _col_total_key(dimension, col)))

    def grand(self, dimension: str) -> str | int:
        return self._show(cast(tuple, _grand_key(dimension)))


# Breakdowns whose column total equals a figure of the totals table.
LINKED_TOTAL = {"legal_domain": "new", "municipality": "new", "closure_reason": "closed"}


def _col_total_key(dimension: str, col: Hashable) -> Key:
    if dimension in LINKED_TOTAL:
        return ("c", "totals", LINKED_TOTAL[dimension], col)
    return ("ct", dimension, col)


def _grand_key(dimension: str) -> Key:
    if dimension in LINKED_TOTAL:
        return ("rt", "totals", LINKED_TOTAL[dimension])
    return ("g", dimension)


def protect_figures(columns: dict[Hashable, dict[str, dict[str, int]]], keys: dict[str, list[str]]) -> ProtectedFigures:
    """Protect the figures of several columns together.

    ``columns`` maps a column (a carrier id) to its figures ``{dimension: {key: count}}``;
    ``keys`` lists the row keys of each dimension ("totals" first: active_start, new, reopened,
    closed, active_end).
    """
    values, equations = figure_system(columns, keys)
    return ProtectedFigures(values, suppress(values, equations))


def figure_system(columns, keys, prefix: tuple = ()) -> tuple[dict[Key, int], list[Equation]]:
    """Every published number and every equation a reader could use between them (each key after
    ``prefix``, which tells the tables of a year apart; see ``figure_system_prefixed``)."""
    cols = list(columns)
    values: dict[Key, int] = {}
    equations: list[Equation] = []
    for dimension, rows in keys.items():
        for key in rows:
            members = []
            row_sum = 0
            for col in cols:
                cell = (*prefix, "c", dimension, key, col)
                value = values[cell] = int(columns[col].get(dimension, {}).get(key, 0))
                row_sum += value
                members.append(cell)
            row_total = (*prefix, "rt", dimension, key)
            values[row_total] = row_sum
            equations.append((members, row_total))
        if dimension == "totals":
            stock = ["active_start", "new", "closed", "active_end"]
            for col in cols:
                equations.append(([(*prefix, "c", dimension, k, col) for k in stock], None))
            equations.append(([(*prefix, "rt", dimension, k) for k in stock], None))
            continue
        col_totals = []
        for col in cols:
            members = [(*prefix, "c", dimension, key, col) for key in rows]
            total = (*prefix, *cast(tuple, _col_total_key(dimension, col)))
            values.setdefault(total, sum(values[m] for m in members))
            equations.append((members, total))
            col_totals.append(total)
        grand = (*prefix, *cast(tuple, _grand_key(dimension)))
        values.setdefault(grand, sum(values[(*prefix, "rt", dimension, key)] for key in rows))
        equations.append(([(*prefix, "rt", dimension, key) for key in rows], grand))
        equations.append((col_totals, grand))
    return values, equations


def figure_system_prefixed(
    columns: dict[Any, dict[str, dict[str, int]]], keys: dict[str, list[str]], prefix: tuple
) -> tuple[dict[Key, int], list[Equation]]:
    """``figure_system`` of one table, every key prefixed (``("q", 2)`` + key) to tell tables apart."""
    return figure_system(columns, keys, prefix)
