"""Named figures and generated tables for papers: computed from the funding and post selectors.

Every figure a paper shows is one entry of ``FIGURES`` and traces to one selector in
``funding.selectors`` or ``modules.selectors``; nothing here does money arithmetic of its own
beyond summing selector results. A text names a figure as ``{{ forwarded_total }}`` (the paper's
programme year) or ``{{ grant_module_3:2020 }}`` (another year).

While a paper is a draft, figures and tables are computed live. Releasing a paper freezes them
into ``Paper.snapshot`` (formatted text plus the raw value), so later data changes never alter a
released paper; the preview of a released paper lists where today's data differs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from funding import selectors as fs
from funding.controlling import budget
from funding.models import BudgetKind, BudgetLine, CostPlan, ForwardingContract, Programme
from kim import figure_cache
from kim.money import ZERO, format_decimal, format_euro, format_fte, round_money
from kim.periods import year_end, year_start
from modules import selectors as ms
from modules.models import Post, PostCategory

EURO = "euro"
FTE = "fte"
COUNT = "count"
PERCENT = "percent"

# ``{{ name }}`` or ``{{ name:2020 }}``; anything else between double braces is reported as unknown.
MARKER = re.compile(r"\{\{\s*(.*?)\s*\}\}")
NAME = re.compile(r"^([a-z][a-z0-9_]*)(?::([0-9]{4}))?$")


@dataclass(frozen=True)
class Figure:
    label: str
    kind: str
    compute: Callable[[int], Decimal | int | None]


def _rate_module(number: int, category: str) -> Callable[[int], Decimal | None]:
    def compute(year: int) -> Decimal | None:
        programme = Programme.objects.filter(module__number=number).first()
        if programme is None:
            return None
        return fs.rates_for_year(year=year).get((programme.pk, category))

    return compute


def _grant_module(number: int) -> Callable[[int], Decimal | None]:
    def compute(year: int) -> Decimal | None:
        for row in fs.funding_by_module(year=year):
            if row.programme.module and row.programme.module.number == number:
                return round_money(row.granted)
        return None

    return compute


def _uniform(values: set) -> Decimal | None:
    """The common value of all posts, or None when they differ (then the text cannot say "per post")."""
    return values.pop() if len(values) == 1 else None


def _cost_plan_uniform(attr: str) -> Callable[[int], Decimal | None]:
    def compute(year: int) -> Decimal | None:
        return _uniform({getattr(plan, attr) for plan in CostPlan.objects.filter(year=year)})

    return compute


def _gap_per_post(year: int) -> Decimal | None:
    return fs.own_share_gap_summary(year=year).per_post


def _gap_total(year: int) -> Decimal:
    return round_money(fs.own_share_gap_summary(year=year).total_gap)


def _requested(year: int) -> Decimal:
    return round_money(
        sum((req.requested_amount for req, _rec in fs.own_share_requests_for_year(year=year)), start=ZERO)
    )


def _recommended(year: int) -> Decimal:
    return round_money(sum((rec for _req, rec in fs.own_share_requests_for_year(year=year)), start=ZERO))


def _budget_planned(kind: str) -> Callable[[int], Decimal]:
    def compute(year: int) -> Decimal:
        return fs.money_sum(BudgetLine.objects.filter(year=year, kind=kind), "planned_amount")

    return compute


def _forwarded_posts(year: int) -> int:
    return ForwardingContract.objects.first_level().in_force().filter(year=year).values("post").distinct().count()


FIGURES: dict[str, Figure] = {
    "rate_per_post": Figure(
        "Pauschale je VZÄ (Modul 2, Case Management)", EURO, _rate_module(2, PostCategory.CASE_MANAGEMENT)
    ),
    "rate_module_3": Figure("Pauschale je VZÄ (Modul 3)", EURO, _rate_module(3, PostCategory.FOREIGNERS_AUTHORITY)),
    "grant_module_1": Figure("Zuwendung Modul 1", EURO, _grant_module(1)),
    "grant_module_2": Figure("Zuwendung Modul 2", EURO, _grant_module(2)),
    "grant_module_3": Figure("Zuwendung Modul 3", EURO, _grant_module(3)),
    "forwarded_total": Figure("Weiterleitung an die Träger", EURO, lambda year: fs.forwarded_total(year=year)),
    "forwarded_posts": Figure("weitergeleitete Stellen", COUNT, _forwarded_posts),
    "carrier_personnel_per_post": Figure(
        "Personalkosten je Trägerstelle (Kostenplan)", EURO, _cost_plan_uniform("personnel")
    ),
    "carrier_overhead_per_post": Figure(
        "Sach- und Overheadkosten je Trägerstelle", EURO, _cost_plan_uniform("material_overhead")
    ),
    "gap_per_post": Figure("Eigenanteilslücke je Stelle", EURO, _gap_per_post),
    "gap_total": Figure("Eigenanteilslücke gesamt", EURO, _gap_total),
    "request_amount": Figure("beantragte Übernahme des Eigenanteils", EURO, _requested),
    "recommended_amount": Figure("empfohlene Übernahme des Eigenanteils", EURO, _recommended),
    "personnel_needs": Figure(
        "Personalbedarf der eigenen Stellen", EURO, lambda year: ms.county_personnel_needs(year=year).total
    ),
    "personnel_needs_fte": Figure(
        "VZÄ der eigenen Stellen", FTE, lambda year: ms.county_personnel_needs(year=year).fte
    ),
    "budget_income_planned": Figure("Haushaltsansatz Erträge", EURO, _budget_planned(BudgetKind.INCOME)),
    "budget_expense_planned": Figure("Haushaltsansatz Aufwendungen", EURO, _budget_planned(BudgetKind.EXPENSE)),
    "land_income_forecast": Figure(
        "Prognose Landeszuweisungen", EURO, lambda year: budget.land_income_forecast(year=year)
    ),
    "own_posts_expense": Figure(
        "Aufwand der eigenen Stellen", EURO, lambda year: budget.own_posts_share(year=year).total.expense
    ),
    "own_posts_notified": Figure(
        "bewilligte Zuwendungen für die eigenen Stellen",
        EURO,
        lambda year: budget.own_posts_share(year=year).total.notified,
    ),
    "own_posts_own_share": Figure(
        "Eigenanteil der eigenen Stellen", EURO, lambda year: budget.own_posts_share(year=year).total.own_share
    ),
    "own_posts_land_share": Figure(
        "Landesanteil am Aufwand der eigenen Stellen",
        PERCENT,
        lambda year: budget.own_posts_share(year=year).total.land_share_percent,
    ),
}


def format_figure(kind: str, value: Decimal | int | None) -> str:
    if value is None:
        return "n. v."
    if kind == EURO:
        return format_euro(value)
    if kind == FTE:
        return format_fte(value)
    if kind == PERCENT:
        return f"{format_decimal(value, 2)}\u00a0%"
    return str(value)


# --- tables ---------------------------------------------------------------------------------------


def _table(title: str, columns: list[tuple[str, str]], rows: list[list[str]], footer: list[str] | None = None) -> dict:
    """A generated table as JSON-ready data: (label, "l"|"r") columns, formatted cells."""
    return {"title": title, "columns": [{"label": c, "align": a} for c, a in columns], "rows": rows, "footer": footer}


def table_posts_by_module(year: int) -> dict:
    summaries, on = ms.posts_summary_by_module(year=year)
    rows = [
        [
            f"Modul {s.number}",
            s.name,
            str(s.posts),
            format_fte(s.fte),
            format_fte(s.own_fte),
            format_fte(s.forwarded_fte),
        ]
        for s in summaries
    ]
    total = [
        "Summe",
        "",
        str(sum(s.posts for s in summaries)),
        format_fte(sum((s.fte for s in summaries), start=ZERO)),
        format_fte(sum((s.own_fte for s in summaries), start=ZERO)),
        format_fte(sum((s.forwarded_fte for s in summaries), start=ZERO)),
    ]
    return _table(
        f"Stellen je Modul (Stichtag {on:%d.%m.%Y})",
        [
            ("Modul", "l"),
            ("Bezeichnung", "l"),
            ("Stellen", "r"),
            ("VZÄ", "r"),
            ("eigene VZÄ", "r"),
            ("weitergeleitet", "r"),
        ],
        rows,
        total,
    )


def table_posts_by_employer(year: int) -> dict:

    grouped = (
        Post.objects.active_in(year_start(year), year_end(year))
        .values("module__number", "employer__name")
        .annotate(posts=Count("pk"), fte=Sum("fte"))
        .order_by("module__number", "employer__name")
    )
    rows = [
        [f"Modul {g['module__number']}", g["employer__name"], str(g["posts"]), format_fte(g["fte"])] for g in grouped
    ]
    return _table(
        f"Stellen je Modul und Anstellungsträger {year}",
        [("Modul", "l"), ("Anstellungsträger", "l"), ("Stellen", "r"), ("VZÄ", "r")],
        rows,
        ["Summe", "", str(sum(g["posts"] for g in grouped)), format_fte(sum((g["fte"] for g in grouped), start=ZERO))],
    )


def table_funding_by_module(year: int) -> dict:
    rows_data = fs.funding_by_module(year=year)
    rows = [
        [
            str(r.programme.module) if r.programme.module else r.programme.name,
            str(len(r.grants)),
            format_euro(r.granted),
        ]
        for r in rows_data
    ]
    return _table(
        f"Förderung je Modul {year}",
        [("Modul / Programm", "l"), ("Bescheide", "r"), ("Zuwendung", "r")],
        rows,
        [
            "Summe",
            str(sum(len(r.grants) for r in rows_data)),
            format_euro(sum((r.granted for r in rows_data), start=ZERO)),
        ],
    )


def table_forwarding_by_carrier(year: int) -> dict:
    grouped = (
        ForwardingContract.objects.first_level()
        .in_force()
        .filter(year=year)
        .values("carrier__name")
        .annotate(posts=Count("post", distinct=True), total=Sum("amount"))
        .order_by("carrier__name")
    )
    rows = [[g["carrier__name"], str(g["posts"]), format_euro(round_money(g["total"]))] for g in grouped]
    return _table(
        f"Weiterleitung an die Träger {year}",
        [("Träger", "l"), ("Stellen", "r"), ("weitergeleitet", "r")],
        rows,
        ["Summe", str(sum(g["posts"] for g in grouped)), format_euro(fs.forwarded_total(year=year))],
    )


def table_own_share_gaps(year: int) -> dict:
    gaps = fs.own_share_gaps(cost_plans=CostPlan.objects.filter(year=year))
    rows = [
        [
            str(g.carrier),
            g.post.title,
            format_euro(g.cost_plan.personnel),
            format_euro(g.eligible),
            format_euro(g.gap),
            format_euro(g.uncovered_overhead),
        ]
        for g in gaps
    ]
    summary = fs.own_share_gap_summary(year=year)
    return _table(
        f"Eigenanteile der Trägerstellen {year}",
        [
            ("Träger", "l"),
            ("Stelle", "l"),
            ("Personalkosten", "r"),
            ("förderfähig", "r"),
            ("Lücke", "r"),
            ("Sach-/Overhead", "r"),
        ],
        rows,
        ["Summe", "", "", "", format_euro(summary.total_gap), format_euro(summary.total_overhead)],
    )


def table_budget_lines(year: int) -> dict:
    lines = budget.budget_lines_with_forecast(lines=BudgetLine.objects.filter(year=year))
    rows = [
        [
            r.line.teilprodukt,
            r.line.sachkonto,
            r.line.label,
            r.line.get_kind_display(),
            format_euro(r.line.planned_amount),
            format_euro(r.forecast) if r.forecast is not None else "–",
        ]
        for r in lines
    ]
    return _table(
        f"Haushalt {year}",
        [
            ("Teilprodukt", "l"),
            ("Sachkonto", "l"),
            ("Bezeichnung", "l"),
            ("Art", "l"),
            ("Ansatz", "r"),
            ("Prognose", "r"),
        ],
        rows,
    )


TABLES: dict[str, Callable[[int], dict]] = {
    "posts_by_module": table_posts_by_module,
    "posts_by_employer": table_posts_by_employer,
    "funding_by_module": table_funding_by_module,
    "forwarding_by_carrier": table_forwarding_by_carrier,
    "own_share_gaps": table_own_share_gaps,
    "budget_lines": table_budget_lines,
}


# --- resolving a paper's figures ------------------------------------------------------------------


@dataclass
class Problem:
    where: str
    message: str


@dataclass
class Difference:
    label: str
    frozen: str
    live: str


@dataclass
class Resolver:
    """Looks figures and tables up either live (computed once per key) or in a frozen snapshot."""

    year: int
    snapshot: dict | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    used: dict[str, dict] = field(default_factory=dict)
    used_tables: dict[str, dict] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    _stamp: str | None = None

    def stamp(self) -> str:
        """Live figures come from kim.figure_cache: the change stamp is read once per resolver."""
        if self._stamp is None:
            self._stamp = figure_cache.data_stamp()
        return self._stamp

    @staticmethod
    def _compute_figure(name: str, year: int) -> dict:
        figure = FIGURES[name]
        value = figure.compute(year)
        return {"value": None if value is None else str(value), "text": format_figure(figure.kind, value)}

    def figure(self, raw: str, where: str) -> str | None:
        match = NAME.match(raw)
        if not match or match.group(1) not in FIGURES:
            self.problems.append(Problem(where, f"Unbekannte Kennzahl „{raw}“."))
            return None
        name, year = match.group(1), int(match.group(2) or self.year)
        key = f"{name}@{year}"
        if self.snapshot is not None:
            entry = self.snapshot.get("figures", {}).get(key)
            if entry is None:
                self.problems.append(Problem(where, f"Kennzahl „{raw}“ fehlt in den eingefrorenen Zahlen."))
                return None
        else:
            if key not in self.cache:
                self.cache[key] = figure_cache.cached(
                    "paper-figure", (key, date.today()), lambda: self._compute_figure(name, year), stamp=self.stamp()
                )
            entry = self.cache[key]
            if entry["value"] is None:
                self.problems.append(
                    Problem(where, f"Kennzahl „{raw}“ lässt sich aus den Daten {year} nicht bestimmen.")
                )
        self.used[key] = entry
        return entry["text"]

    def table(self, kind: str, where: str) -> dict | None:
        if not kind:
            return None
        key = f"{kind}@{self.year}"
        if self.snapshot is not None:
            data = self.snapshot.get("tables", {}).get(key)
            if data is None:
                self.problems.append(Problem(where, "Tabelle fehlt in den eingefrorenen Zahlen."))
        elif kind not in TABLES:
            self.problems.append(Problem(where, f"Unbekannte Tabellenart „{kind}“."))
            data = None
        else:
            if key not in self.cache:
                self.cache[key] = figure_cache.cached(
                    "paper-table", (key, date.today()), lambda: TABLES[kind](self.year), stamp=self.stamp()
                )
            data = self.cache[key]
        if data is not None:
            self.used_tables[key] = data
        return data

    def as_snapshot(self) -> dict:
        return {"year": self.year, "figures": dict(self.used), "tables": dict(self.used_tables)}


def render_inline(text: str, resolver: Resolver, where: str) -> str:
    """Escape the text and replace figure markers; unknown ones are marked, never raised."""
    out = []
    pos = 0
    for match in MARKER.finditer(text):
        out.append(escape(text[pos : match.start()]))
        value = resolver.figure(match.group(1), where)
        if value is None:
            out.append(f'<span class="figure-missing">[{escape(match.group(1))}?]</span>')
        else:
            out.append(f'<span class="figure">{escape(value)}</span>')
        pos = match.end()
    out.append(escape(text[pos:]))
    return "".join(out)


def render_body(text: str, resolver: Resolver, where: str) -> SafeString:
    """Paragraphs split by blank lines; "## " starts a subheading, lines with "- " a bullet list."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()) if text.strip() else []
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if len(lines) == 1 and lines[0].startswith("## "):
            html.append(f"<h4>{render_inline(lines[0][3:], resolver, where)}</h4>")
        elif all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{render_inline(line[2:], resolver, where)}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(render_inline(line, resolver, where) for line in lines) + "</p>")
    return mark_safe("\n".join(html))


