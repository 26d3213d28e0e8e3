"""The A 46 dashboard (`/?year=2021`) and the carrier home. Every figure comes from a named selector."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.db.models import Max
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from casemanagement import selectors as cm
from committee import selectors as committee_selectors
from funding import selectors
from funding.controlling import budget, eligibility
from funding.controlling import selectors as controlling_selectors
from funding.models import BudgetLine, ForecastBasis, ForwardingContract, GrantNotice
from funding.year_inputs import year_inputs
from kim import figure_cache
from kim.charts import Series, bar_chart_svg, column_chart_svg
from kim.models import Role
from kim.money import ZERO
from kim.selectors import body_current
from kim.years import remembered_year
from modules.selectors import county_personnel_needs, posts_summary_by_module


def available_years() -> list[int]:
    years = set(
        GrantNotice.objects.order_by().annotate(y=ExtractYear("period_start")).values_list("y", flat=True).distinct()
    )
    years |= set(BudgetLine.objects.order_by().values_list("year", flat=True).distinct())
    years.add(date.today().year)
    return sorted(years)


def chosen_year(request: HttpRequest) -> tuple[int, str]:
    """The dashboard's year and, when it is not this year by default, why: ?year= if valid, else the
    year remembered in the session (shown with a way to clear it, kim.years), else this year if a
    grant period starts in it, else the latest such year before it (and the page says so)."""
    remembered = remembered_year(request)
    if remembered is not None:
        return remembered, ""
    this_year = date.today().year
    # the latest year up to this one whose grants start in it: one query for all years, not one per year
    latest = GrantNotice.objects.filter(period_start__lte=date(this_year, 12, 31)).aggregate(m=Max("period_start"))["m"]
    if latest is None:
        return this_year, _("Es gibt noch keine Bewilligungsbescheide; angezeigt wird das laufende Jahr.")
    if latest.year == this_year:
        return this_year, ""
    return latest.year, _(
        "Für %(this)s gibt es noch keinen Bewilligungsbescheid; angezeigt wird %(latest)s, das letzte Jahr mit Daten."
    ) % {"this": this_year, "latest": latest.year}


def posts_by_module_chart(*, modules, year: int):
    """Bar chart of VZÄ per module (total and occupied) – the same figures as the table beside it."""
    return bar_chart_svg(
        title=_("VZÄ je Modul %(year)s") % {"year": year},
        description=_(
            "Balken je Modul: Vollzeitäquivalente insgesamt und davon besetzt; die Zahlen stehen auch in der Tabelle."
        ),
        categories=[_("Modul %(n)s") % {"n": m.number} for m in modules],
        series=[
            Series(_("VZÄ gesamt"), [m.fte for m in modules]),
            Series(_("davon besetzt"), [m.occupied_fte for m in modules]),
        ],
        width=500,
    )


# the due list also reads returns and committee work: their history tables join the change stamp
TODO_STAMP_EXTRA = (
    "casemanagement.historicalcaseloadreturn",
    "committee.historicalmeeting",
    "committee.historicalpaper",
    "committee.historicalconsultation",
    "committee.historicalagendaitem",
)
RETURNS_STAMP = ("casemanagement.historicalcaseloadreturn",)
# the due list's parts that read no post, each with the history models of every table it reads (a post
# saved leaves them cached): the proofs of use (obligations only), the notices without allocation
# (notices, their programmes, allocations) and which contracts lack a cost plan (contracts and cost
# plans; the posts' titles and carriers' names shown are read afresh, by key, only when there are some)
PROOFS_STAMP = ("funding.historicalproofobligation",)
NOTICES_STAMP = ("funding.historicalgrantnotice", "funding.historicalprogramme", "funding.historicalgrantallocation")
CONTRACTS_PLAN_STAMP = ("funding.historicalforwardingcontract", "funding.historicalcostplan")


def todo_context(*, role: str, today: date, stamp: str | None = None) -> dict[str, Any]:
    """What is due in front of A 46 (returns to review, returns missing per carrier, proofs of use
    due from the carriers and to the Land, contracts without cost plan, notices without allocation)
    and of the committee staff (past meetings without results, released papers on no agenda). Each
    links to the page that resolves it. Counts of months and documents, never of cases. With
    ``stamp`` (``data_stamp(TODO_STAMP_EXTRA)``) the months returned per post – a scan of every
    return – come from the cache while no return changed, and the proofs, notices and contracts due
    (``PROOFS_STAMP`` …) while none of the tables they read changed: a post saved recomputes only
    the returns missing per carrier."""
    if role == Role.ADMIN:
        returned = review_count = None
        if stamp is not None:
            # the returns' own part of the stamp: a post or a payment written leaves these cached
            returns_stamp = figure_cache.sub_stamp(stamp, extra=TODO_STAMP_EXTRA, labels=RETURNS_STAMP)
            returned = figure_cache.cached("returned-months", (), cm.returned_months_by_post, stamp=returns_stamp)
            review_count = figure_cache.cached("returns-review", (), cm.returns_waiting_for_review, stamp=returns_stamp)
        return {
            "review_count": cm.returns_waiting_for_review() if review_count is None else review_count,
            "missing_by_carrier": cm.missing_returns_by_carrier(today=today, returned=returned),
            "proofs_due": _section(
                "todo-proofs-due",
                (today.isoformat(),),
                lambda: controlling_selectors.proofs_due_by_kind(today=today),
                stamp=stamp,
                extra=TODO_STAMP_EXTRA,
                labels=PROOFS_STAMP,
            ),
            "contracts_without_plan": selectors.contracts_without_cost_plan()
            if stamp is None
            else selectors.contracts_without_cost_plan(
                ids=_section(
                    "todo-contracts-without-plan",
                    (),
                    selectors.contracts_without_cost_plan_ids,
                    stamp=stamp,
                    extra=TODO_STAMP_EXTRA,
                    labels=CONTRACTS_PLAN_STAMP,
                )
            ),
            "notices_without_allocation": _section(
                "todo-notices-without-allocation",
                (),
                selectors.notices_without_allocation,
                stamp=stamp,
                extra=TODO_STAMP_EXTRA,
                labels=NOTICES_STAMP,
            ),
        }
    if role == Role.COMMITTEE:
        return {
            "meetings_without_results": list(committee_selectors.meetings_without_results(today=today)),
            "papers_unscheduled": list(committee_selectors.papers_not_on_an_agenda()),
        }
    return {}


def cached_todo_context(*, role: str, stamp: str) -> dict[str, Any]:
    today = date.today()
    return figure_cache.cached(
        "dashboard-todo",
        (role, today.isoformat()),
        lambda: todo_context(role=role, today=today, stamp=stamp),
        stamp=stamp,
    )


def dashboard_todo_html(todo: dict[str, Any], *, role: str, stamp: str) -> str:
    """The "Zu erledigen" card rendered once per change stamp, role, day and language (the same key as
    ``cached_todo_context``): at county scale it lists the missing months of about a hundred carriers,
    a link and a plural each, which cost more per request than everything else of the cached page."""
    html = figure_cache.cached(
        "dashboard-todo-html",
        (role, date.today().isoformat()),
        lambda: render_to_string("dashboard/_todo.html", {"todo": todo}),
        stamp=stamp,
    )
    return mark_safe(html)  # our own autoescaped render, kept as it was


# Sections that read no post, each with the history models of every table it reads: cached under their
# own part of the stamp, so a post saved (the everyday write) does not compute them again.
FUNDING_STAMP = (
    "funding.historicalprogramme",
    "funding.historicalgrantnotice",
    "modules.historicalmodule",
    "kim.historicalorganisation",
)
CONTRACTS_STAMP = ("funding.historicalforwardingcontract",)
# the posts' funding ends (the timelines): allocations and whether their notices are cancelled
ALLOCATIONS_STAMP = ("funding.historicalgrantallocation", "funding.historicalgrantnotice")
PAYMENTS_STAMP = ("funding.historicalcarrierpayment", "funding.historicalforwardingcontract")


def _section(name: str, parts: tuple, compute: Callable[[], Any], *, stamp: str | None, extra: tuple, labels: tuple):
    if stamp is None:
        return compute()
    return figure_cache.cached(name, parts, compute, stamp=figure_cache.sub_stamp(stamp, extra=extra, labels=labels))


def dashboard_context(
    *, year: int, include_proofs: bool = True, stamp: str | None = None, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Every figure below the due list. ``stamp``: ``figure_cache.data_stamp(extra)`` if the caller has
    read it: the sections that read no post are then cached under their own part of it, and the
    budget forecasts' cache does not read the stamp again."""
    today = date.today()
    funding = _section(
        "dashboard-funding",
        (year,),
        lambda: selectors.funding_by_module(year=year),
        stamp=stamp,
        extra=extra,
        labels=FUNDING_STAMP,
    )
    overdue = _section(
        "dashboard-overdue",
        (today.isoformat(),),
        lambda: controlling_selectors.overdue_payments(today=today).count(),
        stamp=stamp,
        extra=extra,
        labels=PAYMENTS_STAMP,
    )
    # what the body forwarded in the year and by how many contracts: read from the contracts alone
    forwarded_total, forwarding_count = _section(
        "dashboard-forwarded",
        (year,),
        lambda: (
            selectors.forwarded_total(year=year),
            ForwardingContract.objects.first_level().in_force().filter(year=year).count(),
        ),
        stamp=stamp,
        extra=extra,
        labels=CONTRACTS_STAMP,
    )
    # the posts' funding ends for the timelines read no post: kept while no allocation or notice changed
    ends = None
    if stamp is not None:
        ends = _section(
            "dashboard-funding-ends",
            (),
            controlling_selectors.funding_ends,
            stamp=stamp,
            extra=extra,
            labels=ALLOCATIONS_STAMP,
        )
    read_stamp, stamp = stamp, None if stamp is None else figure_cache.default_part(stamp, extra=extra)
    # the year's rates, programmes, posts, allocations, occupancies and cost figures as plain rows, read
    # once for the risks, the carriers' gaps, the Land income, the own posts' costs and the posts per module
    # (funding.year_inputs)
    inputs = year_inputs(year=year, stamp=read_stamp, extra=extra)
    modules, stichtag = posts_summary_by_module(year=year, rows=inputs)
    # read once: the own posts' share and the budget lines' forecasts of the year use the same figures
    personnel_needs = county_personnel_needs(year=year, rows=inputs)
    land_income = budget.land_income_forecast(year=year, inputs=inputs)
    known = {(ForecastBasis.LAND_INCOME, year): land_income, (ForecastBasis.OWN_PERSONNEL, year): personnel_needs.total}
    # the lines and their actuals read no post: kept while none of the tables they read changed
    lines = _section(
        "dashboard-budget-lines",
        (year,),
        lambda: list(budget.with_budget_actuals(BudgetLine.objects.filter(year=year))),
        stamp=read_stamp,
        extra=extra,
        labels=budget.ACTUALS_TABLES,
    )
    budget_rows = budget.budget_lines_with_forecast(lines=lines, stamp=stamp, known=known)
    totals = {
        "posts": sum(m.posts for m in modules),
        "fte": sum((m.fte for m in modules), start=ZERO),
        "own_fte": sum((m.own_fte for m in modules), start=ZERO),
        "forwarded_fte": sum((m.forwarded_fte for m in modules), start=ZERO),
        "occupied_fte": sum((m.occupied_fte for m in modules), start=ZERO),
        "vacant_fte": sum((m.vacant_fte for m in modules), start=ZERO),
        "granted": sum((f.granted for f in funding), start=ZERO),
    }
    return {
        "year": year,
        "stichtag": stichtag,
        "modules": modules,
        "modules_chart": posts_by_module_chart(modules=modules, year=year),
        "module_totals": totals,
        "funding": funding,
        "forwarded_total": forwarded_total,
        "forwarding_count": forwarding_count,
        "gaps": selectors.own_share_gap_summary(year=year, inputs=inputs),
        "requests": selectors.own_share_requests_for_year(year=year),
        "personnel_needs": personnel_needs,
        "budget": budget_rows,
        "land_income_forecast": land_income,
        "own_posts": budget.own_posts_share(year=year, needs=personnel_needs, inputs=inputs),
        "repayment_risks": eligibility.repayment_risk_list(year=year, inputs=inputs),
        # carriers' proofs of use are not committee business (their pages answer 403)
        "proofs_due": controlling_selectors.proofs_due_soon() if include_proofs else [],
        "overdue_payments": overdue,
        **dashboard_timelines(ends=ends),
    }


