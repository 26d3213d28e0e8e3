"""Writes about money. Cross-row rules (forwardings ≤ grant, no double funding, funded shares ≤ FTE)
run under transaction.atomic() with the rows they depend on locked (select_for_update), so two
concurrent requests cannot both pass the check."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from funding.models import (
    BudgetLine,
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    Programme,
    Rate,
)
from funding.selectors import forwarded_for_grant, forwarding_amount
from kim.models import OrganisationKind
from kim.money import format_euro, format_fte
from kim.periods import overlaps
from kim.services import apply_fields, save_validated
from modules.models import Post
from modules.selectors import occupied_segments, post_active_days


def _d(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "offen"


def rate_save(*, rate: Rate | None = None, data: dict[str, Any], user=None) -> Rate:
    with transaction.atomic():
        rate = rate or Rate()
        apply_fields(rate, data)
        return save_validated(rate, user=user)


def programme_save(*, programme: Programme | None = None, data: dict[str, Any], user=None) -> Programme:
    with transaction.atomic():
        programme = programme or Programme()
        apply_fields(programme, data)
        return save_validated(programme, user=user)


def grant_save(*, grant: GrantNotice | None = None, data: dict[str, Any], user=None) -> GrantNotice:
    """A grant may not be reduced below what has already been forwarded from it."""
    with transaction.atomic():
        grant = GrantNotice.objects.select_for_update().get(pk=grant.pk) if grant else GrantNotice()
        apply_fields(grant, data)
        if grant.authority_id and grant.authority.kind not in (OrganisationKind.AUTHORITY, OrganisationKind.LAND):
            raise ValidationError({"authority": _("Bewilligungsbehörde muss eine Behörde des Landes sein.")})
        if grant.pk:
            forwarded = forwarded_for_grant(grant=grant)
            if grant.amount is not None and grant.amount < forwarded:
                raise ValidationError(
                    {"amount": _("Aus diesem Bescheid sind bereits %(f)s weitergeleitet; die Zuwendung kann nicht darunter liegen.")
                     % {"f": format_euro(forwarded)}}
                )
            allocated = [(a.start, a.end, a.fte) for a in grant.allocations.all()]
            if grant.approved_fte is not None and any(t > grant.approved_fte for _s, _e, t in occupied_segments(allocated)):
                raise ValidationError(
                    {"approved_fte": _("Den Stellen sind bereits mehr VZÄ aus diesem Bescheid zugeordnet; bitte zuerst die Zuordnungen anpassen.")}
                )
            for allocation in grant.allocations.all():
                if grant.period_start and grant.period_end and (allocation.start < grant.period_start or allocation.end > grant.period_end):
                    raise ValidationError(
                        {"period_end": _("Die Zuordnung zu „%(p)s“ liegt außerhalb des neuen Bewilligungszeitraums.") % {"p": allocation.post}}
                    )
            for contract in grant.forwardings.all():
                if grant.period_start and grant.period_end and (contract.start < grant.period_start or contract.end > grant.period_end):
                    raise ValidationError(
                        {"period_end": _("Der Weiterleitungsvertrag %(c)s liegt außerhalb des neuen Bewilligungszeitraums.") % {"c": contract}}
                    )
        return save_validated(grant, user=user)


def check_post_shares(*, post: Post, programme: Programme, fte, start, end, exclude_pk: int | None = None) -> None:
    """A post's funded shares never exceed its FTE in any period; a second programme on the same share
    for an overlapping period is double funding (§ 9 (4) TIntG) and is refused naming both programmes."""
    others = list(
        GrantAllocation.objects.filter(post=post)
        .exclude(pk=exclude_pk)
        .select_related("grant__programme")
    )
    overlapping = [a for a in others if overlaps(a.start, a.end, start, end)]
    intervals = [(a.start, a.end, a.fte) for a in overlapping] + [(start, end, fte)]
    for seg_start, seg_end, total in occupied_segments(intervals):
        if total <= post.fte:
            continue
        if not overlaps(seg_start, seg_end, start, end):
            continue
        clashing = [a for a in overlapping if overlaps(a.start, a.end, seg_start, seg_end)]
        foreign = sorted({a.grant.programme.short_name for a in clashing if a.grant.programme_id != programme.pk})
        if foreign:
            raise ValidationError(
                {
                    "fte": _(
                        "Doppelförderung: Die Stelle „%(post)s“ ist ab %(start)s bereits durch %(other)s gefördert; "
                        "zusammen mit %(this)s ergäben sich %(total)s VZÄ bei einem Stellenanteil von %(fte)s VZÄ."
                    )
                    % {
                        "post": post.title,
                        "start": _d(seg_start),
                        "other": ", ".join(foreign),
                        "this": programme.short_name,
                        "total": format_fte(total),
                        "fte": format_fte(post.fte),
                    }
                }
            )
        raise ValidationError(
            {
                "fte": _("Ab %(start)s wären %(total)s VZÄ der Stelle „%(post)s“ gefördert, sie hat nur %(fte)s VZÄ.")
                % {"start": _d(seg_start), "total": format_fte(total), "post": post.title, "fte": format_fte(post.fte)}
            }
        )


def allocation_save(*, grant: GrantNotice, allocation: GrantAllocation | None = None, data: dict[str, Any], user=None) -> GrantAllocation:
    with transaction.atomic():
        grant = GrantNotice.objects.select_for_update().select_related("programme").get(pk=grant.pk)
        allocation = allocation or GrantAllocation()
        apply_fields(allocation, data)
        allocation.grant = grant
        post = Post.objects.select_for_update().get(pk=allocation.post_id)
        if grant.programme.module_id and post.module_id != grant.programme.module_id:
            raise ValidationError({"post": _("Die Stelle gehört nicht zum Modul dieses Bescheids.")})
        if allocation.start < grant.period_start or allocation.start > grant.period_end:
            raise ValidationError({"start": _("Beginn liegt außerhalb des Bewilligungszeitraums (%(s)s–%(e)s).") % {"s": _d(grant.period_start), "e": _d(grant.period_end)}})
        if allocation.end > grant.period_end or allocation.end < grant.period_start:
            raise ValidationError({"end": _("Ende liegt außerhalb des Bewilligungszeitraums (%(s)s–%(e)s).") % {"s": _d(grant.period_start), "e": _d(grant.period_end)}})
        if allocation.end < allocation.start:
            raise ValidationError({"end": _("Das Ende darf nicht vor dem Beginn liegen.")})
        if allocation.fte > post.fte:
            raise ValidationError({"fte": _("Der geförderte Anteil ist größer als der Stellenanteil (%(fte)s VZÄ).") % {"fte": format_fte(post.fte)}})
        check_post_shares(post=post, programme=grant.programme, fte=allocation.fte, start=allocation.start, end=allocation.end, exclude_pk=allocation.pk)
        intervals = [(a.start, a.end, a.fte) for a in grant.allocations.exclude(pk=allocation.pk)] + [(allocation.start, allocation.end, allocation.fte)]
        if any(total > grant.approved_fte for _s, _e, total in occupied_segments(intervals)):
            raise ValidationError({"fte": _("Der Bescheid bewilligt nur %(fte)s VZÄ; diese Zuordnung würde mehr verteilen.") % {"fte": format_fte(grant.approved_fte)}})
        return save_validated(allocation, user=user)


def forwarding_save(*, contract: ForwardingContract | None = None, data: dict[str, Any], user=None) -> ForwardingContract:
    """Create or update a forwarding contract; its amount is computed, and the grant's forwardings never exceed it."""
    with transaction.atomic():
        contract = contract or ForwardingContract()
        apply_fields(contract, data)
        grant = GrantNotice.objects.select_for_update().select_related("programme").get(pk=contract.grant_id)
        post = Post.objects.select_related("employer").get(pk=contract.post_id)
        if post.employer.kind != OrganisationKind.CARRIER:
            raise ValidationError({"post": _("Weitergeleitet wird nur für Stellen bei einem Träger.")})
        contract.carrier = post.employer
        if grant.programme.module_id and grant.programme.module_id != post.module_id:
            raise ValidationError({"grant": _("Der Bescheid gehört zu einem anderen Modul als die Stelle.")})
        if contract.end < contract.start:
            raise ValidationError({"end": _("Das Ende darf nicht vor dem Beginn liegen.")})
        contract.year = contract.start.year
        if contract.end.year != contract.year:
            raise ValidationError({"end": _("Ein Weiterleitungsvertrag gilt für ein Kalenderjahr (Jährlichkeit).")})
        if contract.start < grant.period_start or contract.end > grant.period_end:
            raise ValidationError(
                {"start": _("Der Zeitraum muss im Bewilligungszeitraum %(s)s–%(e)s liegen.") % {"s": _d(grant.period_start), "e": _d(grant.period_end)}}
            )
        if contract.start < post.start or (post.end and contract.end > post.end):
            raise ValidationError({"start": _("Der Zeitraum muss in der Laufzeit der Stelle (%(s)s–%(e)s) liegen.") % {"s": _d(post.start), "e": _d(post.end)}})
        clash = ForwardingContract.objects.filter(post=post, start__lte=contract.end, end__gte=contract.start).exclude(pk=contract.pk).first()
        if clash:
            raise ValidationError({"start": _("Für diese Stelle besteht im Zeitraum bereits der Vertrag „%(c)s“.") % {"c": clash}})
        plan = CostPlan.objects.filter(post=post, year=contract.year).first()
        if plan is None:
            raise ValidationError({"post": _("Für diese Stelle liegt für %(y)s kein Kostenplan des Trägers vor.") % {"y": contract.year}})
        rate = Rate.objects.filter(programme=grant.programme, category=post.category, year=contract.year).first()
        if rate is None:
            raise ValidationError({"grant": _("Für %(p)s, %(c)s, %(y)s ist kein Fördersatz hinterlegt.") % {"p": grant.programme, "c": post.get_category_display(), "y": contract.year}})
        contract.amount = forwarding_amount(
            rate=rate.amount_per_fte, fte=post.fte, personnel_cost=plan.personnel, year=contract.year,
            post_days=post_active_days(post=post, year=contract.year), start=contract.start, end=contract.end
        )
        already = forwarded_for_grant(grant=grant, exclude_pk=contract.pk)
        if already + contract.amount > grant.amount:
            raise ValidationError(
                {
                    "grant": _("Überschreitung: Aus dem Bescheid (%(g)s) sind bereits %(a)s weitergeleitet; weitere %(n)s würden ihn um %(x)s übersteigen.")
                    % {"g": format_euro(grant.amount), "a": format_euro(already), "n": format_euro(contract.amount), "x": format_euro(already + contract.amount - grant.amount)}
                }
            )
        return save_validated(contract, user=user)


