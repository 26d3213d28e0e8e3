"""The publication ledger: every protected state of a year that is shown is recorded, and every new
state is audited against all states recorded before (README, "Schutz kleiner Fallzahlen").

Why: the protection of one state (``selectors.year_protection_compute``) guarantees that nothing
hidden follows from the tables of that state. A reader who keeps the tables of two states (before and
after a return is submitted, sent back, corrected or withdrawn) solves both systems together: a total
that changed by exactly one return's figure, or a partner hidden in one state and shown in the other,
gives hidden counts away. So a new state is protected against the union of its own system and the
systems of all states published before, those frozen (what they showed is public for good).

- ``ledger(year)``: the serialised section (a row lock per year) in which a state is computed, audited
  and recorded, so that two processes never publish two states not audited against each other.
- ``recorded(year)``: the states recorded so far (inputs and hidden set, compressed); ``latest_pk(year)``
  the newest one's id: a state audited outside the lock is recorded only if no state came after those
  it was audited against (``selectors.year_protection_record``).
- ``record(...)``: append a state unless its inputs equal the latest one's.
- ``history(...)``: the earlier states' systems renamed into the current one's keys (``History``).

Identity of unknowns across states: a return's cell is the unknown (return, dimension, key, count):
a cell whose count changed is a new unknown, an unchanged one the same (only adds true equations).
Every other figure has a basis, the multiset of return cells it adds up (``fingerprints``, a hash
of it): a figure of an earlier state with the basis of a current figure *is* that figure; any other
keeps a key of its own, ``("h", basis hash, *key)``, with its old value.
"""

from __future__ import annotations

import hashlib
import pickle
import zlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casemanagement.models import STOCK_KEYS, Dimension, PublicationYear, PublishedState
from casemanagement.suppression import Equation, History, Key, is_small

Returns = list[tuple[int, int, int, int]]  # (return id, carrier id, post id, month)
Figures = dict[int, dict[str, dict[str, int]]]  # return id -> dimension -> key -> count
TOTALS = Dimension.TOTALS
MASK = 2**64 - 1


def enabled() -> bool:
    """``KIM_PUBLICATION_HISTORY = False`` audits each state on its own (only for the control test)."""
    return bool(getattr(settings, "KIM_PUBLICATION_HISTORY", True))


@dataclass
class RecordedState:
    pk: int
    digest: str
    returns: Returns
    figures: Figures
    keys: dict[str, list[str]]
    hidden: set  # the hidden figures besides the counts of 1-4 and the unpublished sums (recomputed)


def digest(returns: Returns, figures: Figures, keys: dict[str, list[str]]) -> str:
    """The inputs' fingerprint: the same returns, figures and rows give the same protected state."""
    flat = sorted(
        (rid, d, k, n) for rid, dims in figures.items() for d, counts in dims.items() for k, n in counts.items()
    )
    return hashlib.sha256(repr((sorted(returns), flat, sorted(keys.items()))).encode()).hexdigest()


def _dumps(state: dict) -> bytes:
    return zlib.compress(pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), 9)


