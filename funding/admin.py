"""Django admin for the funding models; writes go through funding.services (see kim.admin).

So a forwarding contract's amount is computed and capped by the grant here as in the app, and an
allocation is refused if it would fund a post twice (§ 9 (4) TIntG).
"""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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
from funding.services import (
    allocation_save,
    budget_line_save,
    cost_plan_save,
    forwarding_save,
    grant_save,
    own_share_request_save,
    programme_save,
    rate_save,
)
from kim.admin import ServiceAdminMixin, ServiceInlineMixin, ServiceInlineParentMixin


def _used_by_contracts(obj) -> bool:
    """Whether forwarding contracts compute their amount from this rate, cost plan or allocation."""
    if isinstance(obj, Rate):
        qs = ForwardingContract.objects.filter(
            grant__programme_id=obj.programme_id, post__category=obj.category, year=obj.year
        )
    elif isinstance(obj, CostPlan):
        qs = ForwardingContract.objects.filter(post_id=obj.post_id, year=obj.year)
    elif isinstance(obj, GrantNotice):  # an inline's parent: its allocation rows feed its contracts
        qs = ForwardingContract.objects.filter(grant_id=obj.pk)
    elif isinstance(obj, GrantAllocation):
        qs = ForwardingContract.objects.filter(
            grant_id=obj.grant_id, post_id=obj.post_id, start__gte=obj.start, end__lte=obj.end
        )
    else:
        return False
    return qs.exists()


class KeepInputsOfContractsMixin:
    """No deleting (in the admin either) what a contract's amount is computed from."""

    def has_delete_permission(self, request, obj=None):
        if obj is not None and _used_by_contracts(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request) if hasattr(super(), "get_actions") else {}
        actions.pop("delete_selected", None)  # bulk deletes would skip the check above
        return actions


@admin.register(Programme)
class ProgrammeAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("short_name", "name", "module", "funder", "personnel_costs_only")
    list_filter = ("personnel_costs_only", "module")
    search_fields = ("short_name", "name")
    list_select_related = ("module", "funder")
    autocomplete_fields = ("funder",)

    def service_save(self, *, instance, data, user):
        return programme_save(programme=instance, data=data, user=user)


@admin.register(Rate)
class RateAdmin(KeepInputsOfContractsMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "programme", "category", "amount_per_fte")
    list_filter = ("year", "programme", "category")
    search_fields = ("programme__short_name", "programme__name")
    list_select_related = ("programme",)

    def service_save(self, *, instance, data, user):
        return rate_save(rate=instance, data=data, user=user)


class GrantAllocationInline(KeepInputsOfContractsMixin, ServiceInlineMixin, admin.TabularInline):
    model = GrantAllocation
    fields = ("post", "fte", "start", "end")
    autocomplete_fields = ("post",)
    extra = 0

    def service_save(self, *, parent, instance, data, user):
        return allocation_save(grant=parent, allocation=instance, data=data, user=user)


@admin.register(GrantNotice)
class GrantNoticeAdmin(ServiceInlineParentMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "reference",
        "programme",
        "recipient",
        "issued_on",
        "period_start",
        "period_end",
        "approved_fte",
        "amount",
    )
    list_filter = ("programme", "authority")
    search_fields = ("reference", "programme__short_name", "programme__name", "recipient__name")
    list_select_related = ("programme", "recipient")
    autocomplete_fields = ("recipient", "authority")
    date_hierarchy = "issued_on"
    inlines = (GrantAllocationInline,)
    fieldsets = (
        (None, {"fields": ("programme", "recipient", "authority", "reference", "issued_on")}),
        (_("Bewilligung"), {"fields": ("period_start", "period_end", "approved_fte", "amount")}),
    )

    def service_save(self, *, instance, data, user):
        return grant_save(grant=instance, data=data, user=user)


@admin.register(ForwardingContract)
class ForwardingContractAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("carrier", "post", "year", "level", "start", "end", "amount", "reference", "signed_on")
    list_filter = ("year", "level", ("carrier", admin.RelatedOnlyFieldListFilter))
    search_fields = ("post__title", "carrier__name", "carrier__short_name", "reference", "grant__reference")
    list_select_related = ("carrier", "post")
    autocomplete_fields = ("grant", "post")
    date_hierarchy = "start"
    # Carrier and year follow from post and start; the amount is computed by forwarding_save.
    # Onward contracts (level 2 and more) are entered and edited on the contract page ("Weiterleiten");
    # forwarding_save refuses them here.
    readonly_fields = ("carrier", "year", "amount", "level", "upstream")
    fields = (
        "grant",
        "post",
        "start",
        "end",
        "reference",
        "signed_on",
        "carrier",
        "year",
        "amount",
        "level",
        "upstream",
    )

    def service_save(self, *, instance, data, user):
        return forwarding_save(contract=instance, data=data, user=user)


@admin.register(CostPlan)
class CostPlanAdmin(KeepInputsOfContractsMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("post", "carrier", "year", "personnel", "material_overhead")
    list_filter = ("year", "post__module", ("post__employer", admin.RelatedOnlyFieldListFilter))
    search_fields = ("post__title", "post__employer__name", "post__employer__short_name")
    list_select_related = ("post__employer",)
    autocomplete_fields = ("post",)

    @admin.display(description=_("Träger"), ordering="post__employer__name")
    def carrier(self, obj: CostPlan):
        return obj.post.employer

    def service_save(self, *, instance, data, user):
        return cost_plan_save(plan=instance, data=data, user=user)


@admin.register(OwnShareRequest)
class OwnShareRequestAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "applicant",
        "received_on",
        "budget_year",
        "requested_amount",
        "status",
        "decided_amount",
        "decided_on",
    )
    list_filter = ("status", "budget_year")
    search_fields = ("applicant__name", "applicant__short_name", "subject")
    list_select_related = ("applicant",)
    autocomplete_fields = ("applicant",)
    date_hierarchy = "received_on"

    def service_save(self, *, instance, data, user):
        return own_share_request_save(request=instance, data=data, user=user)


@admin.register(BudgetLine)
class BudgetLineAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("year", "teilprodukt", "sachkonto", "label", "kind", "planned_amount", "forecast_basis")
    list_filter = ("year", "kind", "forecast_basis")
    search_fields = ("label", "teilprodukt", "sachkonto")

    def service_save(self, *, instance, data, user):
        return budget_line_save(line=instance, data=data, user=user)
