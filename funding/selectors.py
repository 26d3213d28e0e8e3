"""Reads about money. Every figure the dashboard or a paper shows comes from one function here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.db.models import Exists, OuterRef, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from funding.models import (
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    OwnShareTopUp,
    Programme,
    Rate,
)
from funding.year_inputs import YearInputs
from kim.models import Organisation, OrganisationKind
from kim.money import ZERO, format_fte, round_money
from kim.periods import Proration, overlaps, prorate_period, year_end, year_start, year_units
from modules.models import Post


def rates_for_year(*, year: int) -> dict[tuple[int, str], Decimal]:
    """{(programme_id, category): rate per VZÄ} for a year, in one query."""
    return {(r.programme_id, r.category): r.amount_per_fte for r in Rate.objects.filter(year=year)}


def kim_programmes_by_module() -> dict[int, Programme]:
    """{module_id: programme} for KIM modules, in one query."""
    return {p.module_id: p for p in Programme.objects.filter(module__isnull=False) if p.module_id is not None}


def annual_cap(*, rate: Decimal, fte: Decimal) -> Decimal:
    """Rate × FTE for a full year (unrounded)."""
    return rate * fte


def rule_of(programme: Programme | None) -> str:
    """The programme's proration rule (days / full / started months); without a programme: days."""
    return programme.proration if programme is not None else Proration.DAYS


def post_year_units(*, post: Post, year: int, rule: str) -> tuple[int, int]:
    """(units the post exists in ``year``, units of the year) under the rule: days or calendar months."""
    return year_units(start=post.start, end=post.end, year=year, rule=rule)


def post_year_share(*, annual: Decimal, post: Post, year: int, rule: str) -> Decimal:
    """annual × the post's share of ``year`` under the rule, unrounded (callers sum, then round once)."""
    num, den = post_year_units(post=post, year=year, rule=rule)
    return annual * num / den


def forwarding_amount(
    *,
    rate: Decimal,
    fte: Decimal,
    personnel_cost: Decimal,
    post_units: int,
    year: int,
    start: date,
    end: date,
    rule: str = Proration.DAYS,
) -> Decimal:
    """min(actual personnel cost, rate × FTE), pro rata for the contract period under the programme's rule.

    ``personnel_cost`` is the carrier's plan for the post's ``post_units`` (days or months) in the
    year; the contract's share of it is taken in the same units, the cap is rate × FTE × contract
    units / units of the year (6/12 for 01.07.–31.12. by months). The minimum is rounded once.
    """
    units, year_total = year_units(start=start, end=end, year=year, rule=rule)
    if not units or not post_units:
        return ZERO
    cost_share = personnel_cost * units / post_units
    cap = annual_cap(rate=rate, fte=fte) * units / year_total
    return round_money(min(cost_share, cap))


@dataclass
class ForwardingInputs:
    """What a contract's amount is computed from; any of them may be missing."""

    allocation: GrantAllocation | None
    cost_plan: CostPlan | None
    rate: Rate | None
    rule: str = Proration.DAYS

    @property
    def complete(self) -> bool:
        return self.allocation is not None and self.cost_plan is not None and self.rate is not None


def forwarding_inputs(*, grant: GrantNotice, post: Post, year: int, start: date, end: date) -> ForwardingInputs:
    """The allocation of the grant to the post covering the period, the carrier's plan and the rate."""
    return ForwardingInputs(
        allocation=GrantAllocation.objects.filter(
            grant=grant, post=post, start__lte=start, end__gte=end, grant__cancelled_at=None
        )
        .order_by("-fte")
        .first(),
        cost_plan=CostPlan.objects.filter(post=post, year=year).first(),
        rate=Rate.objects.filter(programme_id=grant.programme_id, category=post.category, year=year).first(),
        rule=grant.programme.proration,
    )


