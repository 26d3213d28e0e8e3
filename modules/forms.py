from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kim.forms import ConstraintErrorsAtFieldMixin, PeriodFormMixin, formfield_callback
from kim.models import Organisation, OrganisationKind
from modules.models import CostRate, Occupancy, PersonnelCost, Post


class PostForm(ConstraintErrorsAtFieldMixin, PeriodFormMixin, forms.ModelForm):
    class Meta:
        formfield_callback = formfield_callback
        model = Post
        fields = ["module", "title", "category", "fte", "employer", "place", "pay_grade", "start", "end", "illustrative", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Organisation.objects.filter(
            kind__in=[OrganisationKind.COUNTY, OrganisationKind.DEPARTMENT, OrganisationKind.CARRIER]
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
        fields = ["category", "year", "amount_per_fte", "note"]
