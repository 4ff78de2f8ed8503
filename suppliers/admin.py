"""Admin for platform staff: the per-country risk ratings they maintain, and read-only
views of facilities, relationships, questionnaires, screenings and exit plans for
supporting tenants.

Everything a tenant changes goes through the services (two-person rule, timeline), so
the admin never edits tenant rows; only a facility's certificates, which have no
workflow of their own, can be corrected here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from suppliers.models import (
    Certification,
    CountryRisk,
    ExitPlan,
    ExitStep,
    Facility,
    FacilityEvent,
    Question,
    Questionnaire,
    Screening,
    Section,
    SourcingRelationship,
)


class ReadOnlyAdminMixin:
    """Staff look, tenants act: no add, change or delete from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    show_change_link = False


@admin.register(CountryRisk)
class CountryRiskAdmin(admin.ModelAdmin[CountryRisk]):
    """The baseline of every relationship's risk score in that country (0 low – 100
    high). A change applies the next time a relationship's risk is computed."""

    list_display = ["country", "rating", "source_url", "updated_at"]
    list_filter = [("country", CountryFilter)]
    search_fields = ["country", "rationale"]
    ordering = ["country"]
    fields = ["country", "rating", "rationale", "source_url", "updated_at"]
    readonly_fields = ["updated_at"]


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ["name", "number", "issued_on", "expires_on"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin[Facility]):
    list_display = [
        "name",
        "country",
        "supplier",
        "os_id",
        "lifecycle",
        "worker_count",
        "brands",
        "created_at",
    ]
    list_filter = [("country", CountryFilter), "lifecycle"]
    search_fields = ["name", "os_id", "address", "supplier__name"]
    list_select_related = ["supplier"]
    inlines = [CertificationInline]
    fields = readonly_fields = (
        "name",
        "supplier",
        "country",
        "address",
        "os_id",
        "worker_count",
        "workers_female",
        "workers_male",
        "processes",
        "product_types",
        "lifecycle",
        "moved_to",
        "merged_into",
        "created_at",
        "created_by",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Facility]:
        return super().get_queryset(request).annotate(brand_count=Count("relationships"))

    @admin.display(description=_("brands"), ordering="brand_count")
    def brands(self, obj: Facility) -> int:
        return int(getattr(obj, "brand_count", 0))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # brands add facilities (facility_add), which creates the supplier

    def has_delete_permission(self, request: HttpRequest, obj: Facility | None = None) -> bool:
        return False  # audits and history hang on it; suppliers close or merge instead


class FacilityEventInline(ReadOnlyInline):
    model = FacilityEvent
    fields = readonly_fields = ("created_at", "action", "from_status", "to_status", "actor", "note")
    ordering = ["-created_at"]


@admin.register(SourcingRelationship)
class SourcingRelationshipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[SourcingRelationship]):
    list_display = [
        "facility",
        "brand",
        "status",
        "pending_decision",
        "risk_grade",
        "risk_score",
        "sourcing_owner",
        "updated_at",
    ]
    list_filter = ["status", "risk_grade", "pending_decision"]
    search_fields = ["facility__name", "facility__os_id", "brand__name"]
    list_select_related = ["facility", "brand", "sourcing_owner__user"]
    inlines = [FacilityEventInline]


class SectionInline(ReadOnlyInline):
    model = Section
    show_change_link = True  # the section's page lists its questions
    fields = readonly_fields = ("order", "title", "question_count")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Section]:
        return super().get_queryset(request).annotate(questions_total=Count("questions"))

    @admin.display(description=_("questions"))
    def question_count(self, obj: Section) -> int:
        return int(getattr(obj, "questions_total", 0))


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = readonly_fields = (
        "order",
        "text",
        "kind",
        "category",
        "weight",
        "required",
        "red_flags",
    )


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Questionnaire]):
    list_display = ["name", "version", "brand", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "brand__name"]
    list_select_related = ["brand"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Section]):
    """Reached from a questionnaire's sections: the questions of one section."""

    list_display = ["title", "questionnaire", "order"]
    list_select_related = ["questionnaire__brand"]
    search_fields = ["title", "questionnaire__name"]
    inlines = [QuestionInline]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return False  # not listed on the admin index; reached from a questionnaire


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Screening]):
    list_display = [
        "relationship",
        "questionnaire",
        "status",
        "sent_at",
        "submitted_at",
    ]
    list_filter = ["status"]
    search_fields = ["relationship__facility__name", "relationship__brand__name"]
    list_select_related = [
        "relationship__facility",
        "relationship__brand",
        "questionnaire",
    ]


class ExitStepInline(ReadOnlyInline):
    model = ExitStep
    fields = readonly_fields = ("order", "description", "owner", "due_on", "done_at")


@admin.register(ExitPlan)
class ExitPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ExitPlan]):
    list_display = [
        "relationship",
        "status",
        "workers_affected",
        "notice_given_on",
        "created_at",
        "completed_at",
    ]
    list_filter = ["status"]
    search_fields = ["relationship__facility__name", "relationship__brand__name"]
    list_select_related = ["relationship__facility", "relationship__brand"]
    inlines = [ExitStepInline]
