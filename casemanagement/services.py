"""Writes of the case register and the caseload returns. Each runs in one transaction; the rows a
rule depends on are locked (select_for_update) so concurrent requests cannot both pass a check."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from casemanagement.csv_format import parse_return_csv
from casemanagement.models import (
    Case,
    CaseEpisode,
    CaseloadReturn,
    CaseTopic,
    Contact,
    IndicatorReport,
    Phase,
    Referral,
    ReturnFigure,
    ReturnSource,
    ReturnStatus,
)
from casemanagement.selectors import return_figures_computed
from kim.models import Organisation, User
from kim.periods import month_bounds
from kim.services import apply_fields, save_validated
from kim.versioning import check_version
from modules.models import Post


def _d(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _today() -> date:
    return timezone.localdate()


def code_prefix(carrier: Organisation) -> str:
    """Three capital letters from the carrier's slug ("caritas" → "CAR"); no personal data."""
    ascii_slug = unicodedata.normalize("NFKD", carrier.slug).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in ascii_slug.upper() if ch.isalpha())
    return (letters + "XXX")[:3]


def next_case_code(*, carrier: Organisation, year: int) -> str:
    """CAR-2021-0001, numbered per carrier and year; the caller holds the lock on the carrier row."""
    prefix = f"{code_prefix(carrier)}-{year}-"
    codes = Case.objects.filter(carrier=carrier, code__startswith=prefix).values_list("code", flat=True)
    highest = max((int(c.rsplit("-", 1)[1]) for c in codes), default=0)
    return f"{prefix}{highest + 1:04d}"


def carrier_posts(carrier: Organisation) -> QuerySet[Post]:
    return Post.objects.filter(employer=carrier, module__number=2)


def _check_post(case: Case) -> None:
    if case.responsible_post_id and not carrier_posts(case.carrier).filter(pk=case.responsible_post_id).exists():
        raise ValidationError({"responsible_post": _("Bitte eine Case-Management-Stelle des eigenen Trägers wählen.")})
    post = case.responsible_post if case.responsible_post_id else None
    if (
        post is not None
        and case.opened_on
        and (case.opened_on < post.start or (post.end and case.opened_on > post.end))
    ):
        raise ValidationError(
            {
                "responsible_post": _("Die Stelle bestand am %(d)s nicht (Laufzeit %(s)s – %(e)s).")
                % {"d": _d(case.opened_on), "s": _d(post.start), "e": _d(post.end) if post.end else _("offen")}
            }
        )
    if case.municipality_id and not case.municipality.module2_area:
        # A municipality funded separately (e.g. a large city inside the county) is outside module 2.
        raise ValidationError(
            {
                "municipality": _("%(m)s gehört nicht zum Fördergebiet von Modul 2 (gesondert gefördert).")
                % {"m": case.municipality.name}
            }
        )


def _check_not_future(value: date | None, field: str, what: str) -> None:
    if value is not None and value > _today():
        raise ValidationError({field: _("%(what)s darf nicht in der Zukunft liegen.") % {"what": what}})


def _set_topics(case: Case, topics: Iterable[str], user: User | None) -> None:
    wanted = set(topics)
    for row in case.topics.exclude(topic__in=wanted):
        # simple-history reads who deleted the row from this attribute (its documented way outside a request).
        row._history_user = user  # type: ignore[attr-defined]
        row.delete()
    existing = set(case.topics.values_list("topic", flat=True))
    for topic in sorted(wanted - existing):
        save_validated(CaseTopic(case=case, topic=topic), user=user)


def case_create(
    *, carrier: Organisation, data: dict[str, Any], topics: Iterable[str] = (), user: User | None = None
) -> Case:
    with transaction.atomic():
        carrier = Organisation.objects.select_for_update().get(pk=carrier.pk)
        case = Case(carrier=carrier)
        apply_fields(case, data)
        _check_not_future(case.opened_on, "opened_on", _("Die Eröffnung"))
        _check_post(case)
        if case.opened_on:
            case.code = next_case_code(carrier=carrier, year=case.opened_on.year)
        if case.phase == Phase.CLOSED:
            raise ValidationError({"phase": _("Ein Fall wird über „Abschließen“ beendet.")})
        save_validated(case, user=user)
        save_validated(CaseEpisode(case=case, number=1, start=case.opened_on), user=user)
        _set_topics(case, topics, user)
        return case


