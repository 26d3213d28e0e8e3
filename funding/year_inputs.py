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
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from funding.models import CostPlan, GrantAllocation, GrantNotice, OwnShareTopUp, Programme, Rate
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
    siblings: list[Row] = field(default_factory=list)  # every allocation of those notices (in_scope: meets the year)

    @property
    def plans(self) -> dict[int, Decimal]:
        """post_id -> the personnel costs of the year's cost plan (eligibility's ``plans``)."""
        return {post_id: plan.personnel for post_id, plan in self.cost_plans.items()}


def year_inputs(*, year: int) -> YearInputs:
    """Read ``year``'s inputs once: eleven queries, whatever the number of posts."""
    ys, ye = year_start(year), year_end(year)
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
    kim_programmes = {p.module_id: p for p in programmes.values() if p.module_id is not None}
    modules = {
        pk: ModuleRow(pk=pk, number=number, name=name)
        for pk, number, name in Module.objects.values_list("pk", "number", "name")
    }
    posts = {
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
    occupancies: dict[int, list[Row]] = defaultdict(list)
    for post_id, start, end, fte in Occupancy.objects.order_by("start").values_list("post_id", "start", "end", "fte"):
        occupancies[post_id].append(Row(start=start, end=end, fte=fte))
    inputs = YearInputs(
        year=year,
        rates={
            (programme_id, category): amount
            for programme_id, category, amount in Rate.objects.filter(year=year)
            .order_by()
            .values_list("programme_id", "category", "amount_per_fte")
        },
        programmes=programmes,
        kim_programmes=kim_programmes,
        modules=modules,
        cost_rates=dict(CostRate.objects.filter(year=year).order_by().values_list("category", "amount_per_fte")),
        posts=posts,
        occupancies=dict(occupancies),
        entered=dict(PersonnelCost.objects.filter(year=year).order_by().values_list("post_id", "amount")),
        cost_plans={
            post_id: Row(pk=pk, year=year, personnel=personnel, material_overhead=overhead)
            for pk, post_id, personnel, overhead in CostPlan.objects.filter(year=year)
            .order_by()
            .values_list("pk", "post_id", "personnel", "material_overhead")
        },
        top_up_per_fte=OwnShareTopUp.objects.filter(year=year).values_list("amount_per_fte", flat=True).first(),
    )
    # the year's in-force notices (drafts have paid nothing yet) and every allocation of them: the
    # siblings share a notice's money; an allocation is in scope when it meets the year
    in_year = GrantAllocation.objects.filter(
        start__lte=ye, end__gte=ys, grant__is_draft=False, grant__cancelled_at=None
    )
    for pk, programme_id, period_start, period_end, approved_fte, amount in GrantNotice.objects.filter(
        pk__in=in_year.values("grant_id")
    ).values_list("pk", "programme_id", "period_start", "period_end", "approved_fte", "amount"):
        inputs.grants[pk] = Row(
            pk=pk,
            programme_id=programme_id,
            programme=programmes[programme_id],
            period_start=period_start,
            period_end=period_end,
            approved_fte=approved_fte,
            amount=amount,
        )
    for pk, grant_id, post_id, start, end, fte in (
        GrantAllocation.objects.filter(grant_id__in=list(inputs.grants))
        .order_by("post_id", "start", "pk")
        .values_list("pk", "grant_id", "post_id", "start", "end", "fte")
    ):
        inputs.siblings.append(
            Row(
                pk=pk,
                grant_id=grant_id,
                post_id=post_id,
                start=start,
                end=end,
                fte=fte,
                in_scope=start <= ye and end >= ys,
                grant=inputs.grants[grant_id],
                post=posts[post_id],
            )
        )
    return inputs
