"""Reads of the funding controlling: payments and balances, proof-of-use reminders,
double funding, funding timelines, top-up and what-if, the programme roll-up. Aggregation runs in
the database; every list is read in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.conf import horizon_months, reminder_thresholds
from funding.controlling.budget import MONEY_FIELD, _sum_subquery, own_posts_share, top_up_for_year
from funding.models import (
    BudgetLine,
    CarrierPayment,
    CostPlan,
    ForecastBasis,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    LandReceipt,
    OwnShareTopUp,
    ProofKind,
    ProofObligation,
    ProofStatus,
    Rate,
)
from funding.selectors import kim_programmes_by_module, money_sum, post_year_units, rule_of
from kim.models import OrganisationKind, User
from kim.money import ZERO, round_money
from kim.periods import add_months, year_end, year_start
from modules.models import Post, PostCategory
from modules.selectors import county_personnel_needs, occupied_segments, post_is_own

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise, WithAnnotations


class GrantBalances(TypedDict):
    received: Decimal
    forwarded: Decimal
    paid_out: Decimal
    open_from_land: Decimal


class ContractBalances(TypedDict):
    planned: Decimal
    paid: Decimal
    overdue: Decimal
    balance: Decimal


def grants_with_balances(*, year: int) -> QuerySet[WithAnnotations[GrantNotice, GrantBalances]]:
    """Notices of a year with received (Land → county), forwarded and paid to carriers, in one query."""
    return (
        GrantNotice.objects.filter(period_start__year=year)
        .in_force()
        .select_related("programme__module")
        .annotate(
            received=_sum_subquery(LandReceipt.objects.all(), "pk", "grant"),
            forwarded=_sum_subquery(ForwardingContract.objects.first_level().in_force(), "pk", "grant"),
            paid_out=_sum_subquery(
                CarrierPayment.objects.in_force().filter(paid_on__isnull=False, contract__upstream__isnull=True),
                "pk",
                "contract__grant",
            ),
        )
        .annotate(open_from_land=ExpressionWrapper(F("amount") - F("received"), output_field=MONEY_FIELD))
        .order_by("programme__module__number", "reference")
    )


def contracts_with_balances(
    *, contracts: QuerySet[ForwardingContract], today: date | None = None
) -> QuerySet[WithAnnotations[ForwardingContract, ContractBalances]]:
    """Contracts with planned, paid and overdue sums of their instalments, in one query."""
    today = today or timezone.localdate()
    return (
        contracts.select_related("carrier", "post", "grant__programme")
        .annotate(
            planned=_sum_subquery(CarrierPayment.objects.in_force(), "pk", "contract"),
            paid=_sum_subquery(CarrierPayment.objects.in_force().filter(paid_on__isnull=False), "pk", "contract"),
            overdue=_sum_subquery(
                CarrierPayment.objects.in_force().filter(paid_on__isnull=True, due_on__lt=today), "pk", "contract"
            ),
        )
        .annotate(balance=ExpressionWrapper(F("amount") - F("paid"), output_field=MONEY_FIELD))
    )


@dataclass
class PaymentTotals:
    granted: Decimal = ZERO
    received: Decimal = ZERO
    forwarded: Decimal = ZERO
    planned: Decimal = ZERO
    paid: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def open_from_land(self) -> Decimal:
        return self.granted - self.received

    @property
    def open_to_carriers(self) -> Decimal:
        return self.forwarded - self.paid


def payment_totals(
    *,
    grants: list[WithAnnotations[GrantNotice, GrantBalances]],
    contracts: list[WithAnnotations[ForwardingContract, ContractBalances]],
) -> PaymentTotals:
    """Totals of the annotated rows already read (no further query)."""
    return PaymentTotals(
        granted=round_money(sum((g.amount for g in grants), start=ZERO)),
        received=round_money(sum((g.received for g in grants), start=ZERO)),
        forwarded=round_money(sum((c.amount for c in contracts), start=ZERO)),
        planned=round_money(sum((c.planned for c in contracts), start=ZERO)),
        paid=round_money(sum((c.paid for c in contracts), start=ZERO)),
        overdue=round_money(sum((c.overdue for c in contracts), start=ZERO)),
    )


class PaymentListTotals(TypedDict):
    count: int
    planned: Decimal
    paid: Decimal
    open: Decimal


def payment_list_totals(*, payments: QuerySet[CarrierPayment]) -> PaymentListTotals:
    """Number and sums of the given instalments in one query: planned or paid (all), paid (with a payment
    date) and still open (planned − paid). The caller passes the instalments in force."""
    row = payments.order_by().aggregate(
        n=Count("pk"), planned=Sum("amount"), paid=Sum("amount", filter=Q(paid_on__isnull=False))
    )
    planned = round_money(row["planned"] or ZERO)
    paid = round_money(row["paid"] or ZERO)
    return {"count": row["n"], "planned": planned, "paid": paid, "open": planned - paid}


def overdue_payments(
    *, today: date | None = None, contracts: QuerySet[ForwardingContract] | None = None
) -> QuerySet[CarrierPayment]:
    today = today or timezone.localdate()
    qs = CarrierPayment.objects.in_force().filter(paid_on__isnull=True, due_on__lt=today, contract__cancelled_at=None)
    if contracts is not None:
        qs = qs.filter(contract__in=contracts)
    return qs.select_related("contract__carrier", "contract__post")


# ---------------------------------------------------------------- proof of use


def proof_obligations(*, user: User, status: str | None = None) -> QuerySet[ProofObligation]:
    """Obligations the user may see, with their document count, in one query."""
    qs = (
        ProofObligation.objects.for_user(user)
        .select_related("contract__carrier", "contract__post", "grant__programme", "checked_by")
        .annotate(document_count=Count("documents"))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "pk")


def proofs_due_soon(*, today: date | None = None, user: User | None = None) -> list[ProofObligation]:
    """Open obligations (open or with objections) due within the largest reminder threshold, or overdue."""

    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(reminder_thresholds() or [0]))
    qs = ProofObligation.objects.for_user(user) if user is not None else ProofObligation.objects.all()
    rows = list(
        qs.filter(status__in=[ProofStatus.OPEN, ProofStatus.OBJECTIONS], due_on__lte=horizon)
        .select_related("contract__carrier", "contract__post", "grant__programme")
        .order_by("due_on", "pk")
    )
    for row in rows:
        row.days_left = (row.due_on - today).days
    return rows


@dataclass(frozen=True)
class ProofsDue:
    """Open proofs of use (open or with objections) of one kind due by the reminder horizon."""

    kind: str
    due: int  # due by the horizon, the overdue ones included
    overdue: int


def proofs_due_by_kind(*, today: date | None = None) -> list[ProofsDue]:
    """For A 46: the carriers' proofs due to it and its own proofs due to the Land, each as a count
    of the open obligations due within the largest reminder threshold and of those already overdue
    (the same obligations as ``proofs_due_soon``). One query."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(reminder_thresholds() or [0]))
    counts = {
        row["kind"]: row
        for row in ProofObligation.objects.filter(
            status__in=[ProofStatus.OPEN, ProofStatus.OBJECTIONS], due_on__lte=horizon
        )
        .values("kind")
        .annotate(due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today)))
        .order_by("kind")
    }
    return [
        ProofsDue(kind, counts[kind]["due"], counts[kind]["overdue"])
        for kind in (ProofKind.CARRIER, ProofKind.LAND)
        if kind in counts
    ]


