"""Writes about money. Cross-row rules (forwardings ≤ grant, no double funding, funded shares ≤ FTE)
run under transaction.atomic() with the rows they depend on locked (select_for_update), so two
concurrent requests cannot both pass the check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.models import (
    BudgetLine,
    CarrierPayment,
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    Programme,
    Rate,
)
from funding.selectors import (
    ForwardingInputs,
    forwarded_for_grant,
    forwarded_onward,
    forwarding_amount_from,
    forwarding_inputs,
)
from kim.cancellation import clean_reason, mark_cancelled
from kim.models import RECIPIENT_KINDS, OrganisationKind, User
from kim.money import format_euro, format_fte
from kim.periods import overlaps
from kim.services import apply_fields, save_validated
from kim.versioning import check_version
from modules.models import Post
from modules.selectors import occupied_segments


def refuse_if_cancelled(obj: Any, *, field: str | None = None) -> None:
    """A cancelled record is kept as it was: nothing is changed on it and nothing new hangs on it."""
    if obj.pk is not None and obj.cancelled_at is not None:
        message = _("„%(o)s“ ist storniert und kann nicht mehr geändert oder verwendet werden.") % {"o": obj}
        raise ValidationError({field: message} if field else message)


def _d(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else "offen"


def rate_save(*, rate: Rate | None = None, data: dict[str, Any], user: User | None = None) -> Rate:
    with transaction.atomic():
        rate = Rate.objects.select_for_update().get(pk=rate.pk) if rate else Rate()
        old_key = (rate.programme_id, rate.category, rate.year)
        apply_fields(rate, data)
        rate.confirmed = True  # a rate A 46 enters or edits is confirmed (carried-forward rates are not)
        saved = save_validated(rate, user=user)
        # Contract amounts depend on the rate: recompute those under the old and the new key.
        for programme_id, category, year in {old_key, (rate.programme_id, rate.category, rate.year)}:
            if programme_id is None:
                continue
            contracts = ForwardingContract.objects.filter(
                grant__programme_id=programme_id, post__category=category, year=year
            )
            forwardings_recompute(contracts=contracts, field="amount_per_fte", user=user)
        return saved


def programme_save(*, programme: Programme | None = None, data: dict[str, Any], user: User | None = None) -> Programme:
    with transaction.atomic():
        before_module = (
            Programme.objects.values_list("module_id", flat=True).get(pk=programme.pk) if programme else None
        )
        programme = programme or Programme()
        apply_fields(programme, data)
        if programme.pk and before_module != programme.module_id and programme.grants.exists():
            raise ValidationError(
                {"module": _("Zu diesem Programm gibt es Förderbescheide; das Modul kann nicht geändert werden.")}
            )
        return save_validated(programme, user=user)


def grant_save(*, grant: GrantNotice | None = None, data: dict[str, Any], user: User | None = None) -> GrantNotice:
    """A grant may not be reduced below what has already been forwarded from it."""
    with transaction.atomic():
        grant = GrantNotice.objects.select_for_update().get(pk=grant.pk) if grant else GrantNotice()
        refuse_if_cancelled(grant)
        apply_fields(grant, data)
        if grant.authority_id and grant.authority.kind not in (OrganisationKind.AUTHORITY, OrganisationKind.LAND):
            raise ValidationError({"authority": _("Bewilligungsbehörde muss eine Behörde des Landes sein.")})
        if grant.pk:
            if grant.programme_id != GrantNotice.objects.values_list("programme_id", flat=True).get(pk=grant.pk) and (
                grant.allocations.exists() or grant.forwardings.exists()
            ):
                raise ValidationError(
                    {
                        "programme": _(
                            "Dem Bescheid sind Stellen oder Verträge zugeordnet; das Programm kann nicht geändert werden."
                        )
                    }
                )
            forwarded = forwarded_for_grant(grant=grant)
            if grant.amount is not None and grant.amount < forwarded:
                raise ValidationError(
                    {
                        "amount": _(
                            "Aus diesem Bescheid sind bereits %(f)s weitergeleitet; die Zuwendung kann nicht darunter liegen."
                        )
                        % {"f": format_euro(forwarded)}
                    }
                )
            allocated = [(a.start, a.end, a.fte) for a in grant.allocations.all()]
            if grant.approved_fte is not None and any(
                t > grant.approved_fte for _s, _e, t in occupied_segments(allocated)
            ):
                raise ValidationError(
                    {
                        "approved_fte": _(
                            "Den Stellen sind bereits mehr VZÄ aus diesem Bescheid zugeordnet; bitte zuerst die Zuordnungen anpassen."
                        )
                    }
                )
            for allocation in grant.allocations.all():
                if (
                    grant.period_start
                    and grant.period_end
                    and (allocation.start < grant.period_start or allocation.end > grant.period_end)
                ):
                    raise ValidationError(
                        {
                            "period_end": _("Die Zuordnung zu „%(p)s“ liegt außerhalb des neuen Bewilligungszeitraums.")
                            % {"p": allocation.post}
                        }
                    )
            for contract in ForwardingContract.objects.filter(grant=grant).in_force():
                if (
                    grant.period_start
                    and grant.period_end
                    and (contract.start < grant.period_start or contract.end > grant.period_end)
                ):
                    raise ValidationError(
                        {
                            "period_end": _(
                                "Der Weiterleitungsvertrag %(c)s liegt außerhalb des neuen Bewilligungszeitraums."
                            )
                            % {"c": contract}
                        }
                    )
        return save_validated(grant, user=user)


def check_post_shares(
    *, post: Post, programme: Programme, fte: Decimal, start: date, end: date, exclude_pk: int | None = None
) -> None:
    """A post's funded shares never exceed its FTE in any period; a second programme on the same share
    for an overlapping period is double funding (§ 9 (4) TIntG) and is refused naming both programmes."""
    allocations = GrantAllocation.objects.filter(post=post, grant__cancelled_at=None).select_related("grant__programme")
    if exclude_pk is not None:
        allocations = allocations.exclude(pk=exclude_pk)
    others = list(allocations)
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


# error codes of a missing prerequisite: the forms link to creating it (funding.views)
MISSING_COST_PLAN = "missing_cost_plan"
MISSING_ALLOCATION = "missing_allocation"
GRANT_FTE_EXHAUSTED = "grant_fte_exhausted"


def allocation_save(
    *, grant: GrantNotice, allocation: GrantAllocation | None = None, data: dict[str, Any], user: User | None = None
) -> GrantAllocation:
    with transaction.atomic():
        grant = GrantNotice.objects.select_for_update().select_related("programme").get(pk=grant.pk)
        refuse_if_cancelled(grant, field="grant")
        allocation = allocation or GrantAllocation()
        apply_fields(allocation, data)
        allocation.grant = grant
        post = Post.objects.select_for_update().get(pk=allocation.post_id)
        if grant.programme.module_id and post.module_id != grant.programme.module_id:
            raise ValidationError({"post": _("Die Stelle gehört nicht zum Modul dieses Bescheids.")})
        minimum = grant.programme.min_share_fte
        if minimum is not None and allocation.fte < minimum:
            raise ValidationError(
                {
                    "fte": _("%(p)s fördert nur Stellenanteile ab %(m)s VZÄ.")
                    % {"p": grant.programme, "m": format_fte(minimum)}
                }
            )
        if allocation.start < grant.period_start or allocation.start > grant.period_end:
            raise ValidationError(
                {
                    "start": _("Beginn liegt außerhalb des Bewilligungszeitraums (%(s)s–%(e)s).")
                    % {"s": _d(grant.period_start), "e": _d(grant.period_end)}
                }
            )
        if allocation.end > grant.period_end or allocation.end < grant.period_start:
            raise ValidationError(
                {
                    "end": _("Ende liegt außerhalb des Bewilligungszeitraums (%(s)s–%(e)s).")
                    % {"s": _d(grant.period_start), "e": _d(grant.period_end)}
                }
            )
        if allocation.end < allocation.start:
            raise ValidationError({"end": _("Das Ende darf nicht vor dem Beginn liegen.")})
        if allocation.fte > post.fte:
            raise ValidationError(
                {
                    "fte": _("Der geförderte Anteil ist größer als der Stellenanteil (%(fte)s VZÄ).")
                    % {"fte": format_fte(post.fte)}
                }
            )
        check_post_shares(
            post=post,
            programme=grant.programme,
            fte=allocation.fte,
            start=allocation.start,
            end=allocation.end,
            exclude_pk=allocation.pk,
        )
        intervals = [(a.start, a.end, a.fte) for a in grant.allocations.exclude(pk=allocation.pk)] + [
            (allocation.start, allocation.end, allocation.fte)
        ]
        if any(total > grant.approved_fte for _s, _e, total in occupied_segments(intervals)):
            # the code lets the allocation form offer to correct the notice's VZÄ (funding.views)
            raise ValidationError(
                {
                    "fte": ValidationError(
                        _("Der Bescheid bewilligt nur %(fte)s VZÄ; diese Zuordnung würde mehr verteilen.")
                        % {"fte": format_fte(grant.approved_fte)},
                        code=GRANT_FTE_EXHAUSTED,
                    )
                }
            )
        old_post_id = (
            GrantAllocation.objects.filter(pk=allocation.pk).values_list("post_id", flat=True).first()
            if allocation.pk
            else None
        )
        saved = save_validated(allocation, user=user)
        # Contracts take their FTE from the allocation: recompute those of this grant and post(s).
        forwardings_recompute(
            contracts=ForwardingContract.objects.filter(grant=grant, post_id__in={post.pk, old_post_id} - {None}),
            field="fte",
            user=user,
        )
        return saved


def _require_inputs(
    inputs: ForwardingInputs, *, grant: GrantNotice, post: Post, year: int, field: str | None = None
) -> None:
    if inputs.allocation is None:
        # the code lets the contract form offer to allocate the post (funding.views)
        raise ValidationError(
            {
                field or "post": ValidationError(
                    _(
                        "Die Stelle „%(p)s“ ist dem Bescheid %(g)s für diesen Zeitraum nicht zugeordnet; bitte zuerst beim Bescheid „Stelle zuordnen“."
                    )
                    % {"p": post.title, "g": grant},
                    code=MISSING_ALLOCATION,
                )
            }
        )
    if inputs.cost_plan is None:
        # the code lets the contract form offer to create the missing plan (funding.views)
        raise ValidationError(
            {
                field or "post": ValidationError(
                    _("Für die Stelle „%(p)s“ liegt für %(y)s kein Kostenplan des Trägers vor.")
                    % {"p": post.title, "y": year},
                    code=MISSING_COST_PLAN,
                )
            }
        )
    if inputs.rate is None:
        raise ValidationError(
            {
                field or "grant": _("Für %(p)s, %(c)s, %(y)s ist kein Fördersatz hinterlegt.")
                % {"p": grant.programme, "c": post.get_category_display(), "y": year}
            }
        )


def forwardings_recompute(*, contracts: QuerySet[ForwardingContract], field: str, user: User | None = None) -> int:
    """Recompute stored contract amounts after an input changed (rate, cost plan), in the caller's
    transaction; refuse (at ``field``) if an input went missing, a grant would be exceeded or a
    contract would drop below what its recipient already forwarded onward.

    Only the body's own (first-level) contracts are computed; onward contracts carry the amount
    their parties agreed."""
    changed = 0
    grants = set()
    # A cancelled contract keeps the amount it was cancelled with: it counts nowhere and is never recomputed.
    for contract in contracts.filter(cancelled_at=None, upstream__isnull=True).select_related(
        "post", "grant__programme"
    ):
        inputs = forwarding_inputs(
            grant=contract.grant, post=contract.post, year=contract.year, start=contract.start, end=contract.end
        )
        _require_inputs(inputs, grant=contract.grant, post=contract.post, year=contract.year, field=field)
        amount = forwarding_amount_from(
            inputs=inputs, post=contract.post, year=contract.year, start=contract.start, end=contract.end
        )
        if amount != contract.amount:
            contract.amount = amount
            _check_onward_fits(contract, field=field)
            save_validated(contract, user=user)
            changed += 1
        grants.add(contract.grant_id)
    for grant in GrantNotice.objects.select_for_update().filter(pk__in=grants).order_by("pk"):
        forwarded = forwarded_for_grant(grant=grant)
        if forwarded > grant.amount:
            raise ValidationError(
                {
                    field: _(
                        "Damit würden aus dem Bescheid %(g)s %(f)s weitergeleitet, mehr als die Zuwendung von %(a)s."
                    )
                    % {"g": grant, "f": format_euro(forwarded), "a": format_euro(grant.amount)}
                }
            )
    return changed


def _check_onward_fits(contract: ForwardingContract, *, field: str) -> None:
    """A contract's recipient may already have forwarded part of it onward: the contract cannot drop below that."""
    if not contract.pk:
        return
    onward = forwarded_onward(contract=contract)
    if contract.amount < onward:
        raise ValidationError(
            {
                field: _(
                    "%(r)s hat aus dem Vertrag „%(c)s“ bereits %(o)s weitergeleitet; der Betrag (%(a)s) kann nicht darunter liegen."
                )
                % {
                    "r": contract.carrier,
                    "c": contract,
                    "o": format_euro(onward),
                    "a": format_euro(contract.amount),
                }
            }
        )


