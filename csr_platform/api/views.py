"""API resources of the core: who am I, keys, members, invitations, security events,
notifications."""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.contrib.auth import authenticate
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from csr_platform.api import filters, serializers
from csr_platform.api.base import TenantViewSet, action_availability
from csr_platform.models import (
    ApiToken,
    Invitation,
    Membership,
    Notification,
    SecurityEvent,
    User,
)
from csr_platform.permissions import Capability
from csr_platform.querysets import NotificationQuerySet
from csr_platform.services.invitations import invitation_create, invitation_revoke
from csr_platform.services.members import membership_change_role, membership_remove
from csr_platform.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
)
from csr_platform.services.tokens import api_token_issue, api_token_revoke
from csr_platform.tenancy import request_membership


def _membership_summary(membership: Membership) -> dict[str, Any]:
    return {
        "id": str(membership.pk),
        "role": membership.role,
        "organization": serializers.OrganizationSerializer(membership.organization).data,
    }


class WhoAmIView(APIView):
    @extend_schema(responses=serializers.WhoAmISerializer, summary="The caller and its membership")
    def get(self, request: Request) -> Response:
        membership = request_membership(request)
        assert membership is not None
        user = cast(User, request.user)
        return Response(
            {
                "user": serializers.UserSummarySerializer(user).data,
                "language": user.language,
                "time_zone": user.time_zone,
                "authenticated_by": "token" if isinstance(request.auth, ApiToken) else "session",
                "membership": _membership_summary(membership),
                "memberships": [
                    _membership_summary(m) for m in Membership.objects.active_for_user(user)
                ],
                "capabilities": sorted(c.value for c in Capability if membership.can(c)),
            }
        )


class TokenObtainView(APIView):
    """Exchange a member's e-mail, password and organization slug for an API key."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token_obtain"

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials are a 401 (DRF answers 403 when a view names no scheme).
        return "Token"

    @extend_schema(
        request=serializers.TokenObtainSerializer,
        responses={201: serializers.IssuedApiTokenSerializer},
        summary="Obtain an API key with e-mail, password and organization",
    )
    def post(self, request: Request) -> Response:
        form = serializers.TokenObtainSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        django_request = request._request
        user = authenticate(django_request, username=data["email"], password=data["password"])
        if getattr(django_request, "axes_locked_out", False):
            raise PermissionDenied(
                _("Too many failed sign-ins: this account is locked for a while from this address.")
            )
        if user is None:
            raise AuthenticationFailed(_("Wrong e-mail or password."))
        membership = (
            Membership.objects.active_for_user(user)
            .filter(organization__slug=data["organization"])
            .first()
        )
        if membership is None:
            raise ValidationError(
                {"organization": [_("You are not a member of this organization.")]}
            )
        token, key = api_token_issue(
            membership=membership,
            name=data["name"],
            by=membership,
            expires_at=data.get("expires_at"),
            request=django_request,
        )
        body = serializers.IssuedApiTokenSerializer(token, context={"request": request}).data
        return Response({**body, "key": key}, status=status.HTTP_201_CREATED)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Members of your organization. Admins change roles and remove members."""

    model = Membership
    serializer_class = serializers.MembershipSerializer
    filterset_class = filters.MembershipFilter
    ordering_fields = ["created_at", "role"]
    action_capabilities = {
        "partial_update": Capability.MANAGE_MEMBERS,
        "destroy": Capability.MANAGE_MEMBERS,
    }
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("user").order_by("user__email")

    @extend_schema(request=serializers.MembershipRoleSerializer, summary="Change a member's role")
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        form = serializers.MembershipRoleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        updated = membership_change_role(
            membership=membership,
            role=form.validated_data["role"],
            by=self.membership,
            request=request._request,
        )
        return Response(self.get_serializer(updated).data)

    @extend_schema(summary="Remove a member (their API keys are revoked)")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership_remove(
            membership=self.get_object(), by=self.membership, request=request._request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Invitations into your organization (admins). DELETE revokes a pending one."""

    model = Invitation
    serializer_class = serializers.InvitationSerializer
    filterset_class = filters.InvitationFilter
    ordering_fields = ["created_at", "expires_at"]
    action_capabilities = {
        "create": Capability.MANAGE_MEMBERS,
        "destroy": Capability.MANAGE_MEMBERS,
    }
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("invited_by")

    @extend_schema(summary="Invite someone by e-mail")
    def create(self, request: Request) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        invitation, _secret = invitation_create(
            by=self.membership,
            email=form.validated_data["email"],
            role=form.validated_data["role"],
            request=request._request,
        )
        return Response(self.get_serializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke a pending invitation")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        invitation_revoke(
            invitation=self.get_object(), by=self.membership, request=request._request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """API keys: your own, or every key of a brand for its admins. DELETE revokes."""

    model = ApiToken
    serializer_class = serializers.ApiTokenSerializer
    filterset_class = filters.ApiTokenFilter
    ordering_fields = ["created_at", "last_used_at", "expires_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("membership__user")

    @extend_schema(
        responses={201: serializers.IssuedApiTokenSerializer},
        summary="Issue a key (the key is in this response only)",
    )
    def create(self, request: Request) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        token, key = api_token_issue(
            membership=form.validated_data.get("membership") or self.membership,
            name=form.validated_data["name"],
            expires_at=form.validated_data.get("expires_at"),
            by=self.membership,
            request=request._request,
        )
        body = serializers.IssuedApiTokenSerializer(token, context={"request": request}).data
        return Response({**body, "key": key}, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke a key")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        api_token_revoke(token=self.get_object(), by=self.membership, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SecurityEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Sign-ins, lockouts, key and role changes concerning your organization (admins)."""

    model = SecurityEvent
    serializer_class = serializers.SecurityEventSerializer
    filterset_class = filters.SecurityEventFilter
    ordering_fields = ["created_at"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("actor")


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")
    kind = django_filters.ChoiceFilter(choices=Notification.Kind.choices)

    class Meta:
        model = Notification
        fields = ["unread", "kind"]


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Your own notifications in the organization you act for, newest first.

    POST `{id}/read/` marks one read; POST `read-all/` marks every unread one read
    (a GET there lists the ones it would mark).
    """

    model = Notification
    serializer_class = serializers.NotificationSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=serializers.ActionAvailabilitySerializer,
        description="Whether you may mark it read: always, for your own notification.",
    )
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=serializers.NotificationSerializer,
        summary="Mark a notification read",
    )
    @action(detail=True, methods=["get", "post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        if request.method == "GET":
            # Only its addressee sees a notification, and marking read twice is harmless.
            return action_availability("read", lambda: None)
        notification_mark_read(notification=notification)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=serializers.NotificationSerializer(many=True),
        summary="Your unread notifications (those a POST marks read)",
    )
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=serializers.NotificationsMarkedSerializer,
        summary="Mark all your notifications read",
    )
    @action(detail=False, methods=["get", "post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        if request.method == "GET":
            mine = cast(NotificationQuerySet, self.get_queryset())
            unread = self.filter_queryset(mine.unread())
            page = self.paginate_queryset(unread)
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        marked = notifications_mark_all_read(membership=self.membership)
        return Response({"marked": marked})
