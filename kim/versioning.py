"""Optimistic locking against lost updates.

Every model edited through a form carries a ``version`` (``VersionedModel``) that each save raises by
one. An edit form sends the version it was loaded with (hidden field ``version``); the service locks the
row (``select_for_update()`` inside its transaction) and compares (``check_version``). If someone saved
in between, nothing is written and a ``VersionConflict`` names who changed what when, from the
simple-history records: "Betrag: 55.000,00 € → 57.000,00 €".

State changes made by buttons (submit or accept a return, release a paper) send the version of the
page too (``expected_version``); an outdated page is refused the same way.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from kim.history import field_changes

VERSION = "version"
MAX_VERSION = 2**31 - 1
# Bookkeeping fields that change with every save and say nothing to the reader.
QUIET_FIELDS = frozenset({VERSION, "modified", "created", "snapshot"})

M = TypeVar("M", bound=models.Model)


class VersionedModel(models.Model):
    """Adds ``version`` (1 on insert, +1 on every later save, also for ``update_fields`` saves)."""

    version = models.PositiveIntegerField(_l("Version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            self.version = (self.version or 0) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], VERSION}
        super().save(*args, **kwargs)


def is_versioned(obj: Any) -> bool:
    return isinstance(obj, VersionedModel) and obj.pk is not None


# What a state-changing button without a plausible version gets (kim.forms.VersionForm).
STALE_PAGE = _l("Die Seite ist veraltet oder unvollständig. Bitte die Seite neu laden und es erneut versuchen.")


class VersionConflict(ValidationError):
    """A stale form or button: the stored row is newer than the version the user loaded."""


def _plain_digits(text: str) -> bool:
    """Only what a page renders: up to ten ASCII digits (int() would also take "１" or "1_0")."""
    return text.isascii() and text.isdigit() and len(text) <= 10


class VersionField(forms.IntegerField):
    """The hidden version of an edit form; anything but a plausible number is a German form error."""

    widget = forms.HiddenInput
    default_error_messages = {
        key: _l("Das Formular ist unvollständig oder veraltet. Bitte die Seite neu laden.")
        for key in ("required", "invalid", "min_value", "max_value", "max_digits")
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_VERSION)
        kwargs.setdefault("label", _l("Version"))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        text = str(value).strip() if value is not None else ""
        if text and not _plain_digits(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def add_version_field(form: forms.BaseForm, obj: models.Model) -> None:
    """Give an edit form of a versioned object the hidden ``version`` field (initial: the loaded version)."""
    if is_versioned(obj) and VERSION not in form.fields:
        form.fields[VERSION] = VersionField(initial=obj.version)


def version_errors_to_top(form: forms.BaseForm) -> None:
    """A bad hidden version cannot be shown at its (invisible) field: show it above the form."""
    if VERSION in form.fields and isinstance(form.fields[VERSION], VersionField) and VERSION in form.errors:
        errors = form.errors.pop(VERSION)
        form.errors.setdefault(NON_FIELD_ERRORS, form.error_class(error_class="nonfield")).extend(errors)


def _who(record) -> str:
    user = getattr(record, "history_user", None)
    if user is None:
        return _("einem anderen Vorgang")
    return user.get_full_name() or user.get_username()


def _when(record) -> str:
    return timezone.localtime(record.history_date).strftime("%d.%m.%Y, %H:%M Uhr")


def changes_since(obj: models.Model, version: int) -> tuple[Any, list[dict[str, str]]]:
    """The newest history record and the fields changed since ``version`` (old → new, German display)."""

    history = obj.history.select_related("history_user")
    newest = history.order_by("-history_date", "-history_id").first()
    base = history.filter(version__lte=version).order_by("-history_date", "-history_id").first()
    if newest is None or base is None or newest.pk == base.pk:
        return newest, []
    excluded = [f.name for f in obj._meta.concrete_fields if f.name in QUIET_FIELDS]
    return newest, field_changes(obj, newest, base, excluded=excluded)


def conflict(obj: models.Model, version: int) -> VersionConflict:
    """The German message for a stale form: who, when, what changed; the user's input was not saved."""
    newest, rows = changes_since(obj, version)
    if newest is None or version > obj.version:
        return VersionConflict(
            [
                _(
                    "Das Formular passt nicht zum gespeicherten Stand. Ihre Änderungen wurden nicht gespeichert. Bitte die Seite neu laden."
                )
            ],
            code="version_conflict",
        )
    messages = [
        _(
            "Dieser Datensatz wurde inzwischen von %(who)s am %(when)s geändert. Ihre Änderungen wurden nicht gespeichert."
        )
        % {"who": _who(newest), "when": _when(newest)}
    ]
    if rows:
        messages.append(_("Seit Sie die Seite geladen haben, wurde geändert:"))
        messages += [f"{row['field']}: {row['old']} → {row['new']}" for row in rows]
    messages.append(_("Bitte die Seite neu laden, den aktuellen Stand prüfen und Ihre Änderungen erneut eintragen."))
    return VersionConflict(messages, code="version_conflict")


def check_version(obj: M, version: int | None) -> M:
    """Lock the stored row and compare its version with the one the user loaded.

    Call inside ``transaction.atomic()``. ``version`` None (no form involved: commands, the demo) skips
    the comparison but still locks. Returns the locked, current row.
    """
    current = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
    if version is not None and current.version != version:
        raise conflict(current, version)
    return current


def expected_version(obj: M, data: dict[str, Any]) -> M:
    """``check_version`` with the version from a form's data (removed from ``data``); keeps ``obj`` fresh."""
    version = data.pop(VERSION, None)
    if obj.pk is None or not isinstance(obj, VersionedModel):
        return obj
    current = check_version(obj, version)
    if current.version != obj.version:  # the caller's copy is older than the locked row
        obj.refresh_from_db()
    return obj
