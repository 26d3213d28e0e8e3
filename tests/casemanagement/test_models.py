"""The register holds no personal data: every field is a choice, a date, a count or a reference."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

FORBIDDEN = (
    "name",
    "vorname",
    "nachname",
    "birth",
    "geburt",
    "address",
    "adresse",
    "street",
    "strasse",
    "phone",
    "telefon",
    "email",
    "note",
    "notiz",
    "bemerk",
    "comment",
    "description",
    "text",
)


def register_models():
    return [m for m in apps.get_app_config("casemanagement").get_models() if not m.__name__.startswith("Historical")]


@pytest.mark.parametrize("model", register_models(), ids=lambda m: m.__name__)
def test_no_field_can_hold_a_name_birth_date_address_or_note(model):
    for field in model._meta.get_fields():
        if not getattr(field, "concrete", False):
            continue
        name = field.name.lower()
        if (model.__name__, field.name) == ("CaseloadReturn", "review_note"):
            continue  # A 46's reason for returning a return: about the return, not about a person
        assert not any(word in name for word in FORBIDDEN), f"{model.__name__}.{field.name}"
        assert not isinstance(field, models.TextField), f"{model.__name__}.{field.name} is free text"
        # code, key, digest: identifiers and hashes the application writes, never typed in
        if isinstance(field, models.CharField) and field.name not in {"code", "key", "digest", "review_note"}:
            assert field.choices, f"{model.__name__}.{field.name} is free text"


def test_the_only_free_text_is_the_review_note_about_a_return():
    from casemanagement.models import CaseloadReturn

    assert CaseloadReturn._meta.get_field("review_note").max_length == 500


# Derived data without a history of its own, and why (as NO_HISTORY in tests/test_audit_history.py).
DERIVED = {
    "StatisticsSnapshot": "a copy of the protected statistics, rebuilt from the returns (which keep history)",
    "StatisticsSnapshotPart": "one table of that copy",
    "PublishedState": "the publication ledger: append-only, itself the record of what was shown and when",
    "PublicationYear": "a lock row per year, no content",
}


@pytest.mark.parametrize("model", register_models(), ids=lambda m: m.__name__)
def test_every_model_keeps_history(model):
    if model.__name__ in DERIVED:
        assert not hasattr(model, "history")
        return
    assert hasattr(model, "history")