def proofs_open_for_carrier(*, user: User, today: date | None = None) -> list[ProofObligation]:
    """The carrier's proofs of use still to deliver or to correct (open or with objections), the
    earliest due first, each with ``days_left``. One query."""
    today = today or timezone.localdate()
    rows = list(
        ProofObligation.objects.for_user(user)
        .filter(status__in=[ProofStatus.OPEN, ProofStatus.OBJECTIONS])
        .select_related("contract__post")
        .order_by("due_on", "pk")
    )
    for row in rows:
        row.days_left = (row.due_on - today).days
    return rows


# ---------------------------------------------------------------- double funding (§ 9 (4) TIntG)


@dataclass
class FundingConflict:
    post: Post
    programmes: list[str]
    start: date
    end: date | None
    funded_fte: Decimal
    allocations: list[GrantAllocation] = field(default_factory=list)

    @property
    def excess_fte(self) -> Decimal:
        return self.funded_fte - self.post.fte

    @property
    def is_double_funding(self) -> bool:
        return len(self.programmes) > 1

    @property
    def kind_label(self) -> StrOrPromise:
        return _("Doppelförderung") if self.is_double_funding else _("Förderung über dem Stellenanteil")


def double_funding_conflicts(*, posts: QuerySet | None = None) -> list[FundingConflict]:
    """Periods in which a post's funded shares exceed its FTE, across KIM and the other programmes.

    The services refuse such allocations; imported or legacy data may still contain them. Each
    conflict names the post, the programmes involved, the period (consecutive days with the same
    allocations merged) and the funded FTE beside the post's FTE. One query.
    """

    allocations = (
        GrantAllocation.objects.filter(grant__cancelled_at=None)
        .select_related("grant__programme", "post__employer", "post__module")
        .order_by("post_id", "start", "pk")
    )
    if posts is not None:
        allocations = allocations.filter(post__in=posts)
    by_post: dict[int, list] = {}
    for alloc in allocations:
        by_post.setdefault(alloc.post_id, []).append(alloc)
    conflicts: list[FundingConflict] = []
    for allocs in by_post.values():
        post = allocs[0].post
        current: FundingConflict | None = None
        for seg_start, seg_end, total in occupied_segments([(a.start, a.end, a.fte) for a in allocs]):
            if total <= post.fte:
                current = None
                continue
            clashing = [a for a in allocs if a.start <= seg_start and a.end >= seg_start]
            ids = sorted(a.pk for a in clashing)
            if (
                current is not None
                and current.end is not None
                and seg_start.toordinal() == current.end.toordinal() + 1
                and sorted(a.pk for a in current.allocations) == ids
                and current.funded_fte == total
            ):
                current.end = seg_end
                continue
            current = FundingConflict(
                post=post,
                programmes=sorted({a.grant.programme.short_name for a in clashing}),
                start=seg_start,
                end=seg_end,
                funded_fte=total,
                allocations=clashing,
            )
            conflicts.append(current)
    conflicts.sort(key=lambda c: (c.post.title, c.start))
    return conflicts