def _check_recipient(contract: ForwardingContract, post: Post) -> None:
    """First level: the body forwards to the post's employer (a carrier or a municipality) or to a
    municipality that passes the money on to the employer under its own contract."""
    if post.employer.kind not in RECIPIENT_KINDS:
        raise ValidationError(
            {"post": _("Weitergeleitet wird nur für Stellen bei einem Träger oder einer kreisangehörigen Kommune.")}
        )
    if not contract.carrier_id:
        contract.carrier = post.employer
        return
    recipient = contract.carrier
    if recipient.kind not in RECIPIENT_KINDS:
        raise ValidationError({"carrier": _("Empfänger kann nur ein Träger oder eine kreisangehörige Kommune sein.")})
    if recipient.pk != post.employer_id and recipient.kind != OrganisationKind.MUNICIPALITY:
        raise ValidationError(
            {
                "carrier": _(
                    "Mittel für die Stelle eines anderen Anstellungsträgers erhält nur eine Kommune, die sie weiterleitet; sonst ist der Empfänger %(e)s."
                )
                % {"e": post.employer}
            }
        )


def forwarding_save(
    *, contract: ForwardingContract | None = None, data: dict[str, Any], user: User | None = None
) -> ForwardingContract:
    """Create or update one of the body's own (first-level) forwarding contracts; its amount is
    computed, and the grant's forwardings never exceed it."""
    with transaction.atomic():
        contract = contract or ForwardingContract()
        refuse_if_cancelled(contract)
        if contract.upstream_id:
            raise ValidationError({"grant": _("Ein weitergeleiteter Vertrag wird über „Weiterleiten“ bearbeitet.")})
        before = (
            ForwardingContract.objects.filter(pk=contract.pk).values("carrier_id", "post_id", "grant_id").first()
            if contract.pk
            else None
        )
        apply_fields(contract, data)
        grant = GrantNotice.objects.select_for_update().select_related("programme").get(pk=contract.grant_id)
        refuse_if_cancelled(grant, field="grant")
        post = Post.objects.select_related("employer").get(pk=contract.post_id)
        _check_recipient(contract, post)
        if (
            before
            and (before["carrier_id"], before["post_id"], before["grant_id"])
            != (contract.carrier_id, contract.post_id, contract.grant_id)
            and contract.onward.exists()
        ):
            raise ValidationError(
                {
                    "carrier": _(
                        "Aus diesem Vertrag wurde bereits weitergeleitet; Empfänger, Stelle und Bescheid bleiben daher unverändert."
                    )
                }
            )
        if grant.programme.module_id and grant.programme.module_id != post.module_id:
            raise ValidationError({"grant": _("Der Bescheid gehört zu einem anderen Modul als die Stelle.")})
        if contract.end < contract.start:
            raise ValidationError({"end": _("Das Ende darf nicht vor dem Beginn liegen.")})
        contract.year = contract.start.year
        if contract.end.year != contract.year:
            raise ValidationError({"end": _("Ein Weiterleitungsvertrag gilt für ein Kalenderjahr (Jährlichkeit).")})
        if contract.start < grant.period_start or contract.end > grant.period_end:
            raise ValidationError(
                {
                    "start": _("Der Zeitraum muss im Bewilligungszeitraum %(s)s–%(e)s liegen.")
                    % {"s": _d(grant.period_start), "e": _d(grant.period_end)}
                }
            )
        if contract.start < post.start or (post.end and contract.end > post.end):
            raise ValidationError(
                {
                    "start": _("Der Zeitraum muss in der Laufzeit der Stelle (%(s)s–%(e)s) liegen.")
                    % {"s": _d(post.start), "e": _d(post.end)}
                }
            )
        clash = (
            ForwardingContract.objects.first_level()
            .in_force()
            .filter(post=post, start__lte=contract.end, end__gte=contract.start)
            .exclude(pk=contract.pk)
            .first()
        )
        if clash and clash.start == contract.start:
            # the message of the (conditional) unique constraint, which form validation cannot check: its
            # condition reads the cancellation, a field no form has
            raise ValidationError(
                {"start": _("Für diese Stelle beginnt an diesem Tag bereits ein Weiterleitungsvertrag.")}
            )
        if clash:
            raise ValidationError(
                {"start": _("Für diese Stelle besteht im Zeitraum bereits der Vertrag „%(c)s“.") % {"c": clash}}
            )
        if contract.pk:
            outside = contract.onward.filter(Q(start__lt=contract.start) | Q(end__gt=contract.end)).first()
            if outside:
                raise ValidationError(
                    {"start": _("Die Weiterleitung „%(c)s“ läge außerhalb des neuen Zeitraums.") % {"c": outside}}
                )
        inputs = forwarding_inputs(grant=grant, post=post, year=contract.year, start=contract.start, end=contract.end)
        _require_inputs(inputs, grant=grant, post=post, year=contract.year)
        contract.amount = forwarding_amount_from(
            inputs=inputs, post=post, year=contract.year, start=contract.start, end=contract.end
        )
        already = forwarded_for_grant(grant=grant, exclude_pk=contract.pk)
        if already + contract.amount > grant.amount:
            raise ValidationError(
                {
                    "grant": _(
                        "Überschreitung: Aus dem Bescheid (%(g)s) sind bereits %(a)s weitergeleitet; weitere %(n)s würden ihn um %(x)s übersteigen."
                    )
                    % {
                        "g": format_euro(grant.amount),
                        "a": format_euro(already),
                        "n": format_euro(contract.amount),
                        "x": format_euro(already + contract.amount - grant.amount),
                    }
                }
            )
        _check_onward_fits(contract, field="start")
        return save_validated(contract, user=user)


