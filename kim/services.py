"""Shared write helpers for services."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from kim.models import Organisation, OrganisationKind
from kim.periods import validate_plausible_dates
from kim.versioning import expected_version


def apply_fields(instance: models.Model, data: dict[str, Any]) -> models.Model:
    """Set the form's values on the instance. An edit form's ``version`` is not a value: the stored row
    is locked and compared with it first (a stale form raises ``VersionConflict``, nothing is set)."""

    data = dict(data)
    expected_version(instance, data)
    for name, value in data.items():
        setattr(instance, name, value)
    return instance


def save_validated(instance: models.Model, *, user=None) -> models.Model:
    """full_clean (fields + database constraints, dates 2000–2100) then save, recording who changed it."""
    instance.full_clean()
    validate_plausible_dates(instance)
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    instance.save()
    return instance


def organisation_save(*, organisation=None, data: dict[str, Any], user=None):
    """Create or update a carrier; new organisations made here are carriers."""

    with transaction.atomic():
        organisation = organisation or Organisation(kind=OrganisationKind.CARRIER)
        apply_fields(organisation, data)
        return save_validated(organisation, user=user)
