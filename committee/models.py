"""Committees (Gremien), meetings, papers (Sitzungsvorlagen) and their consultation sequence.

A paper's text may name live figures (``{{ forwarded_total }}``) and generated tables; both are
computed from the funding and post data while the paper is a draft and frozen into
``Paper.snapshot`` when it is released (see committee.figures).
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kim.models import Organisation, OrganisationKind
from kim.uploads import PrivateStorage, short_upload_name
from kim.versioning import VersionedModel

PAPER_NUMBER_REGEX = r"^[0-9]{4}/[0-9]{4}$"


class Timestamped(models.Model):
    """created / modified for OParl's created_since/modified_since filters; ``deleted`` for withdrawn objects."""

    created = models.DateTimeField(_("angelegt"), auto_now_add=True)
    modified = models.DateTimeField(_("geändert"), auto_now=True)
    deleted = models.BooleanField(
        _("gelöscht"), default=False, help_text=_("Zurückgezogen; bleibt in OParl als gelöscht sichtbar.")
    )

    class Meta:
        abstract = True


class CommitteeKind(models.TextChoices):
    COMMITTEE = "committee", _("Ausschuss")
    MAIN_COMMITTEE = "main_committee", _("Kreisausschuss")
    COUNCIL = "council", _("Kreistag/Rat")
    INTEGRATION_COUNCIL = "integration_council", _("Integrationsrat")


