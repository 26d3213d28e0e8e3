"""Shared write helpers for services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models, transaction

from kim.models import Organisation, OrganisationKind, User
from kim.periods import validate_plausible_dates
from kim.versioning import expected_version

M = TypeVar("M", bound=models.Model)


def apply_fields(instance: M, data: dict[str, Any]) -> M:
    """Set the form's values on the instance. An edit form's ``version`` is not a value: the stored row
    is locked and compared with it first (a stale form raises ``VersionConflict``, nothing is set)."""

    data = dict(data)
    expected_version(instance, data)
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


def save_validated(instance: M, *, user: User | None = None) -> M:
    """full_clean (fields + database constraints, dates 2000–2100) then save, recording who changed it."""
    instance.full_clean()
    validate_plausible_dates(instance)
    if user is not None and getattr(user, "is_authenticated", False):
        # simple-history reads who changed the row from this attribute (its documented way outside a request).
        instance._history_user = user  # type: ignore[attr-defined]
    instance.save()
    return instance


def organisation_save(
    *, organisation: Organisation | None = None, data: dict[str, Any], user: User | None = None
) -> Organisation:
    """Create or update a carrier; new organisations made here are carriers."""

    with transaction.atomic():
        organisation = organisation or Organisation(kind=OrganisationKind.CARRIER)
        apply_fields(organisation, data)
        return save_validated(organisation, user=user)