def onward_forwarding_save(
    *,
    upstream: ForwardingContract | None = None,
    contract: ForwardingContract | None = None,
    data: dict[str, Any],
    user: User | None = None,
) -> ForwardingContract:
    """A recipient passes money it received under ``upstream`` on to a further carrier or
    municipality under its own contract (second level and further).

    Same grant and post as upstream, a period inside upstream's, an agreed amount; all onward
    contracts from one upstream contract together never exceed what it brought (refused at
    ``amount``), and a contract never drops below what its own recipient already forwarded on.
    A recipient cannot receive back money it already passed along in the same chain."""
    with transaction.atomic():
        if contract is not None and contract.pk:
            upstream_id = contract.upstream_id
        elif upstream is not None:
            upstream_id = upstream.pk
            contract = ForwardingContract()
        else:
            raise ValueError("onward_forwarding_save needs the upstream contract or an onward contract to edit")
        if upstream_id is None:
            raise ValidationError({"carrier": _("Dieser Vertrag ist ein Vertrag der Körperschaft.")})
        # lock the upstream contract: two onward contracts saved at once cannot both pass the cap
        source = (
            ForwardingContract.objects.select_for_update()
            .select_related("carrier", "post", "grant")
            .get(pk=upstream_id)
        )
        assert contract is not None
        refuse_if_cancelled(source, field="carrier")
        if contract.pk:
            refuse_if_cancelled(contract)
        apply_fields(contract, data)
        contract.upstream = source
        contract.level = source.level + 1
        contract.grant_id = source.grant_id
        contract.post_id = source.post_id
        if not contract.carrier_id:
            raise ValidationError({"carrier": _("Bitte den Empfänger wählen.")})
        recipient = contract.carrier
        if recipient.kind not in RECIPIENT_KINDS:
            raise ValidationError(
                {"carrier": _("Empfänger kann nur ein Träger oder eine kreisangehörige Kommune sein.")}
            )
        chain_recipients = set()
        link: ForwardingContract | None = source
        while link is not None:
            chain_recipients.add(link.carrier_id)
            link = link.upstream
        if recipient.pk in chain_recipients:
            raise ValidationError(
                {
                    "carrier": _(
                        "%(r)s hat diese Mittel in der Kette bereits erhalten; sie können nicht an ihn zurückfließen."
                    )
                    % {"r": recipient}
                }
            )
        if contract.start is None or contract.end is None:
            raise ValidationError({"start": _("Bitte Beginn und Ende angeben.")})
        if contract.end < contract.start:
            raise ValidationError({"end": _("Das Ende darf nicht vor dem Beginn liegen.")})
        if contract.start < source.start or contract.end > source.end:
            raise ValidationError(
                {
                    "start": _("Der Zeitraum muss im Zeitraum des Vertrags „%(c)s“ (%(s)s–%(e)s) liegen.")
                    % {"c": source, "s": _d(source.start), "e": _d(source.end)}
                }
            )
        contract.year = contract.start.year
        if contract.amount is None:
            raise ValidationError({"amount": _("Bitte den weitergeleiteten Betrag angeben.")})
        if contract.amount <= 0:
            raise ValidationError({"amount": _("Der Betrag muss größer als 0 sein.")})
        already = forwarded_onward(contract=source, exclude_pk=contract.pk)
        if already + contract.amount > source.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "Überschreitung: %(f)s hat aus dem Vertrag „%(c)s“ %(g)s erhalten und davon bereits %(a)s weitergeleitet; weitere %(n)s würden das um %(x)s übersteigen."
                    )
                    % {
                        "f": source.carrier,
                        "c": source,
                        "g": format_euro(source.amount),
                        "a": format_euro(already),
                        "n": format_euro(contract.amount),
                        "x": format_euro(already + contract.amount - source.amount),
                    }
                }
            )
        _check_onward_fits(contract, field="amount")
        if contract.pk:
            outside = contract.onward.filter(Q(start__lt=contract.start) | Q(end__gt=contract.end)).first()
            if outside:
                raise ValidationError(
                    {"start": _("Die Weiterleitung „%(c)s“ läge außerhalb des neuen Zeitraums.") % {"c": outside}}
                )
        return save_validated(contract, user=user)


