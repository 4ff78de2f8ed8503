from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django_countries import countries

from laws.models import CodeClause, LegalInstrument, Requirement
from laws.parameters import Topic
from laws.taxonomy import FindingCategory


class RequirementFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(choices=list(countries))
    topic = django_filters.ChoiceFilter(choices=Topic.choices)
    scope = django_filters.CharFilter()
    on = django_filters.DateFilter(method="filter_on", label="In force on (YYYY-MM-DD)")
    search = django_filters.CharFilter(method="filter_search", label="Full-text search")
    needs_review = django_filters.BooleanFilter()

    class Meta:
        model = Requirement
        fields = ["country", "topic", "scope", "on", "search", "needs_review"]

    def filter_on(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset.in_force(value)  # type: ignore[attr-defined]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.search(value)  # type: ignore[attr-defined]


class LegalInstrumentFilter(django_filters.FilterSet):
    country = django_filters.ChoiceFilter(choices=list(countries))
    kind = django_filters.ChoiceFilter(choices=LegalInstrument.Kind.choices)
    search = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = LegalInstrument
        fields = ["country", "kind", "search"]


class CodeClauseFilter(django_filters.FilterSet):
    category = django_filters.ChoiceFilter(choices=FindingCategory.choices)
    topic = django_filters.ChoiceFilter(choices=Topic.choices)
    search = django_filters.CharFilter(method="filter_search")

    class Meta:
        model = CodeClause
        fields = ["category", "topic", "search"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(title__icontains=value) | queryset.filter(text__icontains=value)
