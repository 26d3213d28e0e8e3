"""Reads of the case register: computed caseload returns, period aggregation and statistics.

Everything is counted in the database (``Count``/``Sum`` with ``GROUP BY``); Python only arranges
the grouped rows. Definitions for a period from S to E (both inclusive), counted per episode
(a reopened case is new again in the month it is reopened):

- active at start: opened before S and not closed before S (``start < S`` and ``end ≥ S`` or open)
- new: opened or reopened in the period (``S ≤ start ≤ E``), of which reopened: episode number > 1
- closed: closed in the period (``S ≤ end ≤ E``)
- active at end: opened by E and not closed by E (``start ≤ E`` and ``end > E`` or open)
  so that active at start + new − closed = active at end.
- breakdowns by legal domain, topic and municipality count the *new* episodes; by referral target
  the referrals made in the period; by closure reason the closures in the period. All breakdowns
  are flows, so a quarter or a year is exactly the sum of its months.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import Count, Field, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from casemanagement import publication
from casemanagement.models import (
    STOCK_KEYS,
    Case,
    CaseEpisode,
    CaseloadReturn,
    CaseTopic,
    ClosureReason,
    Dimension,
    IndicatorReport,
    LegalDomain,
    Referral,
    ReferralStatus,
    ReferralTarget,
    ReturnFigure,
    ReturnSource,
    ReturnStatus,
    Topic,
)
from casemanagement.suppression import (
    ProtectedFigures,
    display,
    figure_system_prefixed,
    is_small,
    protect_figures,
    suppress_linked,
)
from funding.models import GrantAllocation
from kim import figure_cache
from kim.models import Municipality, Organisation, OrganisationKind, User
from kim.periods import days_in_year, month_bounds, overlap_days, year_end, year_start
from modules.models import Post

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TOTAL_KEYS = ["active_start", "new", "reopened", "closed", "active_end"]
TOTAL_LABELS = {
    "active_start": _("Bestand am Anfang"),
    "new": _("Neuaufnahmen"),
    "reopened": _("davon Wiederaufnahmen"),
    "closed": _("Abschlüsse"),
    "active_end": _("Bestand am Ende"),
}
BREAKDOWNS = [
    Dimension.LEGAL_DOMAIN,
    Dimension.TOPIC,
    Dimension.MUNICIPALITY,
    Dimension.REFERRAL_TARGET,
    Dimension.CLOSURE_REASON,
]
CHOICES_BY_DIMENSION = {
    Dimension.LEGAL_DOMAIN: LegalDomain,
    Dimension.TOPIC: Topic,
    Dimension.REFERRAL_TARGET: ReferralTarget,
    Dimension.CLOSURE_REASON: ClosureReason,
}

Figures = dict[str, dict[str, int]]


def quarter_months(quarter: int) -> list[int]:
    return [3 * (quarter - 1) + i for i in (1, 2, 3)]


def empty_figures() -> Figures:
    return {Dimension.TOTALS: {k: 0 for k in TOTAL_KEYS}, **{d: {} for d in BREAKDOWNS}}


def municipality_keys() -> list[tuple[str, str]]:
    """(slug, name) of every municipality in display order (one query)."""
    return list(Municipality.objects.order_by("name").values_list("slug", "name"))


def dimension_keys(dimension: str, municipalities: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(key, German label) of a breakdown in display order; municipalities by slug (``municipalities``:
    read before, see ``municipality_keys``)."""
    if dimension == Dimension.TOTALS:
        return [(k, str(TOTAL_LABELS[k])) for k in TOTAL_KEYS]
    if dimension == Dimension.MUNICIPALITY:
        return list(municipalities) if municipalities is not None else municipality_keys()
    return [(value, str(label)) for value, label in CHOICES_BY_DIMENSION[Dimension(dimension)].choices]


def return_figures_computed(*, carrier: Organisation, post: Post, start: date, end: date) -> Figures:
    """The return of one carrier's post for a period, counted from the register (six queries)."""
    episodes = CaseEpisode.objects.filter(case__carrier=carrier, case__responsible_post=post)
    new_q = Q(start__gte=start, start__lte=end)
    totals = episodes.aggregate(
        active_start=Count("pk", filter=Q(start__lt=start) & (Q(end__isnull=True) | Q(end__gte=start))),
        new=Count("pk", filter=new_q),
        reopened=Count("pk", filter=new_q & Q(number__gt=1)),
        closed=Count("pk", filter=Q(end__gte=start, end__lte=end)),
        active_end=Count("pk", filter=Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gt=end))),
    )
    figures = empty_figures()
    figures[Dimension.TOTALS] = {k: int(totals[k]) for k in TOTAL_KEYS}
    new = episodes.filter(new_q)
    figures[Dimension.LEGAL_DOMAIN] = _grouped(
        new.values("case__legal_domain").annotate(n=Count("pk")), "case__legal_domain"
    )
    figures[Dimension.MUNICIPALITY] = _grouped(
        new.values("case__municipality__slug").annotate(n=Count("pk")), "case__municipality__slug"
    )
    topics = CaseTopic.objects.filter(
        case__carrier=carrier,
        case__responsible_post=post,
        case__episodes__start__gte=start,
        case__episodes__start__lte=end,
    )
    figures[Dimension.TOPIC] = _grouped(topics.values("topic").annotate(n=Count("pk")), "topic")
    referrals = Referral.objects.filter(
        case__carrier=carrier, case__responsible_post=post, referred_on__gte=start, referred_on__lte=end
    )
    figures[Dimension.REFERRAL_TARGET] = _grouped(referrals.values("target").annotate(n=Count("pk")), "target")
    closures = episodes.filter(end__gte=start, end__lte=end)
    figures[Dimension.CLOSURE_REASON] = _grouped(
        closures.values("closure_reason").annotate(n=Count("pk")), "closure_reason"
    )
    return figures