def cost_plan_save(*, plan: CostPlan | None = None, data: dict[str, Any], user: User | None = None) -> CostPlan:
    with transaction.atomic():
        plan = CostPlan.objects.select_for_update().get(pk=plan.pk) if plan else CostPlan()
        old_key = (plan.post_id, plan.year)
        apply_fields(plan, data)
        if plan.post_id and Post.objects.filter(pk=plan.post_id).exclude(employer__kind__in=RECIPIENT_KINDS).exists():
            raise ValidationError(
                {"post": _("Kostenpläne gibt es nur für Stellen bei Trägern und kreisangehörigen Kommunen.")}
            )
        saved = save_validated(plan, user=user)
        # Contract amounts depend on the plan: recompute those of the old and the new post/year.
        keys = {old_key, (plan.post_id, plan.year)} - {(None, None)}
        for post_id, year in keys:
            forwardings_recompute(
                contracts=ForwardingContract.objects.filter(post_id=post_id, year=year), field="personnel", user=user
            )
        return saved


def own_share_request_save(
    *, request: OwnShareRequest | None = None, data: dict[str, Any], user: User | None = None
) -> OwnShareRequest:
    with transaction.atomic():
        request = request or OwnShareRequest()
        apply_fields(request, data)
        if request.applicant_id and request.applicant.kind not in (OrganisationKind.CARRIER, OrganisationKind.UMBRELLA):
            raise ValidationError({"applicant": _("Antragsteller ist ein Träger oder ein Dachverband.")})
        if (
            request.decided_amount is not None
            and request.requested_amount is not None
            and request.decided_amount > request.requested_amount
        ):
            raise ValidationError({"decided_amount": _("Es kann nicht mehr bewilligt werden als beantragt.")})
        return save_validated(request, user=user)


