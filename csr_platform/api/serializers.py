from __future__ import annotations

from typing import Any, TypeVar

from django.utils.translation import gettext as _
from rest_framework import serializers

from csr_platform.api.fields import ChoiceLabelField
from csr_platform.models import (
    ApiToken,
    Invitation,
    Membership,
    Notification,
    Organization,
    SecurityEvent,
    User,
)
from csr_platform.roles import Role
from csr_platform.tenancy import request_membership

Nested = TypeVar("Nested", bound=serializers.BaseSerializer[Any])


def nested(parent: serializers.BaseSerializer[Any], serializer_class: type[Nested]) -> Nested:
    """A ``serializer_class`` that ``parent`` uses to represent a related row of each
    item (``nested(self, X).to_representation(row)`` in a ``get_…`` method), made once
    per parent, so once for a whole list, with the parent's context.

    DRF builds a serializer's fields each time one is made (the model field mapping,
    labels and help texts): making one per row cost 13 ms a facility on a list of 50.
    """
    made: dict[type[Any], Any] = parent.__dict__.setdefault("_nested_serializers", {})
    if serializer_class not in made:
        made[serializer_class] = serializer_class(context=parent.context)
    serializer: Nested = made[serializer_class]
    return serializer


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "partner_type"]


class UserSummarySerializer(serializers.ModelSerializer[User]):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    user = UserSummarySerializer(read_only=True)
    organization = serializers.UUIDField(source="organization_id", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "organization", "role", "is_active", "created_at"]
        read_only_fields = ["id", "user", "organization", "is_active", "created_at"]


class MembershipRoleSerializer(serializers.Serializer[Membership]):
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    status = serializers.CharField(read_only=True)
    invited_by = serializers.EmailField(source="invited_by.email", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "role",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = [name for name in fields if name not in ("email", "role")]


class ApiTokenSerializer(serializers.ModelSerializer[ApiToken]):
    membership = serializers.PrimaryKeyRelatedField(
        queryset=Membership.objects.none(),
        required=False,
        help_text="The membership the key acts for; yours when omitted (admins: any member).",
    )
    member_email = serializers.EmailField(source="membership.user.email", read_only=True)
    role = serializers.CharField(source="membership.role", read_only=True)
    status = serializers.CharField(read_only=True)

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "membership",
            "member_email",
            "role",
            "status",
            "created_at",
            "expires_at",
            "last_used_at",
            "revoked_at",
        ]
        read_only_fields = [
            name for name in fields if name not in ("name", "membership", "expires_at")
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        membership = request_membership(request) if request else None
        field = self.fields["membership"]
        assert isinstance(field, serializers.PrimaryKeyRelatedField)
        # Only memberships the caller can see may be named (others read as "not found").
        visible: Any = Membership.objects.visible_to(membership).filter(is_active=True)
        field.queryset = visible  # type: ignore[arg-type]  # stubs mistake it for a descriptor


class IssuedApiTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(
        read_only=True, help_text=_("The secret key. Shown only in this response; store it now.")
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class TokenObtainSerializer(serializers.Serializer[Any]):
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    organization = serializers.SlugField(help_text="The organization's slug.")
    name = serializers.CharField(max_length=100, required=False, default="API script")
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class SecurityEventSerializer(serializers.ModelSerializer[SecurityEvent]):
    actor = serializers.EmailField(source="actor.email", read_only=True, default=None)

    class Meta:
        model = SecurityEvent
        fields = [
            "id",
            "kind",
            "organization",
            "actor",
            "subject_email",
            "ip_address",
            "detail",
            "created_at",
        ]
        read_only_fields = fields


class WhoAmISerializer(serializers.Serializer[Any]):
    user = UserSummarySerializer()
    language = serializers.CharField()
    time_zone = serializers.CharField()
    authenticated_by = serializers.ChoiceField(choices=["token", "session"])
    membership = serializers.DictField()
    memberships = serializers.ListField(child=serializers.DictField())
    capabilities = serializers.ListField(child=serializers.CharField())


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    kind_label = ChoiceLabelField(source="kind")
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "body",
            "url",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class ActionAvailabilitySerializer(serializers.Serializer[Any]):
    """What a GET on an action URL answers: may the caller take it now, and if not why
    (``status`` is the 403 or 409 the POST would answer)."""

    action = serializers.CharField()
    allowed = serializers.BooleanField()
    status = serializers.IntegerField(allow_null=True)
    detail = serializers.CharField(allow_blank=True)


class NotificationsMarkedSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField(help_text=_("How many notifications were unread."))