def _grouped(rows: Iterable[dict[str, Any]], key: str) -> dict[str, int]:
    return {row[key]: int(row["n"]) for row in rows if row["n"]}


def combine_months(months: list[Figures]) -> Figures:
    """Quarter or year from its months in order: stocks from the first and last month, flows summed."""
    result = empty_figures()
    if not months:
        return result
    for figures in months:
        for dimension, values in figures.items():
            if dimension == Dimension.TOTALS:
                continue
            for key, n in values.items():
                result[dimension][key] = result[dimension].get(key, 0) + n
        for key in ("new", "reopened", "closed"):
            result[Dimension.TOTALS][key] += figures[Dimension.TOTALS][key]
    result[Dimension.TOTALS]["active_start"] = months[0][Dimension.TOTALS]["active_start"]
    result[Dimension.TOTALS]["active_end"] = months[-1][Dimension.TOTALS]["active_end"]
    return result


def return_figures_stored(*, caseload_return: CaseloadReturn) -> Figures:
    figures = empty_figures()
    for dimension, key, count in caseload_return.figures.values_list("dimension", "key", "count"):
        figures.setdefault(dimension, {})[key] = count
    return figures


def return_figures(*, caseload_return: CaseloadReturn) -> Figures:
    """Frozen figures once submitted or uploaded; otherwise computed live from the register."""

    if caseload_return.is_frozen or caseload_return.source == ReturnSource.UPLOAD:
        return return_figures_stored(caseload_return=caseload_return)
    start, end = month_bounds(caseload_return.year, caseload_return.month)
    return return_figures_computed(carrier=caseload_return.carrier, post=caseload_return.post, start=start, end=end)


def figures_normalised(figures: Figures) -> Figures:
    """Without zero entries in the breakdowns (for comparing an upload with a computed return)."""
    return {
        d: ({k: v for k, v in vals.items() if v} if d != Dimension.TOTALS else dict(vals))
        for d, vals in figures.items()
    }


# ------------------------------------------------------------------------------- carrier home/register


def overdue_referrals(*, user: User, today: date | None = None) -> QuerySet[Referral]:
    today = today or date.today()
    return (
        Referral.objects.filter(
            case__in=Case.objects.for_user(user).filter(closed_on__isnull=True),
            follow_up_on__lt=today,
            status__in=[ReferralStatus.PENDING, ReferralStatus.ACCEPTED],
        )
        .select_related("case")
        .order_by("follow_up_on")
    )


def register_summary(*, user: User, today: date | None = None) -> dict[str, int]:
    today = today or date.today()
    return Case.objects.for_user(user).aggregate(
        open=Count("pk", filter=Q(closed_on__isnull=True)),
        closed=Count("pk", filter=Q(closed_on__isnull=False)),
        opened_this_year=Count("pk", filter=Q(opened_on__year=today.year)),
    )


@dataclass
class DueReturn:
    post: Post
    year: int
    month: int
    caseload_return: CaseloadReturn | None

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"


@dataclass
class MissingReturns:
    """The finished months of one post without any return (not even a draft)."""

    post: Post
    months: list[tuple[int, int]]

    @property
    def count(self) -> int:
        return len(self.months)

    @property
    def first(self) -> tuple[int, int]:
        return self.months[0]

    @property
    def ranges(self) -> str:
        """ "07/2021–12/2021, 03/2022": consecutive months joined into one span."""
        spans: list[list[tuple[int, int]]] = []
        for y, m in self.months:
            if spans and (spans[-1][-1][0] * 12 + spans[-1][-1][1]) + 1 == y * 12 + m:
                spans[-1].append((y, m))
            else:
                spans.append([(y, m)])
        label = lambda ym: f"{ym[1]:02d}/{ym[0]}"  # noqa: E731
        return ", ".join(label(span[0]) if len(span) == 1 else f"{label(span[0])}–{label(span[-1])}" for span in spans)


@dataclass
class ReturnsDue:
    open: list[DueReturn]  # drafts and returns sent back: the carrier has to act on them
    missing: list[MissingReturns]  # per post, the months without a return

    @property
    def missing_count(self) -> int:
        return sum(m.count for m in self.missing)

    def __bool__(self) -> bool:
        return bool(self.open or self.missing)


def months_between(first: date, last: date) -> list[tuple[int, int]]:
    """Every (year, month) from the month of ``first`` to the month of ``last``, both included."""
    out = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append((y, m))
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


def last_finished_month_end(today: date) -> date:
    return month_bounds(*((today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)))[1]


def missing_months(*, start: date, end: date | None, last_finished: date, existing: set) -> list[tuple[int, int]]:
    """The months of a post from its start (that month counts) to its end or ``last_finished``
    for which ``existing`` holds no (year, month)."""
    last = min(end, last_finished) if end else last_finished
    return [ym for ym in months_between(start, last) if ym not in existing]


@dataclass
class CarrierMissingReturns:
    carrier_id: int
    carrier_name: str
    count: int


ReturnedMonths = dict[int, list[tuple[int, int, int, int]]]


def returned_months_by_post() -> ReturnedMonths:
    """Per post and year the distinct months with a return, the first and the last of them: post id →
    [(year, months, first month, last month)]. One query over every return; it reads returns only, so the
    dashboard keeps it under the returns' change stamp (overview.dashboard.todo_context)."""
    per_year: ReturnedMonths = defaultdict(list)
    for post_id, year, n, first, last in (
        CaseloadReturn.objects.order_by()
        .values("post_id", "year")
        .annotate(n=Count("month", distinct=True), first=Min("month"), last=Max("month"))
        .values_list("post_id", "year", "n", "first", "last")
    ):
        per_year[post_id].append((year, n, first, last))
    return dict(per_year)


