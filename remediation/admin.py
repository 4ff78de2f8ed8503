"""Admin for platform staff: read-only views of corrective action plans with their root
causes, actions, evidence, comments, requests for more time, participants and
timeline, and of the consultant directory, for supporting tenants.

Every change to a CAP goes through ``remediation.services``: one service per
transition, row-locked, checked against who may act on that CAP and recorded on its
timeline. Platform staff belong to no tenant (DESIGN.md §2), so nothing here adds,
changes or deletes a row, and there is no bulk action; staff look, tenants act.
Evidence files are listed by name only: their content is served only through the
permission-checked download of the CAP pages, never from the admin.
"""

from __future__ import annotations

from datetime import date

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    ReminderLog,
    RootCause,
)
from suppliers.admin import ReadOnlyAdminMixin, ReadOnlyInline

Status = CorrectiveActionPlan.Status


def _short(text: str, words: int = 12) -> str:
    return Truncator(text).words(words)


def _overdue_q(today: date) -> Q:
    """The rule of ``CorrectiveActionPlan.is_overdue`` as a filter."""
    return Q(status__in=CorrectiveActionPlan.OPEN_STATES, due_date__lt=today)


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[CorrectiveActionPlan]
    ) -> list[tuple[str, str]]:
        return [("yes", str(_("Overdue"))), ("no", str(_("Not overdue")))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[CorrectiveActionPlan]
    ) -> QuerySet[CorrectiveActionPlan]:
        overdue = _overdue_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


# --- The CAP page's inlines --------------------------------------------------------------


class RootCauseInline(ReadOnlyInline):
    model = RootCause
    fields = readonly_fields = (
        "method",
        "category",
        "purchasing_code",
        "cause",
        "whys",
        "created_by",
        "created_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RootCause]:
        return super().get_queryset(request).select_related("created_by")


class CapActionInline(ReadOnlyInline):
    model = CapAction
    fields = readonly_fields = (
        "kind",
        "description",
        "owner",
        "due_date",
        "status",
        "completed_on",
        "created_by",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CapAction]:
        return super().get_queryset(request).select_related("created_by")


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    # The file by its name, not a link: downloads are permission-checked elsewhere.
    fields = readonly_fields = (
        "file_name",
        "content_type",
        "size",
        "description",
        "valid_from",
        "valid_until",
        "action",
        "uploaded_by",
        "uploaded_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evidence]:
        return super().get_queryset(request).select_related("action", "uploaded_by")


class CommentInline(ReadOnlyInline):
    model = Comment
    fields = readonly_fields = ("created_at", "organization", "author", "internal", "body")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("organization", "author")


class ExtensionRequestInline(ReadOnlyInline):
    model = ExtensionRequest
    fields = readonly_fields = (
        "requested_at",
        "requested_by",
        "previous_due_date",
        "requested_due_date",
        "reason",
        "status",
        "decided_by",
        "decided_at",
        "decision_note",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ExtensionRequest]:
        return super().get_queryset(request).select_related("requested_by", "decided_by")


class CapParticipantInline(ReadOnlyInline):
    model = CapParticipant
    fields = readonly_fields = (
        "organization",
        "role",
        "note",
        "added_by",
        "added_at",
        "removed_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CapParticipant]:
        return super().get_queryset(request).select_related("organization", "added_by")


class CapEventInline(ReadOnlyInline):
    model = CapEvent
    fields = readonly_fields = (
        "created_at",
        "action",
        "from_status",
        "to_status",
        "actor",
        "actor_organization",
        "only_for",
        "note",
    )
    ordering = ["created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CapEvent]:
        return (
            super().get_queryset(request).select_related("actor", "actor_organization", "only_for")
        )


# --- Corrective action plans ---------------------------------------------------------------


@admin.register(CorrectiveActionPlan)
class CorrectiveActionPlanAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CorrectiveActionPlan]):
    list_display = [
        "finding",
        "audit",
        "facility",
        "brand",
        "status",
        "due_date",
        "overdue",
        "verification_method",
        "not_sustained",
    ]
    list_filter = [
        "status",
        "verification_method",
        OverdueFilter,
        ("not_sustained_at", admin.EmptyFieldListFilter),
        "severity",
        "category",
    ]
    search_fields = [
        "facility__name",
        "finding__description",
        "finding__audit__reference",
        "brand__name",
    ]
    list_select_related = ["finding__audit", "facility", "brand"]
    # Copies of the finding's, not editable on the model: named here so the page can
    # show them at all.
    readonly_fields = ["severity", "category"]
    # Status, dates and the verifier are set by the transition services only; like
    # every field here they are shown, never edited (ReadOnlyAdminMixin).
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "finding",
                    "brand",
                    "facility",
                    "severity",
                    "category",
                    "status",
                    "due_date",
                )
            },
        ),
        (
            _("Verification"),
            {
                "fields": (
                    "verification_method",
                    "follow_up_audit",
                    "verification_note",
                    "verified_at",
                    "verified_by",
                    "not_sustained_at",
                )
            },
        ),
        (
            _("History"),
            {
                "fields": (
                    "created_at",
                    "started_at",
                    "submitted_at",
                    "return_reason",
                    "cancel_reason",
                    "updated_at",
                )
            },
        ),
    )
    inlines = [
        RootCauseInline,
        CapActionInline,
        EvidenceInline,
        CommentInline,
        ExtensionRequestInline,
        CapParticipantInline,
        CapEventInline,
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorrectiveActionPlan]:
        return (
            super()
            .get_queryset(request)
            .select_related("finding__audit", "facility", "brand", "follow_up_audit", "verified_by")
        )

    @admin.display(description=_("audit"), ordering="finding__audit__start_date")
    def audit(self, obj: CorrectiveActionPlan) -> str:
        # The report number, or the first day on site when the audit has none
        # (the audit's own name would need its facility, one query per row).
        audit = obj.finding.audit
        return audit.reference or audit.start_date.isoformat()

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: CorrectiveActionPlan) -> bool:
        return obj.is_overdue()

    @admin.display(description=_("not sustained"), boolean=True, ordering="not_sustained_at")
    def not_sustained(self, obj: CorrectiveActionPlan) -> bool:
        return obj.not_sustained_at is not None


