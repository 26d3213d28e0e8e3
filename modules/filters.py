from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kim.filters import YearFilter
from kim.models import Municipality, Organisation, OrganisationKind
from kim.periods import year_end, year_start
from modules.models import Module, Post, PostCategory


def employers_for(request):
    """Only employers the user may see: a carrier's staff never learn other carriers' names here."""
    if request is None:
        return Organisation.objects.none()
    qs = Organisation.objects.filter(
        kind__in=[
            OrganisationKind.COUNTY,
            OrganisationKind.DEPARTMENT,
            OrganisationKind.CARRIER,
            OrganisationKind.MUNICIPALITY,
        ]
    )
    if request.user.is_carrier_staff:
        return qs.filter(pk=request.user.organisation_id)
    return qs


class PostFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search")
    module = django_filters.ModelChoiceFilter(queryset=Module.objects.all(), label=_("Modul"), empty_label=_("alle"))
    category = django_filters.ChoiceFilter(choices=PostCategory.choices, label=_("Kategorie"), empty_label=_("alle"))
    employer = django_filters.ModelChoiceFilter(
        queryset=employers_for, label=_("Anstellungsträger"), empty_label=_("alle")
    )
    place = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), label=_("Einsatzort"), empty_label=_("alle")
    )
    year = YearFilter(label=_("aktiv im Jahr"), method="active_in_year")

    class Meta:
        model = Post
        fields = ["q", "module", "category", "employer", "place", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["module"].field.label_from_instance = lambda module: module.short_label

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(pay_grade__icontains=value))

    def active_in_year(self, queryset, name, value):

        year = int(value)  # YearFilter has checked the range
        return queryset.active_in(year_start(year), year_end(year))