def budget_line_save(*, line: BudgetLine | None = None, data: dict[str, Any], user: User | None = None) -> BudgetLine:
    with transaction.atomic():
        line = line or BudgetLine()
        apply_fields(line, data)
        return save_validated(line, user=user)


# ---------------------------------------------------------------- cancellation (Storno)


def grant_cancel(*, grant: GrantNotice, reason: str, version: int | None, user: User | None = None) -> GrantNotice:
    """Cancel a notice (e.g. entered twice or replaced by the Land); only once nothing in force hangs on it:
    its forwarding contracts are cancelled first, money received from the Land is booked back first."""
    reason = clean_reason(reason)
    with transaction.atomic():
        grant = check_version(grant, version)
        if grant.cancelled_at is not None:
            raise ValidationError(_("Dieser Förderbescheid ist bereits storniert."))
        contracts = list(ForwardingContract.objects.filter(grant=grant).in_force().select_related("carrier")[:6])
        if contracts:
            raise ValidationError(
                _("Aus diesem Bescheid wird noch weitergeleitet (%(c)s). Bitte zuerst diese Verträge stornieren.")
                % {"c": "; ".join(str(c) for c in contracts[:5]) + (" …" if len(contracts) > 5 else "")}
            )
        if grant.receipts.exists():
            raise ValidationError(
                _(
                    "Auf diesen Bescheid sind Zahlungen des Landes gebucht. Ein Bescheid mit Zahlungseingang "
                    "wird nicht storniert; bitte die Eingänge prüfen."
                )
            )
        return mark_cancelled(grant, reason=reason, user=user)