# --- The parts of a plan, each on its own list for searching across CAPs ---------------------

# The CAP column of the lists below names the finding: join it in the list's query.
CAP_RELATED = ["cap__finding", "cap__facility"]


@admin.register(RootCause)
class RootCauseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[RootCause]):
    list_display = ["cause_start", "cap", "facility", "method", "category", "purchasing_code"]
    list_filter = ["method", "category", "purchasing_code"]
    search_fields = ["cause", "cap__facility__name", "cap__finding__description"]
    list_select_related = CAP_RELATED

    @admin.display(description=_("root cause"))
    def cause_start(self, obj: RootCause) -> str:
        return _short(obj.cause)

    @admin.display(description=_("facility"), ordering="cap__facility__name")
    def facility(self, obj: RootCause) -> str:
        return obj.cap.facility.name


@admin.register(CapAction)
class CapActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CapAction]):
    list_display = ["description_start", "cap", "kind", "owner", "due_date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["description", "owner", "cap__facility__name", "cap__finding__description"]
    list_select_related = CAP_RELATED

    @admin.display(description=_("action"))
    def description_start(self, obj: CapAction) -> str:
        return _short(obj.description)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Evidence]):
    list_display = [
        "file_name",
        "cap",
        "content_type",
        "size",
        "valid_from",
        "valid_until",
        "uploaded_at",
    ]
    list_filter = ["content_type", ("valid_until", admin.EmptyFieldListFilter)]
    search_fields = [
        "file_name",
        "description",
        "cap__facility__name",
        "cap__finding__description",
    ]
    list_select_related = CAP_RELATED
    fields = readonly_fields = (
        "cap",
        "action",
        "file_name",
        "stored_as",
        "content_type",
        "size",
        "description",
        "valid_from",
        "valid_until",
        "uploaded_by",
        "uploaded_at",
    )

    @admin.display(description=_("stored as"))
    def stored_as(self, obj: Evidence) -> str:
        return obj.file.name or ""


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Comment]):
    list_display = ["body_start", "cap", "organization", "author", "internal", "created_at"]
    list_filter = ["internal"]
    search_fields = ["body", "cap__facility__name", "cap__finding__description"]
    list_select_related = [*CAP_RELATED, "organization", "author"]

    @admin.display(description=_("comment"))
    def body_start(self, obj: Comment) -> str:
        return _short(obj.body)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ExtensionRequest]):
    list_display = [
        "cap",
        "previous_due_date",
        "requested_due_date",
        "status",
        "requested_at",
        "decided_at",
    ]
    list_filter = ["status"]
    search_fields = ["reason", "cap__facility__name", "cap__finding__description"]
    list_select_related = CAP_RELATED


@admin.register(CapParticipant)
class CapParticipantAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CapParticipant]):
    list_display = ["organization", "role", "cap", "added_at", "removed_at"]
    list_filter = ["role", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["organization__name", "cap__facility__name", "cap__finding__description"]
    list_select_related = [*CAP_RELATED, "organization"]


@admin.register(CapEvent)
class CapEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[CapEvent]):
    list_display = ["created_at", "cap", "action", "from_status", "to_status", "actor"]
    list_filter = ["action"]
    search_fields = ["note", "cap__facility__name", "cap__finding__description"]
    list_select_related = [*CAP_RELATED, "actor"]
    date_hierarchy = "created_at"


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ReminderLog]):
    """What the daily reminder job claimed and sent, to answer "why did (not) I get
    a reminder?"."""

    list_display = [
        "created_at",
        "kind",
        "cap",
        "membership",
        "due_date",
        "period",
        "muted",
        "sent_at",
    ]
    list_filter = ["kind", "muted", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["membership__user__email", "cap__facility__name"]
    list_select_related = [*CAP_RELATED, "membership__user", "membership__organization"]
    date_hierarchy = "created_at"


# --- The consultant directory ---------------------------------------------------------------


@admin.register(ConsultantProfile)
class ConsultantProfileAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ConsultantProfile]):
    """Partners write their own entry (``consultant_profile_update``)."""

    list_display = ["organization", "country_list", "language_list", "updated_at"]
    search_fields = ["organization__name", "summary", "case_studies"]
    list_select_related = ["organization"]

    @admin.display(description=_("countries"))
    def country_list(self, obj: ConsultantProfile) -> str:
        return ", ".join(obj.countries)

    @admin.display(description=_("languages"))
    def language_list(self, obj: ConsultantProfile) -> str:
        return ", ".join(obj.languages)


@admin.register(ConsultantNote)
class ConsultantNoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[ConsultantNote]):
    """A brand's private vetting notes, written by its CSR staff."""

    list_display = ["consultant", "brand", "rating", "vetted", "updated_at"]
    list_filter = ["vetted", "rating"]
    search_fields = ["consultant__organization__name", "brand__name", "notes"]
    list_select_related = ["consultant__organization", "brand"]