def missing_returns_by_carrier(
    *, today: date | None = None, returned: ReturnedMonths | None = None
) -> list[CarrierMissingReturns]:
    """For A 46: how many monthly returns each carrier still owes (counted as on the carrier home;
    the county's own posts report no returns).
    A count of months, not of people. Two queries whatever the number of carriers (one when
    ``returned``, from ``returned_months_by_post``, is given; one more when a post has returns in a
    year partly outside its months).

    When every year of a post's returns lies wholly inside or wholly outside the post's months (start
    to end or last month), the missing months are the post's months minus the months returned inside;
    otherwise that post's months are compared one by one (``missing_months``), as the carrier home does."""
    today = today or date.today()
    last_finished = last_finished_month_end(today)
    posts = list(
        Post.objects.filter(module__number=2, start__lte=last_finished, employer__kind=OrganisationKind.CARRIER)
        .order_by("employer__name", "pk")
        .values_list("pk", "employer_id", "employer__name", "start", "end")
    )
    per_year = returned if returned is not None else returned_months_by_post()
    counts: dict[tuple[int, str], int] = defaultdict(int)
    mixed = []
    for pk, carrier_id, name, start, end in posts:
        last_day = min(end, last_finished) if end else last_finished
        first_no, last_no = start.year * 12 + start.month, last_day.year * 12 + last_day.month
        inside, exact = 0, True
        for year, n, first, last in per_year.get(pk, ()):
            if year * 12 + last < first_no or year * 12 + first > last_no:
                continue  # a year wholly outside the post's months
            if year * 12 + first < first_no or year * 12 + last > last_no:
                exact = False  # partly outside: month by month below
                break
            inside += n
        if not exact:
            mixed.append((pk, carrier_id, name, start, end))
            continue
        missing = max(0, last_no - first_no + 1) - inside
        if missing:
            counts[(carrier_id, name)] += missing
    if mixed:  # returns in a year partly outside the post's months (rare): month by month for these posts
        existing: dict[int, set] = defaultdict(set)
        for post_id, y, m in CaseloadReturn.objects.filter(post__in=[p[0] for p in mixed]).values_list(
            "post_id", "year", "month"
        ):
            existing[post_id].add((y, m))
        for pk, carrier_id, name, start, end in mixed:
            n = len(missing_months(start=start, end=end, last_finished=last_finished, existing=existing[pk]))
            if n:
                counts[(carrier_id, name)] += n
    # the carriers in the order of the posts (by carrier name), as before
    order = {key: i for i, key in enumerate(dict.fromkeys((p[1], p[2]) for p in posts))}
    return [
        CarrierMissingReturns(cid, name, n) for (cid, name), n in sorted(counts.items(), key=lambda kv: order[kv[0]])
    ]


def returns_waiting_for_review() -> int:
    return CaseloadReturn.objects.filter(status=ReturnStatus.SUBMITTED).count()


def returns_due(*, user: User, today: date | None = None) -> ReturnsDue:
    """What the carrier still owes: every draft or returned return, and for each of its case-management
    posts every finished month from the post's start (the month it starts in counts) to last month or
    the post's end without any return. Two queries whatever the number of posts and months."""
    today = today or date.today()
    last_finished = last_finished_month_end(today)
    posts = list(Post.objects.for_user(user).filter(module__number=2).order_by("title", "pk"))
    returns = list(CaseloadReturn.objects.for_user(user).filter(post__in=posts).select_related("post"))
    existing: dict[int, set] = defaultdict(set)
    for r in returns:
        existing[r.post_id].add((r.year, r.month))
    open_ = sorted(
        (
            DueReturn(r.post, r.year, r.month, r)
            for r in returns
            if r.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)
        ),
        key=lambda d: (d.year, d.month, d.post.title),
    )
    missing = []
    for post in posts:
        months = missing_months(start=post.start, end=post.end, last_finished=last_finished, existing=existing[post.pk])
        if months:
            missing.append(MissingReturns(post, months))
    return ReturnsDue(open=open_, missing=missing)


# ---------------------------------------------------------------------------------------- statistics

FROZEN = [ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED]


def period_months(*, year: int, quarter: int | None = None) -> list[int]:
    return quarter_months(quarter) if quarter else list(range(1, 13))


def statistics_by_carrier(
    *, year: int, quarter: int | None = None, carriers: QuerySet | None = None, months: list[int] | None = None
) -> dict[str, dict[tuple[int, str], int]]:
    """Counts per (carrier id, key) for each dimension from the frozen returns of the period.

    Two queries: flows summed, and the stocks at the start (first month of the period with a return)
    and at the end (last month). Stocks are taken per post, then summed per carrier. ``months``
    (instead of a quarter) narrows the period to those months, e.g. one month.
    """
    months = months or period_months(year=year, quarter=quarter)
    returns = CaseloadReturn.objects.filter(year=year, month__in=months, status__in=FROZEN)
    if carriers is not None:
        returns = returns.filter(carrier__in=carriers)
    figures = ReturnFigure.objects.filter(caseload_return__in=returns)
    result: dict[str, dict[tuple[int, str], int]] = defaultdict(dict)
    flows = (
        figures.exclude(dimension=Dimension.TOTALS, key__in=STOCK_KEYS)
        .values("caseload_return__carrier_id", "dimension", "key")
        .annotate(n=Sum("count"))
    )
    for row in flows:
        result[row["dimension"]][(row["caseload_return__carrier_id"], row["key"])] = int(row["n"])
    # Stocks: the start of the first and the end of the last month with a return, per post (picked in
    # the database by a correlated subquery over the same returns), then summed per carrier.
    post_returns = returns.filter(post_id=OuterRef("caseload_return__post_id"))
    first = Subquery(post_returns.order_by("month").values("month")[:1])
    last = Subquery(post_returns.order_by("-month").values("month")[:1])
    stocks = (
        figures.filter(dimension=Dimension.TOTALS)
        .filter(Q(key="active_start", caseload_return__month=first) | Q(key="active_end", caseload_return__month=last))
        .values("caseload_return__carrier_id", "key")
        .annotate(n=Sum("count"))
    )
    for row in stocks:
        result[Dimension.TOTALS][(row["caseload_return__carrier_id"], row["key"])] = int(row["n"])
    return result