def forwarding_cancel(
    *, contract: ForwardingContract, reason: str, version: int | None, user: User | None = None
) -> ForwardingContract:
    """Cancel a forwarding contract; its planned, unpaid instalments are cancelled with it. A contract with
    instalments already paid stays in force until those are cancelled (booked back) one by one."""
    reason = clean_reason(reason)
    with transaction.atomic():
        contract = check_version(contract, version)
        if contract.cancelled_at is not None:
            raise ValidationError(_("Dieser Weiterleitungsvertrag ist bereits storniert."))
        onward = contract.onward.in_force().count()
        if onward:
            raise ValidationError(
                _(
                    "Aus diesem Vertrag hat der Empfänger unter %(n)d eigenen Verträgen weitergeleitet. Bitte zuerst "
                    "diese Verträge stornieren, dann diesen."
                )
                % {"n": onward}
            )
        payments = list(CarrierPayment.objects.select_for_update().filter(contract=contract).in_force())
        paid = [p for p in payments if p.paid_on is not None]
        if paid:
            raise ValidationError(
                _(
                    "An den Träger sind aus diesem Vertrag bereits %(n)d Abschläge gezahlt. Bitte zuerst diese "
                    "Zahlungen stornieren (Rückforderung), dann den Vertrag."
                )
                % {"n": len(paid)}
            )
        when = timezone.now()
        for payment in payments:
            mark_cancelled(
                payment,
                reason=_("mit dem Vertrag storniert: %(r)s") % {"r": reason},
                user=user,
                when=when,
            )
        return mark_cancelled(contract, reason=reason, user=user, when=when)


