"""Deleted entries of the administration's records, from their history: what, deleted by whom, when.

Only A 46 and the audit (read-only) see it. Case data of the carriers (cases, contacts, referrals) is the
carriers' own and is not listed here. One query per kind of record (a fixed number), each limited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Model

from committee.models import Committee
from funding.models import BudgetLine, CostPlan, GrantAllocation, OwnShareRequest, Programme, Rate
from kim.models import Municipality, Organisation
from modules.models import CostRate, Occupancy, PersonnelCost, Post

DELETABLE: tuple[type[Model], ...] = (
    Rate,
    CostPlan,
    BudgetLine,
    GrantAllocation,
    OwnShareRequest,
    Programme,
    CostRate,
    PersonnelCost,
    Occupancy,
    Post,
    Organisation,
    Municipality,
    Committee,
)
PER_KIND = 200


@dataclass
class DeletedEntry:
    kind: str
    label: str
    deleted_at: datetime
    deleted_by: str


def _attach_related(model: type[Model], instances: list[Model]) -> None:
    """The objects the deleted rows point to (their names label the rows), one query per foreign key."""
    if not instances:
        return
    for field in model._meta.concrete_fields:
        if not (field.is_relation and field.many_to_one):
            continue
        ids = {getattr(obj, field.attname) for obj in instances} - {None}
        related = field.related_model._base_manager.in_bulk(ids) if ids else {}  # type: ignore[union-attr]
        for obj in instances:
            value = getattr(obj, field.attname)
            if value is not None:
                field.set_cached_value(obj, related.get(value))


def deleted_entries(*, limit: int = PER_KIND) -> list[DeletedEntry]:
    """The newest deletions of every kind, newest first."""
    entries = []
    for model in DELETABLE:
        records = (
            model.history.filter(history_type="-")  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("-history_date")[:limit]
        )
        records = list(records)
        instances = [record.instance for record in records]
        _attach_related(model, instances)
        for record, instance in zip(records, instances, strict=True):
            user = record.history_user
            entries.append(
                DeletedEntry(
                    kind=str(model._meta.verbose_name),
                    label=str(instance),
                    deleted_at=record.history_date,
                    deleted_by=(user.get_full_name() or user.get_username()) if user else "–",
                )
            )
    entries.sort(key=lambda e: e.deleted_at, reverse=True)
    return entries
