"""Changing who belongs to an organization and with which role."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import ApiToken, Membership, SecurityEvent
from csr_platform.permissions import Capability
from csr_platform.roles import ROLES_BY_KIND, Role, roles_for
from csr_platform.services.security import security_event_record


def validate_role_for(*, kind: str, role: str) -> None:
    if role not in ROLES_BY_KIND[kind]:
        allowed = ", ".join(f"{value} ({label})" for value, label in roles_for(kind))
        raise ValidationError(
            {
                "role": _("A %(kind)s organization has the roles: %(allowed)s.")
                % {"kind": kind, "allowed": allowed}
            }
        )


def _require_manager(by: Membership, target: Membership) -> None:
    if by.organization_id != target.organization_id or not by.can(Capability.MANAGE_MEMBERS):
        raise ActionForbidden(_("Only an administrator of this organization can do this."))


def _lock_admins(organization_id: uuid.UUID) -> int:
    """Lock the organization's active admins and count them.

    Locking them serializes concurrent demotions, so two admins demoting each other at
    once cannot leave the organization with none.
    """
    admins = Membership.objects.select_for_update().filter(
        organization_id=organization_id, role=Role.ADMIN, is_active=True
    )
    return len(list(admins.values_list("pk", flat=True)))


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, by: Membership, request: HttpRequest | None = None
) -> Membership:
    _require_manager(by, membership)
    validate_role_for(kind=membership.organization.kind, role=role)
    admins = _lock_admins(membership.organization_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise StateConflict(_("This person is no longer a member."))
    if membership.role == role:
        return membership
    if membership.role == Role.ADMIN and admins <= 1:
        raise StateConflict(_("An organization needs at least one administrator."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    security_event_record(
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        request=request,
        organization=membership.organization,
        actor=by.user,
        subject=membership.user,
        detail={"from": previous, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(
    *, membership: Membership, by: Membership, request: HttpRequest | None = None
) -> Membership:
    """Deactivate a membership and revoke its API tokens. History stays attributed."""
    _require_manager(by, membership)
    admins = _lock_admins(membership.organization_id)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        raise StateConflict(_("This person is no longer a member."))
    if membership.role == Role.ADMIN and admins <= 1:
        raise StateConflict(_("An organization needs at least one administrator."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    revoked = ApiToken.objects.filter(membership=membership, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    security_event_record(
        kind=SecurityEvent.Kind.MEMBER_REMOVED,
        request=request,
        organization=membership.organization,
        actor=by.user,
        subject=membership.user,
        detail={"role": membership.role, "tokens_revoked": revoked},
    )
    return membership
