"""One year's inputs of the money figures, read once as plain rows (issue 17).

The dashboard computes the repayment risks (funding.controlling.eligibility), the carriers' own-share
gaps (funding.selectors.own_share_gap_summary), the Land income forecast and the own posts' material
costs (funding.controlling.budget) from the same rates, programmes, posts, allocations, notices,
occupancies and cost figures. Each read them again, as model instances or with joins compiled anew;
``YearInputs`` reads every one of them once, in a fixed number of queries whatever the number of posts,
into plain stand-ins with just the fields the computations read (no model instances). The functions
that take ``inputs=`` compute exactly what they computed from their own reads: the rows here are the
same rows, only read once (tests/funding/test_year_inputs.py compares them on the demo)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from funding.models import CostPlan, GrantAllocation, GrantNotice, OwnShareTopUp, Programme, Rate
from kim import figure_cache
from kim.periods import year_end, year_start
from modules.models import CostRate, Module, Occupancy, PersonnelCost, Post


class Row(SimpleNamespace):
    """A plain stand-in for a model row with just the fields the computations read (light to build)."""


class ProgrammeRow(Row):
    """A programme's stand-in; shown by its short name, as the model is."""

    def __str__(self) -> str:
        return self.short_name


class ModuleRow(Row):
    """A module's stand-in; shown as the model is."""

    def __str__(self) -> str:
        return Module.__str__(self)  # type: ignore[arg-type]  # reads number and name only


class AllocationRow:
    """An allocation's stand-in (several thousand a year at county scale): slots, built positionally,
    a third of the cost of a ``Row``; the same fields, read-only like every row here."""

    __slots__ = ("pk", "grant_id", "post_id", "start", "end", "fte", "in_scope", "grant", "post")

    def __init__(self, pk, grant_id, post_id, start, end, fte, in_scope, grant, post) -> None:  # noqa: PLR0913
        self.pk, self.grant_id, self.post_id, self.start, self.end = pk, grant_id, post_id, start, end
        self.fte, self.in_scope, self.grant, self.post = fte, in_scope, grant, post


@dataclass
class YearInputs:
    year: int
    rates: dict[tuple[int, str], Decimal]  # (programme_id, category) -> rate per VZÄ of the year
    programmes: dict[int, ProgrammeRow]  # pk -> programme (pk, module_id, short_name, proration, personnel_costs_only)
    kim_programmes: dict[int, ProgrammeRow]  # module_id -> programme (kim_programmes_by_module)
    modules: dict[int, ModuleRow]  # pk -> module (number, name)
    cost_rates: dict[str, Decimal]  # category -> the county's cost rate of the year
    posts: dict[int, Row]  # every post: pk, title, module (number), module_id, category, fte, start, end, employer_kind
    occupancies: dict[int, list[Row]]  # post_id -> occupancies (start, end, fte) by start
    entered: dict[int, Decimal]  # post_id -> personnel cost entered for the year
    cost_plans: dict[int, Row]  # post_id -> the year's cost plan (pk, year, personnel, material_overhead)
    top_up_per_fte: Decimal | None  # the year's decided own-share top-up per VZÄ
    grants: dict[int, Row] = field(default_factory=dict)  # the year's in-force non-draft notices
    siblings: list[AllocationRow] = field(
        default_factory=list
    )  # every allocation of those notices (in_scope: meets the year)
    stamp: str | None = None  # the change stamp the parts were kept under (None: read afresh)
    extra: tuple[str, ...] = ()  # the history models ``stamp`` was read with beyond the default ones

    def part(self, name: str, compute: Callable[[], Any]) -> Any:
        """``compute()`` kept in this process under the stamp of the tables ``PART_TABLES[name]`` (names
        joined by ``+``: the tables of each); read afresh without a stamp."""
        return _part(self.year, self.stamp, self.extra, name, compute)

    @property
    def plans(self) -> dict[int, Decimal]:
        """post_id -> the personnel costs of the year's cost plan (eligibility's ``plans``)."""
        return {post_id: plan.personnel for post_id, plan in self.cost_plans.items()}


