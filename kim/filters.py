from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kim.forms import YearField
from kim.models import Organisation, OrganisationKind


class YearFilter(django_filters.NumberFilter):
    """A year in list filters: a whole number from 2000 to 2100, else a German error at the filter field.

    Use it for every year-like filter (``year``, ``budget_year``, ``period_start__year``): an
    implausible year (0, -1, 10000, 2147483648) never reaches the database, where it could overflow
    a date or a smallint and give a 500.
    """

    field_class = YearField


def umbrellas_for(request):
    if request is None or request.user.is_carrier_staff:
        return Organisation.objects.none()
    return Organisation.objects.filter(kind=OrganisationKind.UMBRELLA)


class CarrierFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search")
    parent = django_filters.ModelChoiceFilter(queryset=umbrellas_for, label=_("Dachverband"), empty_label=_("alle"))
    is_active = django_filters.BooleanFilter(label=_("aktiv"))

    class Meta:
        model = Organisation
        fields = ["q", "parent", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Suche"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Art"), choices=OrganisationKind.choices, empty_label=_("alle"))
    is_active = django_filters.BooleanFilter(label=_("aktiv"))

    class Meta:
        model = Organisation
        fields = ["q", "kind", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