# ---------------------------------------------------------------- funding timeline per post


@dataclass
class PostTimeline:
    post: object
    funding_end: date | None
    contract_end: date | None
    funding_horizon: int | None  # smallest horizon (months) within which the funding ends
    contract_horizon: int | None

    @property
    def flagged(self) -> bool:
        return self.funding_horizon is not None or self.contract_horizon is not None

    @property
    def gap_days(self) -> int | None:
        """Days the fixed-term contract runs beyond the funding (positive: unfunded tail)."""
        if self.funding_end is None or self.contract_end is None:
            return None
        return (self.contract_end - self.funding_end).days


def funding_ends() -> dict[int, date]:
    """Each post's funding end: the end of its last allocation to a notice in force (posts without one
    are left out). Reads allocations and notices only, one query: a caller may keep it while neither
    changed and pass it to ``post_timelines``."""
    return dict(
        GrantAllocation.objects.filter(grant__cancelled_at=None)
        .order_by()
        .values("post_id")
        .annotate(m=Max("end"))
        .values_list("post_id", "m")
    )


def post_timelines(
    *,
    today: date | None = None,
    flagged_only: bool = False,
    user: User | None = None,
    bare: bool = False,
    ends: dict[int, date] | None = None,
) -> list[PostTimeline]:
    """Funding end (last allocation) beside the end of the fixed-term contract per running post, one query.

    ``bare``: the posts with only the fields the ranking reads (no employer, no module): for a caller
    that shows a few of many rows and reads those posts itself (the dashboard, ``with_full_posts``).
    ``ends`` (with ``bare``): the funding ends as ``funding_ends()`` read them, so the posts are read
    without joining their allocations."""

    today = today or timezone.localdate()
    horizons = horizon_months()
    limits = [(h, add_months(today, h)) for h in horizons]
    posts = Post.objects.for_user(user) if user is not None else Post.objects.all()
    posts = posts.filter(Q(end__isnull=True) | Q(end__gte=today))
    if not (bare and ends is not None):
        posts = posts.annotate(funding_end=Max("allocations__end", filter=Q(allocations__grant__cancelled_at=None)))
    posts = posts.order_by("module__number", "title", "pk")
    if bare and ends is not None:
        found: Iterable = (
            SimpleNamespace(pk=pk, title=title, end=end, funding_end=ends.get(pk))
            for pk, title, end in posts.values_list("pk", "title", "end")
        )
    elif bare:  # plain rows, no model instances: several hundred posts on the dashboard after every write
        found = (
            SimpleNamespace(pk=pk, title=title, end=end, funding_end=funding_end)
            for pk, title, end, funding_end in posts.values_list("pk", "title", "end", "funding_end")
        )
    else:
        found = posts.select_related("employer", "module")
    rows = []
    for post in found:

        def within(end: date | None) -> int | None:
            if end is None or end < today:
                return None
            return next((h for h, limit in limits if end <= limit), None)

        row = PostTimeline(post, post.funding_end, post.end, within(post.funding_end), within(post.end))
        if row.flagged or not flagged_only:
            rows.append(row)
    return rows


