from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from funding.models import (
    BudgetLine,
    CostPlan,
    ForwardingContract,
    GrantAllocation,
    GrantNotice,
    OwnShareRequest,
    Programme,
    Rate,
)
from kim.forms import (
    ConstraintErrorsAtFieldMixin,
    EuroField,
    PeriodFormMixin,
    active_choices,
    add_help_texts,
    formfield_callback,
)
from kim.models import RECIPIENT_KINDS, Organisation, OrganisationKind
from modules.models import Post


class ProgrammeForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Programme
        fields = [
            "name",
            "short_name",
            "module",
            "funder",
            "personnel_costs_only",
            "min_share_fte",
            "proration",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "funder", Organisation.objects.exclude(kind=OrganisationKind.CARRIER))


class RateForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Rate
        fields = ["programme", "category", "year", "amount_per_fte"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "programme", Programme.objects.all())


class GrantForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    period_fields = ("period_start", "period_end")

    class Meta:
        formfield_callback = formfield_callback
        model = GrantNotice
        fields = [
            "programme",
            "recipient",
            "authority",
            "reference",
            "issued_on",
            "period_start",
            "period_end",
            "approved_fte",
            "amount",
            "is_draft",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_fte"].help_text = _("Summe der bewilligten Vollzeitäquivalente, z. B. 6,0")
        active_choices(self, "programme", Programme.objects.all())
        active_choices(
            self,
            "recipient",
            Organisation.objects.filter(kind__in=[OrganisationKind.COUNTY, OrganisationKind.DEPARTMENT]),
        )
        active_choices(
            self, "authority", Organisation.objects.filter(kind__in=[OrganisationKind.AUTHORITY, OrganisationKind.LAND])
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end >= start and start.year != end.year:
            self.add_error(
                "period_end",
                _("Ein Bescheid gilt für ein Haushaltsjahr (Jährlichkeit); Beginn und Ende im selben Jahr."),
            )
        return cleaned


class AllocationForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = GrantAllocation
        fields = ["post", "fte", "start", "end"]

    def __init__(self, *args, grant: GrantNotice, **kwargs):
        super().__init__(*args, **kwargs)
        posts = Post.objects.select_related("module")
        if grant.programme.module_id:
            posts = posts.filter(module_id=grant.programme.module_id)
        self.fields["post"].queryset = posts
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("start", grant.period_start)
            self.initial.setdefault("end", grant.period_end)


class ForwardingForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = ForwardingContract
        fields = ["grant", "post", "carrier", "reference", "signed_on", "start", "end", "is_draft"]
        help_texts = {
            "carrier": _(
                "Leer: der Anstellungsträger der Stelle. Eine kreisangehörige Kommune kann die Mittel auch für Stellen anderer Träger erhalten und weiterleiten."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carrier"].required = False
        active_choices(self, "carrier", Organisation.objects.recipients())
        self.fields["post"].queryset = Post.objects.filter(employer__kind__in=RECIPIENT_KINDS).select_related(
            "employer"
        )
        self.fields["grant"].queryset = GrantNotice.objects.in_force().select_related("programme")
        self.fields["post"].label_from_instance = lambda p: f"{p.title} ({p.employer})"


class OnwardForwardingForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    """A recipient's own contract passing money on (second level and further); the amount is agreed, not computed."""

    amount = EuroField(
        label=_("weitergeleiteter Betrag"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("Höchstens, was der Weiterleitende aus seinem Vertrag erhalten und noch nicht weitergeleitet hat."),
    )

    class Meta:
        formfield_callback = formfield_callback
        model = ForwardingContract
        fields = ["carrier", "reference", "signed_on", "start", "end", "is_draft"]

    field_order = ["carrier", "reference", "signed_on", "start", "end", "amount", "is_draft"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "carrier", Organisation.objects.recipients())
        if self.instance.pk:
            self.initial.setdefault("amount", self.instance.amount)


class CostPlanForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = CostPlan
        fields = ["post", "year", "personnel", "material_overhead", "is_draft"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = Post.objects.filter(employer__kind__in=RECIPIENT_KINDS).select_related(
            "employer"
        )
        self.fields["post"].label_from_instance = lambda p: f"{p.title} ({p.employer})"


class OwnShareRequestForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = OwnShareRequest
        fields = [
            "applicant",
            "received_on",
            "subject",
            "requested_amount",
            "budget_year",
            "status",
            "decided_amount",
            "decided_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(
            self,
            "applicant",
            Organisation.objects.filter(kind__in=[OrganisationKind.CARRIER, OrganisationKind.UMBRELLA]),
        )


class BudgetLineForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    # The account is what the user checks when a line already exists, not the Ertrag/Aufwand choice.
    constraint_error_fields = {"budget_line_unique": "sachkonto"}

    class Meta:
        formfield_callback = formfield_callback
        model = BudgetLine
        fields = ["year", "teilprodukt", "sachkonto", "label", "kind", "planned_amount", "forecast_basis"]

    def clean_teilprodukt(self):
        value = self.cleaned_data["teilprodukt"].strip()
        if not value.isdigit():
            raise forms.ValidationError(_("Das Teilprodukt besteht aus Ziffern, z. B. 946100."))
        return value

    def clean_sachkonto(self):
        value = self.cleaned_data["sachkonto"].strip()
        if not value.isdigit():
            raise forms.ValidationError(_("Das Sachkonto besteht aus Ziffern, z. B. 414100."))
        return value


# Help texts for fields whose meaning is not obvious (shown below the field, aria-describedby).
add_help_texts(
    RateForm,
    {
        "category": _("Stellenkategorie, für die die Pauschale gilt (z. B. Sachbearbeitung, Assistenz)."),
        "year": _("Haushaltsjahr, für das die Pauschale gilt."),
        "amount_per_fte": _(
            "Pauschale je Vollzeitäquivalent (VZÄ) und Jahr in Euro, z. B. 55.000,00; für 0,5 VZÄ gilt die Hälfte."
        ),
    },
)
add_help_texts(
    GrantForm,
    {
        "reference": _("Aktenzeichen der Bewilligungsbehörde, wie es im Bescheid steht."),
        "period_start": _("Beginn des Bewilligungszeitraums laut Bescheid (TT.MM.JJJJ)."),
        "period_end": _("Ende des Bewilligungszeitraums; Ausgaben danach sind nicht förderfähig."),
    },
)
add_help_texts(
    AllocationForm,
    {
        "post": _("Stelle, deren Anteil aus diesem Bescheid gefördert wird."),
        "start": _("Beginn der Zuordnung; innerhalb des Bewilligungszeitraums."),
        "end": _("Ende der Zuordnung; innerhalb des Bewilligungszeitraums."),
    },
)
add_help_texts(
    ForwardingForm,
    {
        "grant": _("Bescheid, aus dem weitergeleitet wird; er muss der Stelle für den Zeitraum zugeordnet sein."),
        "reference": _("Nummer des Weiterleitungsvertrags, z. B. WL-2021-01."),
        "start": _("Beginn des Vertragszeitraums; der Betrag wird nach Tagen anteilig berechnet."),
        "end": _("Ende des Vertragszeitraums."),
    },
)
add_help_texts(
    CostPlanForm,
    {
        "year": _("Haushaltsjahr des Kostenplans; je Stelle und Jahr gibt es einen Kostenplan."),
    },
)
add_help_texts(
    OwnShareRequestForm,
    {
        "budget_year": _("Haushaltsjahr, aus dem der Eigenanteil übernommen werden soll."),
        "status": _("Stand des Antrags; bei „bewilligt“ oder „abgelehnt“ Datum der Entscheidung angeben."),
    },
)
add_help_texts(
    BudgetLineForm,
    {
        "teilprodukt": _("Haushaltsstelle: Teilprodukt des Haushaltsplans, z. B. 946100."),
        "sachkonto": _("Haushaltsstelle: Sachkonto, z. B. 414100 (Landeszuweisungen)."),
        "kind": _("Ertrag (Einnahme, z. B. Landeszuweisung) oder Aufwand (Ausgabe, z. B. Weiterleitung)."),
        "forecast_basis": _("Woraus die Prognose neben dem Ansatz berechnet wird."),
    },
)