@contextmanager
def ledger(year: int) -> Iterator[None]:
    """One transaction holding the year's publication lock: PostgreSQL locks the row (the update),
    SQLite takes its single write lock with the same update. Compute, audit and record inside."""
    with transaction.atomic():
        # one query whether or not the row exists: INSERT … ON CONFLICT (year) DO UPDATE
        PublicationYear.objects.bulk_create(
            [PublicationYear(year=year, locked_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["year"],
            update_fields=["locked_at"],
        )
        yield


def latest_pk(year: int) -> int | None:
    """The newest recorded state's id (None: none yet); states are only appended."""
    return PublishedState.objects.filter(year=year).order_by("-pk").values_list("pk", flat=True).first()


def recorded(year: int) -> list[RecordedState]:
    states = []
    rows = PublishedState.objects.filter(year=year).order_by("pk").values_list("pk", "digest", "data")
    for pk, stamp, data in rows:
        raw = pickle.loads(zlib.decompress(bytes(data)))  # noqa: S301 (our own rows, written by record)
        figures: Figures = defaultdict(dict)
        for rid, d, k, n in raw["figures"]:
            figures[rid].setdefault(d, {})[k] = n
        returns = [tuple(r) for r in raw["returns"]]
        states.append(
            RecordedState(
                pk,
                stamp,
                returns,
                {rid: dict(figures.get(rid, {})) for rid, *_r in returns},
                raw["keys"],
                raw["hidden"],
            )
        )
    return states


def record(
    year: int,
    returns: Returns,
    figures: Figures,
    keys: dict[str, list[str]],
    values: dict,
    hidden: set,
    unpublished: set,
    *,
    latest: str | None,
) -> bool:
    """Append the state unless ``latest``, the digest of the latest recorded state (read in the same
    locked transaction), is that of the same inputs. True if appended."""
    stamp = digest(returns, figures, keys)
    if latest == stamp:
        return False
    flat = [(rid, d, k, n) for rid, dims in figures.items() for d, counts in dims.items() for k, n in counts.items()]
    secondary = sorted((k for k in hidden if k not in unpublished and not is_small(values.get(k, 0))), key=repr)
    data = _dumps({"returns": list(returns), "figures": flat, "keys": keys, "hidden": secondary})
    PublishedState.objects.create(year=year, created_at=timezone.now(), digest=stamp, data=data)
    return True


def fingerprints(
    values: dict,
    returns: Returns,
    figures: Figures,
    keys: dict[str, list[str]],
    columns: dict[int, list[int]],
    months_of: dict[int, list[int]],
) -> dict[Key, int]:
    """The basis of every figure of a year's system (``selectors.year_protection_system``) as a hash:
    the sum of the hashes of the return cells (return, dimension, key, count) it adds up, mod 2**64.
    Mirrors how the system counts: flows summed over the carrier's returns of the period, stocks
    over each post's return of the first (last) month with a return in it, the monthly stock over
    the carrier's returns of that month; row, column and grand totals over those cells."""
    cell: dict[tuple[int, str, str], int] = {}
    for rid, *_rest in returns:
        counts = figures.get(rid, {})
        for d, rows in keys.items():
            got = counts.get(d, {})
            for k in rows:
                cell[(rid, d, k)] = hash((rid, d, k, got.get(k, 0))) & MASK
    by_post: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for rid, cid, post, month in returns:
        by_post[post][month].append((rid, cid))
    period: dict[tuple[int, int, str, str], int] = defaultdict(int)  # (period, carrier, d, k)
    for q, months in months_of.items():
        wanted = set(months)
        for rid, cid, _post, month in returns:
            if month in wanted:
                for d, rows in keys.items():
                    for k in rows:
                        if not (d == TOTALS and k in STOCK_KEYS):
                            period[(q, cid, d, k)] += cell[(rid, d, k)]
        for by_month in by_post.values():
            present = sorted(set(by_month) & wanted)
            if present:
                for k, month in (("active_start", present[0]), ("active_end", present[-1])):
                    for rid, cid in by_month[month]:
                        period[(q, cid, TOTALS, k)] += cell[(rid, TOTALS, k)]
    monthly: dict[tuple[int, int], int] = defaultdict(int)
    for rid, cid, _post, month in returns:
        monthly[(month, cid)] += cell[(rid, TOTALS, "active_end")]
    # the column totals of the linked breakdowns are the totals table's "c" keys, their grand totals its "rt" keys
    result: dict[Key, int] = {}
    for key in values:
        kind = key[0]
        if kind == "m":
            fp = monthly[(key[1], key[2])]
        elif kind == "r":
            rid, what = key[1], key[2]
            if what in ("c", "rt"):
                fp = cell[(rid, key[3], key[4])]
            else:  # "ct" or "g" of a breakdown without a linked total: every row of the return
                fp = sum(cell[(rid, key[3], k)] for k in keys[key[3]])
        else:
            q, what, d = key[1], key[2], key[3]
            cids = columns.get(q, [])
            if what == "c":
                fp = period[(q, key[5], d, key[4])]
            elif what == "rt":
                fp = sum(period[(q, c, d, key[4])] for c in cids)
            elif what == "ct":
                fp = sum(period[(q, key[4], d, k)] for k in keys[d])
            else:  # "g"
                fp = sum(period[(q, c, d, k)] for c in cids for k in keys[d])
        result[key] = fp & MASK
    return result


@dataclass
class OldSystem:
    """An earlier state's system as ``selectors`` rebuilds it from the ledger."""

    values: dict
    equations: list[Equation]
    hidden: set  # every hidden key of that state (secondary as recorded, counts of 1-4, unpublished)
    unpublished: set
    fingerprints: dict[Key, int]
    carrier_of: dict[int, int]


def history(
    values: dict,
    equations: list[Equation],
    fps: dict[Key, int],
    earlier: list[OldSystem],
) -> History:
    """The earlier states renamed into the current keys (module docstring), frozen: what any of them
    showed is public; what all of them hid stays an unknown whose value we know."""
    by_fp: dict[int, list[Key]] = defaultdict(list)  # current figures with that basis (a Q4 cell may be the year's)
    for key, fp in fps.items():
        by_fp[fp].append(key)
    current = {_norm(e) for e in equations}
    result = History()
    shown_before: set[Key] = set()
    hidden_before: set[Key] = set()
    seen: set = set()
    for number, old in enumerate(earlier):
        rename: dict[Key, Key] = {}
        for key, fp in old.fingerprints.items():
            if key in fps and fps[key] == fp:
                new: Key = key
            elif fp in by_fp and fp:
                new = by_fp[fp][0]
            else:
                new = ("h", fp, *cast(tuple, key))
                result.values[new] = old.values[key]
                result.first_seen.setdefault(new, number)  # orders it without its hash (suppression.content_order)
                if key in old.unpublished:
                    result.unpublished.add(new)
            rename[key] = new
            (hidden_before if key in old.hidden else shown_before).add(new)
        for members, total in old.equations:
            equation = ([rename[k] for k in members], None if total is None else rename[total])
            norm = _norm(equation)
            if norm not in current and norm not in seen:
                seen.add(norm)
                result.equations.append(equation)
    # shown before: public, and so is every current figure with the same basis
    result.published = {same for k in shown_before if k in values for same in by_fp[fps[k]] if fps[k]} | {
        k for k in shown_before if k in values
    }
    result.hidden = {k for k in hidden_before if k not in values and k not in shown_before}
    return result


def _norm(equation: Equation) -> tuple:
    members, total = equation
    return (tuple(members), total)


def block_of(carrier_of: dict[int, int]) -> Callable[[tuple], Hashable | None]:
    """The carrier a figure belongs to (None for the sums across carriers), for ``suppression._audit``;
    keys of earlier states (``("h", basis, *key)``) by their own key."""

    def block(key: tuple) -> int | None:
        if key[0] == "h":
            key = key[2:]
        if key[0] == "r":
            return carrier_of.get(key[1])
        if key[0] == "m":
            return key[2]
        if key[2] == "c":
            return key[5]
        if key[2] == "ct":
            return key[4]
        return None

    return block
