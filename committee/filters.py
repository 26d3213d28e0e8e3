from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committee.models import Committee, Meeting, Paper, PaperStatus, PaperType
from kim.filters import YearFilter


class PaperFilter(django_filters.FilterSet):
    year = YearFilter(label=_("Jahr"), method="filter_year")
    paper_type = django_filters.ChoiceFilter(choices=PaperType.choices, label=_("Vorlagenart"), empty_label=_("alle"))
    status = django_filters.ChoiceFilter(choices=PaperStatus.choices, label=_("Status"), empty_label=_("alle"))
    q = django_filters.CharFilter(label=_("Suche"), method="search")

    class Meta:
        model = Paper
        fields = ["year", "paper_type", "status", "q"]

    def filter_year(self, queryset, name, value):
        return queryset.filter(number__startswith=f"{int(value)}/")

    def search(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))


class MeetingFilter(django_filters.FilterSet):
    year = YearFilter(field_name="date", lookup_expr="year", label=_("Jahr"))
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.all(), label=_("Gremium"), empty_label=_("alle")
    )

    class Meta:
        model = Meeting
        fields = ["year", "committee"]
