"""Retention of closed cases (domain.md §3): deleted a configurable number of months after closure.

``CASE_RETENTION_MONTHS`` (environment, default 24) counts from the closure date. Deleting a case
removes its topics, episodes, contacts and referrals and their audit history too (the history would
otherwise keep the data). Frozen returns keep their figures: they are stored as rows of their own.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import transaction

from casemanagement.models import Case, CaseEpisode, CaseTopic, Contact, Referral
from kim.periods import add_months


def retention_months() -> int:
    return int(getattr(settings, "CASE_RETENTION_MONTHS", 24))


def deletion_date(case: Case) -> date | None:
    """The day the case will be deleted ("wird gelöscht am …"); None while it is open."""
    if case.closed_on is None:
        return None
    return add_months(case.closed_on, retention_months())


def cases_due_for_deletion(*, today: date):
    """Closed cases whose deletion date has been reached: closed on or before today minus the period."""
    cutoff = add_months(today, -retention_months())
    return Case.objects.filter(closed_on__isnull=False, closed_on__lte=cutoff)


def apply_retention(*, today: date, dry_run: bool = False) -> int:
    with transaction.atomic():
        ids = list(cases_due_for_deletion(today=today).values_list("pk", flat=True))
        if dry_run or not ids:
            return len(ids)
        Case.objects.filter(pk__in=ids).delete()  # cascades to topics, episodes, contacts, referrals
        # The audit history would keep what was deleted (including the deletion records just written).
        for model in (CaseTopic, CaseEpisode, Contact, Referral):
            model.history.filter(case_id__in=ids).delete()
        Case.history.filter(id__in=ids).delete()
        return len(ids)
