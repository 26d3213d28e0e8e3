"""Budget (Haushalt) and forecasts: what each budget line's basis predicts for a year, the Ist from
payments, and the county's top-up expense. All budget and forecast figures live here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from funding.controlling.eligibility import received_shares
from funding.models import (
    BudgetLine,
    CarrierPayment,
    CostPlan,
    ForecastBasis,
    ForwardingContract,
    GrantAllocation,
    LandReceipt,
    OwnShareTopUp,
    Rate,
)
from funding.selectors import annual_cap, kim_programmes_by_module, post_year_share, post_year_units
from funding.year_inputs import YearInputs
from kim import figure_cache
from kim.models import OrganisationKind
from kim.money import ZERO, round_money
from kim.periods import year_end, year_start
from modules.models import Post
from modules.selectors import PersonnelNeeds, county_personnel_needs_many


def land_income_forecast(*, year: int, inputs: YearInputs | None = None) -> Decimal:
    """Expected Land income for KIM: Σ over posts of rate × FTE, pro rata for the post's part of the year
    (under its programme's proration rule). ``inputs``: the year's rows, read once by the caller."""
    if inputs is None:
        return land_income_forecast_many(years=[year])[year]
    ys, ye = year_start(year), year_end(year)
    active = [p for p in inputs.posts.values() if p.start <= ye and (p.end is None or p.end >= ys)]
    return _land_income(active, year, inputs.kim_programmes, {(*key, year): r for key, r in inputs.rates.items()})


def _land_income(posts, year: int, programmes, rates) -> Decimal:
    total = Decimal(0)
    for post in posts:
        programme = programmes.get(post.module_id)
        rate = rates.get((programme.pk, post.category, year)) if programme else None
        if rate is None:
            continue
        total += post_year_share(
            annual=annual_cap(rate=rate, fte=post.fte),
            post=post,  # a plain stand-in with the fields read
            year=year,
            rule=programme.proration,
        )
    return round_money(total)


def land_income_forecast_many(*, years: list[int]) -> dict[int, Decimal]:
    """land_income_forecast for several years in three queries; each year rounded once, at the end."""
    if not years:
        return {}
    programmes = kim_programmes_by_module()
    rates = {(r.programme_id, r.category, r.year): r.amount_per_fte for r in Rate.objects.filter(year__in=years)}
    # plain rows with the fields read (several hundred posts: no model instances)
    posts = [
        SimpleNamespace(module_id=module_id, category=category, fte=fte, start=start, end=end)
        for module_id, category, fte, start, end in Post.objects.active_in(
            year_start(min(years)), year_end(max(years))
        ).values_list("module_id", "category", "fte", "start", "end")
    ]
    return {year: _land_income(posts, year, programmes, rates) for year in years}


def forwarded_totals(*, years: list[int]) -> dict[int, Decimal]:
    rows = (
        ForwardingContract.objects.first_level()
        .in_force()
        .filter(year__in=years)
        .values("year")
        .annotate(total=Sum("amount"))
    )
    totals = {r["year"]: round_money(r["total"]) for r in rows}
    return {year: totals.get(year, ZERO) for year in years}


def budget_forecasts(
    *, years: list[int], bases: set[str] | None = None, known: dict[tuple[str, int], Decimal] | None = None
) -> dict[tuple[str, int], Decimal]:
    """Forecast per (basis, year) for every year asked, in a fixed number of queries.

    ``known``: forecasts the caller has already computed from the same data (the dashboard's Land
    income and own personnel of its year), taken as they are instead of being computed again."""
    known = known or {}
    result: dict[tuple[str, int], Decimal] = {key: value for key, value in known.items() if key[1] in years}

    def missing(basis: str) -> list[int]:
        return [year for year in years if (basis, year) not in known]

    for year, amount in land_income_forecast_many(years=missing(ForecastBasis.LAND_INCOME)).items():
        result[(ForecastBasis.LAND_INCOME, year)] = amount
    for year, amount in forwarded_totals(years=missing(ForecastBasis.FORWARDING)).items():
        result[(ForecastBasis.FORWARDING, year)] = amount
    for year, needs in county_personnel_needs_many(years=missing(ForecastBasis.OWN_PERSONNEL)).items():
        result[(ForecastBasis.OWN_PERSONNEL, year)] = needs.total

    top_up_years = years if bases is None or ForecastBasis.TOP_UP in bases else []
    for year, amount in top_up_expense_many(years=top_up_years).items():
        result[(ForecastBasis.TOP_UP, year)] = amount
    return result


@dataclass
class BudgetRow:
    line: BudgetLine
    forecast: Decimal | None
    actual: Decimal | None = None  # payments booked in the year (Ist), where the basis has payments

    @property
    def difference(self) -> Decimal | None:
        return None if self.forecast is None else self.forecast - self.line.planned_amount


# the history models of the tables ``with_budget_actuals`` reads: the lines, the Land receipts (of KIM
# programmes: their notices, programmes and modules) and the carrier payments
ACTUALS_TABLES = (
    "funding.historicalbudgetline",
    "funding.historicallandreceipt",
    "funding.historicalgrantnotice",
    "funding.historicalprogramme",
    "modules.historicalmodule",
    "funding.historicalcarrierpayment",
)


def budget_lines_with_forecast(
    *,
    lines: QuerySet[BudgetLine] | list[BudgetLine],
    stamp: str | None = None,
    known: dict[tuple[str, int], Decimal] | None = None,
) -> list[BudgetRow]:
    """Budget lines with the forecast the basis names beside each (funding.selectors.budget_forecasts).

    ``lines``: a queryset, or a list already annotated by ``with_budget_actuals`` (the dashboard keeps
    it while none of ``ACTUALS_TABLES`` changed)."""

    lines = list(lines) if isinstance(lines, list) else list(with_budget_actuals(lines))
    years, bases = sorted({line.year for line in lines}), {line.forecast_basis for line in lines}
    # the forecasts read posts, rates, contracts and cost plans: cached until one of them changes
    forecasts = figure_cache.cached(
        "budget-forecasts",
        (years, sorted(bases), date.today()),
        lambda: budget_forecasts(years=years, bases=bases, known=known),
        stamp=stamp,  # the caller's figure_cache.data_stamp() if it has read it (the dashboard)
    )
    return [BudgetRow(line, forecasts.get((line.forecast_basis, line.year)), budget_actual(line)) for line in lines]


def budget_actual(line: BudgetLine) -> Decimal | None:
    """Ist of a line annotated by with_budget_actuals: Land receipts (income) or carrier payments (forwarding)."""
    if line.forecast_basis == ForecastBasis.LAND_INCOME:
        return round_money(line.actual_land)
    if line.forecast_basis == ForecastBasis.FORWARDING:
        return round_money(line.actual_forwarding)
    return None


MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)


def _sum_subquery(qs: QuerySet, outer: str, inner: str, amount: str = "amount") -> Coalesce:
    """Σ of ``amount`` over ``qs`` rows whose ``inner`` equals the outer row's ``outer`` (a correlated subquery)."""
    total = qs.filter(**{inner: OuterRef(outer)}).order_by().values(inner).annotate(t=Sum(amount)).values("t")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def top_up_for_year(*, year: int) -> OwnShareTopUp | None:
    return OwnShareTopUp.objects.filter(year=year).select_related("budget_line").first()


def top_up_expense(*, year: int) -> Decimal:
    """The planned expense of the county's top-up decision for a year (0 without a decision)."""
    return top_up_expense_many(years=[year])[year]


def top_up_expense_many(*, years: list[int]) -> dict[int, Decimal]:
    """top_up_expense for several years in four queries: Σ over carrier cost plans of
    min(top-up × FTE, personnel gap), pro rata for the post's part of the year under its programme's rule;
    rounded once per year."""

    result = {year: ZERO for year in years}
    decisions = {d.year: d.amount_per_fte for d in OwnShareTopUp.objects.filter(year__in=years)}
    if not decisions:
        return result
    programmes = kim_programmes_by_module()
    rates = {
        (r.programme_id, r.category, r.year): r.amount_per_fte for r in Rate.objects.filter(year__in=list(decisions))
    }
    totals = {year: Decimal(0) for year in decisions}
    # only the body's own carriers receive the top-up
    plans = CostPlan.objects.filter(year__in=list(decisions), post__employer__kind=OrganisationKind.CARRIER)
    for plan in plans.select_related("post"):
        post = plan.post
        programme = programmes.get(post.module_id)
        rate = rates.get((programme.pk, post.category, plan.year)) if programme else None
        if rate is None:
            continue
        num, den = post_year_units(post=post, year=plan.year, rule=programme.proration)
        if not num:
            continue
        gap = plan.personnel - min(plan.personnel, rate * post.fte * num / den)
        totals[plan.year] += min(decisions[plan.year] * post.fte * num / den, gap)
    for year, total in totals.items():
        result[year] = round_money(total)
    return result


def with_budget_actuals(lines: QuerySet[BudgetLine]) -> QuerySet[BudgetLine]:
    """Budget lines annotated (no extra query) with the year's KIM Land receipts and the carrier payments made."""
    land = (
        LandReceipt.objects.filter(received_on__year=OuterRef("year"), grant__programme__module__isnull=False)
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    paid = (
        CarrierPayment.objects.filter(paid_on__year=OuterRef("year"))
        .in_force()
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(t=Sum("amount"))
        .values("t")
    )
    return lines.annotate(
        actual_land=Coalesce(Subquery(land, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD),
        actual_forwarding=Coalesce(Subquery(paid, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD),
    )


# ---------------------------------------------------------------- own share of the body's own posts


@dataclass
class OwnPostsRow:
    label: str
    fte: Decimal = ZERO
    personnel: Decimal = ZERO
    material: Decimal = ZERO
    notified: Decimal = ZERO
    missing_costs: int = 0

    @property
    def expense(self) -> Decimal:
        return self.personnel + self.material

    @property
    def own_share(self) -> Decimal:
        """Expense minus the grants notified for the posts (what the body carries itself)."""
        return self.expense - self.notified

    @property
    def land_share_percent(self) -> Decimal | None:
        """Notified grants as per cent of the expense, two places (ROUND_HALF_UP); None without expense."""
        if not self.expense:
            return None
        return (self.notified * 100 / self.expense).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class OwnPostsShare:
    year: int
    total: OwnPostsRow
    modules: list[OwnPostsRow]


def own_posts_share(
    *, year: int, needs: PersonnelNeeds | None = None, inputs: YearInputs | None = None
) -> OwnPostsShare:
    """Own share of the body's own posts in a year (domain §1a): expense for its own posts (personnel cost
    as in county_personnel_needs, plus material/workplace costs where a cost plan is entered) minus the
    grants actually notified for them – each allocation's share of its (non-draft) notice, never posts ×
    rates – and the Land's share of the expense in per cent. Per module and in total; rounded per figure."""
    if needs is None:  # the dashboard passes the needs it has already read for the year
        needs = county_personnel_needs_many(years=[year])[year]
    own_ids = [post.pk for post, _cost in needs.rows]
    total = OwnPostsRow(label=str(_("alle Module")))
    if not own_ids:
        return OwnPostsShare(year=year, total=total, modules=[])
    if inputs is not None:  # the year's cost plans, read once by the caller
        plans = inputs.cost_plans
        material = {pk: plans[pk].material_overhead for pk in own_ids if pk in plans}
    else:
        material = dict(
            CostPlan.objects.filter(year=year, post_id__in=own_ids).values_list("post_id", "material_overhead")
        )
    notified = own_posts_notified(year=year, post_ids=own_ids, inputs=inputs)
    rows: dict[int, OwnPostsRow] = {}
    for post, cost in needs.rows:
        row = rows.setdefault(post.module.number, OwnPostsRow(label=str(post.module)))
        for target in (row, total):
            target.fte += post.fte
            target.material += material.get(post.pk, ZERO)
            target.notified += notified.get(post.pk, ZERO)
            if cost is None:
                target.missing_costs += 1
            else:
                target.personnel += cost
    for row in [*rows.values(), total]:
        row.notified = round_money(row.notified)
    return OwnPostsShare(year=year, total=total, modules=[rows[n] for n in sorted(rows)])


NOTICE_FIELDS = (
    "grant__programme_id",
    "grant__programme__proration",
    "grant__period_start",
    "grant__period_end",
    "grant__approved_fte",
    "grant__amount",
)


def _notified_rows(year: int) -> list[tuple]:
    """Every allocation of the year's non-draft notices not cancelled, grouped by notice in the notices'
    order (the model's), without the post's fields: ``own_posts_notified`` adds them from the posts."""
    return list(
        GrantAllocation.objects.filter(grant__period_start__year=year, grant__is_draft=False, grant__cancelled_at=None)
        .order_by("grant", "pk")
        .values_list("pk", "grant_id", "post_id", "fte", "start", "end", *NOTICE_FIELDS)
    )


def own_posts_notified(*, year: int, post_ids: list[int], inputs: YearInputs | None = None) -> dict[int, Decimal]:
    """{post_id: grant money attributable to the post in ``year``} (unrounded), from the year's non-draft
    notices and their allocations, shared as in the eligibility check (eligibility.received_shares).

    ``inputs``: the year's rows read by the caller (funding.year_inputs). The allocations of every notice
    starting in the year are then kept while no notice, allocation, programme or module changed (a post
    saved reads none of them again); the posts' categories and the allocations' order (their notice's,
    then the post's module number and title: the model's) come from ``inputs.posts``, the rates from
    ``inputs.rates`` – the rows and order the query without ``inputs`` reads."""
    if inputs is None:
        grant_ids = GrantAllocation.objects.filter(
            post_id__in=post_ids, grant__period_start__year=year, grant__is_draft=False, grant__cancelled_at=None
        ).values("grant_id")
        # plain rows with the fields received_shares reads, each notice built once (no model instances)
        rows = list(
            GrantAllocation.objects.filter(grant_id__in=grant_ids).values_list(
                "pk",
                "grant_id",
                "post_id",
                "fte",
                "start",
                "end",
                "post__category",
                *NOTICE_FIELDS,
            )
        )
        rates = {(r.programme_id, r.category): r.amount_per_fte for r in Rate.objects.filter(year=year)}
    else:
        posts = inputs.posts
        wanted_posts = set(post_ids)
        year_rows = inputs.part("notified", lambda: _notified_rows(year))
        grants_wanted = {row[1] for row in year_rows if row[2] in wanted_posts}
        rank = {grant_id: i for i, grant_id in enumerate(dict.fromkeys(row[1] for row in year_rows))}
        rows = sorted(
            (
                (pk, grant_id, post_id, fte, start, end, posts[post_id].category, *notice)
                for pk, grant_id, post_id, fte, start, end, *notice in year_rows
                if grant_id in grants_wanted
            ),
            key=lambda r: (rank[r[1]], posts[r[2]].module.number, posts[r[2]].title),
        )
        rates = inputs.rates
    if not rows:
        return {}
    grants: dict[int, SimpleNamespace] = {}
    siblings = []
    for (
        pk,
        grant_id,
        post_id,
        fte,
        start,
        end,
        category,
        programme_id,
        proration,
        p_start,
        p_end,
        approved,
        amount,
    ) in rows:
        grant = grants.get(grant_id)
        if grant is None:
            grant = grants[grant_id] = SimpleNamespace(
                programme_id=programme_id,
                programme=SimpleNamespace(proration=proration),
                period_start=p_start,
                period_end=p_end,
                approved_fte=approved,
                amount=amount,
            )
        siblings.append(
            SimpleNamespace(
                pk=pk,
                grant_id=grant_id,
                post_id=post_id,
                fte=fte,
                start=start,
                end=end,
                grant=grant,
                post=SimpleNamespace(category=category),
            )
        )
    shares = received_shares(siblings, rates)  # type: ignore[arg-type]  # plain stand-ins with the fields read
    result: dict[int, Decimal] = {}
    wanted = set(post_ids)
    for alloc in siblings:
        if alloc.post_id in wanted:
            result[alloc.post_id] = result.get(alloc.post_id, ZERO) + shares.get(alloc.pk, ZERO)
    return result
