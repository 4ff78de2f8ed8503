"""The brand's severity policy: how long each severity has to be fixed."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audits.models import SeverityPolicy
from csr_platform.errors import ActionForbidden
from csr_platform.models import Membership
from csr_platform.permissions import Capability

POLICY_FIELDS = (
    "zero_tolerance_days",
    "critical_days",
    "major_days",
    "minor_days",
    "escalation_grace_days",
)
# A deadline longer than three years is a typo, not a policy.
MAX_DAYS = 3 * 365


def severity_policy_for(brand_id: UUID) -> SeverityPolicy:
    """The brand's policy, or the platform defaults (unsaved) when it never set one."""
    policy = SeverityPolicy.objects.filter(brand_id=brand_id).first()
    return policy or SeverityPolicy(brand_id=brand_id)


@transaction.atomic
def severity_policy_update(*, by: Membership, **days: int) -> SeverityPolicy:
    """Set the brand's deadlines. Applies to audits finalized from now on."""
    if not by.can(Capability.MANAGE_SEVERITY_POLICY):
        raise ActionForbidden(_("Only an administrator can change the severity policy."))
    policy = SeverityPolicy.objects.select_for_update().filter(
        brand_id=by.organization_id
    ).first() or SeverityPolicy(brand_id=by.organization_id)
    errors: dict[str, str] = {}
    for name, value in days.items():
        if name not in POLICY_FIELDS:
            errors[name] = _("Unknown setting.")
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
            errors[name] = _("Enter a whole number of days from 1 to %(max)s.") % {"max": MAX_DAYS}
            continue
        setattr(policy, name, value)
    if errors:
        raise ValidationError(errors)
    # A lower severity never gets less time than a higher one.
    ladder = [
        policy.zero_tolerance_days,
        policy.critical_days,
        policy.major_days,
        policy.minor_days,
    ]
    if ladder != sorted(ladder):
        raise ValidationError(
            _(
                "Deadlines must not shrink as severity falls: "
                "zero tolerance ≤ critical ≤ major ≤ minor."
            )
        )
    policy.updated_by = by.user
    policy.save()
    return policy