def case_update(
    *, case: Case, data: dict[str, Any], topics: Iterable[str] | None = None, user: User | None = None
) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        old_opened = case.opened_on
        apply_fields(case, data)
        _check_post(case)
        _check_not_future(case.opened_on, "opened_on", _("Die Eröffnung"))
        if case.is_closed and "phase" in data and data["phase"] != Phase.CLOSED:
            raise ValidationError({"phase": _("Ein abgeschlossener Fall wird über „Wiederaufnehmen“ geöffnet.")})
        if not case.is_closed and case.phase == Phase.CLOSED:
            raise ValidationError({"phase": _("Ein Fall wird über „Abschließen“ beendet.")})
        if case.opened_on != old_opened:
            episodes = list(case.episodes.select_for_update().order_by("number"))
            if len(episodes) > 1:
                raise ValidationError(
                    {
                        "opened_on": _(
                            "Der Fall wurde wiederaufgenommen; das Eröffnungsdatum kann nicht mehr geändert werden."
                        )
                    }
                )
            earliest = min(
                [
                    d
                    for d in (
                        case.contacts.order_by("date").values_list("date", flat=True).first(),
                        case.referrals.order_by("referred_on").values_list("referred_on", flat=True).first(),
                    )
                    if d
                ],
                default=None,
            )
            if earliest and case.opened_on > earliest:
                raise ValidationError(
                    {
                        "opened_on": _(
                            "Es gibt Kontakte oder Verweisungen vom %(d)s; die Eröffnung kann nicht danach liegen."
                        )
                        % {"d": _d(earliest)}
                    }
                )
            if case.closed_on and case.opened_on > case.closed_on:
                raise ValidationError(
                    {
                        "opened_on": _("Die Eröffnung darf nicht nach dem Abschluss (%(d)s) liegen.")
                        % {"d": _d(case.closed_on)}
                    }
                )
            episode = episodes[0]
            episode.start = case.opened_on
            save_validated(episode, user=user)
        save_validated(case, user=user)
        if topics is not None:
            _set_topics(case, topics, user)
        return case


def _current_episode(case: Case) -> CaseEpisode:
    return case.episodes.select_for_update().latest("number")


def contact_add(*, case: Case, data: dict[str, Any], user: User | None = None) -> Contact:
    return contact_save(case=case, data=data, user=user)