def forwarding_amount_from(*, inputs: ForwardingInputs, post: Post, year: int, start: date, end: date) -> Decimal:
    """The contract amount: min(personnel cost, rate × allocated FTE), pro rata (see forwarding_amount)."""
    if inputs.rate is None or inputs.allocation is None or inputs.cost_plan is None:
        raise ValueError("forwarding_amount_from needs complete inputs; services check them first (_require_inputs).")
    return forwarding_amount(
        rate=inputs.rate.amount_per_fte,
        fte=inputs.allocation.fte,
        personnel_cost=inputs.cost_plan.personnel,
        post_units=post_year_units(post=post, year=year, rule=inputs.rule)[0],
        year=year,
        start=start,
        end=end,
        rule=inputs.rule,
    )


def forwarding_recomputed(*, contract: ForwardingContract, inputs: ForwardingInputs) -> Decimal | None:
    """What the contract's amount would be with today's data (None if an input is missing)."""
    if not inputs.complete:
        return None
    return forwarding_amount_from(
        inputs=inputs, post=contract.post, year=contract.year, start=contract.start, end=contract.end
    )


def grants_for_year(*, year: int) -> QuerySet[GrantNotice]:
    """The year's notices in force (a cancelled notice counts nowhere)."""
    return (
        GrantNotice.objects.filter(period_start__year=year)
        .in_force()
        .select_related("programme__module", "recipient", "authority")
    )


def money_sum(queryset: QuerySet, field_name: str) -> Decimal:
    """Σ of a money column, in the database, rounded to cents (SQLite sums decimals as floats)."""
    return round_money(queryset.aggregate(t=Sum(field_name))["t"] or ZERO)


def forwarded_total(*, year: int) -> Decimal:
    """What the body forwarded in a year: its own contracts only (onward money is not counted again)."""
    return money_sum(ForwardingContract.objects.first_level().in_force().filter(year=year), "amount")


def forwarded_for_grant(*, grant: GrantNotice, exclude_pk: int | None = None) -> Decimal:
    """What the body forwarded from a notice (its own contracts; onward contracts pass the same money on)."""
    qs = ForwardingContract.objects.first_level().in_force().filter(grant=grant)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return money_sum(qs, "amount")


def forwarded_onward(*, contract: ForwardingContract, exclude_pk: int | None = None) -> Decimal:
    """What the recipient of ``contract`` passed on under its own contracts in force (the next level)."""
    qs = ForwardingContract.objects.filter(upstream=contract).in_force()
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return money_sum(qs, "amount")


def in_chain_order(contracts: Iterable[ForwardingContract]) -> list[ForwardingContract]:
    """Contracts in the order of their chains: each contract followed by the onward contracts made
    from it (depth first), so that a list shows county → recipient → further recipients in turn.
    A contract whose upstream is not in the list starts a chain of its own."""
    items = list(contracts)
    present = {c.pk for c in items}
    children: dict[int | None, list[ForwardingContract]] = {}
    for c in items:
        parent = c.upstream_id if c.upstream_id in present else None
        children.setdefault(parent, []).append(c)
    ordered: list[ForwardingContract] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        c = stack.pop()
        ordered.append(c)
        stack.extend(reversed(children.get(c.pk, [])))
    return ordered


@dataclass
class GapRow:
    cost_plan: CostPlan
    rate: Decimal | None
    eligible: Decimal | None
    gap: Decimal | None
    uncovered_overhead: Decimal
    top_up: Decimal = ZERO  # the county's decided take-over for this post (0 without a decision)

    @property
    def post(self) -> Post:
        return self.cost_plan.post

    @property
    def carrier(self) -> Organisation:
        return self.cost_plan.post.employer

    @property
    def remaining_gap(self) -> Decimal | None:
        """Personnel gap the carrier still carries after the county's top-up."""
        return None if self.gap is None else self.gap - self.top_up

    @property
    def own_share(self) -> Decimal | None:
        """Remaining own share: personnel cost − forwarded − top-up, plus the uncovered overhead."""
        return None if self.gap is None else self.gap - self.top_up + self.uncovered_overhead


