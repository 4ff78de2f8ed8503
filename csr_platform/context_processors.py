from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest

from csr_platform.models import Membership, Notification
from csr_platform.permissions import Capability
from csr_platform.roles import PartnerType


def _unread_counter(membership: Membership | None) -> Callable[[], int]:
    """The unread count, asked of the database only when a template shows it, and
    then once: htmx fragments and e-mails rendered with a request never pay for it."""

    @cache
    def count() -> int:
        if membership is None:
            return 0
        return Notification.objects.visible_to(membership).unread().count()

    return count


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)

    def can(capability: Capability) -> bool:
        return bool(membership and membership.can(capability))

    return {
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "can_manage_members": can(Capability.MANAGE_MEMBERS),
        "can_view_security": can(Capability.VIEW_SECURITY_EVENTS),
        "can_add_facility": can(Capability.ADD_FACILITY),
        "can_sign_off": can(Capability.SIGN_OFF_SOURCING),
        "can_record_audits": can(Capability.RECORD_AUDIT),
        "can_manage_policy": can(Capability.MANAGE_SEVERITY_POLICY),
        "can_consent_shares": can(Capability.CONSENT_AUDIT_SHARE),
        "can_manage_caps": can(Capability.MANAGE_CAP),
        "can_work_on_caps": can(Capability.WORK_ON_CAP),
        # The brand-side root causes are for those who decide how the brand buys
        # (sourcing sign-off) and those who run its CAPs; viewers reach it by address.
        "can_see_purchasing": bool(
            membership
            and membership.is_brand
            and (can(Capability.SIGN_OFF_SOURCING) or can(Capability.MANAGE_CAP))
        ),
        # "My CAPs" for a partner: consultants work on CAPs, the other partners watch.
        "is_consultant": bool(
            membership
            and membership.is_partner
            and membership.organization.partner_type == PartnerType.CONSULTANT
        ),
        "can_keep_directory_entry": can(Capability.MANAGE_CONSULTANT_PROFILE),
        "can_request_reports": can(Capability.REQUEST_REPORT),
        "can_brand_reports": can(Capability.MANAGE_REPORT_BRANDING),
        # A callable: the template calls it (and the cache keeps it to one query).
        "unread_notifications": _unread_counter(membership),
    }
