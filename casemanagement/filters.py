from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from casemanagement.forms import MONTHS
from casemanagement.models import (
    FROZEN_STATES,
    Case,
    CaseloadReturn,
    IndicatorReport,
    LegalDomain,
    Phase,
    ReturnStatus,
)
from kim.filters import YearFilter
from kim.models import Municipality, Organisation
from modules.models import Post


def own_posts(request):
    if request is None or not request.user.is_authenticated:
        return Post.objects.none()
    return Post.objects.for_user(request.user).filter(module__number=2)


def carriers_for(request):
    """Carrier dropdown scoped to the user: carrier staff see only their own name."""
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.for_user(request.user).carriers()


class CaseFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(lookup_expr="icontains", label=_("Fallnummer"))
    state = django_filters.ChoiceFilter(
        label=_("Stand"),
        method="filter_state",
        empty_label=_("alle"),
        choices=[("open", _("offen")), ("closed", _("abgeschlossen"))],
    )
    phase = django_filters.ChoiceFilter(choices=Phase.choices, label=_("Phase"), empty_label=_("alle"))
    legal_domain = django_filters.ChoiceFilter(
        choices=LegalDomain.choices, label=_("Rechtskreis"), empty_label=_("alle")
    )
    responsible_post = django_filters.ModelChoiceFilter(queryset=own_posts, label=_("Stelle"), empty_label=_("alle"))
    municipality = django_filters.ModelChoiceFilter(
        queryset=Municipality.objects.all(), label=_("Kommune"), empty_label=_("alle")
    )
    year = YearFilter(field_name="opened_on", lookup_expr="year", label=_("eröffnet im Jahr"))

    class Meta:
        model = Case
        fields = ["code", "state", "phase", "legal_domain", "responsible_post", "municipality", "year"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(closed_on__isnull=(value == "open"))


class ReturnFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReturnStatus.choices, label=_("Status"), empty_label=_("alle"))
    carrier = django_filters.ModelChoiceFilter(queryset=carriers_for, label=_("Träger"), empty_label=_("alle"))
    year = YearFilter(label=_("Jahr"))
    month = django_filters.ChoiceFilter(choices=MONTHS, label=_("Monat"), empty_label=_("alle"))

    class Meta:
        model = CaseloadReturn
        fields = ["status", "carrier", "year", "month"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated or not user.is_carrier_staff:
            # staff see submitted and accepted returns only (CaseloadReturn.objects.for_user)
            field = self.filters["status"]
            field.extra["choices"] = [(k, v) for k, v in ReturnStatus.choices if k in FROZEN_STATES]


class IndicatorFilter(django_filters.FilterSet):
    year = YearFilter(label=_("Jahr"))
    post = django_filters.ModelChoiceFilter(
        queryset=Post.objects.filter(module__number__in=[1, 3]).exclude(employer__kind="carrier"),
        label=_("Stelle"),
        empty_label=_("alle"),
    )

    class Meta:
        model = IndicatorReport
        fields = ["year", "post"]
