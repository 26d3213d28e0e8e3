"""The pseudonymous case register of the carriers (module 2), caseload returns and indicators.

The carrier is the data controller for its clients. The register therefore holds no names, birth
dates, addresses or free-text notes about persons (domain.md §3): a case is a generated code with
coarse attributes only. Every field here is a choice, a date, a count or a reference to a post or a
municipality; ``tests/casemanagement/test_models.py`` keeps it that way.

A case runs through one or more *episodes*: the first from opening to closure, each reopening starts
another. Returns count episodes, so a reopened case is new again in the month it is reopened.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kim.models import Municipality, Organisation
from kim.reversing import fast_reverse
from kim.versioning import VersionedModel
from modules.models import Post


class AgeBand(models.TextChoices):
    UNDER_18 = "u18", _("unter 18")
    AGE_18_26 = "18-26", _("18 bis 26")
    AGE_27_44 = "27-44", _("27 bis 44")
    AGE_45_64 = "45-64", _("45 bis 64")
    AGE_65_PLUS = "65+", _("65 und älter")


class Gender(models.TextChoices):
    FEMALE = "f", _("weiblich")
    MALE = "m", _("männlich")
    DIVERSE = "d", _("divers")
    NOT_STATED = "x", _("keine Angabe")


class ResidenceStatus(models.TextChoices):
    ASYLUM_PENDING = "gestattung", _("Aufenthaltsgestattung (Asylverfahren)")
    TOLERATED = "duldung", _("Duldung")
    TEMPORARY = "erlaubnis", _("Aufenthaltserlaubnis")
    PERMANENT = "niederlassung", _("Niederlassungserlaubnis / Daueraufenthalt")
    EU = "eu", _("EU-Freizügigkeit")
    GERMAN = "deutsch", _("deutsche Staatsangehörigkeit")
    OTHER = "sonstig", _("sonstiger / ungeklärter Status")


class LegalDomain(models.TextChoices):
    SGB2 = "sgb2", _("SGB II")
    SGB3 = "sgb3", _("SGB III")
    SGB8 = "sgb8", _("SGB VIII")
    SGB12 = "sgb12", _("SGB XII")
    ASYLBLG = "asylblg", _("AsylbLG")
    NONE = "none", _("kein Rechtskreis")


class Topic(models.TextChoices):
    RESIDENCE = "residence", _("Aufenthalt")
    WORK = "work", _("Arbeit")
    LANGUAGE = "language", _("Sprache")
    HOUSING = "housing", _("Wohnen")
    HEALTH = "health", _("Gesundheit")
    EDUCATION = "education", _("Bildung")
    FAMILY = "family", _("Familie")
    OTHER = "other", _("Sonstiges")


class Phase(models.TextChoices):
    INTAKE = "intake", _("Zugang / Klärung")
    ASSESSMENT = "assessment", _("Einschätzung")
    PLANNING = "planning", _("Hilfeplanung")
    IMPLEMENTATION = "implementation", _("Umsetzung / Monitoring")
    EVALUATION = "evaluation", _("Evaluation")
    CLOSED = "closed", _("abgeschlossen")


class ClosureReason(models.TextChoices):
    GOAL_REACHED = "goal_reached", _("Ziel erreicht")
    HANDED_OVER = "handed_over", _("an Regeldienst übergeben")
    MOVED_AWAY = "moved_away", _("verzogen")
    CONTACT_LOST = "contact_lost", _("Kontakt abgebrochen")
    OTHER = "other", _("sonstiger Grund")


class ReopeningReason(models.TextChoices):
    NEW_NEED = "new_need", _("neuer Unterstützungsbedarf")
    GOAL_NOT_REACHED = "not_reached", _("Ziel doch nicht erreicht")
    CONTACT_RESUMED = "contact_resumed", _("Kontakt wieder aufgenommen")
    CLOSED_IN_ERROR = "closed_in_error", _("irrtümlich abgeschlossen")
    OTHER = "other", _("sonstiger Grund")


class ContactMode(models.TextChoices):
    IN_PERSON = "in_person", _("persönlich")
    PHONE = "phone", _("telefonisch")
    VIDEO = "video", _("Video")
    OUTREACH = "outreach", _("aufsuchend")


class ReferralTarget(models.TextChoices):
    JOBCENTER = "jobcenter", _("Jobcenter")
    EMPLOYMENT_AGENCY = "agentur", _("Agentur für Arbeit")
    YOUTH_OFFICE = "jugendamt", _("Jugendamt")
    SOCIAL_OFFICE = "sozialamt", _("Sozialamt")
    JMD = "jmd", _("Jugendmigrationsdienst (JMD)")
    MBE = "mbe", _("Migrationsberatung für Erwachsene (MBE)")
    PARTICIPATION = "teilhabe", _("Teilhabemanagement")
    FOREIGNERS_AUTHORITY = "abh", _("Ausländerbehörde")
    OTHER = "other", _("sonstige Stelle")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("offen")
    ACCEPTED = "accepted", _("angenommen")
    DECLINED = "declined", _("abgelehnt")
    COMPLETED = "completed", _("abgeschlossen")


# ---------------------------------------------------------------------------------------------- cases


class CaseQuerySet(models.QuerySet):
    def for_user(self, user) -> CaseQuerySet:
        """Only carrier staff see single cases, and only their own organisation's. A 46 sees aggregates."""
        if not user.is_authenticated or not user.is_carrier_staff:
            return self.none()
        return self.filter(carrier_id=user.organisation_id)


