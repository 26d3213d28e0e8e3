"""Admin: committees are kept here (few rows, no cross-row rules); papers and meetings are read-only,
because their writes (numbering, release freezing, results) go through committee.services and the pages."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from committee.models import Committee, Meeting, Paper


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "slug", "body", "order", "deleted"]
    search_fields = ["name", "short_name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Paper)
class PaperAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "paper_type", "status", "public", "date", "deleted"]
    list_filter = ["status", "paper_type", "public"]
    search_fields = ["number", "title"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["date", "start_time", "committee", "public", "cancelled", "deleted"]
    list_filter = ["committee", "public"]
    search_fields = ["committee__name", "place"]