def own_share_gap(
    *, cost_plan: CostPlan, rate: Decimal | None, personnel_costs_only: bool = True, rule: str = Proration.DAYS
) -> GapRow:
    """Gap of one carrier post in one year.

    Eligible = min(personnel cost, rate × FTE pro rata for the post's part of the year under the rule);
    gap = personnel cost − eligible; overhead stays uncovered where the programme funds
    personnel costs only (KIM module 2).
    """
    post = cost_plan.post
    if rate is None:
        return GapRow(cost_plan, None, None, None, cost_plan.material_overhead)
    cap = prorate_period(
        annual=annual_cap(rate=rate, fte=post.fte), start=post.start, end=post.end, year=cost_plan.year, rule=rule
    )
    eligible = min(cost_plan.personnel, cap)
    overhead = cost_plan.material_overhead if personnel_costs_only else ZERO
    return GapRow(cost_plan, rate, eligible, cost_plan.personnel - eligible, overhead)


GAP_RELATED = ("post__employer", "post__module", "post__place")


def own_share_gaps(*, cost_plans: QuerySet[CostPlan], related: tuple[str, ...] = GAP_RELATED) -> list[GapRow]:
    """Gaps for a (filtered, scoped) queryset of cost plans in a fixed number of queries.

    ``related``: what the rows show of their post; the computation itself needs the employer only
    (the dashboard's summary, several hundred plans, builds no module or place)."""
    # the year's top-up decision rides along as a subquery (no extra query on list pages)
    decided = OwnShareTopUp.objects.filter(year=OuterRef("year")).values("amount_per_fte")[:1]
    plans = list(cost_plans.select_related(*related).annotate(top_up_per_fte=Subquery(decided)))
    programmes = kim_programmes_by_module()
    years = {p.year for p in plans}
    rates = {(r.programme_id, r.category, r.year): r.amount_per_fte for r in Rate.objects.filter(year__in=years)}
    rows = []
    for plan in plans:
        programme = programmes.get(plan.post.module_id)
        rate = rates.get((programme.pk, plan.post.category, plan.year)) if programme else None
        row = own_share_gap(
            cost_plan=plan,
            rate=rate,
            personnel_costs_only=programme.personnel_costs_only if programme else True,
            rule=rule_of(programme),
        )
        per_fte = plan.top_up_per_fte  # type: ignore[attr-defined]
        row.top_up = post_top_up(
            row=row, per_fte=None if per_fte is None else Decimal(str(per_fte)), rule=rule_of(programme)
        )
        rows.append(row)
    return rows


def _own_share_gaps_plain(cost_plans: QuerySet[CostPlan]) -> list[GapRow]:
    """``own_share_gaps`` for a summary: the same rows by the same functions, read with values() into
    plain stand-ins (the cost plan, its post and the employer's kind; no model instances), one query
    and the rates. The rows' ``cost_plan`` holds only what the computation reads."""
    decided = OwnShareTopUp.objects.filter(year=OuterRef("year")).values("amount_per_fte")[:1]
    plans = list(
        cost_plans.annotate(top_up_per_fte=Subquery(decided)).values_list(
            "pk",
            "year",
            "personnel",
            "material_overhead",
            "top_up_per_fte",
            "post_id",
            "post__module_id",
            "post__category",
            "post__fte",
            "post__start",
            "post__end",
            "post__employer__kind",
        )
    )
    programmes = kim_programmes_by_module()
    years = {p[1] for p in plans}
    rates = {(r.programme_id, r.category, r.year): r.amount_per_fte for r in Rate.objects.filter(year__in=years)}
    rows = []
    for pk, year, personnel, overhead, per_fte, post_id, module_id, category, fte, start, end, kind in plans:
        post = SimpleNamespace(
            pk=post_id,
            module_id=module_id,
            category=category,
            fte=fte,
            start=start,
            end=end,
            employer=SimpleNamespace(kind=kind),
        )
        plan = SimpleNamespace(pk=pk, year=year, personnel=personnel, material_overhead=overhead, post=post)
        programme = programmes.get(module_id)
        rate = rates.get((programme.pk, category, year)) if programme else None
        row = own_share_gap(
            cost_plan=plan,  # type: ignore[arg-type]  # a plain stand-in with the fields read
            rate=rate,
            personnel_costs_only=programme.personnel_costs_only if programme else True,
            rule=rule_of(programme),
        )
        row.top_up = post_top_up(
            row=row, per_fte=None if per_fte is None else Decimal(str(per_fte)), rule=rule_of(programme)
        )
        rows.append(row)
    return rows


