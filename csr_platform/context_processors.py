from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from csr_platform.permissions import Capability


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "memberships": getattr(request, "memberships", []),
        "can_manage_members": bool(membership and membership.can(Capability.MANAGE_MEMBERS)),
        "can_view_security": bool(membership and membership.can(Capability.VIEW_SECURITY_EVENTS)),
        "can_add_facility": bool(membership and membership.can(Capability.ADD_FACILITY)),
        "can_sign_off": bool(membership and membership.can(Capability.SIGN_OFF_SOURCING)),
    }