class YearOfReturns:
    """The frozen returns of a year read once (two queries), so that the counts of any period of
    that year come out of memory exactly as ``statistics_by_carrier`` would count them: flows summed
    per carrier, stocks taken per post at the first and the last month with a return in the period,
    then summed per carrier. The monthly charts and the protection of the year need every period and
    every return; this keeps them at two queries. ``returns`` holds (id, carrier id, post id, month)
    in month order, ``figures`` each return's figures."""

    def __init__(self, *, year: int, stored: tuple[list[tuple[int, int, int, int]], dict[int, Figures]] | None = None):
        """``stored``: (returns, figures) as recorded in the publication ledger instead of the database."""
        self.year = year
        if stored is not None:
            self.returns, self.figures = list(stored[0]), stored[1]
        else:
            self.returns = list(
                CaseloadReturn.objects.filter(year=year, status__in=FROZEN)
                .order_by("month", "pk")
                .values_list("pk", "carrier_id", "post_id", "month")
            )
            self.figures = {rid: {} for rid, *_rest in self.returns}
            for rid, dimension, key, n in ReturnFigure.objects.filter(
                caseload_return__year=year, caseload_return__status__in=FROZEN
            ).values_list("caseload_return_id", "dimension", "key", "count"):
                self.figures[rid].setdefault(dimension, {})[key] = n
        # post -> months with a frozen return (of any carrier, as the subquery there picks them)
        self.post_months: dict[int, set[int]] = defaultdict(set)
        flows: dict[int, dict[tuple[int, str, str], int]] = defaultdict(lambda: defaultdict(int))
        # post -> its stock figures: (month, carrier, key, count)
        self.stocks: dict[int, list[tuple[int, int, str, int]]] = defaultdict(list)
        for rid, carrier_id, post_id, month in self.returns:
            self.post_months[post_id].add(month)
            for dimension, counts in self.figures[rid].items():
                for key, n in counts.items():
                    if dimension == Dimension.TOTALS and key in STOCK_KEYS:
                        self.stocks[post_id].append((month, carrier_id, key, n))
                    else:
                        flows[month][(carrier_id, dimension, key)] += n
        self.flows: dict[int, list[tuple[int, str, str, int]]] = {
            month: [(cid, d, k, n) for (cid, d, k), n in cells.items()] for month, cells in flows.items()
        }

    def counts(self, months: list[int]) -> dict[str, dict[tuple[int, str], int]]:
        """What ``statistics_by_carrier(year=…, months=months)`` returns, from memory."""
        result: dict[str, dict[tuple[int, str], int]] = defaultdict(dict)
        for m in months:
            for carrier_id, dimension, key, n in self.flows.get(m, ()):
                cell = result[dimension]
                cell[(carrier_id, key)] = cell.get((carrier_id, key), 0) + n
        wanted = set(months)
        totals: dict[tuple[int, str], int] = {}
        for post_id, post_months in self.post_months.items():
            present = post_months & wanted
            if not present:
                continue
            first, last = min(present), max(present)
            for month, carrier_id, key, n in self.stocks.get(post_id, ()):
                if (key == "active_start" and month == first) or (key == "active_end" and month == last):
                    totals[(carrier_id, key)] = totals.get((carrier_id, key), 0) + n
        if totals:
            result[Dimension.TOTALS].update(totals)
        return result


def funded_fte_by_carrier(*, year: int) -> dict[int, Decimal]:
    """Funded VZÄ per carrier in a year: grant allocations of their posts, pro rata by days."""

    result: dict[int, Decimal] = defaultdict(Decimal)
    allocations = GrantAllocation.objects.filter(
        start__lte=year_end(year),
        end__gte=year_start(year),
        post__employer__kind=OrganisationKind.CARRIER,
        grant__cancelled_at=None,  # a cancelled notice funds nothing
    ).values_list("post__employer_id", "fte", "start", "end")
    for carrier_id, fte, start, end in allocations:
        days = overlap_days(start, end, year_start(year), year_end(year))
        result[carrier_id] += fte * days / days_in_year(year)
    return {k: v.quantize(Decimal("0.001")) for k, v in result.items()}


@dataclass
class StatisticsTable:
    dimension: str
    label: str
    rows: list[tuple[str, str]]  # (key, label)
    carriers: list[Organisation]
    protected: ProtectedFigures
    has_totals: bool = True

    def body(self) -> Iterator[tuple[str, list[str | int], str | int]]:
        for key, label in self.rows:
            yield (
                label,
                [self.protected.cell(self.dimension, key, c.pk) for c in self.carriers],
                self.protected.row_total(self.dimension, key),
            )

    def totals(self) -> tuple[list[str | int], str | int]:
        return [self.protected.col_total(self.dimension, c.pk) for c in self.carriers], self.protected.grand(
            self.dimension
        )


@dataclass
class CaseloadStatistics:
    year: int
    quarter: int | None
    carriers: list[Organisation]
    tables: list[StatisticsTable] = field(default_factory=list)
    per_fte: list[dict] = field(default_factory=list)


