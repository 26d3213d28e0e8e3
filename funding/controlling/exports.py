"""The exports of the controlling report pages (money flow, what-if, timelines, double funding).

Each declares its columns once (kim.exports.Column) from the same selector results the page shows,
so the file and the screen cannot disagree. Sheet titles are written out in full and fit Excel's 31
characters; headers are German (the views render them under ``kim.i18n.german``)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from funding.controlling.charts import flow_link_rows
from kim.exports import Column, Sheet
from kim.money import format_fte

if TYPE_CHECKING:
    from funding.controlling.selectors import FundingConflict, PostTimeline, ProgrammeFlow, WhatIf


def flow_export_sheets(flow: ProgrammeFlow) -> list[Sheet]:
    """The page's two tables: amounts per programme and recipient with the totals below, and the
    diagram's bands (from, to, amount)."""
    own_posts = _("eigene Stellen (Körperschaft)")
    rows: list[dict[str, Any]] = [
        {
            "programme": r.module,
            "recipient": r.carrier or own_posts,
            "amount": r.amount,
            "paid": r.paid if r.carrier else None,
        }
        for r in flow.rows
    ]
    rows += [
        {"programme": _("Landeszuweisungen (Bescheide)"), "amount": flow.land_total},
        {"programme": _("davon eigene Stellen"), "amount": flow.own_total},
        {"programme": _("davon weitergeleitet"), "amount": flow.forwarded_total, "paid": flow.paid_total},
    ]
    return [
        Sheet(
            _("Mittelfluss %(year)s") % {"year": flow.year},
            [
                Column(_("Programm"), "programme"),
                Column(_("Empfänger"), "recipient"),
                Column(_("Betrag"), "amount", "euro"),
                Column(_("gezahlt"), "paid", "euro"),
            ],
            rows,
        ),
        Sheet(
            _("Bänder des Diagramms %(year)s") % {"year": flow.year},
            [
                Column(_("Mittel von"), lambda r: str(r[0])),
                Column(_("Mittel an"), lambda r: str(r[1])),
                Column(_("Betrag"), lambda r: r[2], "euro"),
            ],
            flow_link_rows(flow),
        ),
    ]


def what_if_export_sheets(result: WhatIf) -> list[Sheet]:
    """Today's plan beside the assumption (every figure of the page) and the budget lines."""

    def change(row: tuple[Any, ...]) -> Decimal | None:
        return row[3]

    return [
        Sheet(
            _("Was-wäre-wenn %(year)s") % {"year": result.year},
            [
                Column(_("Größe"), lambda r: str(r[0])),
                Column(_("heute"), lambda r: r[1], "euro"),
                Column(_("Annahme"), lambda r: r[2], "euro"),
                Column(_("Veränderung"), change, "euro"),
            ],
            result.comparison(),
        ),
        Sheet(
            _("Haushaltspositionen %(year)s") % {"year": result.year},
            [
                Column(_("Teilprodukt"), lambda r: r[0].teilprodukt),
                Column(_("Sachkonto"), lambda r: r[0].sachkonto),
                Column(_("Bezeichnung"), lambda r: r[0].label),
                Column(_("Planansatz"), lambda r: r[0].planned_amount, "euro"),
                Column(_("Prognose heute"), lambda r: r[1], "euro"),
                Column(_("Prognose Annahme"), lambda r: r[2], "euro"),
                Column(_("Veränderung"), change, "euro"),
            ],
            result.budget_comparison(),
        ),
    ]


def timeline_note(row: PostTimeline) -> str:
    """The page's "Hinweis" column in words."""
    if row.funding_end is None:
        return _("keine Förderung zugeordnet")
    if row.gap_days is not None and row.gap_days > 0:
        return _("Vertrag läuft %(n)s Tage über die Förderung hinaus") % {"n": row.gap_days}
    if row.contract_end is None:
        return _("unbefristeter Vertrag, befristete Förderung")
    return ""


def timeline_export_sheets(rows: list[PostTimeline]) -> list[Sheet]:
    return [
        Sheet(
            _("Laufzeiten"),
            [
                Column(_("Stelle"), "post.title"),
                Column(_("Modul"), "post.module.number", "int"),
                Column(_("Anstellungsträger"), lambda t: str(t.post.employer) if t.post.employer_id else ""),
                Column(_("VZÄ"), "post.fte", "fte"),
                Column(_("Förderung bis"), "funding_end", "date"),
                Column(_("Förderung endet binnen Monaten"), "funding_horizon", "int"),
                Column(_("Vertrag befristet bis"), "contract_end", "date"),
                Column(_("Vertrag endet binnen Monaten"), "contract_horizon", "int"),
                Column(_("Tage Vertrag über Förderung hinaus"), "gap_days", "int"),
                Column(_("Hinweis"), timeline_note),
            ],
            rows,
        )
    ]


def double_funding_export_sheets(conflicts: list[FundingConflict]) -> list[Sheet]:
    return [
        Sheet(
            _("Doppel- und Überförderung"),
            [
                Column(_("Stelle"), "post.title"),
                Column(_("Anstellungsträger"), lambda c: str(c.post.employer) if c.post.employer_id else ""),
                Column(_("Art"), lambda c: str(c.kind_label)),
                Column(_("Programme"), lambda c: ", ".join(c.programmes)),
                Column(
                    _("Zuordnungen"),
                    lambda c: "; ".join(
                        f"{a.grant.programme.short_name} {format_fte(a.fte)} VZÄ" for a in c.allocations
                    ),
                ),
                Column(_("von"), "start", "date"),
                Column(_("bis"), "end", "date"),
                Column(_("gefördert (VZÄ)"), "funded_fte", "fte"),
                Column(_("Stellenanteil (VZÄ)"), "post.fte", "fte"),
                Column(_("Überschreitung (VZÄ)"), "excess_fte", "fte"),
            ],
            conflicts,
        )
    ]
