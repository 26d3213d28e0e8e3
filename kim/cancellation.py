"""Cancellation (Storno) of records that others depend on: grant notices, forwarding contracts and carrier
payments. A cancelled record stays visible with who cancelled it, when and why, and counts in no total.

Every aggregate over a cancellable model filters with ``in_force()`` (or ``IN_FORCE`` / ``in_force_q``
across a relation): the record exists for the history and the audit, not for the figures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

if TYPE_CHECKING:
    from kim.models import User

REASON_MIN_LENGTH = 5
IN_FORCE = Q(cancelled_at__isnull=True)

C = TypeVar("C", bound="CancellableModel")


def in_force_q(prefix: str = "") -> Q:
    """Not cancelled, for a lookup across a relation: ``in_force_q("grant")`` → grant not cancelled."""
    return Q(**{f"{prefix}__cancelled_at__isnull" if prefix else "cancelled_at__isnull": True})


class CancellableQuerySet(models.QuerySet):
    def in_force(self) -> Any:
        return self.filter(IN_FORCE)

    def cancelled(self) -> Any:
        return self.filter(cancelled_at__isnull=False)


class CancellableModel(models.Model):
    cancelled_at = models.DateTimeField(_l("storniert am"), null=True, blank=True, editable=False)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_l("storniert von"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cancel_reason = models.TextField(_l("Grund der Stornierung"), blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def cancellation_note(self) -> str:
        """„storniert am 03.12.2026 von Erika Muster, Grund: …“ (empty while in force)."""
        if self.cancelled_at is None:
            return ""
        who = self.cancelled_by.get_full_name() or self.cancelled_by.get_username() if self.cancelled_by else "–"
        return _("storniert am %(when)s von %(who)s, Grund: %(reason)s") % {
            "when": timezone.localtime(self.cancelled_at).strftime("%d.%m.%Y"),
            "who": who,
            "reason": self.cancel_reason,
        }


def clean_reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN_LENGTH:
        raise ValidationError(
            {
                "reason": _("Bitte einen Grund für die Stornierung angeben (mindestens %(n)d Zeichen).")
                % {"n": REASON_MIN_LENGTH}
            }
        )
    return reason


def mark_cancelled(obj: C, *, reason: str, user: User | None, when: Any = None) -> C:
    """Set the cancellation fields and save (the history records who); the caller holds the row lock."""
    if obj.cancelled_at is not None:
        raise ValidationError(_("Dieser Eintrag ist bereits storniert."))
    obj.cancelled_at = when or timezone.now()
    obj.cancelled_by = user if user is not None and getattr(user, "is_authenticated", False) else None
    obj.cancel_reason = reason
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user  # type: ignore[attr-defined]
    obj.save()
    return obj
