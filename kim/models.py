"""Core: organisations, municipalities and users with their roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kim.versioning import VersionedModel


class OrganisationKind(models.TextChoices):
    LAND = "land", _("Land (Fördergeber)")
    AUTHORITY = "authority", _("Bewilligungsbehörde")
    COUNTY = "county", _("Kreis / kreisfreie Stadt (Körperschaft)")
    DEPARTMENT = "department", _("Amt / Dienststelle")
    CARRIER = "carrier", _("Träger")
    UMBRELLA = "umbrella", _("Dachverband")
    MUNICIPALITY = "municipality", _("kreisangehörige Stadt / Gemeinde")


# Who can employ a post the body forwards money for and receive a forwarding contract: welfare
# carriers and the county's municipalities (kreisangehörige Städte und Gemeinden). A municipality
# is an organisation of its own kind (its parent is the county); ``Municipality`` below is the place
# (Einsatzort, statistics) and may name the organisation that administers it.
RECIPIENT_KINDS = (OrganisationKind.CARRIER, OrganisationKind.MUNICIPALITY)


class OrganisationQuerySet(models.QuerySet):
    def carriers(self) -> OrganisationQuerySet:
        return self.filter(kind=OrganisationKind.CARRIER)

    def recipients(self) -> OrganisationQuerySet:
        """Organisations that can receive forwarded money (carriers and municipalities)."""
        return self.filter(kind__in=RECIPIENT_KINDS)

    def for_user(self, user) -> OrganisationQuerySet:
        """The scoping choke point: carrier staff reach their own organisation only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(pk=user.organisation_id)
        return self