def with_full_posts(rows: list[PostTimeline]) -> list[PostTimeline]:
    """The rows with their posts read in full (employer, module), one query: after ``post_timelines(bare=True)``."""
    posts = Post.objects.select_related("employer", "module").in_bulk([row.post.pk for row in rows])  # type: ignore[attr-defined]
    return [replace(row, post=posts[row.post.pk]) for row in rows]  # type: ignore[attr-defined]


def most_urgent_timelines(rows: list[PostTimeline], limit: int) -> list[PostTimeline]:
    """The ``limit`` most urgent of the flagged ``rows``: the smallest horizon first (funding or contract,
    whichever ends sooner), then the earlier of the flagged end dates, then the list's own order (module,
    title). The dashboard shows these and links to all timelines."""

    def urgency(indexed: tuple[int, PostTimeline]) -> tuple[int, date, int]:
        i, row = indexed
        flagged = [
            (horizon, end)
            for horizon, end in ((row.funding_horizon, row.funding_end), (row.contract_horizon, row.contract_end))
            if horizon is not None and end is not None
        ]
        horizon, end = min(flagged) if flagged else (10**6, date.max)
        return horizon, end, i

    ranked = sorted(enumerate(rows), key=urgency)[: max(limit, 0)]
    return [row for _i, row in ranked]


# ---------------------------------------------------------------- own-share top-up and what-if


@dataclass
class Scenario:
    rate: Decimal | None  # the case-management rate per VZÄ used (None: today's rates)
    top_up_per_fte: Decimal
    personnel_per_fte: Decimal | None
    land_income: Decimal = ZERO
    forwarding: Decimal = ZERO
    carrier_gap: Decimal = ZERO
    carrier_overhead: Decimal = ZERO
    top_up: Decimal = ZERO
    own_personnel: Decimal = ZERO
    carrier_posts: int = 0
    land_notified: Decimal = ZERO  # the year's KIM notices where they exist, else the forecast
    own_posts_notified: Decimal = ZERO  # grants notified for the own posts, else their forecast

    @property
    def carriers_own_share(self) -> Decimal:
        """What the carriers still carry: personnel gap − the county's top-up + uncovered overhead."""
        return self.carrier_gap - self.top_up + self.carrier_overhead

    @property
    def county_expense(self) -> Decimal:
        return self.forwarding + self.top_up + self.own_personnel

    @property
    def county_net(self) -> Decimal:
        """County expense minus the Land's money as notified (the forecast only for years without notices);
        negative: the Land covers more than the county spends."""
        return self.county_expense - self.land_notified

    @property
    def own_posts_own_share(self) -> Decimal:
        """Own share of the body's own posts: their personnel cost minus the grants notified for them."""
        return self.own_personnel - self.own_posts_notified

    @property
    def own_contribution(self) -> Decimal:
        """The body's whole KIM own contribution: own share of its own posts plus the top-up for the carriers."""
        return self.own_posts_own_share + self.top_up

    def forecast_for(self, basis: str) -> Decimal | None:
        figures: dict[str, Decimal] = {
            ForecastBasis.LAND_INCOME: self.land_income,
            ForecastBasis.FORWARDING: self.forwarding,
            ForecastBasis.OWN_PERSONNEL: self.own_personnel,
            ForecastBasis.TOP_UP: self.top_up,
        }
        return figures.get(basis)


