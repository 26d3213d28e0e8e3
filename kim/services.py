"""Shared write helpers for services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kim.models import (
    HEAD_TITLES,
    AccountEvent,
    AccountEventKind,
    Body,
    BodyKind,
    Municipality,
    Organisation,
    OrganisationKind,
    Role,
    TOTPDevice,
    User,
)
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


def municipality_save(
    *, municipality: Municipality | None = None, data: dict[str, Any], user: User | None = None
) -> Municipality:
    with transaction.atomic():
        municipality = municipality or Municipality()
        apply_fields(municipality, data)
        linked = municipality.organisation if municipality.organisation_id else None
        if linked is not None and linked.kind != OrganisationKind.MUNICIPALITY:
            raise ValidationError(
                {"organisation": _("Nur eine Organisation der Art „kreisangehörige Stadt / Gemeinde“ passt hierher.")}
            )
        return save_validated(municipality, user=user)


def organisation_save(
    *, organisation: Organisation | None = None, data: dict[str, Any], user: User | None = None
) -> Organisation:
    """Create or update an organisation; without a ``kind`` in the data a new one is a carrier.

    The hierarchy must stay a tree: an organisation can be neither its own parent nor an ancestor
    of its parent (the parent dropdown and the chains of forwarding follow it upwards).
    """

    with transaction.atomic():
        organisation = organisation or Organisation(kind=OrganisationKind.CARRIER)
        apply_fields(organisation, data)
        if organisation.parent_id and organisation.pk:
            ancestor, seen = organisation.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == organisation.pk:
                    raise ValidationError(
                        {
                            "parent": _(
                                "Die Organisation kann nicht unter sich selbst oder einer ihrer Untergliederungen stehen."
                            )
                        }
                    )
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        if organisation.kind == OrganisationKind.DEPARTMENT and (
            organisation.parent is None or organisation.parent.kind != OrganisationKind.COUNTY
        ):
            raise ValidationError({"parent": _("Ein Amt gehört zu einer Körperschaft (Kreis/Stadt).")})
        return save_validated(organisation, user=user)


# --- the body and its first administrator ---------------------------------------------------------


@dataclass
class SetupResult:
    body: Body
    admin: User
    created: bool
    link: str = ""


def body_setup(*, name: str, kind: str, admin_username: str, email: str, department: str = "") -> SetupResult:
    """Create the body and its first A 46 administrator on an empty database.

    Idempotent: the same call again changes nothing (``created`` is False, no new link). A database
    that already serves another body, or whose administrator name is taken, is refused.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Bitte den Namen der Körperschaft angeben.")})
    if kind not in BodyKind.values:
        raise ValidationError({"kind": _("Art muss county, city oder staedteregion sein.")})
    with transaction.atomic():
        existing = Body.objects.select_for_update().order_by("pk").first()
        if existing is not None:
            admin = User.objects.filter(username=admin_username).first()
            if existing.name == name and admin is not None and admin.is_a46:
                return SetupResult(body=existing, admin=admin, created=False)
            raise ValidationError(
                _("Die Datenbank ist bereits für „%(name)s“ eingerichtet; setup ändert nichts.")
                % {"name": existing.name}
            )
        if User.objects.filter(username=admin_username).exists():
            raise ValidationError({"admin": _("Den Benutzernamen „%(u)s“ gibt es schon.") % {"u": admin_username}})
        validate_email(email)
        organisation = Organisation(kind=OrganisationKind.COUNTY, name=name, slug=_free_slug(name))
        save_validated(organisation)
        body = Body(name=name, short_name=name, kind=kind, head_title=str(HEAD_TITLES[BodyKind(kind)]))
        body.organisation = organisation
        body.full_clean()
        body.save()
        if department.strip():
            lead = Organisation(
                kind=OrganisationKind.DEPARTMENT,
                name=department.strip(),
                slug=_free_slug(department),
                parent=organisation,
            )
            save_validated(lead)
            body.lead_departments.add(lead)
        admin = User(username=admin_username, email=email, role=Role.ADMIN, is_staff=False)
        admin.set_unusable_password()
        admin.full_clean(exclude=["password"])
        admin.save()
        account_event_record(account=admin, kind=AccountEventKind.SETUP, actor=None, note=name)
    return SetupResult(body=body, admin=admin, created=True, link=account_link_path(admin))