def cost_plan_save(*, plan: CostPlan | None = None, data: dict[str, Any], user=None) -> CostPlan:
    with transaction.atomic():
        plan = plan or CostPlan()
        apply_fields(plan, data)
        if plan.post_id and Post.objects.filter(pk=plan.post_id).exclude(employer__kind=OrganisationKind.CARRIER).exists():
            raise ValidationError({"post": _("Kostenpläne gibt es nur für Stellen bei Trägern.")})
        return save_validated(plan, user=user)


def own_share_request_save(*, request: OwnShareRequest | None = None, data: dict[str, Any], user=None) -> OwnShareRequest:
    with transaction.atomic():
        request = request or OwnShareRequest()
        apply_fields(request, data)
        if request.applicant_id and request.applicant.kind not in (OrganisationKind.CARRIER, OrganisationKind.UMBRELLA):
            raise ValidationError({"applicant": _("Antragsteller ist ein Träger oder ein Dachverband.")})
        if request.decided_amount is not None and request.requested_amount is not None and request.decided_amount > request.requested_amount:
            raise ValidationError({"decided_amount": _("Es kann nicht mehr bewilligt werden als beantragt.")})
        return save_validated(request, user=user)


def budget_line_save(*, line: BudgetLine | None = None, data: dict[str, Any], user=None) -> BudgetLine:
    with transaction.atomic():
        line = line or BudgetLine()
        apply_fields(line, data)
        return save_validated(line, user=user)