class Organisation(VersionedModel):
    kind = models.CharField(_("Art"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    slug = models.SlugField(_("Kürzel (URL)"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("übergeordnete Organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("Bei Ämtern die Kreisverwaltung, bei Trägern der Dachverband (z. B. AG Wohlfahrt)."),
    )
    address = models.CharField(_("Anschrift"), max_length=250, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        if self.kind == OrganisationKind.CARRIER:
            return reverse("kim:carrier_detail", args=[self.slug])
        return reverse("masterdata:organisation_detail", args=[self.pk])

    @property
    def is_carrier(self) -> bool:
        return self.kind == OrganisationKind.CARRIER

    @property
    def is_recipient(self) -> bool:
        return self.kind in RECIPIENT_KINDS


class BodyKind(models.TextChoices):
    COUNTY = "county", _("Kreis")
    CITY = "city", _("kreisfreie Stadt")
    STAEDTEREGION = "staedteregion", _("Städteregion")


# The head of the administration who signs committee papers, by kind of body (a default; editable).
HEAD_TITLES = {
    BodyKind.COUNTY: _("Der Landrat"),
    BodyKind.CITY: _("Der Oberbürgermeister"),
    BodyKind.STAEDTEREGION: _("Der Städteregionsrat"),
}


class Body(models.Model):
    """The one body this installation serves (a county, a Städteregion or a county-free city).

    Its name appears in page heads, PDFs, OParl, the TOTP issuer and exports; read it through
    ``kim.selectors.body_current`` (cached), never spell it in code or templates.
    """

    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    kind = models.CharField(_("Art"), max_length=20, choices=BodyKind.choices, default=BodyKind.COUNTY)
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("Organisation der Körperschaft"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="body",
        limit_choices_to={"kind": OrganisationKind.COUNTY},
        help_text=_("Die Organisation, unter der Ämter und eigene Stellen geführt werden."),
    )
    lead_departments = models.ManyToManyField(
        Organisation,
        verbose_name=_("federführende Ämter"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
    )
    head_title = models.CharField(
        _("Verwaltungsspitze"), max_length=100, blank=True, help_text=_("z. B. „Der Landrat“ (Kopf der Vorlagen).")
    )
    signatory = models.CharField(
        _("Zeichnung (gez.)"),
        max_length=120,
        blank=True,
        help_text=_("Wer Vorlagen zeichnet, z. B. „Dr. Muster“; Vorgabe für neue Sitzungsvorlagen."),
    )
    address = models.CharField(_("Anschrift"), max_length=250, blank=True)
    logo = models.FileField(_("Logo (PNG oder SVG)"), upload_to="body/", blank=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)

    # The lead departments are not tracked as m2m history: restoring a backup sets m2m rows, which
    # would add history rows the backup does not contain (kim.backup compares row counts).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Körperschaft")
        verbose_name_plural = _("Körperschaften")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    name = models.CharField(_("Name"), max_length=100, unique=True)
    slug = models.SlugField(_("Kürzel (URL)"), max_length=60, unique=True)
    official_key = models.CharField(_("Gemeindeschlüssel"), max_length=8, blank=True)
    module2_area = models.BooleanField(
        _("im Fördergebiet Modul 2"),
        default=True,
        help_text=_(
            "Nein für eine Kommune, die im Modul 2 gesondert gefördert wird (z. B. eine Stadt mit eigener Förderung)."
        ),
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Inaktive Kommunen erscheinen in keiner Auswahlliste mehr; ihre Daten bleiben."),
    )
    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("Verwaltung als Organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="municipality",
        limit_choices_to={"kind": OrganisationKind.MUNICIPALITY},
        help_text=_(
            "Die kreisangehörige Stadt oder Gemeinde als Organisation, wenn sie Stellen anstellt oder Mittel erhält und weiterleitet."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("masterdata:municipality_detail", args=[self.pk])


class Role(models.TextChoices):
    ADMIN = "admin", _("A 46 – Verwaltung")
    CARRIER = "carrier", _("Trägerpersonal")
    COMMITTEE = "committee", _("Sitzungsdienst")
    READONLY = "readonly", _("nur lesen (z. B. Rechnungsprüfung)")


class User(AbstractUser):
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.READONLY)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Träger"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        limit_choices_to={"kind": OrganisationKind.CARRIER},
        help_text=_("Pflicht für Trägerpersonal, leer für alle anderen Rollen."),
    )
    is_carrier_admin = models.BooleanField(
        _("Trägeradministration"),
        default=False,
        help_text=_("Darf die Konten des eigenen Trägers einladen, sperren und zurücksetzen."),
    )
    # Role and organisation changes are access changes: recorded with who and when (no password hashes).
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        constraints = [
            models.CheckConstraint(
                condition=(Q(role="carrier") & Q(organisation__isnull=False))
                | (~Q(role="carrier") & Q(organisation__isnull=True)),
                name="user_carrier_staff_bound_to_one_carrier",
                violation_error_message=_("Trägerpersonal muss genau einem Träger zugeordnet sein."),
            ),
            models.CheckConstraint(
                condition=Q(is_carrier_admin=False) | Q(role="carrier"),
                name="user_carrier_admin_is_carrier_staff",
                violation_error_message=_("Nur Trägerpersonal kann Trägeradministration sein."),
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.CARRIER and self.organisation_id and self.organisation.kind != OrganisationKind.CARRIER:
            raise ValidationError({"organisation": _("Trägerpersonal kann nur einem Träger zugeordnet werden.")})

    @property
    def is_a46(self) -> bool:
        # Not is_superuser: operators of the Django admin are technicians, not the A 46 role.
        return self.is_authenticated and self.role == Role.ADMIN

    @property
    def is_carrier_staff(self) -> bool:
        return self.role == Role.CARRIER

    @property
    def is_committee_staff(self) -> bool:
        return self.role == Role.COMMITTEE

    @property
    def can_edit(self) -> bool:
        return self.is_a46

    @property
    def role_key(self) -> Role:
        """The role that decides access; being an operator (is_superuser) adds nothing in the app."""
        return Role(self.role)


def role_key(user: Any) -> Role | None:
    """``user.role_key`` for a signed-in user, None for an anonymous visitor (the role vocabulary is Role)."""
    return user.role_key if user.is_authenticated else None


class LoginStage(models.TextChoices):
    PASSWORD = "password", _("Passwort")
    SECOND_FACTOR = "second_factor", _("Zweiter Faktor")


class LoginAttempt(models.Model):
    """One login attempt (no password is ever stored). Feeds the throttling rule in ``kim.security``."""

    username = models.CharField(_("Benutzername"), max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    successful = models.BooleanField(_("erfolgreich"), default=False)
    # Password and second factor are counted apart: a name like "a46#2fa" cannot slow a46's code entry.
    stage = models.CharField(_("Schritt"), max_length=20, choices=LoginStage.choices, default=LoginStage.PASSWORD)
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Anmeldeversuch")
        verbose_name_plural = _("Anmeldeversuche")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["ip_address", "at"], name="loginattempt_ip_at"),
            models.Index(fields=["username", "ip_address", "stage", "at"], name="loginattempt_pair_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.at:%d.%m.%Y %H:%M} {'ok' if self.successful else 'fehlgeschlagen'}"


class TOTPDevice(models.Model):
    """The second factor of an A 46 administrator: an authenticator app (TOTP, RFC 6238, 30 s, 6 digits).

    ``last_step`` is the last accepted time step, so one code cannot be used twice (replay).
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp_device", verbose_name=_("Benutzer"))
    secret = models.CharField(_("Geheimnis (Base32)"), max_length=64)
    confirmed = models.BooleanField(_("eingerichtet"), default=False)
    last_step = models.BigIntegerField(_("zuletzt verwendeter Zeitschritt"), default=0)
    created = models.DateTimeField(_("angelegt"), auto_now_add=True)

    class Meta:
        verbose_name = _("Zweiter Faktor (TOTP)")
        verbose_name_plural = _("Zweite Faktoren (TOTP)")

    def __str__(self) -> str:
        return f"TOTP {self.user}"


class AccountEventKind(models.TextChoices):
    SETUP = "setup", _("bei der Einrichtung angelegt")
    INVITED = "invited", _("eingeladen")
    LINK_ISSUED = "link_issued", _("neuer Einmal-Link (Zurücksetzen)")
    PASSWORD_SET = "password_set", _("Passwort über Einmal-Link gesetzt")
    PASSWORD_CHANGED = "password_changed", _("Passwort geändert")
    DEACTIVATED = "deactivated", _("gesperrt")
    REACTIVATED = "reactivated", _("wieder freigegeben")
    CHANGED = "changed", _("Rolle oder Angaben geändert")
    SECOND_FACTOR_RESET = "second_factor_reset", _("zweiter Faktor zurückgesetzt")


class AccountEventQuerySet(models.QuerySet):
    def for_user(self, user) -> AccountEventQuerySet:
        """A 46 sees every account event; a carrier administrator those of the own organisation."""
        if not user.is_authenticated:
            return self.none()
        if user.is_a46:
            return self
        if user.is_carrier_staff and user.is_carrier_admin:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


class AccountEvent(models.Model):
    """One event in the life of an account (who did what to whom, when); never edited or deleted."""

    account = models.ForeignKey(User, verbose_name=_("Konto"), on_delete=models.PROTECT, related_name="account_events")
    # The account's carrier at the time: the carrier administrator's log (includes A 46's invitations).
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Träger"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("durch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leer: durch die Einrichtung (manage.py setup) oder das Konto selbst per Einmal-Link."),
    )
    kind = models.CharField(_("Ereignis"), max_length=30, choices=AccountEventKind.choices)
    note = models.CharField(_("Begründung / Angaben"), max_length=300, blank=True)
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)

    objects = AccountEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kontoereignis")
        verbose_name_plural = _("Kontoereignisse")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.account} {self.get_kind_display()} {self.at:%d.%m.%Y %H:%M}"


class FormSubmission(models.Model):
    """A create form's one-time token, stored with what it created: the same form sent again
    (browser back + save, a double click) finds its token and creates nothing a second time."""

    token = models.UUIDField(_("Formular-Token"), unique=True)
    user = models.ForeignKey(User, verbose_name=_("Benutzer"), on_delete=models.CASCADE, related_name="+")
    url = models.CharField(_("Ergebnis"), max_length=500)
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Formularabsendung")
        verbose_name_plural = _("Formularabsendungen")

    def __str__(self) -> str:
        return str(self.token)