def _own_share_gaps_from(inputs: YearInputs) -> list[GapRow]:
    """``_own_share_gaps_plain`` of the carriers' cost plans of the year, on the year's rows read once."""
    rows = []
    per_fte = inputs.top_up_per_fte
    for post_id, plan_row in inputs.cost_plans.items():
        post = inputs.posts[post_id]
        if post.employer_kind != OrganisationKind.CARRIER:
            continue
        plan = SimpleNamespace(
            pk=plan_row.pk,
            year=plan_row.year,
            personnel=plan_row.personnel,
            material_overhead=plan_row.material_overhead,
            post=post,
        )
        programme = inputs.kim_programmes.get(post.module_id)
        rate = inputs.rates.get((programme.pk, post.category)) if programme else None
        rule = programme.proration if programme else Proration.DAYS
        row = own_share_gap(
            cost_plan=plan,  # type: ignore[arg-type]  # a plain stand-in with the fields read
            rate=rate,
            personnel_costs_only=programme.personnel_costs_only if programme else True,
            rule=rule,
        )
        row.top_up = post_top_up(row=row, per_fte=None if per_fte is None else Decimal(str(per_fte)), rule=rule)
        rows.append(row)
    return rows


def post_top_up(*, row: GapRow, per_fte: Decimal | None, rule: str) -> Decimal:
    """The decided top-up for one carrier post: min(top-up per VZÄ × FTE for the post's part of the year, gap).

    Only the body's own carriers (organisations of kind carrier) receive it; own posts and posts of
    other kinds never do."""
    if per_fte is None or row.gap is None or row.post.employer.kind != OrganisationKind.CARRIER:
        return ZERO
    allowed = round_money(
        post_year_share(annual=per_fte * row.post.fte, post=row.post, year=row.cost_plan.year, rule=rule)
    )
    return min(allowed, row.gap)


@dataclass
class GapSummary:
    year: int
    posts: int
    total_gap: Decimal
    total_overhead: Decimal
    per_post: Decimal | None  # the gap per post when every post has the same gap, else None
    missing_rates: int
    total_top_up: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        """What the carriers still carry after the top-up: gap − top-up + uncovered overhead."""
        return self.total_gap - self.total_top_up + self.total_overhead


def own_share_gap_summary(
    *, year: int, carriers: QuerySet[Organisation] | None = None, inputs: YearInputs | None = None
) -> GapSummary:
    """Gaps of the body's own carriers' posts in a year (the own posts' cost plans are not a carrier's gap).

    ``inputs``: the year's rows read once by the caller (funding.year_inputs; all carriers only)."""
    if inputs is not None and carriers is None:
        rows = _own_share_gaps_from(inputs)
    else:
        plans = CostPlan.objects.filter(year=year, post__employer__kind=OrganisationKind.CARRIER)
        if carriers is not None:
            plans = plans.filter(post__employer__in=carriers)
        rows = _own_share_gaps_plain(plans)
    known = [r for r in rows if r.gap is not None]
    known_gaps = [r.gap for r in known if r.gap is not None]
    gaps = set(known_gaps)
    return GapSummary(
        year=year,
        posts=len(known),
        total_gap=sum(known_gaps, start=ZERO),
        total_overhead=sum((r.uncovered_overhead for r in rows), start=ZERO),
        per_post=gaps.pop() if len(gaps) == 1 else None,
        missing_rates=len(rows) - len(known),
        total_top_up=sum((r.top_up for r in known), start=ZERO),
    )


def applicant_carriers(*, applicant: Organisation) -> QuerySet[Organisation]:
    """The carriers an applicant speaks for: itself, or the members of an umbrella."""
    return Organisation.objects.filter(pk=applicant.pk) | Organisation.objects.filter(parent=applicant)