def contact_save(
    *, case: Case, contact: Contact | None = None, data: dict[str, Any], user: User | None = None
) -> Contact:
    """Record a contact or correct one (date, duration, mode); the same rules either way."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        contact = Contact.objects.select_for_update().get(pk=contact.pk, case=case) if contact else Contact(case=case)
        apply_fields(contact, data)
        _check_not_future(contact.date, "date", _("Der Kontakt"))
        if contact.date and contact.date < case.opened_on:
            raise ValidationError(
                {
                    "date": _("Der Kontakt darf nicht vor der Eröffnung des Falls (%(d)s) liegen.")
                    % {"d": _d(case.opened_on)}
                }
            )
        if contact.date and case.closed_on and contact.date > case.closed_on:
            raise ValidationError(
                {
                    "date": _("Der Fall ist seit %(d)s abgeschlossen; bitte zuerst wiederaufnehmen.")
                    % {"d": _d(case.closed_on)}
                }
            )
        return save_validated(contact, user=user)


def contact_delete(*, case: Case, contact: Contact, user: User | None = None) -> None:
    """A contact entered by mistake; the history keeps who deleted it and when."""
    with transaction.atomic():
        contact = Contact.objects.select_for_update().get(pk=contact.pk, case=case)
        if user is not None and getattr(user, "is_authenticated", False):
            contact._history_user = user  # type: ignore[attr-defined]  # simple-history reads it
        contact.delete()


def referral_delete(*, case: Case, referral: Referral, user: User | None = None) -> None:
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk, case=case)
        if user is not None and getattr(user, "is_authenticated", False):
            referral._history_user = user  # type: ignore[attr-defined]  # simple-history reads it
        referral.delete()


def _check_referral(case: Case, referral: Referral) -> None:
    _check_not_future(referral.referred_on, "referred_on", _("Die Verweisung"))
    if referral.referred_on and referral.referred_on < case.opened_on:
        raise ValidationError(
            {
                "referred_on": _("Die Verweisung darf nicht vor der Eröffnung des Falls (%(d)s) liegen.")
                % {"d": _d(case.opened_on)}
            }
        )
    if referral.referred_on and referral.follow_up_on and referral.follow_up_on < referral.referred_on:
        raise ValidationError(
            {
                "follow_up_on": _("Die Wiedervorlage darf nicht vor der Verweisung (%(d)s) liegen.")
                % {"d": _d(referral.referred_on)}
            }
        )


def referral_save(
    *, case: Case, referral: Referral | None = None, data: dict[str, Any], user: User | None = None
) -> Referral:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        referral = (
            Referral.objects.select_for_update().get(pk=referral.pk, case=case) if referral else Referral(case=case)
        )
        apply_fields(referral, data)
        _check_referral(case, referral)
        if referral.pk is None and case.is_closed and referral.referred_on and referral.referred_on > case.closed_on:
            raise ValidationError(
                {
                    "referred_on": _("Der Fall ist seit %(d)s abgeschlossen; bitte zuerst wiederaufnehmen.")
                    % {"d": _d(case.closed_on)}
                }
            )
        return save_validated(referral, user=user)


def case_close(*, case: Case, closed_on: date, reason: str, user: User | None = None) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.is_closed:
            raise ValidationError({"closed_on": _("Der Fall ist bereits abgeschlossen.")})
        episode = _current_episode(case)
        _check_not_future(closed_on, "closed_on", _("Der Abschluss"))
        if closed_on < episode.start:
            what = _("der Wiederaufnahme") if episode.is_reopening else _("der Eröffnung")
            raise ValidationError(
                {
                    "closed_on": _("Der Abschluss darf nicht vor %(what)s (%(d)s) liegen.")
                    % {"what": what, "d": _d(episode.start)}
                }
            )
        last_contact = case.contacts.order_by("-date").values_list("date", flat=True).first()
        if last_contact and closed_on < last_contact:
            raise ValidationError(
                {
                    "closed_on": _("Der letzte Kontakt war am %(d)s; der Abschluss kann nicht davor liegen.")
                    % {"d": _d(last_contact)}
                }
            )
        episode.end, episode.closure_reason = closed_on, reason
        save_validated(episode, user=user)
        case.closed_on, case.closure_reason, case.phase = closed_on, reason, Phase.CLOSED
        return save_validated(case, user=user)


def case_reopen(*, case: Case, reopened_on: date, reason: str, user: User | None = None) -> Case:
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        closed_on = case.closed_on
        if closed_on is None:
            raise ValidationError({"reopened_on": _("Der Fall ist nicht abgeschlossen.")})
        _check_not_future(reopened_on, "reopened_on", _("Die Wiederaufnahme"))
        if reopened_on < closed_on:
            raise ValidationError(
                {
                    "reopened_on": _("Die Wiederaufnahme darf nicht vor dem Abschluss (%(d)s) liegen.")
                    % {"d": _d(closed_on)}
                }
            )
        episode = _current_episode(case)
        save_validated(
            CaseEpisode(case=case, number=episode.number + 1, start=reopened_on, reopening_reason=reason), user=user
        )
        case.closed_on, case.closure_reason, case.phase = None, "", Phase.INTAKE
        return save_validated(case, user=user)


# --------------------------------------------------------------------------------------------- returns


def return_create(
    *, carrier: Organisation, post: Post, year: int, month: int, user: User | None = None
) -> CaseloadReturn:
    with transaction.atomic():
        if post.employer_id != carrier.pk:
            raise ValidationError({"post": _("Bitte eine Stelle des eigenen Trägers wählen.")})
        today = _today()
        if (year, month) > (today.year, today.month):
            raise ValidationError({"month": _("Für einen künftigen Monat kann noch keine Meldung angelegt werden.")})

        start, end = month_bounds(year, month)
        if post.start > end or (post.end is not None and post.end < start):
            raise ValidationError(
                {
                    "month": _("Die Stelle bestand in diesem Monat nicht (%(s)s – %(e)s).")
                    % {"s": _d(post.start), "e": _d(post.end) if post.end else "offen"}
                }
            )
        if CaseloadReturn.objects.filter(carrier=carrier, post=post, year=year, month=month).exists():
            raise ValidationError({"month": _("Für diese Stelle und diesen Monat gibt es bereits eine Meldung.")})
        return save_validated(CaseloadReturn(carrier=carrier, post=post, year=year, month=month), user=user)


def _locked(caseload_return: CaseloadReturn, version: int | None = None) -> CaseloadReturn:
    """The return, locked; refused when the page the user acted on showed an older version."""
    return check_version(caseload_return, version)


def _store_figures(caseload_return: CaseloadReturn, figures: dict[str, dict[str, int]]) -> None:
    caseload_return.figures.all().delete()
    bulk_create_with_history(
        [
            ReturnFigure(caseload_return=caseload_return, dimension=dimension, key=key, count=count)
            for dimension, values in figures.items()
            for key, count in values.items()
            if count or dimension == "totals"
        ],
        ReturnFigure,
    )


def return_submit(
    *, caseload_return: CaseloadReturn, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    """Freeze the figures: computed from the register now, or the uploaded ones."""

    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status not in (ReturnStatus.DRAFT, ReturnStatus.RETURNED):
            raise ValidationError(_("Diese Meldung ist bereits eingereicht."))
        start, end = month_bounds(r.year, r.month)
        if end >= _today():
            raise ValidationError(
                _("Der Monat ist noch nicht abgelaufen; die Meldung kann erst danach eingereicht werden.")
            )
        if r.source == ReturnSource.REGISTER:
            _store_figures(r, return_figures_computed(carrier=r.carrier, post=r.post, start=start, end=end))
        r.status, r.submitted_at, r.review_note = ReturnStatus.SUBMITTED, timezone.now(), ""
        return save_validated(r, user=user)


def return_upload(
    *, caseload_return: CaseloadReturn, content: bytes, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    """Replace the figures with those of a CSV file; nothing changes unless the whole file is valid."""

    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status not in (ReturnStatus.DRAFT, ReturnStatus.RETURNED):
            raise ValidationError({"file": _("Eine eingereichte Meldung kann nicht mehr ersetzt werden.")})
        figures = parse_return_csv(content)  # raises ValidationError listing every bad line
        _store_figures(r, figures)
        r.source = ReturnSource.UPLOAD
        return save_validated(r, user=user)


def return_use_register(
    *, caseload_return: CaseloadReturn, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status not in (ReturnStatus.DRAFT, ReturnStatus.RETURNED):
            raise ValidationError(_("Eine eingereichte Meldung kann nicht mehr geändert werden."))
        r.figures.all().delete()
        r.source = ReturnSource.REGISTER
        return save_validated(r, user=user)


def return_withdraw(
    *, caseload_return: CaseloadReturn, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    """The carrier takes a submitted return back as a draft, as long as A 46 has not decided on it
    (accepted or sent back); figures computed from the register are computed live again."""
    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status != ReturnStatus.SUBMITTED:
            raise ValidationError(_("Nur eingereichte, noch nicht geprüfte Meldungen können zurückgezogen werden."))
        if r.source == ReturnSource.REGISTER:
            r.figures.all().delete()
        r.status, r.submitted_at = ReturnStatus.DRAFT, None
        return save_validated(r, user=user)


def return_accept(
    *, caseload_return: CaseloadReturn, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status != ReturnStatus.SUBMITTED:
            raise ValidationError(_("Nur eingereichte Meldungen können angenommen werden."))
        r.status, r.reviewed_at, r.review_note = ReturnStatus.ACCEPTED, timezone.now(), ""
        return save_validated(r, user=user)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Bitte eine Begründung angeben (mindestens 5 Zeichen).")})
    return reason


def return_send_back(
    *, caseload_return: CaseloadReturn, reason: str, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status != ReturnStatus.SUBMITTED:
            raise ValidationError(_("Nur eingereichte Meldungen können zurückgegeben werden."))
        r.status, r.reviewed_at, r.review_note = ReturnStatus.RETURNED, timezone.now(), _reason(reason)
        return save_validated(r, user=user)


def return_reopen(
    *, caseload_return: CaseloadReturn, reason: str, user: User | None = None, version: int | None = None
) -> CaseloadReturn:
    """An accepted return is locked; only A 46 reopens it, and only with a reason."""
    with transaction.atomic():
        r = _locked(caseload_return, version)
        if r.status != ReturnStatus.ACCEPTED:
            raise ValidationError(_("Nur angenommene Meldungen können wieder geöffnet werden."))
        r.status, r.reviewed_at, r.review_note = ReturnStatus.RETURNED, timezone.now(), _reason(reason)
        return save_validated(r, user=user)


# ------------------------------------------------------------------------------------------ indicators


def indicator_save(
    *, report: IndicatorReport | None = None, data: dict[str, Any], user: User | None = None
) -> IndicatorReport:
    with transaction.atomic():
        report = IndicatorReport.objects.select_for_update().get(pk=report.pk) if report else IndicatorReport()
        apply_fields(report, data)
        post = report.post if report.post_id else None
        if post is not None and post.employer.is_carrier:
            raise ValidationError({"post": _("Kennzahlen werden für eigene Stellen der Körperschaft erfasst.")})
        if post is not None and post.module.number not in (1, 3):
            raise ValidationError({"post": _("Kennzahlen gibt es für Stellen der Module 1 und 3.")})
        today = _today()
        if report.year and report.month and (report.year, report.month) > (today.year, today.month):
            raise ValidationError({"month": _("Für einen künftigen Monat können keine Kennzahlen erfasst werden.")})
        return save_validated(report, user=user)
