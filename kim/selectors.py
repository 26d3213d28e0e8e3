"""Reads of the core: the body this installation serves."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kim.models import HEAD_TITLES, Body, BodyKind, Role, User


@dataclass(frozen=True)
class BodyInfo:
    """What pages, PDFs and exports need of the body: plain values, safe to cache per process."""

    name: str
    short_name: str
    kind: str
    kind_label: str
    head_title: str
    signatory: str
    address: str
    lead_departments: tuple[str, ...] = field(default_factory=tuple)
    organisation_id: int | None = None
    configured: bool = True

    @property
    def lead_department(self) -> str:
        return " / ".join(self.lead_departments)


# Per-process cache: every page shows the body, so it must not cost a query per request. Saving the
# body clears it in this process (signals in kim.apps); other processes follow within the TTL.
_cache: dict[str, tuple[float, BodyInfo]] = {}


def body_unconfigured() -> BodyInfo:
    """What pages show before ``manage.py setup`` has created the body."""
    return BodyInfo(
        name=_("Körperschaft nicht eingerichtet"),
        short_name=_("Körperschaft nicht eingerichtet"),
        kind="",
        kind_label="",
        head_title="",
        signatory="",
        address="",
        configured=False,
    )


def _load() -> BodyInfo:
    body = Body.objects.prefetch_related("lead_departments").order_by("pk").first()
    if body is None:
        return body_unconfigured()
    kind = BodyKind(body.kind)
    return BodyInfo(
        name=body.name,
        short_name=body.short_name or body.name,
        kind=kind.value,
        kind_label=str(kind.label),
        head_title=body.head_title or str(HEAD_TITLES[kind]),
        signatory=body.signatory,
        address=body.address,
        lead_departments=tuple(d.name for d in sorted(body.lead_departments.all(), key=lambda d: d.name)),
        organisation_id=body.organisation_id,
    )


def body_current() -> BodyInfo:
    """The body of this installation (cached for ``BODY_CACHE_SECONDS``, cleared on every change)."""
    hit = _cache.get("body")
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    info = _load()
    _cache["body"] = (now + getattr(settings, "BODY_CACHE_SECONDS", 60), info)
    return info


def body_cache_clear(*args: object, **kwargs: object) -> None:
    _cache.pop("body", None)


def body_cache_prime(info: BodyInfo) -> None:
    """Set the cached body without a query (tests start each case from a known state)."""
    _cache["body"] = (time.monotonic() + getattr(settings, "BODY_CACHE_SECONDS", 60), info)


# --- accounts -------------------------------------------------------------------------------------


def can_manage_accounts(user: User) -> bool:
    return user.is_authenticated and (user.is_a46 or (user.is_carrier_staff and user.is_carrier_admin))


def accounts_for_user(user: User) -> QuerySet[User]:
    """Accounts a manager may see: A 46 every account, a carrier administrator the own carrier's staff."""
    if not user.is_authenticated:
        return User.objects.none()
    if user.is_a46:
        return User.objects.all()
    if user.is_carrier_staff and user.is_carrier_admin and user.organisation_id is not None:
        return User.objects.filter(role=Role.CARRIER, organisation_id=user.organisation_id)
    return User.objects.none()