# ---------------------------------------------------------------- deletion of records nothing depends on


def _delete_recorded(obj: Any, *, version: int | None, user: User | None) -> None:
    """Delete the locked, current row; the history keeps a deletion record naming who (simple-history)."""
    current = check_version(obj, version)
    if user is not None and getattr(user, "is_authenticated", False):
        current._history_user = user
    current.delete()


def rate_delete(*, rate: Rate, version: int | None, user: User | None = None) -> None:
    """A rate no contract was computed with (e.g. entered for the wrong year) can be deleted."""
    with transaction.atomic():
        contracts = ForwardingContract.objects.filter(
            grant__programme_id=rate.programme_id, post__category=rate.category, year=rate.year
        ).in_force()
        if contracts.exists():
            raise ValidationError(
                _(
                    "Mit diesem Fördersatz sind Weiterleitungsverträge berechnet; er kann nicht gelöscht, "
                    "nur geändert werden."
                )
            )
        _delete_recorded(rate, version=version, user=user)


def cost_plan_delete(*, plan: CostPlan, version: int | None, user: User | None = None) -> None:
    """A cost plan no contract was computed with can be deleted."""
    with transaction.atomic():
        if ForwardingContract.objects.filter(post_id=plan.post_id, year=plan.year).in_force().exists():
            raise ValidationError(
                _(
                    "Mit diesem Kostenplan ist ein Weiterleitungsvertrag berechnet; er kann nicht gelöscht werden. "
                    "Bitte zuerst den Vertrag stornieren."
                )
            )
        _delete_recorded(plan, version=version, user=user)
