"""Admin for platform staff: read-only views of audits with their findings,
observations, shares and amendments, and of brands' severity policies, for supporting
tenants.

Every write to an audit goes through ``audits.services``, which act for a member of
the commissioning brand (or the supplier, for consent) and keep the rules: final
audits change only by a recorded amendment, finalizing sets due dates and links
repeats, sharing needs the supplier's consent. Platform staff belong to no tenant
(DESIGN.md §2), so the admin offers no add, change, delete or state-changing action
here; staff look, tenants act.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from audits.models import Audit, AuditAmendment, AuditShare, Finding, Observation, SeverityPolicy
from audits.selectors import with_finding_counts
from suppliers.admin import ReadOnlyAdminMixin, ReadOnlyInline


def _short(text: str, words: int = 12) -> str:
    return Truncator(text).words(words)


class FindingInline(ReadOnlyInline):
    model = Finding
    show_change_link = True  # the finding's page has its description and evidence
    fields = readonly_fields = (
        "number",
        "category",
        "severity",
        "status",
        "due_date",
        "requirement",
        "repeat_of",
        "not_sustained_at",
        "law_review_needed",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return super().get_queryset(request).select_related("requirement", "repeat_of")


class ObservationInline(ReadOnlyInline):
    model = Observation
    fields = readonly_fields = (
        "metric",
        "value",
        "wage_scope",
        "suggestion",
        "suggested_severity",
        "requirement",
        "finding",
        "decided_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Observation]:
        return super().get_queryset(request).select_related("requirement", "finding")


class AuditShareInline(ReadOnlyInline):
    model = AuditShare
    fields = readonly_fields = (
        "brand",
        "status",
        "offered_by",
        "offered_at",
        "answered_by",
        "answered_at",
        "revoked_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditShare]:
        return super().get_queryset(request).select_related("brand", "offered_by", "answered_by")


class AuditAmendmentInline(ReadOnlyInline):
    model = AuditAmendment
    fields = readonly_fields = ("created_at", "by", "finding", "reason", "changes")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditAmendment]:
        return super().get_queryset(request).select_related("by", "finding")


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Audit]):
    list_display = [
        "facility",
        "brand",
        "scheme",
        "audit_type",
        "start_date",
        "status",
        "findings_count",
        "zero_tolerance_count",
        "repeats_count",
        "reference",
    ]
    list_filter = [
        "status",
        "scheme",
        "audit_type",
        "announcement",
        ("facility__country", CountryFilter),
    ]
    search_fields = [
        "facility__name",
        "facility__os_id",
        "reference",
        "brand__name",
        "audit_firm",
        "lead_auditor",
    ]
    list_select_related = ["facility", "brand"]
    date_hierarchy = "start_date"
    # Status and finalization are set by audit_finalize only; like every field here
    # they are shown, never edited (ReadOnlyAdminMixin).
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "facility",
                    "brand",
                    "audit_type",
                    "scheme",
                    "announcement",
                    "reference",
                    "audit_firm",
                    "lead_auditor",
                    "start_date",
                    "end_date",
                    "workers_interviewed",
                    "summary",
                    "report_file",
                    "report_file_name",
                )
            },
        ),
        (
            _("Status"),
            {"fields": ("status", "finalized_at", "finalized_by", "created_at", "created_by")},
        ),
    )
    inlines = [FindingInline, ObservationInline, AuditShareInline, AuditAmendmentInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Audit]:
        # Counted in the one list query rather than once per row; subqueries rather
        # than a join, so the paginator's counts stay plain counts of audits.
        return with_finding_counts(super().get_queryset(request))

    @admin.display(description=_("findings"), ordering="findings_count")
    def findings_count(self, obj: Audit) -> int:
        return int(getattr(obj, "findings_count", 0))

    @admin.display(description=_("zero tolerance"), ordering="zero_tolerance_count")
    def zero_tolerance_count(self, obj: Audit) -> int:
        return int(getattr(obj, "zero_tolerance_count", 0))

    @admin.display(description=_("repeats"), ordering="repeat_count")
    def repeats_count(self, obj: Audit) -> int:
        return int(getattr(obj, "repeat_count", 0))


@admin.register(Finding)
class FindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Finding]):
    list_display = [
        "label",
        "audit",
        "category",
        "severity",
        "status",
        "due_date",
        "is_repeat",
        "law_review_needed",
    ]
    list_filter = [
        "severity",
        "category",
        "status",
        "law_review_needed",
        "source",
        ("repeat_of", admin.EmptyFieldListFilter),
        ("not_sustained_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["description", "audit__facility__name", "audit__reference"]
    list_select_related = ["audit__facility"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "audit",
                    "number",
                    "category",
                    "severity",
                    "description",
                    "scheme_reference",
                    "workers_affected",
                    "extent",
                    "evidence",
                    "source",
                )
            },
        ),
        (
            _("Law"),
            {"fields": ("requirement", "code_clause", "law_review_needed", "law_review_note")},
        ),
        (
            _("Follow-up"),
            {
                "fields": (
                    "status",
                    "due_date",
                    "resolved_at",
                    "repeat_of",
                    "not_sustained_at",
                    "created_at",
                    "created_by",
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Finding]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "audit__facility", "requirement", "code_clause", "repeat_of", "created_by"
            )
        )

    @admin.display(description=_("finding"), ordering="number")
    def label(self, obj: Finding) -> str:
        return obj.label

    @admin.display(description=_("repeat"), boolean=True)
    def is_repeat(self, obj: Finding) -> bool:
        return obj.is_repeat


@admin.register(Observation)
class ObservationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Observation]):
    list_display = ["metric", "value", "audit", "suggestion", "suggested_severity", "decided_at"]
    list_filter = ["suggestion", "metric", "suggested_severity"]
    search_fields = ["audit__facility__name", "audit__reference", "note", "explanation"]
    list_select_related = ["audit__facility"]


@admin.register(AuditShare)
class AuditShareAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditShare]):
    list_display = ["audit", "brand", "status", "offered_at", "answered_at", "revoked_at"]
    list_filter = ["status"]
    search_fields = ["audit__facility__name", "audit__reference", "brand__name"]
    list_select_related = ["audit__facility", "brand"]


@admin.register(SeverityPolicy)
class SeverityPolicyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[SeverityPolicy]):
    """A brand's admin sets its deadlines in the organization settings."""

    list_display = [
        "brand",
        "zero_tolerance_days",
        "critical_days",
        "major_days",
        "minor_days",
        "escalation_grace_days",
        "updated_at",
        "updated_by",
    ]
    search_fields = ["brand__name"]
    list_select_related = ["brand", "updated_by"]


@admin.register(AuditAmendment)
class AuditAmendmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[AuditAmendment]):
    list_display = ["created_at", "audit", "finding", "by", "reason_start"]
    search_fields = ["reason", "audit__facility__name", "audit__reference"]
    list_select_related = ["audit__facility", "finding", "by"]
    date_hierarchy = "created_at"

    @admin.display(description=_("reason"))
    def reason_start(self, obj: AuditAmendment) -> str:
        return _short(obj.reason)
