"""Reads about posts: scoping, personnel cost per year, occupancy and the per-module summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Q, QuerySet

from kim.models import OrganisationKind, User
from kim.money import ZERO, round_money
from kim.periods import days_in_year, overlap_days, year_end, year_start
from modules.models import CostRate, Module, Occupancy, PersonnelCost, Post

COUNTY_KINDS = (OrganisationKind.COUNTY, OrganisationKind.DEPARTMENT)

# Warnings about a post that rules of a higher layer know (funding: a programme's minimum share).
# modules may not import funding; funding registers its checks here in FundingConfig.ready().
# A check takes the post and returns German messages; it warns, it never refuses.
PostCheck = Callable[[Post], list[str]]
_POST_CHECKS: list[PostCheck] = []


def register_post_check(check: PostCheck) -> None:
    if check not in _POST_CHECKS:
        _POST_CHECKS.append(check)


def post_warnings(*, post: Post) -> list[str]:
    """Every registered check's warnings for the post (shown on its page and after saving it or an occupancy)."""
    return [message for check in _POST_CHECKS for message in check(post)]


def posts_for_user(*, user: User) -> QuerySet[Post]:
    return Post.objects.for_user(user).select_related("module", "employer", "place")


def post_is_own(post: Post) -> bool:
    """A post of the county itself (not forwarded to a carrier)."""
    return post.employer.kind in COUNTY_KINDS


def post_active_days(*, post: Post, year: int) -> int:
    return overlap_days(post.start, post.end, year_start(year), year_end(year))


def reference_date(*, year: int, today: date | None = None) -> date:
    """Stichtag for occupancy figures: today within the current year, else 31.12. of the year."""
    today = today or date.today()
    return today if today.year == year else year_end(year)


def occupied_fte(*, post: Post, on: date) -> Decimal:
    """FTE occupied on a day; uses prefetched ``occupancies`` when present."""
    total = ZERO
    for occ in post.occupancies.all():
        if occ.start <= on and (occ.end is None or occ.end >= on):
            total += occ.fte
    return min(total, post.fte)


def post_personnel_cost(
    *, post: Post, year: int, cost_rates: dict[str, Decimal], entered: dict[int, Decimal]
) -> Decimal | None:
    """Planned personnel cost of a post in a year: the entered amount, else cost rate × FTE pro rata by days.

    None when neither an entered amount nor a cost rate exists (the figure is unknown, not zero).
    """
    if post.pk in entered:
        return entered[post.pk]
    rate = cost_rates.get(post.category)
    if rate is None:
        return None
    days = post_active_days(post=post, year=year)
    return round_money(rate * post.fte * days / days_in_year(year))


@dataclass
class PersonnelNeeds:
    year: int
    total: Decimal = ZERO
    fte: Decimal = ZERO
    rows: list[tuple[Post, Decimal | None]] = field(default_factory=list)
    missing: list[Post] = field(default_factory=list)


def county_personnel_needs(*, year: int, rows: YearRows | None = None) -> PersonnelNeeds:
    """Personnel needs of the county's own posts in a year (paper 2020/0323 calls it Personalmehrbedarf).

    ``rows``: the year's posts, cost rates and entered costs as plain rows read once by the caller
    (funding.year_inputs); the same computation, nothing read again."""
    if rows is None:
        return county_personnel_needs_many(years=[year])[year]
    ys, ye = year_start(year), year_end(year)
    needs = PersonnelNeeds(year=year)
    own = sorted(
        (
            p
            for p in rows.posts.values()
            if p.employer_kind in COUNTY_KINDS and p.start <= ye and (p.end is None or p.end >= ys)
        ),
        key=lambda p: (p.module.number, p.title, p.pk),  # the model's order
    )
    for post in own:
        if not post_active_days(post=post, year=year):
            continue
        cost = post_personnel_cost(post=post, year=year, cost_rates=rows.cost_rates, entered=rows.entered)
        needs.rows.append((post, cost))
        if cost is None:
            needs.missing.append(post)
        else:
            needs.total += cost
            needs.fte += post.fte
    return needs


class YearRows(Protocol):
    """What ``county_personnel_needs`` and ``posts_summary_by_module`` read of a year's plain rows
    (funding.year_inputs.YearInputs)."""

    modules: dict[int, Any]  # pk -> module (number, name)
    posts: dict[int, Any]  # pk -> post (pk, title, module, category, fte, start, end, employer_kind)
    occupancies: dict[int, list[Any]]  # post_id -> occupancies (start, end, fte)
    cost_rates: dict[str, Decimal]
    entered: dict[int, Decimal]


def county_personnel_needs_many(*, years: list[int]) -> dict[int, PersonnelNeeds]:
    """county_personnel_needs for several years in three queries (lists with lines of many years)."""
    result = {year: PersonnelNeeds(year=year) for year in years}
    if not years:
        return result
    posts = list(
        Post.objects.active_in(year_start(min(years)), year_end(max(years)))
        .filter(employer__kind__in=COUNTY_KINDS)
        .select_related("module")  # the rows show the module; nothing here reads the employer
    )
    if not posts:  # no own posts: no costs to read
        return result
    cost_rates: dict[int, dict[str, Decimal]] = {year: {} for year in years}
    for rate in CostRate.objects.filter(year__in=years):
        cost_rates[rate.year][rate.category] = rate.amount_per_fte
    entered: dict[int, dict[int, Decimal]] = {year: {} for year in years}
    for entry in PersonnelCost.objects.filter(year__in=years):
        entered[entry.year][entry.post_id] = entry.amount
    for year in years:
        needs = result[year]
        for post in posts:
            if not post_active_days(post=post, year=year):
                continue
            cost = post_personnel_cost(post=post, year=year, cost_rates=cost_rates[year], entered=entered[year])
            needs.rows.append((post, cost))
            if cost is None:
                needs.missing.append(post)
            else:
                needs.total += cost
                needs.fte += post.fte
    return result