def own_share_recommended(*, request: OwnShareRequest) -> Decimal:
    """Recommended take-over: the sum of the personnel gaps of the applicant's posts in the budget year,
    capped by the requested amount and – once a top-up per VZÄ is decided for the year – by what that
    decision allows for those posts.

    The paper's rule: up to the gap per post (9.000 €), at most the sum over all posts
    (45.000 €); uncovered overhead is not recommended.
    """
    return own_share_recommended_many(requests=[request])[request.pk]


def own_share_recommended_many(*, requests: list[OwnShareRequest]) -> dict[int, Decimal]:
    """own_share_recommended for many requests in a fixed number of queries (for lists)."""
    if not requests:
        return {}
    years = {r.budget_year for r in requests}
    rows = own_share_gaps(
        cost_plans=CostPlan.objects.filter(year__in=years, post__employer__kind=OrganisationKind.CARRIER)
    )
    decided = set(OwnShareTopUp.objects.filter(year__in=years).values_list("year", flat=True))
    gaps: dict[tuple[int, int], Decimal] = {}
    for row in rows:
        if row.gap is None:
            continue
        carrier = row.carrier
        # a decided top-up caps the recommendation at what it allows for the post
        amount = row.top_up if row.cost_plan.year in decided else row.gap
        for org_id in {carrier.pk, carrier.parent_id}:
            if org_id:
                key = (org_id, row.cost_plan.year)
                gaps[key] = gaps.get(key, ZERO) + amount
    return {r.pk: min(gaps.get((r.applicant_id, r.budget_year), ZERO), r.requested_amount) for r in requests}


def own_share_requests_for_year(*, year: int) -> list[tuple[OwnShareRequest, Decimal]]:
    requests = list(OwnShareRequest.objects.filter(budget_year=year).select_related("applicant"))
    recommended = own_share_recommended_many(requests=requests)
    return [(req, recommended[req.pk]) for req in requests]


@dataclass
class RepaymentRisk:
    allocation: GrantAllocation
    received: Decimal
    eligible: Decimal
    cause: str

    @property
    def difference(self) -> Decimal:
        return self.received - self.eligible


def allocation_received(*, allocation: GrantAllocation) -> Decimal:
    """The grant money attributable to one allocation: grant × share of approved VZÄ × share of the grant period
    (the period shares counted under the programme's rule)."""
    grant = allocation.grant
    rule = grant.programme.proration
    year = grant.period_start.year
    grant_units, _ = year_units(start=grant.period_start, end=grant.period_end, year=year, rule=rule)
    alloc_units, _ = year_units(
        start=max(allocation.start, grant.period_start), end=min(allocation.end, grant.period_end), year=year, rule=rule
    )
    if not grant_units or not grant.approved_fte:
        return ZERO
    return round_money(grant.amount * allocation.fte / grant.approved_fte * alloc_units / grant_units)


def repayment_risks(*, year: int) -> list[RepaymentRisk]:
    """Allocations whose post is not in place for the whole funded period (late start, early end).

    Eligible is the rate × FTE pro rata for the part of the allocation the post exists in (under the
    programme's rule), capped at what was received.
    """
    rates = rates_for_year(year=year)
    risks = []
    allocations = GrantAllocation.objects.filter(start__year=year, grant__cancelled_at=None).select_related(
        "grant__programme", "post__module", "post__employer"
    )
    for alloc in allocations:
        post = alloc.post
        if post.start <= alloc.start and (post.end is None or post.end >= alloc.end):
            continue
        received = allocation_received(allocation=alloc)
        rate = rates.get((alloc.grant.programme_id, post.category))
        rule = alloc.grant.programme.proration
        by_rate = prorate_period(
            annual=(rate or ZERO) * alloc.fte,
            start=max(post.start, alloc.start),
            end=min(post.end or alloc.end, alloc.end),
            year=year,
            rule=rule,
        )
        eligible = received if rate is None else min(received, by_rate)
        cause = "late_start" if post.start > alloc.start else "early_end"
        risks.append(RepaymentRisk(alloc, received, eligible, cause))
    return risks


@dataclass
class ModuleFunding:
    programme: Programme
    granted: Decimal = ZERO
    grants: list[GrantNotice] = field(default_factory=list)