# The history models of the tables each part of ``year_inputs`` reads: with a change stamp each part is
# kept in this process under its own part of the stamp (kim.figure_cache.sub_stamp), so a post saved –
# the everyday write – reads the posts again and keeps the occupancies, cost plans, rates, notices and
# allocations it read before. A part's key holds every table its query reads, so it is never stale.
PART_TABLES: dict[str, tuple[str, ...]] = {
    # the programmes in their model's order (module number, name)
    "programmes": ("funding.historicalprogramme", "modules.historicalmodule"),
    "modules": ("modules.historicalmodule",),
    "posts": ("modules.historicalpost", "kim.historicalorganisation"),
    "occupancies": ("modules.historicaloccupancy",),
    "rates": ("funding.historicalrate",),
    "cost-rates": ("modules.historicalcostrate",),
    "entered": ("modules.historicalpersonnelcost",),
    "cost-plans": ("funding.historicalcostplan",),
    "top-up": ("funding.historicalownsharetopup",),
    # the notices in their model's order (programme's module number, …)
    "allocations": (
        "funding.historicalgrantnotice",
        "funding.historicalgrantallocation",
        "funding.historicalprogramme",
        "modules.historicalmodule",
    ),
    # the allocations of the notices starting in the year (funding.controlling.budget.own_posts_notified)
    "notified": (
        "funding.historicalgrantnotice",
        "funding.historicalgrantallocation",
        "funding.historicalprogramme",
        "modules.historicalmodule",
    ),
}


def year_inputs(*, year: int, stamp: str | None = None, extra: tuple[str, ...] = ()) -> YearInputs:
    """Read ``year``'s inputs once: eleven queries, whatever the number of posts.

    ``stamp``: ``kim.figure_cache.data_stamp(extra)`` read by the caller. Each part is then kept in this
    process while none of the tables it reads changed (``PART_TABLES``); the parts are the rows a fresh
    read gives, and are shared read-only between requests (nothing computed from them changes them)."""

    def part(name: str, compute: Callable[[], Any]) -> Any:
        return _part(year, stamp, extra, name, compute)

    ys, ye = year_start(year), year_end(year)
    programmes, kim_programmes = part("programmes", _programmes)
    modules = part("modules", _modules)
    posts = part("posts+modules", lambda: _posts(modules))
    grants, allocations = part("allocations", lambda: _allocations(ys, ye))
    inputs = YearInputs(
        year=year,
        rates=part("rates", lambda: _rates(year)),
        programmes=programmes,
        kim_programmes=kim_programmes,
        modules=modules,
        cost_rates=part(
            "cost-rates",
            lambda: dict(CostRate.objects.filter(year=year).order_by().values_list("category", "amount_per_fte")),
        ),
        posts=posts,
        occupancies=part("occupancies", _occupancies),
        entered=part(
            "entered",
            lambda: dict(PersonnelCost.objects.filter(year=year).order_by().values_list("post_id", "amount")),
        ),
        cost_plans=part("cost-plans", lambda: _cost_plans(year)),
        top_up_per_fte=part(
            "top-up",
            lambda: OwnShareTopUp.objects.filter(year=year).values_list("amount_per_fte", flat=True).first(),
        ),
        stamp=stamp,
        extra=extra,
    )
    # the year's in-force notices (drafts have paid nothing yet) and every allocation of them: the
    # siblings share a notice's money; an allocation is in scope when it meets the year
    for pk, programme_id, period_start, period_end, approved_fte, amount in grants:
        inputs.grants[pk] = Row(
            pk=pk,
            programme_id=programme_id,
            programme=programmes[programme_id],
            period_start=period_start,
            period_end=period_end,
            approved_fte=approved_fte,
            amount=amount,
        )
    grants_by_pk = inputs.grants
    inputs.siblings = [
        AllocationRow(
            pk, grant_id, post_id, start, end, fte, start <= ye and end >= ys, grants_by_pk[grant_id], posts[post_id]
        )
        for pk, grant_id, post_id, start, end, fte in allocations
    ]
    return inputs