DASHBOARD_TIMELINES = 20


def dashboard_timelines(*, ends: dict[int, date] | None = None) -> dict[str, Any]:
    """The most urgent post timelines (at most ``DASHBOARD_TIMELINES``; a county has several hundred
    flagged posts) and how many are flagged in total; the page links to all of them. ``ends``: the
    posts' funding ends (``funding_ends``), kept by the caller while no allocation or notice changed."""
    # the ranking on bare posts (several hundred), the shown ones read in full: one query more, hundreds
    # of employers and modules fewer built on the first request after a write
    flagged = controlling_selectors.post_timelines(flagged_only=True, bare=True, ends=ends)
    urgent = controlling_selectors.most_urgent_timelines(flagged, DASHBOARD_TIMELINES)
    return {
        "timelines": controlling_selectors.with_full_posts(urgent),
        "timelines_total": len(flagged),
    }


def cached_dashboard_context(
    *, year: int, include_proofs: bool = True, stamp: str | None = None, extra: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``dashboard_context`` from the cache while no data it reads has changed (kim.figure_cache);
    keyed by year, role view and today (deadlines and overdue payments depend on the day) and by the
    kim/modules/funding part of ``stamp`` (``data_stamp(extra)``: a return written leaves it)."""
    stamp = figure_cache.data_stamp(extra) if stamp is None else stamp
    return figure_cache.cached(
        "dashboard",
        (year, include_proofs, date.today().isoformat()),
        lambda: dashboard_context(year=year, include_proofs=include_proofs, stamp=stamp, extra=extra),
        stamp=figure_cache.default_part(stamp, extra=extra),
        share=False,  # kept in this process, never pickled; other processes share the rendered HTML
    )


def dashboard_body_html(ctx: dict[str, Any], *, include_proofs: bool, stamp: str) -> str:
    """The dashboard below the year switch, rendered once per change stamp with the same key as its
    figures: at county scale the risk list and the timelines are several hundred rows, and
    rendering them cost more than reading the cached figures."""
    body = body_current()
    html = figure_cache.cached(
        "dashboard-html",
        (ctx["year"], include_proofs, date.today().isoformat(), body.short_name),
        lambda: render_to_string("dashboard/_body.html", {**ctx, "body": body}),
        stamp=stamp,
    )
    return mark_safe(html)  # our own autoescaped render, kept as it was


def open_cases_chart(*, user) -> dict[str, Any]:
    """The carrier's own open cases at each month end (the current month: today), chart and table."""
    rows = [(f"{m:02d}/{y}", n) for y, m, n in cm.open_cases_by_month(user=user)]
    chart = column_chart_svg(
        title=_("Offene Fälle am Monatsende"),
        description=_(
            "Eine Säule je Monat der letzten zwölf Monate, der laufende Monat mit dem Stand von heute. "
            "Die Zahlen stehen auch in der Tabelle darunter."
        ),
        categories=[label for label, _n in rows],
        series=[Series(_("offene Fälle"), [n for _label, n in rows])],
        width=760,
        plot_height=160,
    )
    return {"open_rows": rows, "open_chart": chart}
