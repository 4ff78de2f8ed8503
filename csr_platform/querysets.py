"""Tenant scoping, written once per root model.

Every API view, page, report, export and task reads through ``visible_to(membership)``
(DESIGN.md §2). A membership of ``None`` (anonymous, or a user with no organization)
sees nothing. Domain apps subclass :class:`TenantQuerySet` for their own root models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Exists, OuterRef, Q

from csr_platform.permissions import Capability

if TYPE_CHECKING:
    from csr_platform.models import Membership


class TenantQuerySet(models.QuerySet):
    """A queryset whose rows belong to tenants. Subclasses define the visibility rule."""

    def visible_to(self, membership: Membership | None) -> Self:
        if membership is None or not membership.is_active:
            return self.none()
        return self._visible_to(membership)

    def _visible_to(self, membership: Membership) -> Self:
        raise NotImplementedError(f"{type(self).__name__} must define _visible_to()")


class OrganizationQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(pk=membership.organization_id)


class MembershipQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """Colleagues in the same organization; admins also see removed members."""
        rows = self.filter(organization_id=membership.organization_id)
        if not membership.can(Capability.MANAGE_MEMBERS):
            rows = rows.filter(is_active=True)
        return rows

    def active_for_user(self, user: object) -> Self:
        """The memberships a signed-in user can switch between, in a stable order."""
        return (
            self.filter(user=user, is_active=True)
            .select_related("organization")
            .order_by("organization__name")
        )


class InvitationQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        if not membership.can(Capability.MANAGE_MEMBERS):
            return self.none()
        return self.filter(organization_id=membership.organization_id)


class ApiTokenQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """Admins oversee every token of the organization; others only their own."""
        if membership.can(Capability.MANAGE_API_TOKENS):
            return self.filter(membership__organization_id=membership.organization_id)
        return self.filter(membership=membership)


class SecurityEventQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """The organization's own events, and account events (sign-ins) of its members."""
        if not membership.can(Capability.VIEW_SECURITY_EVENTS):
            return self.none()
        from csr_platform.models import Membership as MembershipModel

        # Only current members: once someone leaves, where they sign in is no longer
        # this organization's business.
        member_of_org = MembershipModel.objects.filter(
            user_id=OuterRef("subject_id"),
            organization_id=membership.organization_id,
            is_active=True,
        )
        return self.filter(
            Q(organization_id=membership.organization_id)
            | Q(organization__isnull=True, subject__isnull=False) & Exists(member_of_org)
        )


class NotificationQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """A person's own notifications in the active organization, nobody else's."""
        return self.filter(membership=membership)

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)
