"""Funding flows: programmes, rates, grant notices, allocations, forwarding, cost plans, own shares, budget."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kim.cancellation import CancellableModel, CancellableQuerySet
from kim.models import Organisation
from kim.periods import Proration
from kim.uploads import private_storage
from kim.versioning import VersionedModel
from modules.models import FTE, MONEY, Module, Post, PostCategory


class Programme(VersionedModel):
    name = models.CharField(_("Bezeichnung"), max_length=200, unique=True)
    short_name = models.CharField(_("Kurzname"), max_length=60, unique=True)
    module = models.OneToOneField(
        Module,
        verbose_name=_("KIM-Modul"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme",
        help_text=_("Leer für Programme außerhalb von KIM (z. B. KOMM-AN NRW)."),
    )
    funder = models.ForeignKey(
        Organisation, verbose_name=_("Fördergeber"), on_delete=models.PROTECT, related_name="funded_programmes"
    )
    personnel_costs_only = models.BooleanField(
        _("nur Personalkosten förderfähig"),
        default=True,
        help_text=_("Sach- und Overheadkosten werden nicht gefördert."),
    )
    min_share_fte = models.DecimalField(
        _("Mindestanteil je Stelle (VZÄ)"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Manche Kreise fördern nur Stellenanteile ab 0,5 VZÄ; leer = keine Untergrenze."),
    )
    proration = models.CharField(
        _("Anteilige Berechnung"),
        max_length=20,
        choices=Proration.choices,
        default=Proration.FULL_MONTHS,
        help_text=_(
            "Wie Teiljahre und Vakanzen zählen: Bescheide des Landes rechnen meist in vollen Kalendermonaten "
            "(01.07.–31.12. = 6/12 des Jahresbetrags)."
        ),
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_(
            "Inaktive Programme stehen in keiner Auswahlliste mehr; ihre Bescheide, Sätze, Zahlen und die "
            "Historie bleiben."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["module__number", "name"]

    def __str__(self) -> str:
        return self.short_name

    def get_absolute_url(self) -> str:
        return reverse("funding:programme_edit", args=[self.pk])


class Rate(VersionedModel):
    """Funding rate (Pauschale) per VZÄ and year for a programme and post category."""

    programme = models.ForeignKey(Programme, verbose_name=_("Programm"), on_delete=models.PROTECT, related_name="rates")
    category = models.CharField(_("Stellenkategorie"), max_length=30, choices=PostCategory.choices)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    amount_per_fte = models.DecimalField(_("Pauschale je VZÄ und Jahr"), **MONEY)
    confirmed = models.BooleanField(
        _("bestätigt"),
        default=True,
        help_text=_("Aus dem Vorjahr übernommene Sätze sind zu bestätigen, sobald das Land sie festlegt."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Fördersatz")
        verbose_name_plural = _("Fördersätze")
        ordering = ["year", "programme__short_name", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "category", "year"],
                name="rate_unique_per_programme_category_year",
                violation_error_message=_(
                    "Für dieses Programm, diese Kategorie und dieses Jahr gibt es bereits einen Fördersatz."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_per_fte__gte=0),
                name="rate_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.get_category_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("funding:rate_edit", args=[self.pk])


class GrantNoticeQuerySet(CancellableQuerySet):
    def for_user(self, user) -> GrantNoticeQuerySet:
        if not user.is_authenticated or user.is_carrier_staff:
            return self.none()
        return self


class GrantNotice(CancellableModel, VersionedModel):
    """Förderbescheid / Zuwendungsbescheid of the Land to the county."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("Programm"), on_delete=models.PROTECT, related_name="grants"
    )
    recipient = models.ForeignKey(
        Organisation, verbose_name=_("Zuwendungsempfänger"), on_delete=models.PROTECT, related_name="grants_received"
    )
    authority = models.ForeignKey(
        Organisation, verbose_name=_("Bewilligungsbehörde"), on_delete=models.PROTECT, related_name="grants_issued"
    )
    reference = models.CharField(_("Aktenzeichen"), max_length=100)
    issued_on = models.DateField(_("Bescheiddatum"))
    period_start = models.DateField(_("Bewilligungszeitraum von"))
    period_end = models.DateField(_("Bewilligungszeitraum bis"))
    approved_fte = models.DecimalField(_("bewilligte VZÄ"), max_digits=6, decimal_places=3)
    amount = models.DecimalField(_("Zuwendung"), **MONEY)
    is_draft = models.BooleanField(
        _("Entwurf"), default=False, help_text=_("Aus dem Vorjahr vorbereitet; noch kein Bescheid.")
    )

    objects = GrantNoticeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Förderbescheid")
        verbose_name_plural = _("Förderbescheide")
        ordering = ["-period_start", "programme__module__number", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"],
                condition=Q(cancelled_at__isnull=True),
                name="grant_reference_unique_per_authority",
                violation_error_message=_("Ein Bescheid mit diesem Aktenzeichen dieser Behörde ist bereits erfasst."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="grant_amount_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(approved_fte__gt=0),
                name="grant_fte_positive",
                violation_error_message=_("Die bewilligten VZÄ müssen größer als 0 sein."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="grant_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.period_start:%Y} ({self.reference})"

    def get_absolute_url(self) -> str:
        return reverse("funding:grant_detail", args=[self.pk])

    @property
    def year(self) -> int:
        return self.period_start.year


class GrantAllocation(VersionedModel):
    """Which post share a grant funds, for which period."""

    grant = models.ForeignKey(
        GrantNotice, verbose_name=_("Förderbescheid"), on_delete=models.CASCADE, related_name="allocations"
    )
    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.PROTECT, related_name="allocations")
    fte = models.DecimalField(_("geförderter Anteil (VZÄ)"), **FTE)
    start = models.DateField(_("von"))
    end = models.DateField(_("bis"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Zuordnung zu einer Stelle")
        verbose_name_plural = _("Zuordnungen zu Stellen")
        ordering = ["grant", "post__module__number", "post__title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1),
                name="allocation_fte_between_0_and_1",
                violation_error_message=_("Der geförderte Anteil muss größer als 0 und höchstens 1,0 VZÄ sein."),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="allocation_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} → {self.post}"


class ForwardingContractQuerySet(CancellableQuerySet):
    def for_user(self, user) -> ForwardingContractQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(carrier_id=user.organisation_id)
        return self

    def first_level(self) -> ForwardingContractQuerySet:
        """The body's own contracts (its expense). Onward contracts pass on money the body already
        counted once; every total of what the body forwarded sums these only."""
        return self.filter(upstream__isnull=True)


class ForwardingContract(CancellableModel, VersionedModel):
    """Weiterleitungsvertrag: the body passes grant money for one post and year on to a carrier or a
    municipality (first level); a recipient may pass it on under its own contract (``upstream``: the
    contract it received the money by), level by level, each level capped by what it received."""

    grant = models.ForeignKey(
        GrantNotice, verbose_name=_("Förderbescheid"), on_delete=models.PROTECT, related_name="forwardings"
    )
    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.PROTECT, related_name="forwardings")
    carrier = models.ForeignKey(
        Organisation, verbose_name=_("Empfänger"), on_delete=models.PROTECT, related_name="forwardings"
    )
    upstream = models.ForeignKey(
        "self",
        verbose_name=_("weitergeleitet aus Vertrag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="onward",
        help_text=_(
            "Leer: Vertrag der Körperschaft. Sonst der Vertrag, aus dem der Weiterleitende die Mittel erhielt."
        ),
    )
    level = models.PositiveSmallIntegerField(
        _("Stufe"), default=1, editable=False, help_text=_("1: Vertrag der Körperschaft, 2: erste Weiterleitung usw.")
    )
    reference = models.CharField(_("Vertragsnummer"), max_length=100, blank=True)
    signed_on = models.DateField(_("unterzeichnet am"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    start = models.DateField(_("von"))
    end = models.DateField(_("bis"))
    amount = models.DecimalField(
        _("weitergeleiteter Betrag"),
        **MONEY,
        editable=False,
        help_text=_("min(tatsächliche Personalkosten, Pauschale × VZÄ), anteilig für den Zeitraum; berechnet."),
    )
    is_draft = models.BooleanField(
        _("Entwurf"), default=False, help_text=_("Aus dem Vorjahr vorbereitet; noch nicht unterzeichnet.")
    )

    objects = ForwardingContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Weiterleitungsvertrag")
        verbose_name_plural = _("Weiterleitungsverträge")
        ordering = ["-year", "carrier__name", "post__title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="forwarding_amount_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="forwarding_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
            models.UniqueConstraint(
                fields=["post", "start"],
                condition=Q(cancelled_at__isnull=True, upstream__isnull=True),
                name="forwarding_unique_per_post_start",
                violation_error_message=_("Für diese Stelle beginnt an diesem Tag bereits ein Weiterleitungsvertrag."),
            ),
            models.CheckConstraint(
                condition=Q(upstream__isnull=True, level=1) | Q(upstream__isnull=False, level__gt=1),
                name="forwarding_level_matches_upstream",
                violation_error_message=_("Die Stufe passt nicht zum vorgelagerten Vertrag."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier} – {self.post} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("funding:forwarding_detail", args=[self.pk])

    @property
    def forwarder_id(self) -> int | None:
        """Who passes the money on: the upstream recipient, or None for the body itself."""
        return self.upstream.carrier_id if self.upstream_id else None  # type: ignore[union-attr]


class CostPlanQuerySet(models.QuerySet):
    def for_user(self, user) -> CostPlanQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(post__employer_id=user.organisation_id)
        return self


class CostPlan(VersionedModel):
    """The carrier's cost plan for one post and year."""

    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.PROTECT, related_name="cost_plans")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    personnel = models.DecimalField(_("Personalkosten"), **MONEY)
    material_overhead = models.DecimalField(_("Sach- und Overheadkosten"), **MONEY)
    is_draft = models.BooleanField(
        _("Entwurf"), default=False, help_text=_("Aus dem Vorjahr übernommen; vom Träger zu bestätigen.")
    )

    objects = CostPlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Kostenplan")
        verbose_name_plural = _("Kostenpläne")
        ordering = ["-year", "post__employer__name", "post__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "year"],
                name="cost_plan_unique_per_post_year",
                violation_error_message=_("Für diese Stelle und dieses Jahr gibt es bereits einen Kostenplan."),
            ),
            models.CheckConstraint(
                condition=Q(personnel__gte=0),
                name="cost_plan_personnel_not_negative",
                violation_error_message=_("Die Personalkosten dürfen nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(material_overhead__gte=0),
                name="cost_plan_overhead_not_negative",
                violation_error_message=_("Die Sach- und Overheadkosten dürfen nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("funding:costplan_detail", args=[self.pk])


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("eingegangen")
    IN_REVIEW = "in_review", _("in Prüfung")
    APPROVED = "approved", _("bewilligt")
    PARTIALLY_APPROVED = "partially_approved", _("teilweise bewilligt")
    DECLINED = "declined", _("abgelehnt")
    DEFERRED = "deferred", _("zurückgestellt (Haushaltsberatungen)")


class OwnShareRequest(VersionedModel):
    """A carrier's (or its umbrella's) application that the county take over the own share."""

    applicant = models.ForeignKey(
        Organisation, verbose_name=_("Antragsteller"), on_delete=models.PROTECT, related_name="own_share_requests"
    )
    received_on = models.DateField(_("Antrag vom"))
    subject = models.CharField(_("Gegenstand"), max_length=250, blank=True)
    requested_amount = models.DecimalField(_("beantragter Betrag"), **MONEY)
    budget_year = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    status = models.CharField(_("Status"), max_length=30, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    decided_amount = models.DecimalField(_("bewilligter Betrag"), **MONEY, null=True, blank=True)
    decided_on = models.DateField(_("entschieden am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Antrag auf Übernahme des Eigenanteils")
        verbose_name_plural = _("Anträge auf Übernahme des Eigenanteils")
        ordering = ["-budget_year", "-received_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0),
                name="request_amount_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
            models.CheckConstraint(
                condition=Q(decided_amount__isnull=True) | Q(decided_amount__gte=0),
                name="request_decided_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.applicant} vom {self.received_on:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("funding:request_detail", args=[self.pk])


class BudgetKind(models.TextChoices):
    INCOME = "income", _("Ertrag")
    EXPENSE = "expense", _("Aufwand")


class ForecastBasis(models.TextChoices):
    LAND_INCOME = "land_income", _("Landeszuweisungen KIM (Stellen × Pauschalen)")
    FORWARDING = "forwarding", _("Weiterleitung an Träger (Verträge)")
    OWN_PERSONNEL = "own_personnel", _("Personalkosten eigener Stellen")
    TOP_UP = "top_up", _("Übernahme des Eigenanteils (Beschluss je VZÄ)")
    NONE = "none", _("keine Prognose")


class BudgetLine(VersionedModel):
    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"))
    teilprodukt = models.CharField(_("Teilprodukt"), max_length=20)
    sachkonto = models.CharField(_("Sachkonto"), max_length=20)
    label = models.CharField(_("Bezeichnung"), max_length=250)
    kind = models.CharField(_("Ertrag/Aufwand"), max_length=10, choices=BudgetKind.choices)
    planned_amount = models.DecimalField(_("Planansatz"), **MONEY)
    forecast_basis = models.CharField(
        _("Prognose aus"), max_length=20, choices=ForecastBasis.choices, default=ForecastBasis.NONE
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Haushaltsposition")
        verbose_name_plural = _("Haushaltspositionen")
        ordering = ["-year", "teilprodukt", "sachkonto"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "teilprodukt", "sachkonto", "kind"],
                name="budget_line_unique",
                violation_error_message=_(
                    "Diese Haushaltsposition (Jahr, Teilprodukt, Sachkonto, Art) gibt es bereits."
                ),
            ),
            models.CheckConstraint(
                condition=Q(planned_amount__gte=0),
                name="budget_line_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.teilprodukt}/{self.sachkonto} {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("funding:budget_edit", args=[self.pk])


# ---------------------------------------------------------------- payments


class LandReceiptQuerySet(models.QuerySet):
    def for_user(self, user) -> LandReceiptQuerySet:
        if not user.is_authenticated or user.is_carrier_staff:
            return self.none()
        return self


class LandReceipt(models.Model):
    """Money received from the Land on a grant notice (Mittelabruf / Zahlung des Landes)."""

    grant = models.ForeignKey(
        GrantNotice, verbose_name=_("Förderbescheid"), on_delete=models.PROTECT, related_name="receipts"
    )
    received_on = models.DateField(_("eingegangen am"))
    amount = models.DecimalField(_("Betrag"), **MONEY)
    reference = models.CharField(_("Buchungszeichen"), max_length=100, blank=True)

    objects = LandReceiptQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Zahlungseingang des Landes")
        verbose_name_plural = _("Zahlungseingänge des Landes")
        ordering = ["-received_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="land_receipt_amount_positive",
                violation_error_message=_("Der Betrag muss größer als 0 sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grant} {self.received_on:%d.%m.%Y}"


class CarrierPaymentQuerySet(CancellableQuerySet):
    def for_user(self, user) -> CarrierPaymentQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(contract__carrier_id=user.organisation_id)
        return self


class CarrierPayment(CancellableModel, VersionedModel):
    """An instalment of a forwarding contract: planned (due date) and, once paid, its payment date."""

    contract = models.ForeignKey(
        ForwardingContract, verbose_name=_("Weiterleitungsvertrag"), on_delete=models.PROTECT, related_name="payments"
    )
    due_on = models.DateField(_("fällig am"))
    amount = models.DecimalField(_("Betrag"), **MONEY)
    paid_on = models.DateField(_("gezahlt am"), null=True, blank=True)

    objects = CarrierPaymentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Abschlag an den Träger")
        verbose_name_plural = _("Abschläge an die Träger")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="carrier_payment_amount_positive",
                violation_error_message=_("Der Betrag muss größer als 0 sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract} {self.due_on:%d.%m.%Y}"


# ---------------------------------------------------------------- proof of use


class ProofKind(models.TextChoices):
    CARRIER = "carrier", _("Empfänger → Weiterleitender (Weiterleitungsvertrag)")
    LAND = "land", _("Körperschaft → Land (Förderbescheid)")


class ProofStatus(models.TextChoices):
    OPEN = "open", _("offen")
    SUBMITTED = "submitted", _("eingereicht")
    CHECKED = "checked", _("geprüft")
    OBJECTIONS = "objections", _("Beanstandungen")
    CLOSED = "closed", _("abgeschlossen")


class ProofObligationQuerySet(models.QuerySet):
    def for_user(self, user) -> ProofObligationQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(kind=ProofKind.CARRIER, contract__carrier_id=user.organisation_id)
        return self


class ProofObligation(models.Model):
    """Verwendungsnachweis owed: by a carrier for a forwarding contract, or by the county for a grant."""

    kind = models.CharField(_("Art"), max_length=10, choices=ProofKind.choices)
    contract = models.ForeignKey(
        ForwardingContract,
        verbose_name=_("Weiterleitungsvertrag"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proofs",
    )
    grant = models.ForeignKey(
        GrantNotice,
        verbose_name=_("Förderbescheid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proofs",
    )
    proves_to = models.ForeignKey(
        Organisation,
        verbose_name=_("nachzuweisen gegenüber"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proofs_owed_to",
        help_text=_("Wer den Nachweis prüft: die Körperschaft, bei Weiterleitungen der weiterleitende Empfänger."),
    )
    due_on = models.DateField(_("fällig am"))
    status = models.CharField(_("Status"), max_length=12, choices=ProofStatus.choices, default=ProofStatus.OPEN)
    checked_by = models.ForeignKey(
        "kim.User", verbose_name=_("geprüft von"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(_("geprüft am"), null=True, blank=True)

    objects = ProofObligationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Verwendungsnachweis")
        verbose_name_plural = _("Verwendungsnachweise")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="carrier") & Q(contract__isnull=False) & Q(grant__isnull=True))
                | (Q(kind="land") & Q(grant__isnull=False) & Q(contract__isnull=True)),
                name="proof_kind_matches_subject",
                violation_error_message=_(
                    "Ein Nachweis des Trägers gehört zu einem Vertrag, einer an das Land zu einem Bescheid."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{_('Verwendungsnachweis')} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("funding:proof_detail", args=[self.pk])

    @property
    def subject(self):
        return self.contract if self.kind == ProofKind.CARRIER else self.grant

    @property
    def period_end(self):
        subject = self.subject
        return subject.end if self.kind == ProofKind.CARRIER else subject.period_end


class ProofDocumentType(models.TextChoices):
    REPORT = "report", _("Sachbericht")
    NUMERICAL = "numerical", _("zahlenmäßiger Nachweis")


def _private_storage():

    return private_storage()


class ProofDocument(models.Model):
    obligation = models.ForeignKey(
        ProofObligation, verbose_name=_("Verwendungsnachweis"), on_delete=models.CASCADE, related_name="documents"
    )
    doc_type = models.CharField(_("Dokument"), max_length=12, choices=ProofDocumentType.choices)
    file = models.FileField(_("Datei"), storage=_private_storage, upload_to="verwendungsnachweise/%Y/")
    original_name = models.CharField(_("Dateiname"), max_length=200)
    uploaded_by = models.ForeignKey(
        "kim.User", verbose_name=_("hochgeladen von"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Nachweisdokument")
        verbose_name_plural = _("Nachweisdokumente")
        ordering = ["obligation", "doc_type", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} ({self.original_name})"


class ProofReminder(models.Model):
    """A reminder sent for an obligation at one threshold (days before the due date); sent once."""

    obligation = models.ForeignKey(
        ProofObligation, verbose_name=_("Verwendungsnachweis"), on_delete=models.CASCADE, related_name="reminders"
    )
    days_before = models.PositiveSmallIntegerField(_("Tage vor Fälligkeit"))
    sent_on = models.DateField(_("gesendet am"))
    recipients = models.PositiveSmallIntegerField(_("Empfänger"), default=0)

    class Meta:
        verbose_name = _("Erinnerung")
        verbose_name_plural = _("Erinnerungen")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "days_before"],
                name="proof_reminder_once_per_threshold",
                violation_error_message=_("Diese Erinnerung wurde bereits versandt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation} – {self.days_before} Tage"


# ---------------------------------------------------------------- own-share top-up


class OwnShareTopUp(VersionedModel):
    """The county's decision to take over part of the carriers' own share: up to an amount per VZÄ and year."""

    year = models.PositiveSmallIntegerField(_("Haushaltsjahr"), unique=True)
    amount_per_fte = models.DecimalField(_("bis zu je VZÄ"), **MONEY)
    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("Haushaltsposition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="top_ups",
    )
    decided_on = models.DateField(_("beschlossen am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Übernahme des Eigenanteils (Beschluss)")
        verbose_name_plural = _("Übernahmen des Eigenanteils (Beschlüsse)")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_per_fte__gte=0),
                name="top_up_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}"