def scenario_figures(
    *,
    year: int,
    rate: Decimal | None = None,
    top_up_per_fte: Decimal | None = None,
    personnel_per_fte: Decimal | None = None,
    _today_top_up: OwnShareTopUp | None = None,
) -> Scenario:
    """The year's money with optional changes: the rate per VZÄ (every category but the assistant post, whose
    rate follows its own rule), the county's top-up per VZÄ, the carriers' personnel cost per VZÄ. Reads only.

    Forwarding per carrier post = min(personnel, rate × FTE pro rata); gap = personnel − forwarding; top-up per
    post = min(top-up × FTE, gap). Each total rounded once."""

    if top_up_per_fte is None:
        decision = _today_top_up if _today_top_up is not None else top_up_for_year(year=year)
        top_up_per_fte = decision.amount_per_fte if decision else ZERO
    programmes = kim_programmes_by_module()
    rates = {(r.programme_id, r.category): r.amount_per_fte for r in Rate.objects.filter(year=year)}

    def units_of(post: Post) -> tuple[int, int]:
        """The post's part of the year under its programme's proration rule."""
        return post_year_units(post=post, year=year, rule=rule_of(programmes.get(post.module_id)))

    def rate_for(post: Post) -> Decimal | None:
        programme = programmes.get(post.module_id)
        if programme is None:
            return None
        today_rate = rates.get((programme.pk, post.category))
        if rate is not None and post.category != PostCategory.ASSISTANT and today_rate is not None:
            return rate
        return today_rate

    result = Scenario(rate=rate, top_up_per_fte=top_up_per_fte, personnel_per_fte=personnel_per_fte)
    land = own_forecast = Decimal(0)
    for post in Post.objects.active_in(year_start(year), year_end(year)).select_related("employer"):
        r = rate_for(post)
        num, den = units_of(post)
        if r is not None and num:
            land += r * post.fte * num / den
            if post_is_own(post):
                own_forecast += r * post.fte * num / den
    forwarding = gap = overhead = top_up = Decimal(0)
    for plan in CostPlan.objects.filter(year=year, post__employer__kind=OrganisationKind.CARRIER).select_related(
        "post"
    ):
        post = plan.post
        num, den = units_of(post)
        r = rate_for(post)
        personnel = plan.personnel if personnel_per_fte is None else personnel_per_fte * post.fte * num / den
        if r is None:
            continue
        cap = r * post.fte * num / den
        eligible = min(personnel, cap)
        post_gap = personnel - eligible
        forwarding += eligible
        gap += post_gap
        overhead += plan.material_overhead
        top_up += min(top_up_per_fte * post.fte * num / den, post_gap)
        result.carrier_posts += 1
    result.land_income = round_money(land)
    result.forwarding = round_money(forwarding)
    result.carrier_gap = round_money(gap)
    result.carrier_overhead = round_money(overhead)
    result.top_up = round_money(top_up)
    result.own_personnel = county_personnel_needs(year=year).total
    # Money the Land has already notified does not follow a changed rate: notices win where they exist.
    notices = GrantNotice.objects.filter(
        period_start__year=year, is_draft=False, programme__module__isnull=False, cancelled_at=None
    )
    if notices.exists():
        result.land_notified = money_sum(notices, "amount")
        result.own_posts_notified = own_posts_share(year=year).total.notified
    else:
        result.land_notified = result.land_income
        result.own_posts_notified = round_money(own_forecast)
    return result


