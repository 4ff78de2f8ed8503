from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from csr_platform.models import (
    ApiToken,
    Invitation,
    Membership,
    Notification,
    Organization,
    SecurityEvent,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "language"]
    search_fields = ["email", "full_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language", "time_zone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "partner_type", "created_at"]
    list_filter = ["kind", "partner_type"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active", "organization__kind"]
    search_fields = ["user__email", "organization__name"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user", "organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organization",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["token_hash", "email_sent_at", "accepted_at", "accepted_by", "invited_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent from the organization's settings, with their e-mail


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "membership",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    search_fields = ["name", "prefix", "membership__user__email"]
    list_select_related = ["membership__user", "membership__organization"]
    readonly_fields = ["prefix", "key_hash", "membership", "created_by", "last_used_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # keys are shown once when issued, which the admin cannot do


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "subject_email", "organization", "actor", "ip_address"]
    list_filter = ["kind"]
    search_fields = ["subject_email", "organization__name"]
    list_select_related = ["organization", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record is append-only


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """For platform staff answering "did I get told?": what was sent, to whom, when it
    was e-mailed and read. Notifications are written by the product, never by hand."""

    list_display = ["created_at", "kind", "title", "membership", "emailed_at", "read_at"]
    list_filter = ["kind", "membership__organization__kind"]
    search_fields = ["title", "membership__user__email", "membership__organization__name"]
    list_select_related = ["membership__user", "membership__organization"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "membership",
        "kind",
        "title",
        "body",
        "url",
        "created_at",
        "read_at",
        "emailed_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by notify(), which also e-mails them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a record of what people were told; staff may only delete
