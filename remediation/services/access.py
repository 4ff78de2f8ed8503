"""Who may do what on one CAP (DESIGN.md §2), checked on the CAP itself.

The capability says what a role may do in general; the CAP says for whom: the owner
brand manages it, the facility's supplier and a consultant invited onto it work on
it, everyone who sees it (brand viewers aside) comments.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from remediation.models import CapParticipant, CorrectiveActionPlan


def is_manager(cap: CorrectiveActionPlan, by: Membership) -> bool:
    return cap.brand_id == by.organization_id and by.can(Capability.MANAGE_CAP)


def is_worker(cap: CorrectiveActionPlan, by: Membership) -> bool:
    if not by.can(Capability.WORK_ON_CAP):
        return False
    if by.is_supplier:
        return cap.facility.supplier_id == by.organization_id
    return CapParticipant.objects.filter(
        cap=cap,
        organization_id=by.organization_id,
        role=CapParticipant.Role.CONSULTANT,
        removed_at__isnull=True,
    ).exists()


def require_manager(cap: CorrectiveActionPlan, by: Membership) -> None:
    if not is_manager(cap, by):
        raise ActionForbidden(_("Only the CSR staff of the brand that owns this CAP can do this."))


def require_worker(cap: CorrectiveActionPlan, by: Membership) -> None:
    if not is_worker(cap, by):
        raise ActionForbidden(
            _("Only the supplier, or a consultant invited onto this CAP, works on it.")
        )


def require_commenter(by: Membership) -> None:
    if not by.can(Capability.COMMENT_ON_CAP):
        raise ActionForbidden(_("Your role does not comment on CAPs."))
