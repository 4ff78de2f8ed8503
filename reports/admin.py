"""Admin for platform staff: read-only scorecard snapshots, for supporting tenants.
Snapshots are taken by the monthly task only; nobody edits history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from reports.models import ScorecardSnapshot


@admin.register(ScorecardSnapshot)
class ScorecardSnapshotAdmin(admin.ModelAdmin[ScorecardSnapshot]):
    list_display = ["month", "brand", "facility", "score", "grade", "taken_at"]
    list_filter = ["grade", "month"]
    search_fields = ["brand__name", "facility__name"]
    list_select_related = ["brand", "facility"]
    date_hierarchy = "month"
    ordering = ["-month", "brand__name", "facility__name"]
    fields = readonly_fields = (
        "brand",
        "facility",
        "month",
        "score",
        "grade",
        "components",
        "taken_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