@dataclass
class RenderedSection:
    heading: str
    html: SafeString
    table: dict | None


@dataclass
class RenderedPaper:
    decisions: list[tuple[int, SafeString]]
    sections: list[RenderedSection]
    problems: list[Problem]
    resolver: Resolver
    differences: list[Difference] = field(default_factory=list)
    frozen: bool = False


def render_paper(paper, *, live: bool | None = None) -> RenderedPaper:
    """The paper's decision points and sections with figures and tables filled in.

    ``live=None``: a draft renders live, a released paper its snapshot (plus differences to
    today's data when ``live`` is left None and the paper is released: call ``differences``).
    """
    use_snapshot = paper.snapshot is not None and not live
    resolver = Resolver(year=paper.programme_year, snapshot=paper.snapshot if use_snapshot else None)
    decisions = [
        (item.order, render_body(item.text, resolver, f"Beschlusspunkt {item.order}"))
        for item in paper.decision_items.all()
    ]
    sections = [
        RenderedSection(s.heading, render_body(s.body, resolver, s.heading), resolver.table(s.table_kind, s.heading))
        for s in paper.sections.all()
    ]
    return RenderedPaper(decisions, sections, resolver.problems, resolver, frozen=use_snapshot)


def differences(paper, frozen: RenderedPaper) -> list[Difference]:
    """Where today's data differs from the figures and tables frozen at release."""
    live = render_paper(paper, live=True).resolver
    result = []
    for key, entry in frozen.resolver.used.items():
        now = live.used.get(key)
        name, year = key.split("@")
        label = f"{FIGURES[name].label} {year}" if name in FIGURES else key
        if now is not None and now["text"] != entry["text"]:
            result.append(Difference(label, entry["text"], now["text"]))
    for key, table in frozen.resolver.used_tables.items():
        now = live.used_tables.get(key)
        if now is not None and (now["rows"] != table["rows"] or now.get("footer") != table.get("footer")):
            result.append(Difference(f"Tabelle „{table['title']}“", "Stand der Freigabe", "heute abweichend"))
    return result