@dataclass
class ModuleSummary:
    number: int
    name: str
    posts: int = 0
    fte: Decimal = ZERO
    own_fte: Decimal = ZERO
    forwarded_fte: Decimal = ZERO
    occupied_fte: Decimal = ZERO

    @property
    def vacant_fte(self) -> Decimal:
        return self.fte - self.occupied_fte


def posts_summary_by_module(
    *, year: int, on: date | None = None, rows: YearRows | None = None
) -> tuple[list[ModuleSummary], date]:
    """Posts and VZÄ per module on the Stichtag: own vs. forwarded, occupied vs. vacant.

    ``rows``: every post and occupancy as plain rows read once by the caller (funding.year_inputs)."""
    on = on or reference_date(year=year)
    if rows is not None:
        summaries = {
            m.number: ModuleSummary(number=m.number, name=m.name)
            for m in sorted(rows.modules.values(), key=lambda m: m.number)
        }
        for post in rows.posts.values():
            if post.start > on or (post.end is not None and post.end < on):
                continue
            occupied_on = sum(
                (o.fte for o in rows.occupancies.get(post.pk, ()) if o.start <= on and (o.end is None or o.end >= on)),
                start=ZERO,
            )
            s = summaries.setdefault(
                post.module.number, ModuleSummary(number=post.module.number, name=post.module.name)
            )
            s.posts += 1
            s.fte += post.fte
            if post.employer_kind in COUNTY_KINDS:  # post_is_own()
                s.own_fte += post.fte
            else:
                s.forwarded_fte += post.fte
            s.occupied_fte += min(occupied_on, post.fte)
        return [summaries[k] for k in sorted(summaries)], on
    # Plain values, no model instances: at county scale the first dashboard request after every write
    # would otherwise build several hundred posts with their employers and occupancies.
    active = Post.objects.active_in(on, on)
    occupied: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for post_id, fte in (
        Occupancy.objects.filter(post__in=active, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .values_list("post_id", "fte")
    ):
        occupied[post_id] += fte  # occupied_fte(): the occupancies running on the day, summed

    summaries = {m.number: ModuleSummary(number=m.number, name=m.name) for m in Module.objects.all()}
    for pk, number, name, fte, employer_kind in active.values_list(
        "pk", "module__number", "module__name", "fte", "employer__kind"
    ):
        s = summaries.setdefault(number, ModuleSummary(number=number, name=name))
        s.posts += 1
        s.fte += fte
        if employer_kind in COUNTY_KINDS:  # post_is_own()
            s.own_fte += fte
        else:
            s.forwarded_fte += fte
        s.occupied_fte += min(occupied.get(pk, ZERO), fte)
    return [summaries[k] for k in sorted(summaries)], on


def occupied_segments(
    intervals: Sequence[tuple[date, date | None, Decimal]],
) -> list[tuple[date, date | None, Decimal]]:
    """Split overlapping (start, end, fte) intervals into elementary segments with their summed FTE."""
    points: set[date] = set()
    for start, end, _ in intervals:
        points.add(start)
        if end is not None and end < date.max:  # an end on date.max runs on like an open end
            points.add(date.fromordinal(end.toordinal() + 1))
    ordered = sorted(points)
    segments = []
    for i, seg_start in enumerate(ordered):
        seg_end = date.fromordinal(ordered[i + 1].toordinal() - 1) if i + 1 < len(ordered) else None
        total = sum(
            (fte for s, e, fte in intervals if s <= seg_start and (e is None or e >= seg_start)), start=Decimal(0)
        )
        if total:
            segments.append((seg_start, seg_end, total))
    return segments


@dataclass
class PlannedCost:
    year: int
    amount: Decimal | None
    entered: bool
    from_cost_plan: bool = False


def post_planned_costs(*, post: Post, cost_plans: dict[int, Decimal] | None = None) -> list[PlannedCost]:
    """Planned personnel cost of a post for every year of its term, in the order the eligibility
    rules use (funding.controlling.eligibility): entered, else the carrier's cost plan of the year
    (``cost_plans``: year → personnel, read by the caller one layer up), else the cost rate."""
    cost_plans = cost_plans or {}
    last = (post.end or post.start).year if post.end else max(post.start.year, date.today().year)
    years = list(range(post.start.year, last + 1))
    entered = dict(post.personnel_costs.filter(year__in=years).values_list("year", "amount"))
    rates: dict[int, dict[str, Decimal]] = {year: {} for year in years}
    for rate in CostRate.objects.filter(year__in=years, category=post.category):
        rates[rate.year][rate.category] = rate.amount_per_fte
    result = []
    for year in years:
        if year in entered:
            result.append(PlannedCost(year, entered[year], True))
        elif year in cost_plans:
            result.append(PlannedCost(year, cost_plans[year], False, from_cost_plan=True))
        else:
            result.append(
                PlannedCost(year, post_personnel_cost(post=post, year=year, cost_rates=rates[year], entered={}), False)
            )
    return result