@dataclass
class WhatIf:
    year: int
    today: Scenario
    scenario: Scenario
    budget: list[tuple[BudgetLine, Decimal | None, Decimal | None]]

    FIGURES = [
        ("land_income", _("Landeszuweisungen KIM (Prognose: Stellen × Pauschalen)")),
        ("forwarding", _("Weiterleitung an die Träger")),
        ("carrier_gap", _("Lücke der Träger (Personalkosten)")),
        ("top_up", _("Übernahme des Eigenanteils durch den Kreis")),
        ("carriers_own_share", _("Eigenanteil der Träger nach Übernahme (inkl. Sach-/Overhead)")),
        ("own_personnel", _("Personalkosten der eigenen Stellen")),
        ("own_posts_notified", _("Zuwendungen für die eigenen Stellen (bewilligt, sonst Prognose)")),
        ("own_posts_own_share", _("Eigenanteil der eigenen Stellen")),
        ("own_contribution", _("Eigenbeitrag KIM gesamt (eigene Stellen und Übernahme)")),
        ("county_expense", _("Aufwand des Kreises gesamt")),
        ("land_notified", _("Landeszuweisungen KIM (bewilligt, sonst Prognose)")),
        ("county_net", _("Aufwand des Kreises abzüglich Landeszuweisungen")),
    ]

    def comparison(self) -> list[tuple[StrOrPromise, Decimal, Decimal, Decimal]]:
        """(label, today, scenario, change) for every figure of the page."""
        rows: list[tuple[StrOrPromise, Decimal, Decimal, Decimal]] = []
        for attr, label in self.FIGURES:
            a, b = getattr(self.today, attr), getattr(self.scenario, attr)
            rows.append((label, a, b, b - a))
        return rows

    def budget_comparison(self) -> list[tuple[BudgetLine, Decimal | None, Decimal | None, Decimal | None]]:
        return [(line, a, b, None if a is None or b is None else b - a) for line, a, b in self.budget]


def what_if(
    *,
    year: int,
    rate: Decimal | None = None,
    top_up_per_fte: Decimal | None = None,
    personnel_per_fte: Decimal | None = None,
) -> WhatIf:
    """Today's plan beside the changed one, with the year's budget lines; nothing is saved."""
    decision = top_up_for_year(year=year)
    today = scenario_figures(year=year, _today_top_up=decision)
    scenario = scenario_figures(
        year=year, rate=rate, top_up_per_fte=top_up_per_fte, personnel_per_fte=personnel_per_fte, _today_top_up=decision
    )
    lines = list(BudgetLine.objects.filter(year=year))
    budget = [
        (line, today.forecast_for(line.forecast_basis), scenario.forecast_for(line.forecast_basis)) for line in lines
    ]
    return WhatIf(year, today, scenario, budget)


# ---------------------------------------------------------------- programme roll-up and flow


@dataclass
class FlowRow:
    module: str
    carrier: str | None  # None: the county's own posts
    amount: Decimal
    paid: Decimal
    level: int = 1  # 1: the body's own contracts; 2 and more: a recipient forwarding onward
    forwarder: str | None = None  # who passes the money on at levels 2 and more


