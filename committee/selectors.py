"""Reads of the committee work that other pages show (the committee staff's due list)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from committee.models import Meeting, Paper, PaperStatus


def meetings_without_results(*, today: date | None = None) -> QuerySet[Meeting]:
    """Past meetings, not cancelled, with at least one consultation still without a result."""
    today = today or date.today()
    return (
        Meeting.objects.filter(date__lt=today, cancelled=False)
        .annotate(open_items=Count("consultations", filter=Q(consultations__result="")))
        .filter(open_items__gt=0)
        .select_related("committee")
        .order_by("date", "pk")
    )


def papers_not_on_an_agenda() -> QuerySet[Paper]:
    """Released papers that no agenda item lists yet."""
    return Paper.objects.filter(status=PaperStatus.RELEASED, deleted=False, agenda_items__isnull=True).order_by(
        "number", "pk"
    )