def _free_slug(text: str) -> str:
    base = slugify(text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss"))[:50] or "org"
    slug, n = base, 2
    while Organisation.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- accounts -------------------------------------------------------------------------------------


def account_link_path(account: User) -> str:
    """The one-time link to set a password: valid until used (the token depends on the password
    hash) or until ``PASSWORD_RESET_TIMEOUT`` has passed."""
    uid = urlsafe_base64_encode(force_bytes(account.pk))
    return reverse("account_link", args=[uid, default_token_generator.make_token(account)])


def account_event_record(*, account: User, kind: str, actor: User | None, note: str = "") -> AccountEvent:
    return AccountEvent.objects.create(
        account=account,
        organisation_id=account.organisation_id,
        actor=actor if actor is not None and actor.is_authenticated else None,
        kind=kind,
        note=note[:300],
    )


def carrier_has_admin(organisation_id: int) -> bool:
    return User.objects.filter(organisation_id=organisation_id, is_carrier_admin=True, is_active=True).exists()


def carrier_has_accounts(organisation_id: int) -> bool:
    """Any carrier account of the organisation, active or locked."""
    return User.objects.filter(organisation_id=organisation_id, role=Role.CARRIER).exists()


def account_manageable(*, actor: User, account: User, action: str) -> bool:
    """May ``actor`` do ``action`` (invite, reset, reactivate, deactivate, second_factor) to ``account``?

    Carrier accounts belong to the carrier: only its administrators invite and reset its staff. A 46
    never learns a carrier account's password or one-time link (that would open the carrier's case
    register to the county): it invites a carrier's *first* administrator while the carrier has no
    account at all (nobody can have entered a case yet), locks a carrier account (a leaver, a
    compromised login) and, while the carrier has no active administrator, gives a locked account back
    to its owner (reactivation sets no password). Locking every administrator and then inviting a new
    one or resetting an account is refused.
    """
    if actor.is_a46:
        if account.role != Role.CARRIER:
            return True
        if action == "deactivate":
            return True
        if account.organisation_id is None:
            return False
        if action == "invite":
            return account.is_carrier_admin and not carrier_has_accounts(account.organisation_id)
        if action == "reactivate":
            return not carrier_has_admin(account.organisation_id)
        return False
    if actor.is_carrier_staff and actor.is_carrier_admin and actor.is_active:
        if account.role != Role.CARRIER or account.organisation_id != actor.organisation_id:
            return False
        return not (action == "deactivate" and account.pk == actor.pk)
    return False


def _refuse() -> None:
    raise PermissionDenied(_("Dieses Konto verwalten Sie nicht."))


def account_invite(*, actor: User, data: dict[str, Any]) -> User:
    """A new account without a password; its owner sets one through the one-time link."""
    with transaction.atomic():
        account = User(is_staff=False)
        apply_fields(account, data)
        if actor.is_carrier_staff:
            account.role = Role.CARRIER
            account.organisation_id = actor.organisation_id
        if account.role != Role.CARRIER:
            account.organisation = None
            account.is_carrier_admin = False
        if account.organisation_id:
            # Two invitations of a carrier's "first" administrator at once: only one may pass.
            Organisation.objects.select_for_update().filter(pk=account.organisation_id).first()
        if not account_manageable(actor=actor, account=account, action="invite"):
            if actor.is_a46 and account.role == Role.CARRIER:
                if account.organisation_id and carrier_has_admin(account.organisation_id):
                    message = _(
                        "Dieser Träger hat bereits eine Trägeradministration; sie lädt ihr Personal selbst ein. "
                        "A 46 lädt nur die erste Trägeradministration ein."
                    )
                elif account.organisation_id and carrier_has_accounts(account.organisation_id):
                    message = _(
                        "Dieser Träger hat bereits Konten. A 46 lädt nur die erste Trägeradministration eines "
                        "Trägers ohne Konten ein; eine gesperrte Trägeradministration kann A 46 wieder freigeben."
                    )
                else:
                    message = _("A 46 lädt bei einem Träger nur die erste Trägeradministration ein.")
                raise ValidationError({"organisation": message})
            _refuse()
        account.set_unusable_password()
        account.full_clean(exclude=["password"])
        account._history_user = actor  # type: ignore[attr-defined]  # simple-history reads it when saving
        account.save()
        account_event_record(
            account=account, kind=AccountEventKind.INVITED, actor=actor, note=account.get_role_display()
        )
    return account


def account_reissue_link(*, actor: User, account: User) -> str:
    """Reset: the old password and every earlier link stop working; a new one-time link is returned."""
    if not account_manageable(actor=actor, account=account, action="reset"):
        _refuse()
    with transaction.atomic():
        account.set_unusable_password()
        account._history_user = actor  # type: ignore[attr-defined]  # simple-history reads it when saving
        account.save(update_fields=["password"])
        account_event_record(account=account, kind=AccountEventKind.LINK_ISSUED, actor=actor)
    return account_link_path(account)


def account_set_active(*, actor: User, account: User, active: bool, reason: str = "") -> User:
    action = "reactivate" if active else "deactivate"
    if not account_manageable(actor=actor, account=account, action=action):
        _refuse()
    if not active and not reason.strip():
        raise ValidationError({"reason": _("Bitte eine Begründung angeben.")})
    with transaction.atomic():
        account.is_active = active
        account._history_user = actor  # type: ignore[attr-defined]  # simple-history reads it when saving
        account.save(update_fields=["is_active"])
        kind = AccountEventKind.REACTIVATED if active else AccountEventKind.DEACTIVATED
        account_event_record(account=account, kind=kind, actor=actor, note=reason)
    return account


def second_factor_reset(*, actor: User, account: User, reason: str) -> None:
    """The account sets up its authenticator again at its next login (lost phone)."""
    if not actor.is_a46 or not account_manageable(actor=actor, account=account, action="second_factor"):
        _refuse()
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte eine Begründung angeben.")})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=account).delete()
        account_event_record(account=account, kind=AccountEventKind.SECOND_FACTOR_RESET, actor=actor, note=reason)
