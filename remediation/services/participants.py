"""Inviting partners and collaborating brands onto one CAP, and taking them off.

Partners (consultants, civil-society organisations, audit firms) join with the role
of their kind; a consultant then works on the CAP with the supplier, the others
follow and comment. A brand joins as collaborating brand only while the audit is
shared with it (an active share): the fix is then one shared plan, not two.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import AuditShare
from csr_platform.errors import StateConflict
from csr_platform.models import Membership, Organization
from csr_platform.roles import OrganizationKind
from remediation.models import CapParticipant, CorrectiveActionPlan
from remediation.services.access import require_manager
from remediation.services.alerts import tell_participant
from remediation.services.timeline import cap_event_record
from remediation.services.transitions import locked

Role = CapParticipant.Role


@transaction.atomic
def participant_add(
    *, cap: CorrectiveActionPlan, by: Membership, organization_slug: str, note: str = ""
) -> CapParticipant:
    """Invite an organization by its identifier. One answer for "no such
    organization" and "not one you can invite", so nothing leaks about others."""
    cap = locked(cap)
    require_manager(cap, by)
    if not cap.is_open:
        raise StateConflict(_("A closed CAP takes no new participants."))
    organization = Organization.objects.filter(slug=organization_slug.strip()).first()
    role: str | None = None
    if organization is not None and organization.kind == OrganizationKind.PARTNER:
        role = organization.partner_type
    elif (
        organization is not None
        and organization.kind == OrganizationKind.BRAND
        and organization.pk != cap.brand_id
        and AuditShare.objects.filter(
            audit_id=cap.finding.audit_id, brand=organization, status=AuditShare.Status.ACTIVE
        ).exists()
    ):
        role = Role.COLLABORATING_BRAND
    if organization is None or role is None:
        raise ValidationError(
            {
                "organization": _(
                    "No partner, and no brand this audit is shared with, has that identifier."
                )
            }
        )
    try:
        with transaction.atomic():
            participant = CapParticipant.objects.create(
                cap=cap, organization=organization, role=role, note=note.strip(), added_by=by.user
            )
    except IntegrityError:
        raise StateConflict(
            _("%(name)s is already on this CAP.") % {"name": organization.name}
        ) from None
    cap_event_record(
        cap=cap,
        action="participant_added",
        by=by,
        note=f"{organization.name} ({participant.get_role_display()})",
    )
    tell_participant(
        participant,
        _("%(brand)s invited you onto a CAP") % {"brand": by.organization.name},
        participant.note,
    )
    return participant


@transaction.atomic
def participant_remove(*, participant: CapParticipant, by: Membership | None) -> CapParticipant:
    """Take an organization off the CAP; it stops seeing the CAP at once. ``by`` is
    None when the platform does it (a share was revoked)."""
    cap = locked(participant.cap)
    if by is not None:
        require_manager(cap, by)
    participant = CapParticipant.objects.select_for_update().get(pk=participant.pk)
    if participant.removed_at is not None:
        raise StateConflict(_("This participant was already removed."))
    participant.removed_at = timezone.now()
    participant.save(update_fields=["removed_at"])
    cap_event_record(
        cap=cap,
        action="participant_removed",
        by=by,
        note=f"{participant.organization.name} ({participant.get_role_display()})",
    )
    return participant


def on_audit_share_revoked(sender: Any, *, audit_id: str, brand_id: str, **kwargs: Any) -> None:
    """A brand that no longer reads the audit leaves its CAPs."""
    for participant in CapParticipant.objects.filter(
        cap__finding__audit_id=audit_id,
        organization_id=brand_id,
        role=Role.COLLABORATING_BRAND,
        removed_at__isnull=True,
    ).select_related("organization"):
        participant_remove(participant=participant, by=None)