def statistics_keys(municipalities: list[tuple[str, str]] | None = None) -> dict[str, list[tuple[str, str]]]:
    return {d: dimension_keys(d, municipalities) for d in [Dimension.TOTALS, *BREAKDOWNS]}


def breakdown_keys() -> dict[str, list[str]]:
    """The row keys of every table (``statistics_keys`` without the labels)."""
    return {d: [k for k, _l in rows] for d, rows in statistics_keys().items()}


@dataclass(frozen=True)
class StatisticsInputs:
    """What every period of a year's statistics reads besides the protected figures: the carriers
    with a column in any period and their funded VZÄ. Read once when all periods are rendered
    together (the snapshot's HTML), so the queries do not grow with the number of periods with data."""

    organisations: dict[int, Organisation]
    fte: dict[int, Decimal]
    municipalities: list[tuple[str, str]]


def statistics_inputs(*, year: int, protection: ProtectedYear) -> StatisticsInputs:
    """Three queries: the carriers of every period and month of the year, their funded VZÄ, the municipalities."""
    ids = {cid for quarter in (None, 1, 2, 3, 4) for cid in protection.carriers(quarter)}
    ids |= {cid for _m, cid in protection.month_stocks()}
    # in the database's order by name (its collation), as each period alone would read them
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in=ids).order_by("name")} if ids else {}
    return StatisticsInputs(organisations, funded_fte_by_carrier(year=year), municipality_keys())


def caseload_statistics(
    *,
    year: int,
    quarter: int | None = None,
    protection: ProtectedYear | None = None,
    inputs: StatisticsInputs | None = None,
) -> CaseloadStatistics:
    """Statistics across carriers from the frozen returns, every count protected (suppression.py).

    The function committee papers call: nothing it returns can reveal a count of 1 to 4, not even
    together with the other periods of the year and the returns (``year_protection``). The
    statistics page passes the year's last snapshot (``casemanagement.snapshots``) as ``protection``.
    """

    protection = protection or year_protection(year=year)
    if inputs is None:
        carriers = list(Organisation.objects.filter(pk__in=protection.carriers(quarter)).order_by("name"))
    else:
        wanted = set(protection.carriers(quarter))
        carriers = [o for cid, o in inputs.organisations.items() if cid in wanted]
    protected = protection.period(quarter)
    keys = statistics_keys(None if inputs is None else inputs.municipalities)
    stats = CaseloadStatistics(year=year, quarter=quarter, carriers=carriers)
    for dimension, rows in keys.items():
        stats.tables.append(
            StatisticsTable(
                dimension,
                str(Dimension(dimension).label),
                rows,
                carriers,
                protected,
                has_totals=dimension != Dimension.TOTALS,
            )
        )
    fte = funded_fte_by_carrier(year=year) if inputs is None else inputs.fte
    for carrier in carriers:
        shown = protected.cell(Dimension.TOTALS, "new", carrier.pk)
        funded = fte.get(carrier.pk)
        ratio = (Decimal(shown) / funded).quantize(Decimal("0.1")) if funded and isinstance(shown, int) else None
        stats.per_fte.append({"carrier": carrier, "new": shown, "fte": funded, "per_fte": ratio})
    return stats


# ------------------------------------------------------------------------- protection of a whole year

# The statistics read the frozen returns and their figures besides organisations, posts and grants.
STATISTICS_STAMP = ("casemanagement.historicalcaseloadreturn", "casemanagement.historicalreturnfigure")


def _period_prefix(quarter: int | None) -> tuple:
    return ("p", quarter or 0)


def _return_prefix(return_id: int) -> tuple:
    return ("r", return_id)


@dataclass
class YearProtection:
    """Every count staff can obtain for one year, protected together (README, "Schutz kleiner Fallzahlen").

    Tables: each frozen return (the return page), the statistics of the four quarters and of the
    year (page, CSV, XLSX, committee papers), the stock at the end of each month per carrier (the
    monthly chart). ``values`` and ``hidden`` are keyed by table prefix + the key of
    ``suppression.figure_system``; ``("m", month, carrier id)`` for the monthly stocks."""

    year: int
    values: dict
    hidden: set
    columns: dict[int, list[int]]  # period (0 = year) -> carrier ids with a column
    return_ids: frozenset[int]

    def carriers(self, quarter: int | None) -> list[int]:
        return self.columns.get(quarter or 0, [])

    def period(self, quarter: int | None) -> ProtectedFigures:
        return ProtectedFigures(self.values, self.hidden, _period_prefix(quarter))

    def caseload_return(self, return_id: int) -> ProtectedFigures | None:
        if return_id not in self.return_ids:
            return None
        return ProtectedFigures(self.values, self.hidden, _return_prefix(return_id))

    def month_stock(self, month: int, carrier_id: int) -> str | int | None:
        key = ("m", month, carrier_id)
        return display(key, self.values, self.hidden) if key in self.values else None

    def month_stocks(self) -> dict[tuple[int, int], str | int]:
        """(month, carrier id) -> the shown stock at the month's end, for every carrier with a return."""
        return {(k[1], k[2]): display(k, self.values, self.hidden) for k in self.values if k[0] == "m"}


class ProtectedYear(Protocol):
    """The reads of a protected year the pages use: ``YearProtection`` computed, or the stored snapshot
    read part by part (``casemanagement.snapshots.StoredProtection``)."""

    def carriers(self, quarter: int | None) -> list[int]: ...

    def period(self, quarter: int | None) -> ProtectedFigures: ...

    def caseload_return(self, return_id: int) -> ProtectedFigures | None: ...

    def month_stock(self, month: int, carrier_id: int) -> str | int | None: ...

    def month_stocks(self) -> dict[tuple[int, int], str | int]: ...


