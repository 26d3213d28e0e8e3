"""Eligibility per post and year (reads): what the county received for a post, what is eligible, the difference.

Rules (domain.md §1 and §1a), all pro rata under the programme's rule (days, full or started calendar
months; kim.periods.weighted_units), applied alike to the grant period, late starts and vacancies:

- the grant period limits everything: an allocation covers only part of the year when the notice
  does (the first 2020 notices ran 01.07.–31.12.);
- only days on which the post exists and is occupied are eligible; the funded share on a day is
  min(allocated FTE, occupied FTE) — vacant months and reduced hours (an occupancy segment with a
  smaller FTE) drop out; several allocations on one post share the occupied FTE in turn;
- rate × eligible FTE × counted units / units of the year is the cap per allocation, with the rate of the
  grant's programme, the post's category and the year;
- the actual personnel costs of the post in the year cap the sum (entered cost of the post, else the
  carrier's cost plan, else the county's cost rate × occupied FTE-days);
- "received" is the grant's money attributable to the allocation: the notice is shared by the
  allocations' entitlements (rate × FTE × days); approved FTE-days no allocation uses keep their share
  (at the allocations' average rate), so an incompletely allocated notice does not inflate a post.

A post without any occupancy record is taken as occupied for its whole term (occupancy not kept);
as soon as one occupancy is recorded, every day outside the recorded occupancies is vacant.
Rounding: once per post, at the end (ROUND_HALF_UP).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from funding.models import CostPlan, GrantAllocation, GrantNotice, Rate
from funding.year_inputs import YearInputs, year_inputs
from kim.money import ZERO, round_money
from kim.periods import days_in_year, weighted_units, year_end, year_start, year_units
from modules.models import CostRate, Occupancy, PersonnelCost, Post

CAUSES = {
    "late_start": _("später Beginn der Stelle"),
    "early_end": _("vorzeitiges Ende der Stelle"),
    "vacancy": _("Vakanz (unbesetzte Zeiten)"),
    "reduced_fte": _("geringerer Beschäftigungsumfang"),
    "costs_below_rate": _("Personalkosten unter der Pauschale"),
}


@dataclass
class AllocationPart:
    allocation: GrantAllocation
    received: Decimal  # unrounded
    by_rate: Decimal | None  # unrounded; None when the rate is missing
    funded_days: int
    eligible_fte_units: Decimal  # Σ FTE × counted days or months (kim.periods.weighted_units)
    segments: list = field(default_factory=list)


@dataclass
class PostEligibility:
    post: Post
    year: int
    received: Decimal
    eligible: Decimal
    by_rate: Decimal
    personnel_cost: Decimal | None
    causes: list[str] = field(default_factory=list)
    parts: list[AllocationPart] = field(default_factory=list)
    missing_rate: bool = False

    @property
    def difference(self) -> Decimal:
        """Positive: more received than eligible (Rückforderungsrisiko)."""
        return self.received - self.eligible

    @property
    def is_risk(self) -> bool:
        return self.difference > 0

    @property
    def cause_labels(self) -> list[str]:
        return [str(CAUSES[c]) for c in self.causes]

    @property
    def programmes(self) -> list[str]:
        return sorted({str(p.allocation.grant.programme) for p in self.parts})


def _day(d: date, n: int) -> date:
    return d + timedelta(days=n)


def _occupied_fte_on(post: Post, occupancies: list[Occupancy], on: date) -> Decimal:
    if post.start > on or (post.end is not None and post.end < on):
        return ZERO
    if not occupancies:  # occupancy not kept for this post: occupied for its term
        return post.fte
    total = sum((o.fte for o in occupancies if o.start <= on and (o.end is None or o.end >= on)), start=ZERO)
    return min(total, post.fte)


def _boundaries(start: date, end: date, dates: list[date | None]) -> list[tuple[date, date]]:
    """Split [start, end] at the given dates (each date starts a new segment)."""
    cuts = sorted({d for d in dates if d is not None and start < d <= end})
    segments, current = [], start
    for cut in cuts:
        segments.append((current, _day(cut, -1)))
        current = cut
    segments.append((current, end))
    return segments


def _personnel_cost(
    post: Post, year: int, occupancies: list[Occupancy], entered: dict, plans: dict, cost_rates: dict
) -> Decimal | None:
    if post.pk in entered:
        return entered[post.pk]
    if post.pk in plans:
        return plans[post.pk]
    rate = cost_rates.get(post.category)
    if rate is None:
        return None
    start, end = max(post.start, year_start(year)), min(post.end or year_end(year), year_end(year))
    if end < start:
        return ZERO
    dates: list[date | None] = []
    for o in occupancies:
        dates += [o.start, _day(o.end, 1) if o.end else None]
    fte_days = sum(
        (_occupied_fte_on(post, occupancies, s) * ((e - s).days + 1) for s, e in _boundaries(start, end, dates)),
        start=ZERO,
    )
    return rate * fte_days / days_in_year(year)


def post_eligibility_many(
    *, year: int, posts: QuerySet[Post] | None = None, with_employer: bool = True
) -> list[PostEligibility]:
    """Eligibility of every post with an allocation in ``year`` (or of the given posts), in a fixed number of queries.

    ``with_employer=False``: the posts without their employer (a page that does not show it: the dashboard)."""
    ys, ye = year_start(year), year_end(year)
    # Draft notices (a year prepared from the previous one) have paid nothing yet.
    in_year = GrantAllocation.objects.filter(
        start__lte=ye, end__gte=ys, grant__is_draft=False, grant__cancelled_at=None
    )
    if posts is not None:
        in_year = in_year.filter(post__in=posts)
    # Every allocation of the notices concerned (the siblings share a notice's money) in one query, each
    # notice and post built once and shared (select_related built them again for every row: at county
    # scale thousands of model instances per dashboard after a write).
    siblings = list(
        GrantAllocation.objects.filter(grant_id__in=in_year.values("grant_id"))
        .annotate(in_scope=Exists(in_year.filter(pk=OuterRef("pk"))))
        .order_by("post_id", "start", "pk")
    )
    if not siblings:
        return []
    attach_grants_and_posts(siblings, with_employer=with_employer)
    allocations = [alloc for alloc in siblings if alloc.in_scope]  # type: ignore[attr-defined]
    # the posts of the allocations in scope as a subquery: several hundred ids bound as parameters
    # three times cost more than the database's own join
    post_ids = in_year.values("post_id")
    rates = {(r.programme_id, r.category): r.amount_per_fte for r in Rate.objects.filter(year=year)}
    occupancies: dict[int, list[Occupancy]] = defaultdict(list)
    for occ in Occupancy.objects.filter(post_id__in=post_ids).order_by("start"):
        occupancies[occ.post_id].append(occ)
    entered = dict(PersonnelCost.objects.filter(year=year, post_id__in=post_ids).values_list("post_id", "amount"))
    plans = dict(CostPlan.objects.filter(year=year, post_id__in=post_ids).values_list("post_id", "personnel"))
    cost_rates = dict(CostRate.objects.filter(year=year).values_list("category", "amount_per_fte"))

    received = received_shares(siblings, rates)

    by_post: dict[int, list[GrantAllocation]] = defaultdict(list)
    for alloc in allocations:
        by_post[alloc.post_id].append(alloc)

    result = []
    for allocs in by_post.values():
        post = allocs[0].post
        occs = occupancies.get(post.pk, [])
        result.append(_post_eligibility(post, year, allocs, occs, rates, received, entered, plans, cost_rates))
    result.sort(key=lambda e: (e.post.module.number, e.post.title, e.post.pk))
    return result


def attach_grants_and_posts(allocations: list[GrantAllocation], *, with_employer: bool = True) -> None:
    """Give allocations their notice (with programme and module) and post (with module and employer),
    each built once and shared: two queries, where select_related built them again for every row."""
    grants = {
        g.pk: g
        for g in GrantNotice.objects.filter(pk__in={a.grant_id for a in allocations}).select_related(
            "programme__module"
        )
    }
    posts = {
        p.pk: p
        for p in Post.objects.filter(pk__in={a.post_id for a in allocations}).select_related(
            *(("module", "employer") if with_employer else ("module",))
        )
    }
    for alloc in allocations:
        alloc.grant = grants[alloc.grant_id]
        alloc.post = posts[alloc.post_id]


def post_eligibility(*, post: Post, year: int) -> PostEligibility | None:
    """Received, eligible and difference of one post in one year (None: the post has no allocation that year)."""
    rows = post_eligibility_many(year=year, posts=Post.objects.filter(pk=post.pk))
    return rows[0] if rows else None


def repayment_risk_list(
    *, year: int, posts: QuerySet[Post] | None = None, with_employer: bool = True, inputs: YearInputs | None = None
) -> list[PostEligibility]:
    """Posts whose received money exceeds the eligible amount (Rückforderungsrisiken), with their causes.

    Every post of the year is first checked on the year's plain rows (``risky_post_ids``, each post's
    verdict kept in this process); the rows are exactly those of ``post_eligibility_many``.
    With ``inputs`` (the year's rows, read once by the caller: the dashboard) the posts at risk are
    computed in full from those same rows by the same functions, with plain stand-ins for the post (pk,
    title, start, module number) and the programme (its short name) – what the dashboard's list shows –
    and nothing is read again; without, the posts at risk are read and computed as model instances.
    With ``posts``: ``post_eligibility_many`` of those posts."""
    if inputs is None:
        if posts is None:
            risky = risky_post_ids(year=year)
            if not risky:
                return []
            posts = Post.objects.filter(pk__in=sorted(risky))
        return [
            row for row in post_eligibility_many(year=year, posts=posts, with_employer=with_employer) if row.is_risk
        ]
    rows = [
        _post_eligibility(post, year, allocs, occs, inputs.rates, received, inputs.entered, plans, inputs.cost_rates)
        for post, allocs, occs, received, plans in _checked(inputs, risky_only=True)
    ]
    rows.sort(key=lambda e: (e.post.module.number, e.post.title, e.post.pk))
    return rows


# (year, post's inputs) -> whether the post is at risk: a post whose inputs did not change since the
# last computation in this process is not computed again (a post saved recomputes only itself and the
# posts sharing a notice whose money changed). Bounded; the key holds every input, so it is never stale.
_risk_memo: dict[tuple, bool] = {}
_RISK_MEMO_SIZE = 50_000


def risky_post_ids(*, year: int, inputs: YearInputs | None = None) -> set[int]:
    """The ids of the posts whose received money exceeds the eligible amount in ``year``: the same
    computation as ``post_eligibility_many`` (the same functions) on the year's plain rows
    (``funding.year_inputs``). Each post's result is kept in this process, keyed by all its inputs."""
    inputs = inputs if inputs is not None else year_inputs(year=year)
    return {post.pk for post, *_rest in _checked(inputs, risky_only=True)}


def _checked(inputs: YearInputs, *, risky_only: bool):
    """(post, its allocations in scope, occupancies, received shares, cost plans) per post with an
    allocation in the year (only the risky ones with ``risky_only``), each verdict kept in ``_risk_memo``."""
    year, rates, entered, cost_rates = inputs.year, inputs.rates, inputs.entered, inputs.cost_rates
    plans = inputs.plans
    received = received_shares(inputs.siblings, rates)  # type: ignore[arg-type]  # plain rows with the same fields
    by_post: dict[int, list] = defaultdict(list)
    for alloc in inputs.siblings:
        if alloc.in_scope:
            by_post[alloc.post_id].append(alloc)
    for post_id, allocs in by_post.items():
        post = inputs.posts[post_id]
        occs = inputs.occupancies.get(post_id, [])
        key = (
            year,
            (post.pk, post.start, post.end, str(post.fte), post.category),
            tuple((o.start, o.end, str(o.fte)) for o in occs),
            (post_id in entered, str(entered.get(post_id))),
            (post_id in plans, str(plans.get(post_id))),
            str(cost_rates.get(post.category)),
            tuple(
                (
                    a.pk,
                    a.start,
                    a.end,
                    str(a.fte),
                    a.grant.programme_id,
                    a.grant.programme.proration,
                    str(received.get(a.pk, ZERO)),
                    str(rates.get((a.grant.programme_id, post.category))),
                )
                for a in allocs
            ),
        )
        is_risk = _risk_memo.get(key)
        if is_risk is None:
            row = _post_eligibility(post, year, allocs, occs, rates, received, entered, plans, cost_rates)
            is_risk = row.is_risk
            if len(_risk_memo) >= _RISK_MEMO_SIZE:
                _risk_memo.clear()
            _risk_memo[key] = is_risk
        if is_risk or not risky_only:
            yield post, allocs, occs, received, plans


def received_shares(siblings: list[GrantAllocation], rates: dict) -> dict[int, Decimal]:
    """Grant money attributable to each allocation (unrounded), see the module docstring."""
    by_grant: dict[int, list[GrantAllocation]] = defaultdict(list)
    for alloc in siblings:
        by_grant[alloc.grant_id].append(alloc)
    shares: dict[int, Decimal] = {}
    for allocs in by_grant.values():
        grant = allocs[0].grant
        rule, year = grant.programme.proration, grant.period_start.year
        grant_units, _ = year_units(start=grant.period_start, end=grant.period_end, year=year, rule=rule)
        approved_fte_days = grant.approved_fte * grant_units
        fte_days = {
            a.pk: a.fte
            * year_units(
                start=max(a.start, grant.period_start), end=min(a.end, grant.period_end), year=year, rule=rule
            )[0]
            for a in allocs
        }
        used = sum(fte_days.values(), start=ZERO)
        weights = {a.pk: rates.get((grant.programme_id, a.post.category)) for a in allocs}
        if any(w is None for w in weights.values()) or not used:
            for a in allocs:  # without every rate: the share of the approved FTE-days
                shares[a.pk] = grant.amount * fte_days[a.pk] / approved_fte_days if approved_fte_days else ZERO
            continue
        weighted = {pk: weights[pk] * fte_days[pk] for pk in fte_days}
        total = sum(weighted.values(), start=ZERO) * max(Decimal(1), approved_fte_days / used)
        for a in allocs:
            shares[a.pk] = grant.amount * weighted[a.pk] / total if total else ZERO
    return shares


def _post_eligibility(post, year, allocs, occs, rates, received, entered, plans, cost_rates) -> PostEligibility:
    ys, ye = year_start(year), year_end(year)
    dates: list[date | None] = [post.start, _day(post.end, 1) if post.end else None]
    for o in occs:
        dates += [o.start, _day(o.end, 1) if o.end else None]
    for a in allocs:
        dates += [a.start, _day(a.end, 1)]
    causes: set[str] = set()
    parts = {a.pk: AllocationPart(a, received.get(a.pk, ZERO), ZERO, 0, ZERO) for a in allocs}
    first, last = max(min(a.start for a in allocs), ys), min(max(a.end for a in allocs), ye)
    for seg_start, seg_end in _boundaries(first, last, dates):
        days = (seg_end - seg_start).days + 1
        covering = [a for a in allocs if a.start <= seg_start and a.end >= seg_end]
        if not covering:
            continue
        in_term = post.start <= seg_start and (post.end is None or post.end >= seg_end)
        available = _occupied_fte_on(post, occs, seg_start)
        for a in covering:
            part = parts[a.pk]
            part.funded_days += days
            share = min(a.fte, available)
            available -= share
            if share < a.fte:
                if not in_term:
                    causes.add("late_start" if seg_start < post.start else "early_end")
                elif share == 0:
                    causes.add("vacancy")
                else:
                    causes.add("reduced_fte")
            part.segments.append((seg_start, seg_end, share))
    by_rate = ZERO
    missing_rate = False
    for part in parts.values():
        rate = rates.get((part.allocation.grant.programme_id, post.category))
        if rate is None:
            missing_rate = True
            part.by_rate = None
            by_rate += part.received  # nothing to say without a rate: take what was received
        else:
            rule = part.allocation.grant.programme.proration
            part.eligible_fte_units, units_of_year = weighted_units(segments=part.segments, year=year, rule=rule)
            part.by_rate = rate * part.eligible_fte_units / units_of_year
            by_rate += part.by_rate
    cost = _personnel_cost(post, year, occs, entered, plans, cost_rates)
    eligible = by_rate
    if cost is not None and cost < by_rate:
        eligible = cost
        causes.add("costs_below_rate")
    total_received = round_money(sum((p.received for p in parts.values()), start=ZERO))
    eligible = round_money(eligible)
    ordered = [c for c in CAUSES if c in causes]
    return PostEligibility(
        post=post,
        year=year,
        received=total_received,
        eligible=eligible,
        by_rate=round_money(by_rate),
        personnel_cost=None if cost is None else round_money(cost),
        causes=ordered,
        parts=list(parts.values()),
        missing_rate=missing_rate,
    )
