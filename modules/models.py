"""KIM modules 1–3 and their posts (Stellen)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kim.models import Municipality, Organisation
from kim.reversing import fast_reverse
from kim.versioning import VersionedModel

MONEY = {"max_digits": 12, "decimal_places": 2}
FTE = {"max_digits": 4, "decimal_places": 3}


class Module(models.Model):
    number = models.PositiveSmallIntegerField(_("Modul"), unique=True)
    name = models.CharField(_("Bezeichnung"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Modul")
        verbose_name_plural = _("Module")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=3),
                name="module_number_1_to_3",
                violation_error_message=_("Es gibt nur die Module 1 bis 3."),
            ),
        ]

    def __str__(self) -> str:
        return _("Modul %(number)s – %(name)s") % {"number": self.number, "name": self.name}

    @property
    def short_label(self) -> str:
        return _("Modul %(number)s") % {"number": self.number}


class PostCategory(models.TextChoices):
    COORDINATION = "coordination", _("Koordination / Sachbearbeitung")
    ASSISTANT = "assistant", _("Verwaltungsassistenz")
    CASE_MANAGEMENT = "case_management", _("Case Management")
    CM_COORDINATION = "cm_coordination", _("Koordinierung Case Management")
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("Ausländer- und Einbürgerungsbehörde")


class PostQuerySet(models.QuerySet):
    def for_user(self, user) -> PostQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_carrier_staff:
            return self.filter(employer_id=user.organisation_id)
        return self

    def active_in(self, start, end) -> PostQuerySet:
        return self.filter(start__lte=end).filter(Q(end__isnull=True) | Q(end__gte=start))


class Post(VersionedModel):
    module = models.ForeignKey(Module, verbose_name=_("Modul"), on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(_("Bezeichnung"), max_length=200)
    category = models.CharField(_("Kategorie"), max_length=30, choices=PostCategory.choices)
    fte = models.DecimalField(_("Stellenanteil (VZÄ)"), **FTE, help_text=_("Größer als 0, höchstens 1,0."))
    employer = models.ForeignKey(
        Organisation,
        verbose_name=_("Anstellungsträger"),
        on_delete=models.PROTECT,
        related_name="posts",
        help_text=_("Die Körperschaft (Kreis/Stadt) selbst, ein Amt oder ein Träger, an den weitergeleitet wird."),
    )
    place = models.ForeignKey(
        Municipality,
        verbose_name=_("Einsatzort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
    )
    pay_grade = models.CharField(_("Entgeltgruppe"), max_length=30, blank=True, help_text=_("z. B. EG 10 TVöD"))
    start = models.DateField(_("Beginn"))
    end = models.DateField(_("Ende (befristet bis)"), null=True, blank=True)
    illustrative = models.BooleanField(
        _("Zuordnung beispielhaft"),
        default=False,
        help_text=_("Die Vorlage nennt Träger und Ort nicht; die Demo ordnet sie beispielhaft zu."),
    )
    notes = models.TextField(_("Bemerkungen"), blank=True)

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["module__number", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1),
                name="post_fte_between_0_and_1",
                violation_error_message=_("Der Stellenanteil muss größer als 0 und höchstens 1,0 VZÄ sein."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="post_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return fast_reverse("modules:post_detail", args=[self.pk])  # once per pattern: list pages link every row


class Occupancy(VersionedModel):
    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.CASCADE, related_name="occupancies")
    start = models.DateField(_("besetzt ab"))
    end = models.DateField(_("besetzt bis"), null=True, blank=True)
    fte = models.DecimalField(_("besetzter Anteil (VZÄ)"), **FTE)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Besetzung")
        verbose_name_plural = _("Besetzungen")
        ordering = ["post", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0) & Q(fte__lte=1),
                name="occupancy_fte_between_0_and_1",
                violation_error_message=_("Der besetzte Anteil muss größer als 0 und höchstens 1,0 VZÄ sein."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="occupancy_end_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} ab {self.start:%d.%m.%Y}"


class CostRate(VersionedModel):
    """Planned personnel cost per VZÄ for a category and year (e.g. the county's Personalkostensatz)."""

    category = models.CharField(_("Kategorie"), max_length=30, choices=PostCategory.choices)
    year = models.PositiveSmallIntegerField(_("Jahr"))
    amount_per_fte = models.DecimalField(_("Personalkosten je VZÄ und Jahr"), **MONEY)
    note = models.CharField(_("Quelle / Hinweis"), max_length=250, blank=True)
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_(
            "Ein inaktiver Satz wird als überholt gekennzeichnet; die Planzahlen seines Jahres und die Historie "
            "bleiben unverändert."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Personalkostensatz")
        verbose_name_plural = _("Personalkostensätze")
        ordering = ["year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "year"],
                name="cost_rate_unique_per_category_year",
                violation_error_message=_(
                    "Für diese Kategorie und dieses Jahr gibt es bereits einen Personalkostensatz."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_per_fte__gte=0),
                name="cost_rate_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("modules:costrate_detail", args=[self.pk])


class PersonnelCost(models.Model):
    """Planned personnel cost of one post in one year, entered instead of derived from a cost rate."""

    post = models.ForeignKey(Post, verbose_name=_("Stelle"), on_delete=models.CASCADE, related_name="personnel_costs")
    year = models.PositiveSmallIntegerField(_("Jahr"))
    amount = models.DecimalField(_("geplante Personalkosten"), **MONEY)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Personalkosten einer Stelle")
        verbose_name_plural = _("Personalkosten der Stellen")
        ordering = ["post", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "year"],
                name="personnel_cost_unique_per_post_year",
                violation_error_message=_("Für diese Stelle und dieses Jahr sind bereits Personalkosten erfasst."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="personnel_cost_not_negative",
                violation_error_message=_("Der Betrag darf nicht negativ sein."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} {self.year}"
