"""Filters of the remediation API. They narrow rows the caller already sees (the
viewsets' querysets go through ``visible_to`` first); conditions over participants
are ``Exists`` subqueries so a CAP is never repeated by a join."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_countries import countries

from laws.taxonomy import FindingCategory, Severity
from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    ConsultantProfile,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.root_causes import CAUSE_CATEGORIES, PURCHASING_PRACTICE_CODES

CAP = CorrectiveActionPlan


def overdue_condition() -> Q:
    """Still open and past its due date (today, in the project's time zone)."""
    return Q(status__in=CAP.OPEN_STATES, due_date__lt=timezone.localdate())


class CapFilter(django_filters.FilterSet):
    facility = django_filters.UUIDFilter(field_name="facility_id")
    brand = django_filters.UUIDFilter(field_name="brand_id", label="Id of the brand that owns it")
    owner = django_filters.UUIDFilter(
        field_name="brand_id", label="Id of the brand that owns it (same as brand)"
    )
    status = django_filters.ChoiceFilter(choices=CAP.Status.choices)
    open = django_filters.BooleanFilter(
        method="filter_open", label="Still to be done (open, in progress, submitted, returned)"
    )
    severity = django_filters.ChoiceFilter(
        field_name="finding__severity", choices=Severity.choices, label="The finding's severity"
    )
    category = django_filters.ChoiceFilter(
        field_name="finding__category",
        choices=FindingCategory.choices,
        label="The finding's category",
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Still open and past its due date"
    )
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label="Due on or before this date"
    )
    participant = django_filters.UUIDFilter(
        method="filter_participant",
        label="Id of an organization currently on the CAP (partner or collaborating brand)",
    )
    not_sustained = django_filters.BooleanFilter(
        method="filter_not_sustained",
        label="Verified, then found again by a later audit (the fix did not hold)",
    )
    verification_method = django_filters.ChoiceFilter(choices=CAP.Verification.choices)
    audit = django_filters.UUIDFilter(
        field_name="finding__audit_id", label="Id of the audit that found it"
    )

    class Meta:
        model = CorrectiveActionPlan
        fields = [
            "facility",
            "brand",
            "owner",
            "status",
            "open",
            "severity",
            "category",
            "overdue",
            "due_before",
            "participant",
            "not_sustained",
            "verification_method",
            "audit",
        ]

    def filter_open(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        condition = Q(status__in=CAP.OPEN_STATES)
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        condition = overdue_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_participant(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        on_it = CapParticipant.objects.filter(
            cap_id=OuterRef("pk"), organization_id=value, removed_at__isnull=True
        )
        return queryset.filter(Exists(on_it))

    def filter_not_sustained(
        self, queryset: QuerySet[Any], name: str, value: bool
    ) -> QuerySet[Any]:
        return queryset.filter(not_sustained_at__isnull=not value)


# --- The CAP's own lists ---------------------------------------------------------------


class RootCauseFilter(django_filters.FilterSet):
    method = django_filters.ChoiceFilter(choices=RootCause.Method.choices)
    category = django_filters.ChoiceFilter(choices=CAUSE_CATEGORIES)
    purchasing_code = django_filters.ChoiceFilter(choices=PURCHASING_PRACTICE_CODES)

    class Meta:
        model = RootCause
        fields = ["method", "category", "purchasing_code"]


class CapActionFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CapAction.Kind.choices)
    status = django_filters.ChoiceFilter(choices=CapAction.Status.choices)

    class Meta:
        model = CapAction
        fields = ["kind", "status"]


class EvidenceFilter(django_filters.FilterSet):
    action = django_filters.UUIDFilter(field_name="action_id", label="Id of the action it shows")

    class Meta:
        model = Evidence
        fields = ["action"]


class CommentFilter(django_filters.FilterSet):
    internal = django_filters.BooleanFilter()

    class Meta:
        model = Comment
        fields = ["internal"]


class ExtensionRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExtensionRequest.Status.choices)

    class Meta:
        model = ExtensionRequest
        fields = ["status"]


class CapParticipantFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=CapParticipant.Role.choices)
    active = django_filters.BooleanFilter(
        field_name="removed_at", lookup_expr="isnull", label="Still on the CAP"
    )

    class Meta:
        model = CapParticipant
        fields = ["role", "active"]


class CapEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(label="What happened, e.g. submit, verify, comment")

    class Meta:
        model = CapEvent
        fields = ["action"]


# --- Consultant directory ---------------------------------------------------------------


def _json_list_holds(field: str, code: str) -> Q:
    """A JSON list of codes holds ``code``: matched on the list's text with the quotes,
    so "OSH" does not match "OSHA" — the same on SQLite and PostgreSQL (JSON
    ``contains`` is PostgreSQL-only)."""
    return Q(**{f"{field}__icontains": f'"{code}"'})


class ConsultantProfileFilter(django_filters.FilterSet):
    specialty = django_filters.ChoiceFilter(
        choices=FindingCategory.choices, method="filter_specialty", label="Finding category"
    )
    country = django_filters.ChoiceFilter(
        choices=list(countries), method="filter_country", label="Works in this country"
    )
    language = django_filters.CharFilter(method="filter_language", label="Speaks, e.g. Bengali")
    search = django_filters.CharFilter(
        field_name="organization__name", lookup_expr="icontains", label="Name contains"
    )

    class Meta:
        model = ConsultantProfile
        fields = ["specialty", "country", "language", "search"]

    def filter_specialty(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_json_list_holds("specialties", value))

    def filter_country(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(_json_list_holds("countries", value))

    def filter_language(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        # Languages are free text ("Bengali", "Khmer"): a part of a name matches.
        return queryset.filter(languages__icontains=value.strip())
