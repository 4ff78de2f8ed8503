from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from csr_platform.models import ApiToken, Invitation, Membership, SecurityEvent
from csr_platform.roles import Role


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    is_active = django_filters.BooleanFilter()
    search = django_filters.CharFilter(method="filter_search", label="E-mail or name contains")

    class Meta:
        model = Membership
        fields = ["role", "is_active"]

    def filter_search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(user__email__icontains=value) | Q(user__full_name__icontains=value)
        )


class InvitationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Invitation.Status.choices, method="filter_status")
    email = django_filters.CharFilter(lookup_expr="icontains")
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Invitation
        fields = ["status", "email", "role"]

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        now = timezone.now()
        open_ = Q(accepted_at__isnull=True, revoked_at__isnull=True)
        conditions: dict[str, Q] = {
            Invitation.Status.PENDING: open_ & Q(expires_at__gt=now),
            Invitation.Status.EXPIRED: open_ & Q(expires_at__lte=now),
            Invitation.Status.ACCEPTED: Q(accepted_at__isnull=False),
            Invitation.Status.REVOKED: Q(accepted_at__isnull=True, revoked_at__isnull=False),
        }
        return queryset.filter(conditions[value])


class ApiTokenFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(method="filter_active", label="Usable now")
    membership = django_filters.UUIDFilter(field_name="membership_id")

    class Meta:
        model = ApiToken
        fields = ["active", "membership"]

    def filter_active(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        usable = Q(revoked_at__isnull=True) & (
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )
        return queryset.filter(usable) if value else queryset.exclude(usable)


class SecurityEventFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SecurityEvent.Kind.choices)
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    account = django_filters.CharFilter(field_name="subject_email", lookup_expr="icontains")

    class Meta:
        model = SecurityEvent
        fields = ["kind", "since", "until", "account"]