def _part(year: int, stamp: str | None, extra: tuple[str, ...], name: str, compute: Callable[[], Any]) -> Any:
    if stamp is None:
        return compute()
    labels = tuple(sorted({label for part_name in name.split("+") for label in PART_TABLES[part_name]}))
    return figure_cache.cached(
        "year-inputs-" + name,
        (year,),
        compute,
        stamp=figure_cache.sub_stamp(stamp, extra=extra, labels=labels),
        share=False,
    )


def _programmes() -> tuple[dict[int, ProgrammeRow], dict[int, ProgrammeRow]]:
    programmes = {
        pk: ProgrammeRow(
            pk=pk,
            module_id=module_id,
            short_name=short_name,
            proration=proration,
            personnel_costs_only=personnel_costs_only,
        )
        # in the model's order (module, name), as funding.selectors.kim_programmes_by_module reads them
        for pk, module_id, short_name, proration, personnel_costs_only in Programme.objects.values_list(
            "pk", "module_id", "short_name", "proration", "personnel_costs_only"
        )
    }
    # kim_programmes_by_module: the last of a module's programmes in that order
    return programmes, {p.module_id: p for p in programmes.values() if p.module_id is not None}


def _modules() -> dict[int, ModuleRow]:
    return {
        pk: ModuleRow(pk=pk, number=number, name=name)
        for pk, number, name in Module.objects.values_list("pk", "number", "name")
    }


def _posts(modules: dict[int, ModuleRow]) -> dict[int, Row]:
    return {
        pk: Row(
            pk=pk,
            title=title,
            module_id=module_id,
            module=modules[module_id],
            category=category,
            fte=fte,
            start=start,
            end=end,
            employer_kind=employer_kind,
            employer=Row(kind=employer_kind),
        )
        for pk, title, module_id, category, fte, start, end, employer_kind in Post.objects.order_by().values_list(
            "pk", "title", "module_id", "category", "fte", "start", "end", "employer__kind"
        )
    }


def _occupancies() -> dict[int, list[Row]]:
    occupancies: dict[int, list[Row]] = defaultdict(list)
    for post_id, start, end, fte in Occupancy.objects.order_by("start").values_list("post_id", "start", "end", "fte"):
        occupancies[post_id].append(Row(start=start, end=end, fte=fte))
    return dict(occupancies)


def _rates(year: int) -> dict[tuple[int, str], Decimal]:
    return {
        (programme_id, category): amount
        for programme_id, category, amount in Rate.objects.filter(year=year)
        .order_by()
        .values_list("programme_id", "category", "amount_per_fte")
    }


def _cost_plans(year: int) -> dict[int, Row]:
    return {
        post_id: Row(pk=pk, year=year, personnel=personnel, material_overhead=overhead)
        for pk, post_id, personnel, overhead in CostPlan.objects.filter(year=year)
        .order_by()
        .values_list("pk", "post_id", "personnel", "material_overhead")
    }


def _allocations(ys: date, ye: date) -> tuple[list[tuple], list[tuple]]:
    """The year's in-force notices and every allocation of them, as plain tuples (two queries)."""
    in_year = GrantAllocation.objects.filter(
        start__lte=ye, end__gte=ys, grant__is_draft=False, grant__cancelled_at=None
    )
    grants = list(
        GrantNotice.objects.filter(pk__in=in_year.values("grant_id")).values_list(
            "pk", "programme_id", "period_start", "period_end", "approved_fte", "amount"
        )
    )
    allocations = list(
        GrantAllocation.objects.filter(grant_id__in=[g[0] for g in grants])
        .order_by("post_id", "start", "pk")
        .values_list("pk", "grant_id", "post_id", "start", "end", "fte")
    )
    return grants, allocations