def funding_by_module(*, year: int) -> list[ModuleFunding]:
    result: dict[int, ModuleFunding] = {}
    for programme in Programme.objects.select_related("module").order_by("module__number", "name"):
        result[programme.pk] = ModuleFunding(programme)
    for grant in grants_for_year(year=year):
        row = result[grant.programme_id]
        row.granted += grant.amount
        row.grants.append(grant)
    return [r for r in result.values() if r.programme.module_id or r.grants]


# ---------------------------------------------------------------- entitlement beside the notified amount


@dataclass
class Entitlement:
    """What a notice should grant (approved VZÄ × rate × period share) beside what the Land wrote."""

    grant: GrantNotice
    computed: Decimal | None  # None: no rate, or several rates and the VZÄ are not all allocated
    units: int = 0
    units_of_year: int = 12

    @property
    def difference(self) -> Decimal | None:
        """Notified − computed (positive: the Land granted more than the rule gives)."""
        return None if self.computed is None else self.grant.amount - self.computed

    @property
    def differs(self) -> bool:
        return bool(self.difference)


def grant_entitlement_many(*, grants: list[GrantNotice]) -> dict[int, Entitlement]:
    """Entitlement of each notice in two queries (rates, allocations).

    Computed = approved VZÄ × rate × the notice period's share of its year under the programme's rule,
    rounded once. Where the programme has one rate for every post category that year, that rate is
    taken; otherwise (module 1: coordination and assistant posts) the allocations must account for
    all approved VZÄ and each is weighted with its category's rate.
    """
    if not grants:
        return {}
    years = {g.period_start.year for g in grants}
    rates: dict[tuple[int, int], dict[str, Decimal]] = {}
    for r in Rate.objects.filter(year__in=years, programme_id__in={g.programme_id for g in grants}):
        rates.setdefault((r.programme_id, r.year), {})[r.category] = r.amount_per_fte
    allocations: dict[int, list[GrantAllocation]] = {}
    for alloc in GrantAllocation.objects.filter(grant__in=grants).select_related("post"):
        allocations.setdefault(alloc.grant_id, []).append(alloc)
    result = {}
    for grant in grants:
        year = grant.period_start.year
        num, den = year_units(start=grant.period_start, end=grant.period_end, year=year, rule=grant.programme.proration)
        by_category = rates.get((grant.programme_id, year), {})
        annual: Decimal | None = None
        if len(set(by_category.values())) == 1:
            annual = grant.approved_fte * next(iter(by_category.values()))
        elif by_category:
            allocs = allocations.get(grant.pk, [])
            if (
                all(a.post.category in by_category for a in allocs)
                and sum((a.fte for a in allocs), start=ZERO) == grant.approved_fte
            ):
                annual = sum((by_category[a.post.category] * a.fte for a in allocs), start=Decimal(0))
        computed = None if annual is None else round_money(annual * num / den)
        result[grant.pk] = Entitlement(grant, computed, num, den)
    return result


def grant_entitlement(*, grant: GrantNotice) -> Entitlement:
    return grant_entitlement_many(grants=[grant])[grant.pk]


def grant_entitlement_differences(*, year: int) -> list[Entitlement]:
    """Notices of a year whose notified amount differs from the computed entitlement (a controlling finding)."""
    grants = list(grants_for_year(year=year).order_by("programme__module__number", "reference"))
    return [e for e in grant_entitlement_many(grants=grants).values() if e.differs]


# ---------------------------------------------------------------- minimum share rule on posts and occupancies


@dataclass
class MinShareFinding:
    programme: Programme
    post: Post
    fte: Decimal
    what: str  # "post" or "occupancy"

    @property
    def message(self) -> str:
        return str(
            _("%(what)s „%(post)s“ mit %(fte)s VZÄ liegt unter dem Mindestanteil von %(min)s VZÄ des Programms %(p)s.")
            % {
                "what": _("Stelle") if self.what == "post" else _("Besetzung der Stelle"),
                "post": self.post.title,
                "fte": format_fte(self.fte),
                "min": format_fte(self.programme.min_share_fte),
                "p": self.programme.short_name,
            }
        )


