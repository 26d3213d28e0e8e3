"""Reads of the funding controlling (issue 5): payments and balances, proof-of-use reminders,
double funding, funding timelines, top-up and what-if, the programme roll-up. Aggregation runs in
the database; every list is read in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from funding.models import CarrierPayment, ForwardingContract, GrantNotice, LandReceipt, ProofObligation, ProofStatus
from kim.money import ZERO, round_money

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _sum_subquery(qs: QuerySet, outer: str, inner: str, amount: str = "amount") -> Coalesce:
    """Σ of ``amount`` over ``qs`` rows whose ``inner`` equals the outer row's ``outer`` (a correlated subquery)."""
    total = qs.filter(**{inner: OuterRef(outer)}).order_by().values(inner).annotate(t=Sum(amount)).values("t")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def grants_with_balances(*, year: int) -> QuerySet[GrantNotice]:
    """Notices of a year with received (Land → county), forwarded and paid to carriers, in one query."""
    return (
        GrantNotice.objects.filter(period_start__year=year)
        .select_related("programme__module")
        .annotate(
            received=_sum_subquery(LandReceipt.objects.all(), "pk", "grant"),
            forwarded=_sum_subquery(ForwardingContract.objects.all(), "pk", "grant"),
            paid_out=_sum_subquery(CarrierPayment.objects.filter(paid_on__isnull=False), "pk", "contract__grant"),
        )
        .annotate(open_from_land=ExpressionWrapper(F("amount") - F("received"), output_field=MONEY_FIELD))
        .order_by("programme__module__number", "reference")
    )


def contracts_with_balances(*, contracts: QuerySet[ForwardingContract], today: date | None = None) -> QuerySet[ForwardingContract]:
    """Contracts with planned, paid and overdue sums of their instalments, in one query."""
    today = today or timezone.localdate()
    return contracts.select_related("carrier", "post", "grant__programme").annotate(
        planned=_sum_subquery(CarrierPayment.objects.all(), "pk", "contract"),
        paid=_sum_subquery(CarrierPayment.objects.filter(paid_on__isnull=False), "pk", "contract"),
        overdue=_sum_subquery(CarrierPayment.objects.filter(paid_on__isnull=True, due_on__lt=today), "pk", "contract"),
    ).annotate(balance=ExpressionWrapper(F("amount") - F("paid"), output_field=MONEY_FIELD))


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


def payment_totals(*, grants: list[GrantNotice], contracts: list[ForwardingContract]) -> PaymentTotals:
    """Totals of the annotated rows already read (no further query)."""
    return PaymentTotals(
        granted=round_money(sum((g.amount for g in grants), start=ZERO)),
        received=round_money(sum((g.received for g in grants), start=ZERO)),
        forwarded=round_money(sum((c.amount for c in contracts), start=ZERO)),
        planned=round_money(sum((c.planned for c in contracts), start=ZERO)),
        paid=round_money(sum((c.paid for c in contracts), start=ZERO)),
        overdue=round_money(sum((c.overdue for c in contracts), start=ZERO)),
    )


def overdue_payments(*, today: date | None = None, contracts: QuerySet[ForwardingContract] | None = None) -> QuerySet[CarrierPayment]:
    today = today or timezone.localdate()
    qs = CarrierPayment.objects.filter(paid_on__isnull=True, due_on__lt=today)
    if contracts is not None:
        qs = qs.filter(contract__in=contracts)
    return qs.select_related("contract__carrier", "contract__post")


# ---------------------------------------------------------------- proof of use


def proof_obligations(*, user, status: str | None = None) -> QuerySet[ProofObligation]:
    """Obligations the user may see, with their document count, in one query."""
    qs = ProofObligation.objects.for_user(user).select_related(
        "contract__carrier", "contract__post", "grant__programme", "checked_by"
    ).annotate(document_count=Count("documents"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_on", "pk")


def proofs_due_soon(*, today: date | None = None, user=None) -> list[ProofObligation]:
    """Open obligations (open or with objections) due within the largest reminder threshold, or overdue."""
    from funding.controlling_services import reminder_thresholds

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


# ---------------------------------------------------------------- double funding (§ 9 (4) TIntG)


@dataclass
class FundingConflict:
    post: object
    programmes: list[str]
    start: date
    end: date | None
    funded_fte: Decimal
    allocations: list = field(default_factory=list)

    @property
    def excess_fte(self) -> Decimal:
        return self.funded_fte - self.post.fte

    @property
    def is_double_funding(self) -> bool:
        return len(self.programmes) > 1

    @property
    def kind_label(self) -> str:
        return "Doppelförderung" if self.is_double_funding else "Förderung über dem Stellenanteil"


def double_funding_conflicts(*, posts: QuerySet | None = None) -> list[FundingConflict]:
    """Periods in which a post's funded shares exceed its FTE, across KIM and the other programmes.

    The services refuse such allocations; imported or legacy data may still contain them. Each
    conflict names the post, the programmes involved, the period (consecutive days with the same
    allocations merged) and the funded FTE beside the post's FTE. One query.
    """
    from funding.models import GrantAllocation
    from modules.selectors import occupied_segments

    allocations = GrantAllocation.objects.select_related("grant__programme", "post__employer", "post__module").order_by("post_id", "start", "pk")
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
                current is not None and current.end is not None and seg_start.toordinal() == current.end.toordinal() + 1
                and sorted(a.pk for a in current.allocations) == ids and current.funded_fte == total
            ):
                current.end = seg_end
                continue
            current = FundingConflict(
                post=post, programmes=sorted({a.grant.programme.short_name for a in clashing}),
                start=seg_start, end=seg_end, funded_fte=total, allocations=clashing,
            )
            conflicts.append(current)
    conflicts.sort(key=lambda c: (c.post.title, c.start))
    return conflicts


# ---------------------------------------------------------------- funding timeline per post


def horizon_months() -> list[int]:
    """settings.FUNDING_HORIZON_MONTHS ("6,12") as months, smallest first."""
    raw = str(getattr(settings, "FUNDING_HORIZON_MONTHS", "6,12"))
    return sorted({int(p) for p in raw.replace(";", ",").split(",") if p.strip().isdigit() and int(p) > 0})


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    import calendar

    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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


def post_timelines(*, today: date | None = None, flagged_only: bool = False, user=None) -> list[PostTimeline]:
    """Funding end (last allocation) beside the end of the fixed-term contract per running post, one query."""
    from django.db.models import Max

    from modules.models import Post

    today = today or timezone.localdate()
    horizons = horizon_months()
    limits = [(h, add_months(today, h)) for h in horizons]
    posts = Post.objects.for_user(user) if user is not None else Post.objects.all()
    posts = posts.filter(Q(end__isnull=True) | Q(end__gte=today)).select_related("employer", "module").annotate(funding_end=Max("allocations__end"))
    rows = []
    for post in posts.order_by("module__number", "title", "pk"):

        def within(end: date | None) -> int | None:
            if end is None or end < today:
                return None
            return next((h for h, limit in limits if end <= limit), None)

        row = PostTimeline(post, post.funding_end, post.end, within(post.funding_end), within(post.end))
        if row.flagged or not flagged_only:
            rows.append(row)
    return rows