@dataclass
class ProgrammeFlow:
    year: int
    granted: dict[str, Decimal]
    rows: list[FlowRow]

    @property
    def land_total(self) -> Decimal:
        return sum(self.granted.values(), start=ZERO)

    @property
    def forwarded_total(self) -> Decimal:
        """What the body forwarded (first level); onward money is part of it, not added again."""
        return sum((r.amount for r in self.rows if r.carrier and r.level == 1), start=ZERO)

    @property
    def onward_total(self) -> Decimal:
        """What recipients passed on under their own contracts (all further levels)."""
        return sum((r.amount for r in self.rows if r.level > 1), start=ZERO)

    @property
    def own_total(self) -> Decimal:
        return sum((r.amount for r in self.rows if r.carrier is None), start=ZERO)

    @property
    def paid_total(self) -> Decimal:
        return sum((r.paid for r in self.rows if r.carrier and r.level == 1), start=ZERO)

    @property
    def levels(self) -> int:
        """How many levels of forwarding the year has (0 without any contract)."""
        return max((r.level for r in self.rows if r.carrier), default=0)

    def per_carrier(self) -> list[tuple[str, Decimal, Decimal]]:
        """First-level recipients of the body: (name, forwarded, paid)."""
        totals: dict[str, list[Decimal]] = {}
        for r in self.rows:
            if r.carrier and r.level == 1:
                t = totals.setdefault(r.carrier, [ZERO, ZERO])
                t[0] += r.amount
                t[1] += r.paid
        return [(name, a, p) for name, (a, p) in sorted(totals.items())]

    def onward_links(self) -> list[tuple[int, str, str, Decimal]]:
        """Onward forwarding summed per (level, forwarder, recipient), all modules together."""
        totals: dict[tuple[int, str, str], Decimal] = {}
        for r in self.rows:
            if r.level > 1 and r.carrier and r.forwarder:
                key = (r.level, r.forwarder, r.carrier)
                totals[key] = totals.get(key, ZERO) + r.amount
        return [(level, source, target, amount) for (level, source, target), amount in sorted(totals.items())]


def programme_flow(*, year: int) -> ProgrammeFlow:
    """Land → county per module → own posts vs. forwarded → per recipient → paid so far, and the
    recipients' onward forwarding at every level, in three queries.

    Own posts receive what the module's notices leave after the body's own forwarding (granted −
    forwarded at level 1); onward contracts pass on part of that money and are never counted twice.
    Drafts (a prepared year) are left out: no notice, no contract yet."""
    granted: dict[str, Decimal] = {}
    for row in (
        GrantNotice.objects.filter(period_start__year=year, programme__module__isnull=False, is_draft=False)
        .in_force()
        .values("programme__short_name", "programme__module__number")
        .annotate(total=Sum("amount"))
        .order_by("programme__module__number")
    ):
        granted[row["programme__short_name"]] = round_money(row["total"])
    contracts = (
        ForwardingContract.objects.filter(year=year, grant__programme__module__isnull=False, is_draft=False)
        .in_force()
        .values(
            "grant__programme__short_name",
            "carrier__short_name",
            "carrier__name",
            "level",
            "upstream__carrier__short_name",
            "upstream__carrier__name",
        )
        .annotate(total=Sum("amount"))
    )
    paid = {
        (r["contract__grant__programme__short_name"], r["contract__carrier__name"]): round_money(r["total"])
        for r in CarrierPayment.objects.filter(
            contract__year=year, contract__upstream__isnull=True, paid_on__isnull=False
        )
        .in_force()
        .values("contract__grant__programme__short_name", "contract__carrier__name")
        .annotate(total=Sum("amount"))
    }
    rows: list[FlowRow] = []
    forwarded: dict[str, Decimal] = {}
    for r in contracts:
        module, name = r["grant__programme__short_name"], r["carrier__name"]
        amount = round_money(r["total"])
        if r["level"] == 1:
            forwarded[module] = forwarded.get(module, ZERO) + amount
            rows.append(FlowRow(module, r["carrier__short_name"] or name, amount, paid.get((module, name), ZERO)))
        else:
            forwarder = r["upstream__carrier__short_name"] or r["upstream__carrier__name"]
            rows.append(FlowRow(module, r["carrier__short_name"] or name, amount, ZERO, r["level"], forwarder))
    for module, amount in granted.items():
        rows.append(FlowRow(module, None, amount - forwarded.get(module, ZERO), ZERO))
    rows.sort(key=lambda r: (r.module, r.carrier is not None, r.level, r.forwarder or "", r.carrier or ""))
    return ProgrammeFlow(year, granted, rows)


# ---------------------------------------------------------------- budget (NKF): actual payments