# What ``year_protection_compute`` reads: the frozen returns, their figures and the municipalities (the
# rows of that breakdown). Nothing else: carriers, posts and grants are read by the pages around it.
PROTECTION_INPUTS = (*STATISTICS_STAMP, "kim.historicalmunicipality")


def year_protection(*, year: int) -> YearProtection:
    """``year_protection_compute`` once per change of its inputs (kim.figure_cache).

    Keyed by the change stamp of ``PROTECTION_INPUTS`` only: a post or a grant saved leaves the
    protected year cached (at the state-slice scale it takes minutes to compute; the return page used
    to recompute it after every write anywhere in the application)."""
    full = figure_cache.data_stamp(STATISTICS_STAMP)
    stamp = figure_cache.sub_stamp(full, extra=STATISTICS_STAMP, labels=PROTECTION_INPUTS)

    def compute() -> YearProtection:
        return year_protection_compute(year=year)

    # kept in this process only: the shared cache would pickle the whole year on every computation. The
    # pages read the stored snapshot instead (casemanagement.snapshots), which holds only what they show.
    return figure_cache.cached("case-year-protection", (year,), compute, stamp=stamp, share=False)


def snapshot_key(stamp: str) -> str:
    """The key of a ``StatisticsSnapshot``: a hash of ``figure_cache.data_stamp(STATISTICS_STAMP)``."""
    return hashlib.sha256(stamp.encode()).hexdigest()


