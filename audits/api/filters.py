"""Filters of the audits API. They narrow rows the caller already sees (the viewsets'
querysets go through ``visible_to`` first); conditions over findings are ``Exists``
subqueries so an audit is never repeated by a join."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django_countries import countries

from audits.models import Audit, AuditShare, Finding, Observation
from laws.checks import MEASURE_KEYS
from laws.taxonomy import FindingCategory, Severity


class AuditFilter(django_filters.FilterSet):
    facility = django_filters.UUIDFilter(field_name="facility_id")
    brand = django_filters.UUIDFilter(field_name="brand_id", label="Commissioning brand id")
    scheme = django_filters.ChoiceFilter(choices=Audit.Scheme.choices)
    audit_type = django_filters.ChoiceFilter(choices=Audit.Type.choices)
    status = django_filters.ChoiceFilter(choices=Audit.Status.choices)
    start_date = django_filters.DateFromToRangeFilter(
        label="First day on site: start_date_after / start_date_before (inclusive)"
    )
    has_zero_tolerance = django_filters.BooleanFilter(
        method="filter_has_zero_tolerance", label="Has a zero-tolerance finding"
    )
    country = django_filters.ChoiceFilter(
        choices=list(countries), field_name="facility__country", label="Facility country"
    )

    class Meta:
        model = Audit
        fields = [
            "facility",
            "brand",
            "scheme",
            "audit_type",
            "status",
            "start_date",
            "has_zero_tolerance",
            "country",
        ]

    def filter_has_zero_tolerance(
        self, queryset: QuerySet[Any], name: str, value: bool
    ) -> QuerySet[Any]:
        zero_tolerance = Exists(
            Finding.objects.filter(audit_id=OuterRef("pk"), severity=Severity.ZERO_TOLERANCE)
        )
        return queryset.filter(zero_tolerance) if value else queryset.exclude(zero_tolerance)


class FindingFilter(django_filters.FilterSet):
    audit = django_filters.UUIDFilter(field_name="audit_id")
    facility = django_filters.UUIDFilter(field_name="audit__facility_id")
    brand = django_filters.UUIDFilter(field_name="audit__brand_id", label="Commissioning brand id")
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices)
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    status = django_filters.ChoiceFilter(choices=Finding.Status.choices)
    repeat = django_filters.BooleanFilter(
        method="filter_repeat", label="A repeat of an earlier finding whose fix did not hold"
    )
    requirement = django_filters.UUIDFilter(field_name="requirement_id")
    country = django_filters.ChoiceFilter(
        choices=list(countries), field_name="audit__facility__country", label="Facility country"
    )
    audited = django_filters.DateFromToRangeFilter(
        field_name="audit__start_date",
        label="Audit's first day: audited_after / audited_before (inclusive)",
    )
    law_review = django_filters.BooleanFilter(
        field_name="law_review_needed", label="The law it cites changed: waiting for review"
    )

    class Meta:
        model = Finding
        fields = [
            "audit",
            "facility",
            "brand",
            "category",
            "severity",
            "status",
            "repeat",
            "requirement",
            "country",
            "audited",
            "law_review",
        ]

    def filter_repeat(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(repeat_of__isnull=not value)


class ObservationFilter(django_filters.FilterSet):
    audit = django_filters.UUIDFilter(field_name="audit_id")
    suggestion = django_filters.ChoiceFilter(choices=Observation.Suggestion.choices)
    metric = django_filters.ChoiceFilter(choices=[(key, key) for key in MEASURE_KEYS])

    class Meta:
        model = Observation
        fields = ["audit", "suggestion", "metric"]


class AuditShareFilter(django_filters.FilterSet):
    audit = django_filters.UUIDFilter(field_name="audit_id")
    status = django_filters.ChoiceFilter(choices=AuditShare.Status.choices)
    brand = django_filters.UUIDFilter(field_name="brand_id", label="Id of the brand shared with")

    class Meta:
        model = AuditShare
        fields = ["audit", "status", "brand"]
