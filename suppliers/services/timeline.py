from __future__ import annotations

from csr_platform.models import User
from suppliers.models import Facility, FacilityEvent, SourcingRelationship


def facility_event_record(
    *,
    facility: Facility,
    action: str,
    actor: User | None,
    relationship: SourcingRelationship | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
) -> FacilityEvent:
    """Append to the facility timeline. Relationship events stay with their brand."""
    return FacilityEvent.objects.create(
        facility=facility,
        relationship=relationship,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
        actor=actor,
    )