def year_protection_system(
    *, year: int, data: YearOfReturns | None = None, keys: dict[str, list[str]] | None = None
) -> tuple[dict, list, dict[int, list[int]], dict[int, int]]:
    """(values, equations, columns, carrier id per return id) of every table of the year and every link between them.

    Three queries. Links a reader can use besides each table's own sums (``figure_system``):
    a carrier's flow in a quarter = the sum of its returns of those months; in the year = the sum of
    its quarters (also for the row, column and grand totals); a carrier's stock at the start (end)
    of a period = the sum of its posts' returns of the first (last) month with a return; the monthly
    stock per carrier = the sum of its returns' end stocks; a post's end stock = its next month's
    start stock."""
    data = data or YearOfReturns(year=year)
    keys = keys or breakdown_keys()
    returns, figures = data.returns, data.figures

    values: dict = {}
    equations: list = []

    def add(system: tuple[dict, list]) -> None:
        values.update(system[0])
        equations.extend(system[1])

    for rid, *_rest in returns:
        add(figure_system_prefixed({rid: figures[rid]}, keys, _return_prefix(rid)))
    columns: dict[int, list[int]] = {}
    for quarter in (1, 2, 3, 4, None):
        raw = data.counts(period_months(year=year, quarter=quarter))
        ids = sorted({cid for counts in raw.values() for cid, _k in counts})
        table: dict[int, Figures] = {cid: {} for cid in ids}
        for dimension, counts in raw.items():
            for (cid, key), n in counts.items():
                table[cid].setdefault(dimension, {})[key] = n
        columns[quarter or 0] = ids
        add(figure_system_prefixed(table, keys, _period_prefix(quarter)))

    def is_flow(rest: tuple) -> bool:
        return not (rest[0] in ("c", "rt") and rest[1] == Dimension.TOTALS and rest[2] in STOCK_KEYS)

    # the year (every flow cell and total) = the sum of its quarters
    year_prefix = _period_prefix(None)
    for key in [k for k in values if k[:2] == year_prefix]:
        rest = key[2:]
        if is_flow(rest):
            members = [_period_prefix(q) + rest for q in (1, 2, 3, 4) if _period_prefix(q) + rest in values]
            equations.append((members, key))
    # a carrier's flow in a quarter = the sum of its returns of that quarter
    by_carrier_quarter: dict[tuple[int, int], list[int]] = defaultdict(list)
    for rid, cid, _post, month in returns:
        by_carrier_quarter[(cid, (month - 1) // 3 + 1)].append(rid)
    for (cid, quarter), rids in by_carrier_quarter.items():
        prefix = _period_prefix(quarter)
        for dimension, rows in keys.items():
            for key in rows:
                if dimension == Dimension.TOTALS and key in STOCK_KEYS:
                    continue
                total = prefix + ("c", dimension, key, cid)
                if total in values:
                    equations.append(([_return_prefix(r) + ("c", dimension, key, r) for r in rids], total))
    # stocks: per post the first/last month with a return in the period (as YearOfReturns counts them)
    by_post: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for rid, cid, post, month in returns:
        by_post[post][month].append((rid, cid))
    for quarter in (1, 2, 3, 4, None):
        wanted = set(period_months(year=year, quarter=quarter))
        stock_members: dict[tuple[int, str], list] = defaultdict(list)
        for months in by_post.values():
            present = sorted(set(months) & wanted)
            if not present:
                continue
            for key, month in (("active_start", present[0]), ("active_end", present[-1])):
                for rid, cid in months[month]:
                    stock_members[(cid, key)].append(_return_prefix(rid) + ("c", Dimension.TOTALS, key, rid))
        for (cid, key), cells in stock_members.items():
            total = _period_prefix(quarter) + ("c", Dimension.TOTALS, key, cid)
            if total in values:
                equations.append((cells, total))
    # the monthly stock per carrier (chart and table of the statistics page)
    by_carrier_month: dict[tuple[int, int], list[int]] = defaultdict(list)
    for rid, cid, _post, month in returns:
        by_carrier_month[(month, cid)].append(rid)
    for (month, cid), rids in by_carrier_month.items():
        values[("m", month, cid)] = sum(figures[r].get(Dimension.TOTALS, {}).get("active_end", 0) for r in rids)
        equations.append(
            ([_return_prefix(r) + ("c", Dimension.TOTALS, "active_end", r) for r in rids], ("m", month, cid))
        )
    # a post's stock carries over from one month to the next
    for months in by_post.values():
        for month, items in months.items():
            for rid, cid in items:
                for next_rid, next_cid in months.get(month + 1, ()):
                    if next_cid == cid:
                        equations.append(
                            (
                                [_return_prefix(rid) + ("c", Dimension.TOTALS, "active_end", rid)],
                                _return_prefix(next_rid) + ("c", Dimension.TOTALS, "active_start", next_rid),
                            )
                        )
    return values, equations, columns, {rid: cid for rid, cid, _post, _month in returns}


def _unpublished(values: dict) -> set:
    """A return page shows the return's cells only, not the sums of its breakdowns."""
    return {k for k in values if k[0] == "r" and k[2] != "c"}


def _months_of(year: int) -> dict[int, list[int]]:
    return {q or 0: period_months(year=year, quarter=q) for q in (1, 2, 3, 4, None)}


def _earlier_system(year: int, state: publication.RecordedState) -> publication.OldSystem:
    """An earlier published state's system, rebuilt from the ledger (its hidden set as recorded)."""
    data = YearOfReturns(year=year, stored=(state.returns, state.figures))
    values, equations, columns, carrier_of = year_protection_system(year=year, data=data, keys=state.keys)
    unpublished = _unpublished(values)
    hidden = set(state.hidden) | unpublished | {k for k, v in values.items() if is_small(v)}
    fps = publication.fingerprints(values, data.returns, data.figures, state.keys, columns, _months_of(year))
    return publication.OldSystem(values, equations, hidden, unpublished, fps, carrier_of)


@dataclass
class PreparedProtection:
    """A year protected against the ledger as read, not yet recorded (``year_protection_prepare``).

    ``latest_pk``: the newest ledger state it was audited against (None: none); ``record`` is None when
    the inputs equal the latest recorded state's (nothing to append)."""

    protection: YearProtection
    latest_pk: int | None
    record: Callable[[], bool] | None


def year_protection_prepare(*, year: int) -> PreparedProtection:
    """Read the returns and the ledger, protect the year against every state recorded so far – without
    the year's publication lock. The caller records it under the lock (``year_protection_record``), and
    only if the ledger has not grown since (``PreparedProtection.latest_pk``)."""
    keys = breakdown_keys()
    data = YearOfReturns(year=year)
    values, equations, columns, carrier_of = year_protection_system(year=year, data=data, keys=keys)
    unpublished = _unpublished(values)
    states = publication.recorded(year)
    latest = states[-1].digest if states else None
    latest_pk = states[-1].pk if states else None
    if latest == publication.digest(data.returns, data.figures, keys):
        hidden = set(states[-1].hidden) | unpublished | {k for k, v in values.items() if is_small(v)}
        return PreparedProtection(YearProtection(year, values, hidden, columns, frozenset(carrier_of)), latest_pk, None)
    everyone = dict(carrier_of)
    earlier = [_earlier_system(year, state) for state in states] if publication.enabled() else []
    for old in earlier:
        everyone.update(old.carrier_of)
    history = None
    if earlier:
        fps = publication.fingerprints(values, data.returns, data.figures, keys, columns, _months_of(year))
        history = publication.history(values, equations, fps, earlier)
    hidden = suppress_linked(
        values, equations, unpublished=unpublished, block=publication.block_of(everyone), history=history
    )

    def record() -> bool:
        return publication.record(year, data.returns, data.figures, keys, values, hidden, unpublished, latest=latest)

    return PreparedProtection(YearProtection(year, values, hidden, columns, frozenset(carrier_of)), latest_pk, record)


def year_protection_record(prepared: PreparedProtection, *, year: int) -> bool:
    """Record a prepared protection in the ledger, in the caller's transaction holding the year's lock
    (``publication.ledger``). False, recording nothing, if a state was recorded after the ones it was
    audited against: it must then be prepared again (it was not audited against that state)."""
    if publication.latest_pk(year) != prepared.latest_pk:
        return False
    if prepared.record is not None:
        prepared.record()
    return True


def year_protection_compute(*, year: int) -> YearProtection:
    """The protected year, audited against every state of it published before (publication ledger,
    ``casemanagement.publication``), and recorded there: the one path by which a protection is shown.

    In one transaction holding the year's publication lock: read the returns, rebuild the earlier
    states, protect, record. If the latest recorded state has the same inputs, its hidden set is
    taken as it is (every process shows the same pattern for the same data). The background refresh
    holds the lock only to record (``snapshots.compute_and_record``: prepare, then record or again)."""
    with publication.ledger(year):
        prepared = year_protection_prepare(year=year)
        if prepared.record is not None:
            prepared.record()
    return prepared.protection


@dataclass
class CaseloadByMonth:
    """Stock at the end of each month per carrier (frozen returns), protected: a value is an int
    only where the statistics would print it; otherwise the marker ("<5", "•") the table shows."""

    year: int
    months: list[int]
    carriers: list[Organisation]
    values: dict[tuple[int, int], int | str]  # (carrier id, month) -> shown value

    def rows(self) -> list[tuple[int, list[int | str]]]:
        """(month, [value per carrier]) for the table and the chart."""
        return [(m, [self.values.get((c.pk, m), "–") for c in self.carriers]) for m in self.months]  # "–": no return


def caseload_by_month(
    *, year: int, protection: ProtectedYear | None = None, inputs: StatisticsInputs | None = None
) -> CaseloadByMonth:
    """Caseload (stock at the end of the month) per month and carrier, for A 46.

    Protected together with every other table of the year (``year_protection``): a month's stock
    is also a return's figure and a quarter's or the year's stock. Two queries on a cached
    protection (the carriers, besides the change stamp)."""
    protection = protection or year_protection(year=year)
    stocks = protection.month_stocks()
    months = sorted({m for m, _cid in stocks})
    if inputs is None:
        carriers = list(Organisation.objects.filter(pk__in={cid for _m, cid in stocks}).order_by("name"))
    else:
        wanted = {cid for _m, cid in stocks}
        carriers = [o for cid, o in inputs.organisations.items() if cid in wanted]
    values: dict[tuple[int, int], int | str] = {(cid, m): shown for (m, cid), shown in stocks.items()}
    return CaseloadByMonth(year=year, months=months, carriers=carriers, values=values)


RETURN_STATES = [ReturnStatus.ACCEPTED, ReturnStatus.SUBMITTED, ReturnStatus.RETURNED, ReturnStatus.DRAFT]


def returns_status_by_month(*, year: int, today: date | None = None) -> list[dict]:
    """Per finished month of the year: how many returns (one per carrier post in module 2) are
    accepted, submitted, returned, draft, and how many are missing (an active post without a
    return). Two queries."""

    today = today or date.today()
    last = 12 if year < today.year else (today.month - 1 if year == today.year else 0)
    if last < 1:
        return []
    counts: defaultdict[tuple[int, str], int] = defaultdict(int)
    have: dict[int, set[int]] = defaultdict(set)
    for month, status, post_id in CaseloadReturn.objects.filter(year=year, month__lte=last).values_list(
        "month", "status", "post_id"
    ):
        counts[(month, status)] += 1
        have[month].add(post_id)
    posts = list(
        Post.objects.filter(
            module__number=2, employer__kind=OrganisationKind.CARRIER, start__lte=month_bounds(year, last)[1]
        )
        .filter(Q(end__isnull=True) | Q(end__gte=date(year, 1, 1)))
        .values_list("pk", "start", "end")
    )
    rows = []
    for m in range(1, last + 1):
        start, end = month_bounds(year, m)
        active = {pk for pk, p_start, p_end in posts if p_start <= end and (p_end is None or p_end >= start)}
        row = {"month": m, **{str(s): counts[(m, s)] for s in RETURN_STATES}, "missing": len(active - have[m])}
        rows.append(row)
    return rows


def open_cases_by_month(*, user: User, today: date | None = None, months: int = 12) -> list[tuple[int, int, int]]:
    """The carrier's own open cases (episodes) at the end of each of the last ``months`` months,
    the current month as of today: (year, month, count). One query."""
    today = today or date.today()
    ends = []
    y, m = today.year, today.month
    for _step in range(months):
        ends.append((y, m, min(month_bounds(y, m)[1], today)))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    ends.reverse()
    episodes = CaseEpisode.objects.filter(case__in=Case.objects.for_user(user))
    agg = episodes.aggregate(
        **{
            f"m{i}": Count("pk", filter=Q(start__lte=end) & (Q(end__isnull=True) | Q(end__gt=end)))
            for i, (_y, _m, end) in enumerate(ends)
        }
    )
    return [(y, m, int(agg[f"m{i}"])) for i, (y, m, _end) in enumerate(ends)]


def return_figures_protected(
    *, caseload_return: CaseloadReturn
) -> tuple[ProtectedFigures, dict[str, list[tuple[str, str]]]]:
    """One return as A 46 sees it: a frozen return as protected with the whole year (so that no
    quarter minus two months uncovers the third); any other with the same rules for one column.

    Only the stored (frozen) figures, never a live count of the register: staff reach submitted and
    accepted returns only (CaseloadReturn.objects.for_user)."""

    keys = statistics_keys()
    if caseload_return.is_frozen:
        protected = year_protection(year=caseload_return.year).caseload_return(caseload_return.pk)
        if protected is not None:
            return protected, keys
    figures = return_figures_stored(caseload_return=caseload_return)
    return protect_figures({caseload_return.pk: figures}, {d: [k for k, _l in rows] for d, rows in keys.items()}), keys


# ---------------------------------------------------------------------------------------- indicators

INDICATOR_FIELDS = [
    "procedures_25a_started",
    "procedures_25a_granted",
    "procedures_25b_started",
    "procedures_25b_granted",
    "naturalisations_advised",
    "naturalisations_completed",
    "events",
    "trainings",
    "network_meetings",
    "participants",
]


MODULE3_FIELDS = INDICATOR_FIELDS[:6]
MODULE1_FIELDS = INDICATOR_FIELDS[6:]


def _indicator_label(name: str) -> StrOrPromise:
    field = IndicatorReport._meta.get_field(name)
    assert isinstance(field, Field)  # every name in INDICATOR_FIELDS is a concrete column
    return field.verbose_name


def indicators_by_period(*, year: int) -> list[dict[str, Any]]:
    """Per post: each indicator for the four quarters and the year, summed in the database (one query).

    Module 3 posts show the residence and naturalisation counts, module 1 posts the activities.
    """
    aggregates = {}
    for name in INDICATOR_FIELDS:
        aggregates[f"{name}__year"] = Sum(name)
        for q in (1, 2, 3, 4):
            aggregates[f"{name}__q{q}"] = Sum(name, filter=Q(month__in=quarter_months(q)))
    qs = (
        IndicatorReport.objects.filter(year=year)
        .values("post_id", "post__title", "post__module__number")
        .annotate(**aggregates)
        .order_by("post__module__number", "post__title")
    )
    rows = []
    for row in qs:
        names = MODULE3_FIELDS if row["post__module__number"] == 3 else MODULE1_FIELDS
        row["figures"] = [
            {
                "name": name,
                "label": _indicator_label(name),
                "values": [row[f"{name}__q{q}"] or 0 for q in (1, 2, 3, 4)] + [row[f"{name}__year"] or 0],
            }
            for name in names
        ]
        rows.append(row)
    return rows