class Committee(Timestamped, VersionedModel):
    """Gremium of the county (committee, council)."""

    body = models.ForeignKey(
        Organisation,
        verbose_name=_("Körperschaft"),
        on_delete=models.PROTECT,
        related_name="committees",
        limit_choices_to={"kind": OrganisationKind.COUNTY},
    )
    name = models.CharField(_("Name"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    slug = models.SlugField(_("Kürzel (URL)"), max_length=60, unique=True)
    kind = models.CharField(_("Art"), max_length=30, choices=CommitteeKind.choices, default=CommitteeKind.COMMITTEE)
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Inaktive Gremien stehen in keiner Auswahlliste mehr; Sitzungen, Beratungen und Historie bleiben."),
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    members = models.PositiveSmallIntegerField(
        _("stimmberechtigte Mitglieder"),
        null=True,
        blank=True,
        help_text=_("Gegen diese Zahl wird das Stimmergebnis einer Beratung geprüft."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Gremium")
        verbose_name_plural = _("Gremien")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("committee:committee_detail", args=[self.pk])


def sees_non_public(user) -> bool:
    """Who is entitled to non-public committee material (non-public meetings, their consultations
    and results): the administration's staff roles. Carrier staff and the public read what the
    council information system publishes."""
    return bool(user.is_authenticated and not user.is_carrier_staff)


class MeetingQuerySet(models.QuerySet):
    def for_user(self, user) -> MeetingQuerySet:
        if not user.is_authenticated or user.is_carrier_staff:
            return self.none()
        return self


class Meeting(Timestamped, VersionedModel):
    committee = models.ForeignKey(
        Committee, verbose_name=_("Gremium"), on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField(_("Datum"))
    start_time = models.TimeField(_("Beginn"), null=True, blank=True)
    place = models.CharField(_("Ort"), max_length=200, blank=True)
    public = models.BooleanField(_("öffentlich"), default=True)
    cancelled = models.BooleanField(_("abgesagt"), default=False)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["-date", "start_time", "committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "date", "start_time"],
                name="meeting_unique_per_committee_date_time",
                violation_error_message=_("Dieses Gremium tagt zu diesem Zeitpunkt bereits."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(committee)s am %(date)s") % {"committee": self.committee, "date": f"{self.date:%d.%m.%Y}"}

    def get_absolute_url(self) -> str:
        return reverse("committee:meeting_detail", args=[self.pk])

    @property
    def title(self) -> str:
        return _("Sitzung %(committee)s") % {"committee": self.committee.name}


class PaperType(models.TextChoices):
    DECISION = "decision", _("Beschlussvorlage")
    INFORMATION = "information", _("Mitteilungsvorlage")
    MOTION = "motion", _("Antrag")
    INQUIRY = "inquiry", _("Anfrage")


class PaperStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    RELEASED = "released", _("freigegeben")
    DECIDED = "decided", _("beschlossen")


class SignatureMode(models.TextChoices):
    BY_ORDER = "im_auftrag", _("Im Auftrag")
    DEPUTY = "in_vertretung", _("In Vertretung")
    NONE = "", _("ohne Zusatz")


class PaperQuerySet(models.QuerySet):
    def published(self) -> PaperQuerySet:
        """Released (or decided) and public: what the public, carriers and OParl may see."""
        return self.filter(public=True, status__in=[PaperStatus.RELEASED, PaperStatus.DECIDED])

    def for_user(self, user) -> PaperQuerySet:
        # Carriers see what the council information system publishes anyway: public, released
        # papers. Drafts and non-public papers stay with the administration and the committees.
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.published().filter(deleted=False)
        return self


class Paper(Timestamped, VersionedModel):
    number = models.CharField(
        _("Vorlagen-Nr."),
        max_length=9,
        unique=True,
        help_text=_("Form JJJJ/NNNN, z. B. 2020/0354; leer lassen für die nächste freie Nummer des Jahres."),
        error_messages={"unique": _("Diese Vorlagennummer ist bereits vergeben.")},
    )
    title = models.CharField(_("Betreff"), max_length=300)
    paper_type = models.CharField(
        _("Vorlagenart"), max_length=20, choices=PaperType.choices, default=PaperType.DECISION
    )
    public = models.BooleanField(_("öffentlich"), default=True)
    lead_department = models.ForeignKey(
        Organisation,
        verbose_name=_("federführend"),
        on_delete=models.PROTECT,
        related_name="papers",
        limit_choices_to={"kind": OrganisationKind.DEPARTMENT},
    )
    date = models.DateField(_("Datum"))
    programme_year = models.PositiveSmallIntegerField(
        _("Bezugsjahr der Zahlen"), help_text=_("Das Jahr, aus dem die Kennzahlen und Tabellen der Vorlage stammen.")
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("Bezugsvorlagen"), symmetrical=False, blank=True, related_name="referenced_by"
    )
    decision_intro = models.CharField(
        _("Einleitung des Beschlussvorschlags"),
        max_length=300,
        blank=True,
        help_text=_("z. B. „Der Kreisausschuss trifft folgende Entscheidungen:“"),
    )
    status = models.CharField(_("Status"), max_length=20, choices=PaperStatus.choices, default=PaperStatus.DRAFT)
    signature_mode = models.CharField(
        _("Zeichnungszusatz"), max_length=20, choices=SignatureMode.choices, default=SignatureMode.BY_ORDER, blank=True
    )
    signatory = models.CharField(_("gez."), max_length=120, blank=True, help_text=_("z. B. Dr. Muster"))
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True, editable=False)
    snapshot = models.JSONField(
        _("eingefrorene Zahlen"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Kennzahlen und Tabellen zum Zeitpunkt der Freigabe."),
    )

    objects = PaperQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["snapshot"])

    class Meta:
        verbose_name = _("Sitzungsvorlage")
        verbose_name_plural = _("Sitzungsvorlagen")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__regex=PAPER_NUMBER_REGEX),
                name="paper_number_format",
                violation_error_message=_("Die Vorlagennummer muss die Form JJJJ/NNNN haben, z. B. 2020/0354."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(snapshot__isnull=False),
                name="paper_released_has_snapshot",
                violation_error_message=_("Eine freigegebene Vorlage braucht eingefrorene Zahlen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("committee:paper_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == PaperStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.public and self.status != PaperStatus.DRAFT and not self.deleted

    @property
    def file_name(self) -> str:
        return f"Vorlage-{self.number.replace('/', '-')}.pdf"


class DecisionItem(VersionedModel):
    """One numbered point of the decision proposal (Beschlussvorschlag)."""

    paper = models.ForeignKey(Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="decision_items")
    order = models.PositiveSmallIntegerField(_("Nr."))
    text = models.TextField(_("Text"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beschlusspunkt")
        verbose_name_plural = _("Beschlusspunkte")
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "order"],
                name="decision_item_unique_order",
                violation_error_message=_("Diese Nummer ist in der Vorlage bereits vergeben."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class TableKind(models.TextChoices):
    NONE = "", _("keine Tabelle")
    POSTS_BY_MODULE = "posts_by_module", _("Stellen je Modul")
    POSTS_BY_EMPLOYER = "posts_by_employer", _("Stellen je Modul und Anstellungsträger")
    FUNDING_BY_MODULE = "funding_by_module", _("Förderung je Modul")
    FORWARDING_BY_CARRIER = "forwarding_by_carrier", _("Weiterleitung je Träger")
    OWN_SHARE_GAPS = "own_share_gaps", _("Eigenanteilslücken der Trägerstellen")
    BUDGET_LINES = "budget_lines", _("Haushaltspositionen")


class Section(VersionedModel):
    """A titled part of the paper (Sachlage, Personelle Auswirkungen …) with an optional generated table."""

    paper = models.ForeignKey(Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField(_("Reihenfolge"))
    heading = models.CharField(_("Überschrift"), max_length=200)
    body = models.TextField(
        _("Text"),
        blank=True,
        help_text=_(
            "Absätze durch Leerzeilen trennen; „## “ am Zeilenanfang = Zwischenüberschrift, „- “ = Aufzählung. "
            "Kennzahlen als {{ name }} oder {{ name:2020 }} (anderes Jahr)."
        ),
    )
    table_kind = models.CharField(
        _("erzeugte Tabelle"), max_length=30, choices=TableKind.choices, blank=True, default=""
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Abschnitt")
        verbose_name_plural = _("Abschnitte")
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "order"],
                name="section_unique_order",
                violation_error_message=_("Diese Position ist in der Vorlage bereits vergeben."),
            ),
        ]

    def __str__(self) -> str:
        return self.heading


def attachment_storage() -> FileSystemStorage:
    """Private storage under MEDIA_ROOT, read lazily (kim.uploads.private_storage() pins the path at import)."""
    return PrivateStorage(base_url=None)


def attachment_path(instance: Attachment, filename: str) -> str:
    # Only the name without any client directory, cut by bytes, not characters: 100 four-byte characters
    # are 400 bytes, an OSError "File name too long" (a 500) on a 255-byte file system.
    return f"committee/papers/{instance.paper_id}/{short_upload_name(filename)}"


class Attachment(Timestamped):
    """Anlage: an uploaded PDF, stored privately and served through a permission check."""

    paper = models.ForeignKey(Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="attachments")
    order = models.PositiveSmallIntegerField(_("Nr."))
    title = models.CharField(_("Bezeichnung"), max_length=300)
    file = models.FileField(_("Datei (PDF)"), upload_to=attachment_path, storage=attachment_storage, max_length=300)
    size = models.PositiveIntegerField(_("Größe (Bytes)"), default=0, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Anlage")
        verbose_name_plural = _("Anlagen")
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "order"],
                name="attachment_unique_order",
                violation_error_message=_("Diese Anlagennummer ist in der Vorlage bereits vergeben."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def download_name(self) -> str:
        return f"Anlage-{self.order}-{self.paper.number.replace('/', '-')}.pdf"


class AgendaItem(Timestamped):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"))
    number = models.CharField(_("TOP"), max_length=20, help_text=_("z. B. 5 oder 5.1"))
    title = models.CharField(_("Bezeichnung"), max_length=300)
    public = models.BooleanField(_("öffentlich"), default=True)
    paper = models.ForeignKey(
        Paper, verbose_name=_("Vorlage"), null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnungspunkte")
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "order"],
                name="agenda_item_unique_order",
                violation_error_message=_("Diese Position ist in der Tagesordnung bereits vergeben."),
            ),
        ]

    def __str__(self) -> str:
        return f"TOP {self.number} {self.title}"

    @property
    def public_title(self) -> str:
        """The item's name in public renderings (OParl, meeting bundle): while its paper is not
        published (a draft, or not public) the item names neither the paper nor its subject."""
        if self.paper_id is not None and not self.paper.is_published:
            return str(_("Beratung einer Vorlage (noch nicht veröffentlicht)"))
        return self.title


class ConsultationRole(models.TextChoices):
    PRELIMINARY = "vorberatung", _("Vorberatung")
    RECOMMENDATION = "empfehlung", _("Empfehlung")
    DECISION = "entscheidung", _("Entscheidung")
    NOTICE = "kenntnisnahme", _("Kenntnisnahme")


class ConsultationResult(models.TextChoices):
    NONE = "", _("–")
    UNCHANGED = "ungeaendert", _("ungeändert beschlossen")
    CHANGED = "geaendert", _("geändert beschlossen")
    REJECTED = "abgelehnt", _("abgelehnt")
    POSTPONED = "vertagt", _("vertagt")
    NOTED = "kenntnis", _("zur Kenntnis genommen")
    RECOMMENDED = "empfohlen", _("empfohlen")
    NOT_RECOMMENDED = "nicht_empfohlen", _("nicht empfohlen")


DECISIVE_RESULTS = {ConsultationResult.UNCHANGED, ConsultationResult.CHANGED, ConsultationResult.REJECTED}
# a recommendation is the result of a preliminary consultation, never of the decision itself
RECOMMENDATION_RESULTS = {ConsultationResult.RECOMMENDED, ConsultationResult.NOT_RECOMMENDED}
RECOMMENDING_ROLES = {ConsultationRole.PRELIMINARY, ConsultationRole.RECOMMENDATION}
# results that say the motion passed / failed: the tally must agree
ADOPTED_RESULTS = {ConsultationResult.UNCHANGED, ConsultationResult.CHANGED, ConsultationResult.RECOMMENDED}
FAILED_RESULTS = {ConsultationResult.REJECTED, ConsultationResult.NOT_RECOMMENDED}


class ConsultationQuerySet(models.QuerySet):
    def public(self) -> ConsultationQuerySet:
        """Consultations in public meetings: a non-public meeting's result and votes are not published."""
        return self.filter(meeting__public=True)


class Consultation(Timestamped, VersionedModel):
    """One step of the Beratungsfolge: the paper in one meeting, in one role, with its result."""

    paper = models.ForeignKey(Paper, verbose_name=_("Vorlage"), on_delete=models.CASCADE, related_name="consultations")
    order = models.PositiveSmallIntegerField(_("Reihenfolge"))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("Sitzung"), on_delete=models.PROTECT, related_name="consultations"
    )
    role = models.CharField(_("Beratungsart"), max_length=20, choices=ConsultationRole.choices)
    result = models.CharField(_("Ergebnis"), max_length=20, choices=ConsultationResult.choices, blank=True, default="")
    votes_yes = models.PositiveSmallIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_no = models.PositiveSmallIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    votes_abstention = models.PositiveSmallIntegerField(_("Enthaltungen"), null=True, blank=True)
    votes_biased = models.PositiveSmallIntegerField(_("befangen"), null=True, blank=True)

    objects = ConsultationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beratung")
        verbose_name_plural = _("Beratungsfolge")
        ordering = ["paper", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "order"],
                name="consultation_unique_order",
                violation_error_message=_("Diese Position ist in der Beratungsfolge bereits vergeben."),
            ),
            models.UniqueConstraint(
                fields=["paper", "meeting"],
                name="consultation_unique_meeting",
                violation_error_message=_("Die Vorlage steht in dieser Sitzung bereits in der Beratungsfolge."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper.number} – {self.meeting} ({self.get_role_display()})"

    @property
    def authoritative(self) -> bool:
        return self.role == ConsultationRole.DECISION

    @property
    def has_votes(self) -> bool:
        return any(v is not None for v in (self.votes_yes, self.votes_no, self.votes_abstention, self.votes_biased))
