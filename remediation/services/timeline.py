from __future__ import annotations

from csr_platform.models import Membership, Organization
from remediation.models import CapEvent, CorrectiveActionPlan


def cap_event_record(
    *,
    cap: CorrectiveActionPlan,
    action: str,
    by: Membership | None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    only_for: Organization | None = None,
) -> CapEvent:
    """Append to the CAP's timeline. ``only_for`` keeps an event (an internal
    comment) inside one organization."""
    return CapEvent.objects.create(
        cap=cap,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor=by.user if by else None,
        actor_organization_id=by.organization_id if by else None,
        only_for=only_for,
    )
