"""Writes of the funding controlling: preparing a year, payments, proof of use, reminders.

Each service runs under transaction.atomic() and locks the rows its cross-row rule depends on
(select_for_update), so two requests cannot both pass a check; rule violations are German
ValidationErrors at the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.conf import reminder_thresholds
from funding.models import (
    BudgetKind,
    CarrierPayment,
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    LandReceipt,
    OwnShareTopUp,
    ProofDocument,
    ProofKind,
    ProofObligation,
    ProofReminder,
    ProofStatus,
    Rate,
)
from funding.selectors import forwarding_amount_from, forwarding_inputs
from funding.services import refuse_if_cancelled
from kim.cancellation import clean_reason, mark_cancelled
from kim.models import Role, User
from kim.money import ZERO, format_euro, round_money
from kim.periods import year_end, year_start, year_units
from kim.selectors import body_current
from kim.services import apply_fields, save_validated
from kim.versioning import check_version
from modules.models import Post

# ---------------------------------------------------------------- a new year from the previous one


@dataclass
class YearPreparation:
    source_year: int
    year: int
    rates: list[Rate] = field(default_factory=list)
    cost_plans: list[CostPlan] = field(default_factory=list)
    grants: list[GrantNotice] = field(default_factory=list)
    allocations: list[GrantAllocation] = field(default_factory=list)
    contracts: list[ForwardingContract] = field(default_factory=list)


def _post_period(post: Post, year: int) -> tuple[date, date] | None:
    start, end = max(post.start, year_start(year)), min(post.end or year_end(year), year_end(year))
    return (start, end) if start <= end else None


def year_prepare(*, source_year: int, user: User | None = None, dry_run: bool = False) -> YearPreparation:
    """Carry the grants' allocations, the forwarding contracts and the cost plans of ``source_year`` forward
    to the next year as drafts; rates missing for the new year are copied as "to be confirmed".

    Posts that end before the new year are left out; periods are clipped to the post's term. A draft
    notice is granted rate × FTE × the allocations' share of the year under the programme's proration rule
    (days or calendar months, rounded once). With
    ``dry_run`` the same objects are built and counted, and the transaction is rolled back.
    """
    year = source_year + 1
    prep = YearPreparation(source_year=source_year, year=year)
    with transaction.atomic():
        # Lock the source notices: a second, concurrent preparation waits here and then finds the year prepared.
        list(
            GrantNotice.objects.select_for_update()
            .filter(period_start__year=source_year)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if (
            GrantNotice.objects.filter(period_start__year=year).in_force().exists()
            or ForwardingContract.objects.filter(year=year).in_force().exists()
        ):
            raise ValidationError(
                {
                    "source_year": _(
                        "Für %(y)s gibt es bereits Bescheide oder Verträge; das Jahr ist schon vorbereitet."
                    )
                    % {"y": year}
                }
            )
        if not GrantNotice.objects.filter(period_start__year=source_year).in_force().exists():
            raise ValidationError(
                {
                    "source_year": _("Für %(y)s gibt es keine Bescheide, die übernommen werden könnten.")
                    % {"y": source_year}
                }
            )
        existing_rates = set(Rate.objects.filter(year=year).values_list("programme_id", "category"))
        for rate in Rate.objects.filter(year=source_year):
            if (rate.programme_id, rate.category) not in existing_rates:
                prep.rates.append(
                    save_validated(
                        Rate(
                            programme_id=rate.programme_id,
                            category=rate.category,
                            year=year,
                            amount_per_fte=rate.amount_per_fte,
                            confirmed=False,
                        ),
                        user=user,
                    )
                )
        planned = set(CostPlan.objects.filter(year=year).values_list("post_id", flat=True))
        for plan in CostPlan.objects.filter(year=source_year).select_related("post"):
            if plan.post_id in planned or _post_period(plan.post, year) is None:
                continue
            prep.cost_plans.append(
                save_validated(
                    CostPlan(
                        post=plan.post,
                        year=year,
                        personnel=plan.personnel,
                        material_overhead=plan.material_overhead,
                        is_draft=True,
                    ),
                    user=user,
                )
            )
        rates = {(r.programme_id, r.category): r.amount_per_fte for r in Rate.objects.filter(year=year)}
        new_grants: dict[int, GrantNotice] = {}
        sources = (
            GrantNotice.objects.filter(period_start__year=source_year)
            .in_force()
            .select_related("programme")
            .prefetch_related("allocations__post")
        )
        for source in sources:
            parts = [
                (a, period) for a in source.allocations.all() if (period := _post_period(a.post, year)) is not None
            ]
            if not parts:
                continue
            rule = source.programme.proration
            units = [(a, year_units(start=period[0], end=period[1], year=year, rule=rule)) for a, period in parts]
            annual = sum(
                (
                    rates.get((source.programme_id, a.post.category), ZERO) * a.fte * num / den
                    for a, (num, den) in units
                ),
                start=Decimal(0),
            )
            grant = save_validated(
                GrantNotice(
                    programme=source.programme,
                    recipient_id=source.recipient_id,
                    authority_id=source.authority_id,
                    reference=f"Entwurf {year} – {source.reference}"[:100],
                    issued_on=year_start(year),
                    period_start=year_start(year),
                    period_end=year_end(year),
                    approved_fte=source.approved_fte,
                    amount=round_money(annual),
                    is_draft=True,
                ),
                user=user,
            )
            prep.grants.append(grant)
            new_grants[source.pk] = grant
            for alloc, (start, end) in parts:
                prep.allocations.append(
                    save_validated(
                        GrantAllocation(grant=grant, post=alloc.post, fte=alloc.fte, start=start, end=end), user=user
                    )
                )
        # onward contracts are the recipients' own agreements: they are not carried into a prepared year
        contracts = (
            ForwardingContract.objects.first_level()
            .in_force()
            .filter(year=source_year)
            .select_related("post", "carrier")
        )
        for source in contracts:
            period = _post_period(source.post, year)
            new_grant = new_grants.get(source.grant_id)
            if period is None or new_grant is None:
                continue
            start, end = period
            inputs = forwarding_inputs(grant=new_grant, post=source.post, year=year, start=start, end=end)
            if not inputs.complete:
                continue
            contract = ForwardingContract(
                grant=new_grant,
                post=source.post,
                carrier=source.carrier,
                reference=f"Entwurf {year} – {source.reference}"[:100],
                year=year,
                start=start,
                end=end,
                is_draft=True,
                amount=forwarding_amount_from(inputs=inputs, post=source.post, year=year, start=start, end=end),
            )
            prep.contracts.append(save_validated(contract, user=user))
        if dry_run:
            transaction.set_rollback(True)
    return prep


# ---------------------------------------------------------------- payments


def land_receipt_save(
    *, grant: GrantNotice, receipt: LandReceipt | None = None, data: dict[str, Any], user: User | None = None
) -> LandReceipt:
    """Money from the Land on a notice; the receipts never exceed the notice."""
    with transaction.atomic():
        grant = GrantNotice.objects.select_for_update().get(pk=grant.pk)
        refuse_if_cancelled(grant)
        receipt = receipt or LandReceipt()
        apply_fields(receipt, data)
        receipt.grant = grant
        if receipt.amount is not None and receipt.amount <= 0:
            raise ValidationError({"amount": _("Der Betrag muss größer als 0 sein.")})
        already = LandReceipt.objects.filter(grant=grant).exclude(pk=receipt.pk).aggregate(t=Sum("amount"))["t"] or ZERO
        if receipt.amount is not None and round_money(already) + receipt.amount > grant.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "Zu viel: Auf den Bescheid (%(g)s) sind bereits %(a)s eingegangen; mit %(n)s wären es %(x)s mehr als bewilligt."
                    )
                    % {
                        "g": format_euro(grant.amount),
                        "a": format_euro(round_money(already)),
                        "n": format_euro(receipt.amount),
                        "x": format_euro(round_money(already) + receipt.amount - grant.amount),
                    }
                }
            )
        return save_validated(receipt, user=user)


def carrier_payment_save(
    *,
    contract: ForwardingContract,
    payment: CarrierPayment | None = None,
    data: dict[str, Any],
    user: User | None = None,
) -> CarrierPayment:
    """A planned instalment (and, once paid, its date); the instalments never exceed the contract."""
    with transaction.atomic():
        contract = ForwardingContract.objects.select_for_update().get(pk=contract.pk)
        refuse_if_cancelled(contract)
        payment = payment or CarrierPayment()
        refuse_if_cancelled(payment)
        apply_fields(payment, data)
        payment.contract = contract
        if payment.amount is not None and payment.amount <= 0:
            raise ValidationError({"amount": _("Der Betrag muss größer als 0 sein.")})
        already = (
            CarrierPayment.objects.filter(contract=contract)
            .in_force()
            .exclude(pk=payment.pk)
            .aggregate(t=Sum("amount"))["t"]
            or ZERO
        )
        already = round_money(already)
        if payment.amount is not None and already + payment.amount > contract.amount:
            raise ValidationError(
                {
                    "amount": _(
                        "Über dem Vertrag: Der Vertrag umfasst %(c)s, geplant oder gezahlt sind bereits %(a)s; höchstens %(r)s sind noch möglich."
                    )
                    % {
                        "c": format_euro(contract.amount),
                        "a": format_euro(already),
                        "r": format_euro(contract.amount - already),
                    }
                }
            )
        if payment.paid_on and payment.paid_on.year < contract.year - 1:
            raise ValidationError({"paid_on": _("Das Zahlungsdatum liegt vor dem Vertragsjahr.")})
        return save_validated(payment, user=user)


def carrier_payment_cancel(
    *, payment: CarrierPayment, reason: str, version: int | None, user: User | None = None
) -> CarrierPayment:
    """Cancel an instalment (planned in error, or paid and booked back); it stays listed, out of every sum."""
    reason = clean_reason(reason)
    with transaction.atomic():
        payment = check_version(payment, version)
        if payment.cancelled_at is not None:
            raise ValidationError(_("Dieser Abschlag ist bereits storniert."))
        return mark_cancelled(payment, reason=reason, user=user)


# ---------------------------------------------------------------- proof of use


def proof_addressee(obligation: ProofObligation) -> int | None:
    """Who checks a proof of use: along a forwarding chain each recipient proves to the one it
    received the money from (the body for its own contracts); the body proves to the authority."""
    if obligation.kind == ProofKind.CARRIER and obligation.contract is not None:
        upstream = obligation.contract.upstream
        return upstream.carrier_id if upstream is not None else body_current().organisation_id
    if obligation.grant is not None:
        return obligation.grant.authority_id
    return None


def proof_obligation_save(
    *,
    kind: str,
    contract: ForwardingContract | None = None,
    grant: GrantNotice | None = None,
    obligation: ProofObligation | None = None,
    data: dict[str, Any],
    user: User | None = None,
) -> ProofObligation:
    """An obligation to prove use; its due date is never before the end of the period it covers."""
    with transaction.atomic():
        obligation = obligation or ProofObligation(kind=kind, contract=contract, grant=grant)
        apply_fields(obligation, data)
        obligation.proves_to_id = proof_addressee(obligation)
        period_end = obligation.period_end
        if obligation.due_on is not None and obligation.due_on < period_end:
            raise ValidationError(
                {
                    "due_on": _(
                        "Die Frist darf nicht vor dem Ende des Zeitraums (%(e)s) liegen; ein Nachweis kann erst danach erbracht werden."
                    )
                    % {"e": period_end.strftime("%d.%m.%Y")}
                }
            )
        return save_validated(obligation, user=user)


def proof_document_add(
    *, obligation: ProofObligation, doc_type: str, upload: UploadedFile, user: User
) -> ProofDocument:
    """Store a checked document (PDF/XLSX, validated by the form) and mark the obligation as submitted."""
    with transaction.atomic():
        obligation = ProofObligation.objects.select_for_update().get(pk=obligation.pk)
        if obligation.status in (ProofStatus.CHECKED, ProofStatus.CLOSED):
            raise ValidationError(
                {"file": _("Der Nachweis ist bereits geprüft; Dokumente können nicht mehr ergänzt werden.")}
            )
        name = upload.name or ""
        document = ProofDocument(obligation=obligation, doc_type=doc_type, uploaded_by=user, original_name=name[:200])
        document.file.save(name, upload, save=False)
        save_validated(document, user=user)
        if obligation.status in (ProofStatus.OPEN, ProofStatus.OBJECTIONS):
            obligation.status = ProofStatus.SUBMITTED
            save_validated(obligation, user=user)
        return document


def proof_status_set(
    *, obligation: ProofObligation, status: str, user: User, today: date | None = None
) -> ProofObligation:
    """A 46 records the check: checked, objections or closed name who checked and when."""
    with transaction.atomic():
        obligation = ProofObligation.objects.select_for_update().get(pk=obligation.pk)
        if status in (ProofStatus.CHECKED, ProofStatus.CLOSED) and not obligation.documents.exists():
            raise ValidationError(
                {"status": _("Ohne eingereichte Dokumente kann der Nachweis nicht als geprüft gelten.")}
            )
        obligation.status = status
        if status in (ProofStatus.CHECKED, ProofStatus.OBJECTIONS, ProofStatus.CLOSED):
            obligation.checked_by = user
            obligation.checked_on = today or timezone.localdate()
        return save_validated(obligation, user=user)


def _recipients(obligation: ProofObligation) -> list[str]:

    users = User.objects.filter(is_active=True).exclude(email="")
    if obligation.kind == ProofKind.CARRIER and obligation.contract is not None:
        users = users.filter(Q(organisation_id=obligation.contract.carrier_id) | Q(role=Role.ADMIN))
    else:
        users = users.filter(role=Role.ADMIN)
    return sorted(set(users.values_list("email", flat=True)))


def send_proof_reminders(*, today: date | None = None) -> int:
    """E-mail reminders for open obligations whose due date is within a threshold; each (obligation,
    threshold) fires exactly once (recorded in ProofReminder). When the job missed a day and several
    thresholds are reached at once, one e-mail goes out and every reached threshold is recorded.
    Returns the number of e-mails sent."""
    today = today or timezone.localdate()
    thresholds = reminder_thresholds()
    if not thresholds:
        return 0
    sent = 0
    candidates = (
        ProofObligation.objects.filter(
            status__in=[ProofStatus.OPEN, ProofStatus.OBJECTIONS],
            due_on__gte=today,
            due_on__lte=today + timedelta(days=max(thresholds)),
        )
        .select_related("contract__carrier", "contract__post", "grant__programme")
        .prefetch_related("reminders")
    )
    for obligation in candidates:
        left = (obligation.due_on - today).days
        done = {r.days_before for r in obligation.reminders.all()}
        reached = [t for t in thresholds if left <= t and t not in done]
        if not reached:
            continue
        with transaction.atomic():
            created = 0
            for threshold in reached:
                _obj, new = ProofReminder.objects.get_or_create(
                    obligation=obligation, days_before=threshold, defaults={"sent_on": today}
                )
                created += new
            if not created:  # another run got there first
                continue
            recipients = _recipients(obligation)
            subject = _("Erinnerung: Verwendungsnachweis fällig am %(d)s") % {
                "d": obligation.due_on.strftime("%d.%m.%Y")
            }
            body = _(
                "Der Verwendungsnachweis für %(s)s ist am %(d)s fällig (noch %(n)s Tage). Bitte Sachbericht und zahlenmäßigen Nachweis hochladen."
            ) % {
                "s": obligation.subject,
                "d": obligation.due_on.strftime("%d.%m.%Y"),
                "n": left,
            }
            if recipients:
                send_mail(subject, body, None, recipients)
            ProofReminder.objects.filter(obligation=obligation, days_before__in=reached).update(
                recipients=len(recipients)
            )
            sent += 1
    return sent


def top_up_save(
    *, top_up: OwnShareTopUp | None = None, data: dict[str, Any], user: User | None = None
) -> OwnShareTopUp:
    """The county's top-up decision per VZÄ and year; its budget line must be an expense of the same year."""

    with transaction.atomic():
        top_up = top_up or OwnShareTopUp()
        apply_fields(top_up, data)
        line = top_up.budget_line
        if line is not None and (line.year != top_up.year or line.kind != BudgetKind.EXPENSE):
            raise ValidationError(
                {
                    "budget_line": _("Die Haushaltsposition muss eine Aufwandsposition des Jahres %(y)s sein.")
                    % {"y": top_up.year}
                }
            )
        return save_validated(top_up, user=user)
