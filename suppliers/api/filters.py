"""Filters of the suppliers API.

Filters on a brand's internal assessment (risk grade, sourcing owner, pending decision)
match nothing for a supplier: it must not learn a brand's risk grade by filtering.
Conditions on relationships are ``Exists`` subqueries over the caller's visible
relationships, so a facility never matches through another brand's relationship.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_countries import countries

from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.tenancy import request_membership
from suppliers.models import (
    ExitPlan,
    Facility,
    Questionnaire,
    Screening,
    SourcingRelationship,
)
from suppliers.services.risk import GRADES

Status = SourcingRelationship.Status
RISK_GRADES = [(grade, grade.capitalize()) for _limit, grade in GRADES]


class _CallerFilterSet(django_filters.FilterSet):
    @property
    def membership(self) -> Membership | None:
        return request_membership(self.request) if self.request is not None else None

    def brand_only(self, queryset: QuerySet[Any], condition: Q) -> QuerySet[Any]:
        membership = self.membership
        if membership is None or not membership.is_brand:
            return queryset.none()
        return queryset.filter(condition)


class FacilityFilter(_CallerFilterSet):
    country = django_filters.ChoiceFilter(choices=list(countries))
    status = django_filters.ChoiceFilter(
        choices=Status.choices, method="filter_status", label="Status of your relationship"
    )
    risk_grade = django_filters.ChoiceFilter(
        choices=RISK_GRADES, method="filter_risk_grade", label="Your risk grade (brands)"
    )
    sourcing_owner = django_filters.UUIDFilter(
        method="filter_sourcing_owner", label="Membership id of your sourcing owner (brands)"
    )
    lifecycle = django_filters.ChoiceFilter(choices=Facility.Lifecycle.choices)
    search = django_filters.CharFilter(method="filter_search", label="Name, address or OS id")

    class Meta:
        model = Facility
        fields = ["country", "status", "risk_grade", "sourcing_owner", "lifecycle", "search"]

    def _through_relationship(self, queryset: QuerySet[Any], **conditions: Any) -> QuerySet[Any]:
        mine = SourcingRelationship.objects.visible_to(self.membership)
        return queryset.filter(Exists(mine.filter(facility=OuterRef("pk"), **conditions)))

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self._through_relationship(queryset, status=value)

    def filter_risk_grade(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if not (self.membership and self.membership.is_brand):
            return queryset.none()
        return self._through_relationship(queryset, risk_grade=value)

    def filter_sourcing_owner(
        self, queryset: QuerySet[Any], name: str, value: Any
    ) -> QuerySet[Any]:
        if not (self.membership and self.membership.is_brand):
            return queryset.none()
        return self._through_relationship(queryset, sourcing_owner_id=value)

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(name__icontains=value) | Q(address__icontains=value) | Q(os_id__icontains=value)
        )


class RelationshipFilter(_CallerFilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices)
    facility = django_filters.UUIDFilter(field_name="facility_id")
    sourcing_owner = django_filters.UUIDFilter(
        method="filter_sourcing_owner", label="Membership id of the sourcing owner (brands)"
    )
    risk_grade = django_filters.ChoiceFilter(
        choices=RISK_GRADES, method="filter_risk_grade", label="Risk grade (brands)"
    )
    pending_decision = django_filters.ChoiceFilter(
        choices=SourcingRelationship.Decision.choices,
        method="filter_pending_decision",
        label="Decision waiting for sign-off (brands)",
    )
    awaiting_my_sign_off = django_filters.BooleanFilter(
        method="filter_awaiting_my_sign_off",
        label="A decision by someone else waits for my sign-off",
    )

    class Meta:
        model = SourcingRelationship
        fields = [
            "status",
            "facility",
            "sourcing_owner",
            "risk_grade",
            "pending_decision",
            "awaiting_my_sign_off",
        ]

    def filter_sourcing_owner(
        self, queryset: QuerySet[Any], name: str, value: Any
    ) -> QuerySet[Any]:
        return self.brand_only(queryset, Q(sourcing_owner_id=value))

    def filter_risk_grade(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return self.brand_only(queryset, Q(risk_grade=value))

    def filter_pending_decision(
        self, queryset: QuerySet[Any], name: str, value: str
    ) -> QuerySet[Any]:
        return self.brand_only(queryset, Q(pending_decision=value))

    def filter_awaiting_my_sign_off(
        self, queryset: QuerySet[Any], name: str, value: bool
    ) -> QuerySet[Any]:
        membership = self.membership
        if membership is None or not membership.can(Capability.SIGN_OFF_SOURCING):
            return queryset.none() if value else queryset
        awaiting = ~Q(pending_decision="") & ~Q(decided_by_id=membership.user_id)
        return queryset.filter(awaiting) if value else queryset.exclude(awaiting)


class ExitPlanFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExitPlan.Status.choices)
    relationship = django_filters.UUIDFilter(field_name="relationship_id")
    facility = django_filters.UUIDFilter(field_name="relationship__facility_id")

    class Meta:
        model = ExitPlan
        fields = ["status", "relationship", "facility"]


class QuestionnaireFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Questionnaire.Status.choices)
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = Questionnaire
        fields = ["status", "name"]


class ScreeningFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Screening.Status.choices)
    relationship = django_filters.UUIDFilter(field_name="relationship_id")
    facility = django_filters.UUIDFilter(field_name="relationship__facility_id")

    class Meta:
        model = Screening
        fields = ["status", "relationship", "facility"]
