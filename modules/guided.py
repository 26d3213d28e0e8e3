"""Guided next steps of a post: buttons that open the next form already filled in.

A post is set up in four steps – occupancy, allocation to a grant notice, the carrier's cost plan,
the forwarding contract – on pages of two apps. The post page and the notice page offer the next
missing step as a link whose address pre-fills the form (kim.views.prefill_from_query checks each
value again). The allocations, contracts and cost plans come in already loaded through the post's
or the notice's relations, so no query runs here and this layer imports nothing above it; the
funding forms are named by their URL only. Only A 46 may use these forms; the pages show the steps
to A 46 alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kim.http import prefilled_url
from kim.money import format_fte

if TYPE_CHECKING:
    from modules.models import Post


@dataclass(frozen=True)
class Step:
    label: str
    url: str
    note: str = ""


def day(value) -> str:
    return date_format(value, "d.m.Y") if value else ""


def contract_steps(*, allocations: Iterable[Any], contracts: Iterable[Any], cost_plans: Iterable[Any]) -> list[Step]:
    """For every allocation of a carrier post that has no forwarding contract on its notice: the
    contract form pre-filled with notice, post and the allocation's period; when the post has no
    cost plan for that year, first the cost plan form, which then opens the contract form."""
    contract_keys = {(c.grant_id, c.post_id) for c in contracts}
    plan_keys = {(p.post_id, p.year) for p in cost_plans}
    steps = []
    for a in allocations:
        post = a.post
        if not post.employer.is_carrier or (a.grant_id, a.post_id) in contract_keys:
            continue
        year = a.start.year
        contract_url = prefilled_url(
            reverse("funding:forwarding_create"), grant=a.grant_id, post=a.post_id, start=day(a.start), end=day(a.end)
        )
        if (a.post_id, year) in plan_keys:
            steps.append(
                Step(
                    _("Weiterleitungsvertrag %(y)s für „%(p)s“ anlegen") % {"y": year, "p": post.title},
                    contract_url,
                )
            )
        else:
            steps.append(
                Step(
                    _("Kostenplan %(y)s für „%(p)s“ anlegen") % {"y": year, "p": post.title},
                    prefilled_url(reverse("funding:costplan_create"), post=a.post_id, year=year, next=contract_url),
                    _("Danach öffnet sich der Weiterleitungsvertrag, schon ausgefüllt."),
                )
            )
    return steps


def post_steps(
    *, post: Post, occupancies: list[Any], allocations: list[Any], contracts: list[Any], cost_plans: list[Any]
) -> list[Step]:
    """The post's next steps: record the occupancy (none yet), allocate it to a notice (none yet),
    then per allocation the cost plan and the forwarding contract (carrier posts)."""
    steps = []
    if not occupancies:
        steps.append(
            Step(
                _("Besetzung erfassen"),
                prefilled_url(
                    reverse("modules:occupancy_create", args=[post.pk]),
                    start=day(post.start),
                    end=day(post.end),
                    fte=format_fte(post.fte),
                ),
                _("Vorbelegt mit Laufzeit und Stellenanteil der Stelle."),
            )
        )
    if not allocations:
        steps.append(
            Step(
                _("Einem Förderbescheid zuordnen"),
                reverse("funding:allocation_choose", args=[post.pk]),
                _("Passende Bescheide des Moduls zur Auswahl, die Zuordnung schon ausgefüllt."),
            )
        )
    steps += contract_steps(allocations=allocations, contracts=contracts, cost_plans=cost_plans)
    return steps
