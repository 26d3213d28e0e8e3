from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kim.models import Organisation, OrganisationKind


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