def min_share_findings(*, year: int) -> list[MinShareFinding]:
    """Posts and occupancies active in ``year`` whose share is below their programme's minimum (e.g. 0,5 VZÄ),
    in three queries; the rule is a programme's data (domain §1a), flagged rather than refused."""
    programmes = {p.module_id: p for p in Programme.objects.filter(module__isnull=False, min_share_fte__isnull=False)}
    if not programmes:
        return []
    posts = (
        Post.objects.active_in(year_start(year), year_end(year))
        .filter(module_id__in=programmes)
        .prefetch_related("occupancies")
        .order_by("module__number", "title", "pk")
    )
    findings = []
    for post in posts:
        programme = programmes[post.module_id]
        if post.fte < programme.min_share_fte:
            findings.append(MinShareFinding(programme, post, post.fte, "post"))
        for occ in post.occupancies.all():
            if overlaps(occ.start, occ.end, year_start(year), year_end(year)) and occ.fte < programme.min_share_fte:
                findings.append(MinShareFinding(programme, post, occ.fte, "occupancy"))
    return findings


# ---------------------------------------------------------------- due lists (overview.dashboard)


def _contracts_without_cost_plan() -> QuerySet[ForwardingContract]:
    plans = CostPlan.objects.filter(post_id=OuterRef("post_id"), year=OuterRef("year"))
    return ForwardingContract.objects.first_level().in_force().filter(~Exists(plans))


def contracts_without_cost_plan_ids() -> list[int]:
    """The keys of ``contracts_without_cost_plan``: reads contracts and cost plans only (no post, no
    carrier), so a caller may keep them while neither changed. One query."""
    return sorted(_contracts_without_cost_plan().order_by().values_list("pk", flat=True))


def contracts_without_cost_plan(*, ids: list[int] | None = None) -> list[ForwardingContract]:
    """Forwarding contracts (drafts included) whose post has no cost plan for the contract's year:
    the carrier's own share cannot be computed and the capped amount rests on no stated costs.
    The service refuses such a contract; prepared years and imports may still hold one. One query.

    ``ids``: those contracts' keys as ``contracts_without_cost_plan_ids`` found them (the dashboard
    keeps them cached): then just these are read, with their posts and carriers; none when empty."""
    qs = _contracts_without_cost_plan() if ids is None else ForwardingContract.objects.filter(pk__in=ids)
    if ids is not None and not ids:
        return []
    return list(qs.select_related("post", "carrier").order_by("year", "carrier__name", "post__title", "pk"))


def notices_without_allocation() -> list[GrantNotice]:
    """Grant notices (drafts included) to which no post is allocated yet: their money funds nothing
    until it is. One query."""
    return list(
        GrantNotice.objects.in_force()
        .filter(~Exists(GrantAllocation.objects.filter(grant_id=OuterRef("pk"))))
        .select_related("programme")
        .order_by("period_start", "reference", "pk")
    )


def notices_for_post(*, post: Post) -> list[GrantNotice]:
    """Notices a post could be allocated to: of its module's programmes, with a period that meets
    the post's term, not funding the post yet. One query."""
    notices = GrantNotice.objects.in_force().filter(programme__module_id=post.module_id, period_end__gte=post.start)
    if post.end is not None:
        notices = notices.filter(period_start__lte=post.end)
    return list(
        notices.exclude(allocations__post=post).select_related("programme").order_by("-period_start", "reference")
    )


def min_share_warnings(post: Post) -> list[str]:
    """The minimum share rule for one post: the post's share and each of its occupancies below the
    minimum of the programme of its module (naming the programme), in at most two queries. A warning:
    shares below are consolidated or left unfunded, never refused here (allocations refuse)."""
    programme = Programme.objects.filter(module_id=post.module_id, min_share_fte__isnull=False).order_by("pk").first()
    if programme is None or programme.min_share_fte is None:
        return []
    findings = []
    if post.fte < programme.min_share_fte:
        findings.append(MinShareFinding(programme, post, post.fte, "post"))
    for occ in post.occupancies.all():
        if occ.fte < programme.min_share_fte:
            findings.append(MinShareFinding(programme, post, occ.fte, "occupancy"))
    return [f.message for f in findings]
