"""Admin for platform staff, for supporting tenants: read-only scorecard snapshots
(taken by the monthly task only; nobody edits history) and current scorecards
(computed only; a wrong one is marked stale by the writes it reads), the report
requests with
their status and error (a failed one can be queued again), and report branding."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from reports.models import CurrentScorecard, ReportBranding, ReportRequest, ScorecardSnapshot
from suppliers.admin import ReadOnlyAdminMixin


@admin.register(ScorecardSnapshot)
class ScorecardSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ScorecardSnapshot]):
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


@admin.register(CurrentScorecard)
class CurrentScorecardAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CurrentScorecard]):
    list_display = ["brand", "facility", "score", "grade", "trend", "on", "stale", "computed_at"]
    list_filter = ["grade", "stale", "on"]
    search_fields = ["brand__name", "facility__name"]
    list_select_related = ["brand", "facility"]
    ordering = ["brand__name", "score"]
    fields = readonly_fields = (
        "brand",
        "facility",
        "relationship",
        "on",
        "score",
        "grade",
        "components",
        "previous_score",
        "previous_month",
        "trend",
        "stale",
        "computed_at",
    )


@admin.register(ReportRequest)
class ReportRequestAdmin(admin.ModelAdmin[ReportRequest]):
    list_display = ["created_at", "organization", "kind", "facility", "status", "progress"]
    list_filter = ["kind", "status"]
    search_fields = ["organization__name", "facility__name", "error"]
    list_select_related = ["organization", "facility"]
    date_hierarchy = "created_at"
    actions = ["requeue"]
    fields = readonly_fields = (
        "organization",
        "kind",
        "facility",
        "requested_by",
        "parameters",
        "language",
        "status",
        "progress",
        "file",
        "error",
        "attempts",
        "scheduled_month",
        "emailed_at",
        "created_at",
        "started_at",
        "finished_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Queue the selected failed reports again"))
    def requeue(self, request: HttpRequest, queryset: QuerySet[ReportRequest]) -> None:
        from reports.services.report_requests import report_requeue

        count = sum(report_requeue(report=report) for report in queryset)
        self.message_user(
            request, _("%(count)d reports queued again.") % {"count": count}, messages.SUCCESS
        )


@admin.register(ReportBranding)
class ReportBrandingAdmin(admin.ModelAdmin[ReportBranding]):
    list_display = ["organization", "colour", "updated_at"]
    search_fields = ["organization__name"]
    list_select_related = ["organization"]
