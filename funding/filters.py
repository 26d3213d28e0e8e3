from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from funding.models import (
    BudgetKind,
    BudgetLine,
    CarrierPayment,
    CostPlan,
    ForwardingContract,
    GrantNotice,
    OwnShareRequest,
    Programme,
    ProofKind,
    ProofObligation,
    ProofStatus,
    Rate,
    RequestStatus,
)
from kim.filters import YearFilter
from kim.models import Organisation
from modules.models import Module, PostCategory


def carriers_for(request):
    """Carrier dropdown scoped to the user: carrier staff see only their own name."""
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.for_user(request.user).carriers()


class YearFilterMixin(django_filters.FilterSet):
    year = YearFilter(label=_("Jahr"))


class GrantFilter(django_filters.FilterSet):
    year = YearFilter(field_name="period_start", lookup_expr="year", label=_("Jahr"))
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programm"), empty_label=_("alle")
    )
    reference = django_filters.CharFilter(lookup_expr="icontains", label=_("Aktenzeichen"))

    class Meta:
        model = GrantNotice
        fields = ["year", "programme", "reference"]


def recipients_for(request):
    """Recipient dropdown (carriers and municipalities) scoped to the user: carrier staff see only their own name."""
    if request is None:
        return Organisation.objects.none()
    return Organisation.objects.for_user(request.user).recipients()


class ForwardingFilter(YearFilterMixin):
    carrier = django_filters.ModelChoiceFilter(queryset=recipients_for, label=_("Empfänger"), empty_label=_("alle"))
    q = django_filters.CharFilter(label=_("Suche"), method="search")

    class Meta:
        model = ForwardingContract
        fields = ["year", "carrier", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(post__title__icontains=value))


class CarrierPaymentFilter(django_filters.FilterSet):
    """The instalments to the carriers: by contract year, recipient, paid or open, cancelled or in force."""

    year = YearFilter(field_name="contract__year", label=_("Jahr"))
    carrier = django_filters.ModelChoiceFilter(
        field_name="contract__carrier", queryset=recipients_for, label=_("Empfänger"), empty_label=_("alle")
    )
    status = django_filters.ChoiceFilter(
        choices=(("open", _("offen")), ("paid", _("gezahlt"))),
        method="filter_status",
        label=_("Zahlung"),
        empty_label=_("alle"),
    )
    storno = django_filters.ChoiceFilter(
        choices=(("in_force", _("ohne stornierte")), ("cancelled", _("nur stornierte"))),
        method="filter_storno",
        label=_("Storno"),
        empty_label=_("alle"),
    )

    class Meta:
        model = CarrierPayment
        fields = ["year", "carrier", "status", "storno"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(paid_on__isnull=value == "open")

    def filter_storno(self, queryset, name, value):
        if value == "cancelled":
            return queryset.filter(Q(cancelled_at__isnull=False) | Q(contract__cancelled_at__isnull=False))
        return queryset.filter(cancelled_at__isnull=True, contract__cancelled_at__isnull=True)


class CostPlanFilter(YearFilterMixin):
    carrier = django_filters.ModelChoiceFilter(
        field_name="post__employer", queryset=carriers_for, label=_("Träger"), empty_label=_("alle")
    )
    module = django_filters.ModelChoiceFilter(
        field_name="post__module", queryset=Module.objects.all(), label=_("Modul"), empty_label=_("alle")
    )

    class Meta:
        model = CostPlan
        fields = ["year", "carrier", "module"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["module"].field.label_from_instance = lambda module: module.short_label


class OwnShareRequestFilter(django_filters.FilterSet):
    budget_year = YearFilter(label=_("Haushaltsjahr"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"), empty_label=_("alle"))

    class Meta:
        model = OwnShareRequest
        fields = ["budget_year", "status"]


class BudgetLineFilter(YearFilterMixin):
    kind = django_filters.ChoiceFilter(choices=BudgetKind.choices, label=_("Ertrag/Aufwand"), empty_label=_("alle"))
    teilprodukt = django_filters.CharFilter(lookup_expr="startswith", label=_("Teilprodukt"))

    class Meta:
        model = BudgetLine
        fields = ["year", "kind", "teilprodukt"]


class RateFilter(YearFilterMixin):
    programme = django_filters.ModelChoiceFilter(
        queryset=Programme.objects.all(), label=_("Programm"), empty_label=_("alle")
    )
    category = django_filters.ChoiceFilter(choices=PostCategory.choices, label=_("Kategorie"), empty_label=_("alle"))

    class Meta:
        model = Rate
        fields = ["year", "programme", "category"]


class ProofFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ProofStatus.choices, label=_("Status"), empty_label=_("alle"))
    kind = django_filters.ChoiceFilter(choices=ProofKind.choices, label=_("Art"), empty_label=_("alle"))
    year = YearFilter(field_name="due_on", lookup_expr="year", label=_("fällig im Jahr"))

    class Meta:
        model = ProofObligation
        fields = ["status", "kind", "year"]