class Case(VersionedModel):
    public_id = models.UUIDField(_("öffentliche Kennung"), default=uuid.uuid4, unique=True, editable=False)
    carrier = models.ForeignKey(Organisation, verbose_name=_("Träger"), on_delete=models.PROTECT, related_name="cases")
    code = models.CharField(_("Fallnummer"), max_length=20, editable=False, help_text=_("wird automatisch vergeben"))
    responsible_post = models.ForeignKey(
        Post, verbose_name=_("zuständige Stelle"), on_delete=models.PROTECT, related_name="cases"
    )
    age_band = models.CharField(_("Altersgruppe"), max_length=10, choices=AgeBand.choices)
    gender = models.CharField(_("Geschlecht"), max_length=1, choices=Gender.choices)
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="cases"
    )
    residence_status = models.CharField(_("Aufenthaltsstatus"), max_length=20, choices=ResidenceStatus.choices)
    legal_domain = models.CharField(_("Rechtskreis"), max_length=10, choices=LegalDomain.choices)
    phase = models.CharField(_("Phase"), max_length=20, choices=Phase.choices, default=Phase.INTAKE)
    opened_on = models.DateField(_("eröffnet am"))
    closed_on = models.DateField(_("abgeschlossen am"), null=True, blank=True)
    closure_reason = models.CharField(_("Abschlussgrund"), max_length=20, choices=ClosureReason.choices, blank=True)

    objects = CaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fall")
        verbose_name_plural = _("Fälle")
        ordering = ["-opened_on", "-code"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "code"],
                name="case_code_unique_per_carrier",
                violation_error_message=_("Diese Fallnummer ist bei diesem Träger bereits vergeben."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("opened_on")),
                name="case_closed_after_opened",
                violation_error_message=_("Der Abschluss darf nicht vor der Eröffnung liegen."),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(closure_reason="") & ~Q(phase="closed"))
                | (Q(closed_on__isnull=False) & ~Q(closure_reason="") & Q(phase="closed")),
                name="case_closure_complete",
                violation_error_message=_(
                    "Ein abgeschlossener Fall braucht Abschlussdatum und -grund, ein offener keinen."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["carrier", "opened_on"]),
            models.Index(fields=["closed_on"]),
            # the carrier's open cases (home page summary, overdue follow-ups, register counts)
            models.Index(fields=["carrier", "closed_on", "opened_on"], name="case_carrier_closed_opened"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return fast_reverse("casemanagement:case_detail", args=[self.public_id])  # the register links every row

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None


class CaseTopic(models.Model):
    """A topic of a case, one row each, so statistics can count topics in the database."""

    case = models.ForeignKey(Case, verbose_name=_("Fall"), on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("Thema"), max_length=20, choices=Topic.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Thema eines Falls")
        verbose_name_plural = _("Themen der Fälle")
        ordering = ["case", "topic"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "topic"],
                name="case_topic_unique",
                violation_error_message=_("Dieses Thema ist dem Fall bereits zugeordnet."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_topic_display()


class CaseEpisode(models.Model):
    """One period in which a case was open: the first from opening, each further one from a reopening."""

    case = models.ForeignKey(Case, verbose_name=_("Fall"), on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField(_("Nr."))
    start = models.DateField(_("eröffnet / wiederaufgenommen am"))
    end = models.DateField(_("abgeschlossen am"), null=True, blank=True)
    closure_reason = models.CharField(_("Abschlussgrund"), max_length=20, choices=ClosureReason.choices, blank=True)
    reopening_reason = models.CharField(
        _("Grund der Wiederaufnahme"), max_length=20, choices=ReopeningReason.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fallabschnitt")
        verbose_name_plural = _("Fallabschnitte")
        ordering = ["case", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "number"],
                name="case_episode_unique_number",
                violation_error_message=_("Diesen Fallabschnitt gibt es bereits."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="case_episode_end_after_start",
                violation_error_message=_("Der Abschluss darf nicht vor der Eröffnung liegen."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, closure_reason="") | (Q(end__isnull=False) & ~Q(closure_reason="")),
                name="case_episode_closure_complete",
                violation_error_message=_("Ein abgeschlossener Abschnitt braucht einen Abschlussgrund."),
            ),
            models.CheckConstraint(
                condition=Q(number=1, reopening_reason="") | (Q(number__gt=1) & ~Q(reopening_reason="")),
                name="case_episode_reopening_has_reason",
                violation_error_message=_("Eine Wiederaufnahme braucht einen Grund."),
            ),
        ]
        indexes = [models.Index(fields=["start"]), models.Index(fields=["end"])]

    def __str__(self) -> str:
        return f"{self.case} ({self.number})"

    @property
    def is_reopening(self) -> bool:
        return self.number > 1


class Contact(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("Fall"), on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("Datum"))
    duration_minutes = models.PositiveSmallIntegerField(_("Dauer (Minuten)"))
    mode = models.CharField(_("Art"), max_length=20, choices=ContactMode.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kontakt")
        verbose_name_plural = _("Kontakte")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=600),
                name="contact_duration_1_to_600",
                violation_error_message=_("Die Dauer muss zwischen 1 und 600 Minuten liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.date:%d.%m.%Y}"


class Referral(VersionedModel):
    case = models.ForeignKey(Case, verbose_name=_("Fall"), on_delete=models.CASCADE, related_name="referrals")
    target = models.CharField(_("Stelle"), max_length=20, choices=ReferralTarget.choices)
    referred_on = models.DateField(_("verwiesen am"))
    status = models.CharField(
        _("Status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    follow_up_on = models.DateField(_("Wiedervorlage am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Verweisung")
        verbose_name_plural = _("Verweisungen")
        ordering = ["-referred_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("referred_on")),
                name="referral_follow_up_after_referral",
                violation_error_message=_("Die Wiedervorlage darf nicht vor der Verweisung liegen."),
            ),
        ]
        # overdue follow-ups of a carrier's open cases (carrier home, case pages)
        indexes = [models.Index(fields=["case", "follow_up_on"], name="referral_case_follow_up")]

    def __str__(self) -> str:
        return f"{self.get_target_display()} ({self.referred_on:%d.%m.%Y})"

    def is_overdue(self, today) -> bool:
        return (
            self.follow_up_on is not None
            and self.follow_up_on < today
            and self.status
            in (
                ReferralStatus.PENDING,
                ReferralStatus.ACCEPTED,
            )
        )


# ------------------------------------------------------------------------------------------ returns


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    SUBMITTED = "submitted", _("eingereicht")
    RETURNED = "returned", _("zurückgegeben")
    ACCEPTED = "accepted", _("angenommen")


# Submitted and accepted returns: their figures are stored, never recomputed from the register.
FROZEN_STATES = (ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED)


class ReturnSource(models.TextChoices):
    REGISTER = "register", _("aus dem Fallregister berechnet")
    UPLOAD = "upload", _("CSV-Datei des Trägers")


class CaseloadReturnQuerySet(models.QuerySet):
    def for_user(self, user) -> CaseloadReturnQuerySet:
        """Carrier staff: every return of their own organisation. Everybody else (A 46, committee
        staff, audit) only submitted and accepted returns, whose figures are frozen: a draft or a
        return sent back for correction is computed live from the register and stays the carrier's
        alone (domain.md §5), so to them it does not exist (404, not listed)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(carrier_id=user.organisation_id)
        return self.filter(status__in=FROZEN_STATES)


class CaseloadReturn(VersionedModel):
    """Fallzahlenmeldung of one carrier for one post and month. Quarter and year add up the months."""

    public_id = models.UUIDField(_("öffentliche Kennung"), default=uuid.uuid4, unique=True, editable=False)
    carrier = models.ForeignKey(
        Organisation, verbose_name=_("Träger"), on_delete=models.PROTECT, related_name="caseload_returns"
    )
    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.PROTECT, related_name="caseload_returns")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    month = models.PositiveSmallIntegerField(_("Monat"))
    status = models.CharField(_("Status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT)
    source = models.CharField(_("Herkunft"), max_length=20, choices=ReturnSource.choices, default=ReturnSource.REGISTER)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("geprüft am"), null=True, blank=True)
    review_note = models.CharField(
        _("Begründung (Rückgabe / Wiederöffnung)"),
        max_length=500,
        blank=True,
        help_text=_("Zur Meldung, nicht zu Personen."),
    )

    objects = CaseloadReturnQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fallzahlenmeldung")
        verbose_name_plural = _("Fallzahlenmeldungen")
        ordering = ["-year", "-month", "carrier__name", "post__title"]
        indexes = [
            # first/last month with a return per post in the statistics (selectors.statistics_by_carrier)
            models.Index(fields=["post", "year", "month"], name="return_post_year_month"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "post", "year", "month"],
                name="return_unique_per_post_month",
                violation_error_message=_("Für diese Stelle und diesen Monat gibt es bereits eine Meldung."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="return_month_1_to_12",
                violation_error_message=_("Der Monat muss zwischen 1 und 12 liegen."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="return_year_plausible",
                violation_error_message=_("Das Jahr muss zwischen 2000 und 2100 liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.month:02d}/{self.year}"

    def get_absolute_url(self) -> str:
        return reverse("casemanagement:return_detail", args=[self.public_id])

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATES


class Dimension(models.TextChoices):
    """The parts of a return; ``totals`` holds the four stock/flow figures."""

    TOTALS = "totals", _("Bestand und Bewegung")
    LEGAL_DOMAIN = "legal_domain", _("Rechtskreis")
    TOPIC = "topic", _("Thema")
    MUNICIPALITY = "municipality", _("Kommune")
    REFERRAL_TARGET = "referral_target", _("Verweisung an")
    CLOSURE_REASON = "closure_reason", _("Abschlussgrund")


# The stock figures of the totals (the rest of a return are flows): a period's stock is taken from its first
# and last month with a return, not summed over its months (casemanagement.selectors, .publication).
STOCK_KEYS = ("active_start", "active_end")


class ReturnFigure(models.Model):
    """One frozen number of a submitted return, stored as a row so statistics sum them in the database."""

    caseload_return = models.ForeignKey(
        CaseloadReturn, verbose_name=_("Meldung"), on_delete=models.CASCADE, related_name="figures"
    )
    dimension = models.CharField(_("Bereich"), max_length=20, choices=Dimension.choices)
    key = models.CharField(_("Merkmal"), max_length=60)
    count = models.PositiveIntegerField(_("Anzahl"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kennzahl einer Meldung")
        verbose_name_plural = _("Kennzahlen der Meldungen")
        ordering = ["caseload_return", "dimension", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["caseload_return", "dimension", "key"],
                name="return_figure_unique",
                violation_error_message=_("Diese Kennzahl ist in der Meldung bereits enthalten."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.key}={self.count}"


# --------------------------------------------------------------------------------------- indicators


class IndicatorReport(VersionedModel):
    """Monthly counts of a county post: module 3 (foreigners' authority) or module 1 (activities)."""

    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.PROTECT, related_name="indicator_reports")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    month = models.PositiveSmallIntegerField(_("Monat"))
    procedures_25a_started = models.PositiveIntegerField(_("§ 25a AufenthG: Verfahren eingeleitet"), default=0)
    procedures_25a_granted = models.PositiveIntegerField(_("§ 25a AufenthG: erteilt"), default=0)
    procedures_25b_started = models.PositiveIntegerField(_("§ 25b AufenthG: Verfahren eingeleitet"), default=0)
    procedures_25b_granted = models.PositiveIntegerField(_("§ 25b AufenthG: erteilt"), default=0)
    naturalisations_advised = models.PositiveIntegerField(_("Einbürgerungen beraten"), default=0)
    naturalisations_completed = models.PositiveIntegerField(_("Einbürgerungen vollzogen"), default=0)
    events = models.PositiveIntegerField(_("Veranstaltungen"), default=0)
    trainings = models.PositiveIntegerField(_("Fortbildungen"), default=0)
    network_meetings = models.PositiveIntegerField(_("Netzwerktreffen"), default=0)
    participants = models.PositiveIntegerField(_("Teilnehmende"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Monatskennzahlen einer Stelle")
        verbose_name_plural = _("Monatskennzahlen (Module 1 und 3)")
        ordering = ["-year", "-month", "post__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "year", "month"],
                name="indicator_unique_per_post_month",
                violation_error_message=_("Für diese Stelle und diesen Monat gibt es bereits Kennzahlen."),
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1) & Q(month__lte=12),
                name="indicator_month_1_to_12",
                violation_error_message=_("Der Monat muss zwischen 1 und 12 liegen."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="indicator_year_plausible",
                violation_error_message=_("Das Jahr muss zwischen 2000 und 2100 liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.month:02d}/{self.year}"


# ------------------------------------------------------------------------------ statistics snapshots


class StatisticsSnapshot(models.Model):
    """The protected statistics of one year as last computed in full (casemanagement/snapshots.py).

    Values and hidden set of ``selectors.YearProtection`` are computed together from one consistent
    read and stored together, so every snapshot is safe to show on its own. Stored in the database so
    that every worker process shares it; a derived copy of the returns, rebuilt at will (no history)."""

    year = models.PositiveSmallIntegerField(_("Jahr"), unique=True)
    # SHA-256 of kim.figure_cache.data_stamp(STATISTICS_STAMP) when computed: the data it shows
    key = models.CharField(_("Datenstand"), max_length=64)
    computed_at = models.DateTimeField(_("berechnet am"))
    refreshing_since = models.DateTimeField(_("Neuberechnung läuft seit"), null=True, blank=True)
    # set after a write's commit: the year is to be computed again (a worker process picks it up)
    refresh_requested_at = models.DateTimeField(_("Neuberechnung angefordert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Statistik-Stand")
        verbose_name_plural = _("Statistik-Stände")

    def __str__(self) -> str:
        return f"{self.year} ({self.computed_at:%d.%m.%Y %H:%M})"


class StatisticsSnapshotPart(models.Model):
    """One table of a ``StatisticsSnapshot`` as shown: a period's statistics ("p0" the year, "p1"–"p4" the
    quarters), the monthly stocks ("m") or one return ("r<id>").

    ``data`` holds only what the pages print (zlib-compressed JSON): each figure's shown value, an int or
    the marker of a hidden one ("<5", "•"). A page loads just the parts it shows; every part of one
    ``key`` comes from the same protected state (casemanagement/snapshots.py)."""

    year = models.PositiveSmallIntegerField(_("Jahr"))
    key = models.CharField(_("Datenstand"), max_length=64)
    code = models.CharField(_("Teil"), max_length=24)  # "p0"–"p4", "m", "r<return id>"
    data = models.BinaryField(_("Daten"))

    class Meta:
        verbose_name = _("Teil eines Statistik-Stands")
        verbose_name_plural = _("Teile eines Statistik-Stands")
        constraints = [models.UniqueConstraint(fields=["year", "key", "code"], name="statistics_part_unique")]

    def __str__(self) -> str:
        return f"{self.year} {self.code}"


# ------------------------------------------------------------------------------ publication ledger


class PublicationYear(models.Model):
    """One row per year: the lock that serialises protecting and publishing a year's statistics
    (casemanagement/publication.py). Two processes never record two states not audited against each other."""

    year = models.PositiveSmallIntegerField(_("Jahr"), unique=True)
    locked_at = models.DateTimeField(_("zuletzt gesperrt"), null=True, blank=True)

    class Meta:
        verbose_name = _("Veröffentlichungsjahr")
        verbose_name_plural = _("Veröffentlichungsjahre")

    def __str__(self) -> str:
        return str(self.year)


class PublishedState(models.Model):
    """A protected state of a year's statistics that was shown (publication ledger, README "Schutz
    kleiner Fallzahlen"): its inputs (the frozen returns, their figures, the breakdown keys) and its
    hidden set, compressed. Every later state is audited against all of them. Append-only."""

    year = models.PositiveSmallIntegerField(_("Jahr"), db_index=True)
    created_at = models.DateTimeField(_("veröffentlicht am"))
    digest = models.CharField(_("Prüfsumme der Eingaben"), max_length=64)
    data = models.BinaryField(_("Daten"))

    class Meta:
        verbose_name = _("veröffentlichter Stand")
        verbose_name_plural = _("veröffentlichte Stände")
        ordering = ["year", "pk"]

    def __str__(self) -> str:
        return f"{self.year} ({self.created_at:%d.%m.%Y %H:%M})"
