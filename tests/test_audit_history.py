"""Every domain model records its history (who, when, what), and no code path bypasses it."""

import ast
from pathlib import Path

import pytest
from django.apps import apps

DOMAIN_APPS = ("kim", "modules", "funding", "casemanagement", "committee")
# Models deliberately without a change history, and why.
NO_HISTORY = {
    "kim.loginattempt": "is itself the security log of login attempts",
    "kim.totpdevice": "holds a TOTP secret that must not be copied into history tables",
    "funding.proofreminder": "is itself the send log of proof-of-use reminders (once per threshold)",
    "kim.accountevent": "is itself the account event log (who did what to which account; never edited)",
    "casemanagement.statisticssnapshot": "a derived copy of the protected statistics, rebuilt from the returns at will",
    "casemanagement.statisticssnapshotpart": "one table of that derived copy (casemanagement/snapshots.py)",
    "casemanagement.publishedstate": "the publication ledger itself: append-only, each row a record of what was shown and when",
    "casemanagement.publicationyear": "a lock row per year (casemanagement/publication.py), no content",
    "kim.formsubmission": "technical one-time tokens of create forms against double submission (no business data)",
}
ROOT = Path(__file__).resolve().parents[1]


def domain_models():
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical") or model._meta.auto_created:
                continue
            yield model


@pytest.mark.parametrize("model", list(domain_models()), ids=lambda m: m._meta.label_lower)
def test_every_domain_model_has_history_or_a_stated_reason(model):
    label = model._meta.label_lower
    if label in NO_HISTORY:
        assert not hasattr(model, "history")
        return
    assert hasattr(model, "history"), f"{label} has no HistoricalRecords()"
    historical = model.history.model
    field_names = {f.name for f in historical._meta.get_fields()}
    assert {"history_user", "history_date", "history_type", "history_change_reason"} <= field_names


def test_no_service_writes_around_history():
    """QuerySet.update()/bulk_update()/bulk_create() skip the history signals; the app code must not
    use them on models with history (simple_history's *_with_history helpers are fine)."""
    offenders = []
    for app in DOMAIN_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    name = node.func.attr
                    if name in {"bulk_update", "bulk_create"} or (name == "update" and _is_queryset_update(node)):
                        if _root_model_name(node) in WITHOUT_HISTORY:
                            continue  # e.g. TOTPDevice.objects.filter(...).update(...)
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert not offenders, "writes that bypass the history: " + ", ".join(offenders)


WITHOUT_HISTORY = {apps.get_model(label).__name__ for label in NO_HISTORY}


def _root_model_name(node: ast.Call) -> str | None:
    """``ProofReminder`` in ``ProofReminder.objects.filter(...).update(...)``; None for a variable."""
    target = node.func.value
    while True:
        if isinstance(target, ast.Call):
            target = target.func
        elif isinstance(target, ast.Attribute):
            target = target.value
        else:
            break
    return target.id if isinstance(target, ast.Name) and target.id[:1].isupper() else None


def _is_queryset_update(node: ast.Call) -> bool:
    """``X.objects.filter(...).update(...)`` or ``qs.update(...)`` – not ``dict.update`` / ``session.update``."""
    target = node.func.value
    while isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
        if target.func.attr in {"filter", "exclude", "all", "select_for_update", "objects"}:
            return True
        target = target.func.value
    return isinstance(target, ast.Attribute) and target.attr == "objects"
