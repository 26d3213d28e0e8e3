"""Django admin for modules, posts and cost rates; writes go through modules.services (see kim.admin)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from kim.admin import (
    ServiceAdminMixin,
    ServiceInlineMixin,
    ServiceInlineParentMixin,
    UnmanagedRowsHiddenOnDeleteMixin,
)
from modules.models import CostRate, Module, Occupancy, PersonnelCost, Post
from modules.services import cost_rate_save, occupancy_save, personnel_cost_save, post_save


@admin.register(Module)
class ModuleAdmin(UnmanagedRowsHiddenOnDeleteMixin, SimpleHistoryAdmin):
    list_display = ("number", "name")
    search_fields = ("name",)


class OccupancyInline(ServiceInlineMixin, admin.TabularInline):
    model = Occupancy
    fields = ("start", "end", "fte")
    extra = 0

    def service_save(self, *, parent, instance, data, user):
        return occupancy_save(post=parent, occupancy=instance, data=data, user=user)


class PersonnelCostInline(ServiceInlineMixin, admin.TabularInline):
    model = PersonnelCost
    fields = ("year", "amount")
    extra = 0

    def service_save(self, *, parent, instance, data, user):
        instance.post = parent
        return personnel_cost_save(cost=instance, data=data, user=user)


@admin.register(Post)
class PostAdmin(UnmanagedRowsHiddenOnDeleteMixin, ServiceInlineParentMixin, ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("title", "module", "category", "fte", "employer", "place", "start", "end", "illustrative")
    list_filter = ("module", "category", "illustrative", ("employer", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "employer__name", "employer__short_name", "place__name", "pay_grade")
    list_select_related = ("module", "employer", "place")
    autocomplete_fields = ("employer", "place")
    date_hierarchy = "start"
    inlines = (OccupancyInline, PersonnelCostInline)
    fieldsets = (
        (_("Stelle"), {"fields": ("module", "title", "category", "fte", "pay_grade")}),
        (_("Träger und Einsatzort"), {"fields": ("employer", "place", "illustrative")}),
        (_("Laufzeit"), {"fields": ("start", "end", "notes")}),
    )

    def service_save(self, *, instance, data, user):
        return post_save(post=instance, data=data, user=user)


@admin.register(CostRate)
class CostRateAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("category", "year", "amount_per_fte", "note")
    list_filter = ("year", "category")
    search_fields = ("note",)

    def service_save(self, *, instance, data, user):
        return cost_rate_save(rate=instance, data=data, user=user)
