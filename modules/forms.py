from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kim.forms import ConstraintErrorsAtFieldMixin, PeriodFormMixin, active_choices, add_help_texts, formfield_callback
from kim.models import Municipality, Organisation, OrganisationKind
from modules.models import CostRate, Occupancy, PersonnelCost, Post


class PostForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Post
        fields = [
            "module",
            "title",
            "category",
            "fte",
            "employer",
            "place",
            "pay_grade",
            "start",
            "end",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active_choices(self, "place", Municipality.objects.all())
        active_choices(
            self,
            "employer",
            Organisation.objects.filter(
                kind__in=[
                    OrganisationKind.COUNTY,
                    OrganisationKind.DEPARTMENT,
                    OrganisationKind.CARRIER,
                    OrganisationKind.MUNICIPALITY,
                ]
            ),
        )


class OccupancyForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Occupancy
        fields = ["start", "end", "fte"]


class PersonnelCostForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = PersonnelCost
        fields = ["year", "amount"]

    def __init__(self, *args, post: Post, **kwargs):
        super().__init__(*args, **kwargs)
        self.post = post

    def clean_year(self):
        year = self.cleaned_data["year"]
        existing = PersonnelCost.objects.filter(post=self.post, year=year).exclude(pk=self.instance.pk)
        if existing.exists():
            raise forms.ValidationError(_("Für %(year)s sind bereits Personalkosten erfasst.") % {"year": year})
        return year


class CostRateForm(ConstraintErrorsAtFieldMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = CostRate
        fields = ["category", "year", "amount_per_fte", "note", "is_active"]


# Help texts for fields whose meaning is not obvious (shown below the field, aria-describedby).
add_help_texts(
    PostForm,
    {
        "module": _("KIM-Modul der Stelle; Modul 2 ist das Case Management der Träger."),
        "category": _("Art der Stelle; bestimmt den Fördersatz (Pauschale je VZÄ), der für sie gilt."),
        "place": _("Kommune, in der die Stelle berät (Modul-2-Stellen nur in Kommunen des Fördergebiets)."),
        "start": _("Erster Tag, an dem die Stelle besteht (TT.MM.JJJJ)."),
        "end": _("Letzter Tag einer befristeten Stelle; leer = unbefristet."),
    },
)
add_help_texts(
    OccupancyForm,
    {
        "start": _("Erster Tag der Besetzung (TT.MM.JJJJ)."),
        "end": _("Letzter Tag der Besetzung; leer = besetzt bis auf Weiteres."),
    },
)
add_help_texts(
    PersonnelCostForm,
    {
        "year": _("Haushaltsjahr, für das die Personalkosten gelten, z. B. 2021."),
    },
)
add_help_texts(
    CostRateForm,
    {
        "category": _("Stellenkategorie, für die der Personalkostensatz gilt."),
        "year": _("Haushaltsjahr, für das der Satz gilt, z. B. 2021."),
        "note": _("Woher der Satz stammt, z. B. KGSt-Bericht oder Tarifabschluss."),
    },
)
