"""Reference admin for the benchmark only (never mounted in kim/urls.py).

The pages are compared with the Django admin changelist of the same model. Post, Paper and Meeting are
registered in the real admin and are measured there. Cases and caseload returns are deliberately *not* in
the real admin (A 46 never sees single cases), so the bench registers read-only admin classes for them on
this separate site, reachable only through ``bench.urls`` inside the bench process.
"""

from django.contrib import admin

from casemanagement.models import Case, CaseloadReturn, ReturnFigure


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CaseBenchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("code", "phase", "responsible_post", "municipality", "opened_on", "closed_on")
    list_filter = ("carrier", "phase")
    list_select_related = ("responsible_post", "municipality")
    search_fields = ("code",)


class ReturnFigureInline(ReadOnlyMixin, admin.TabularInline):
    model = ReturnFigure
    fields = ("dimension", "key", "count")
    extra = 0


class ReturnBenchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("carrier", "post", "year", "month", "status")
    list_filter = ("status", "year", "carrier")
    list_select_related = ("carrier", "post")
    inlines = [ReturnFigureInline]


site = admin.AdminSite(name="benchadmin")
site.register(Case, CaseBenchAdmin)
site.register(CaseloadReturn, ReturnBenchAdmin)
