from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions
from rest_framework.request import Request

from csr_platform.tenancy import request_membership


class IsTenantMember(permissions.BasePermission):
    """Signed in (session or token) and acting for an active membership."""

    message = _("You are not a member of any organization.")

    def has_permission(self, request: Request, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return request_membership(request) is not None


class ReferenceData(permissions.BasePermission):
    """Platform-wide reference data (the law library): every member and platform staff
    read it; only platform staff write it."""

    message = _("Only platform staff edit reference data.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return bool(user.is_staff) or request_membership(request) is not None
        return bool(user.is_staff)


class ReferenceDataReader(ReferenceData):
    """Read access to reference data for every method (for computations such as the
    law check, which take a POST body but write nothing)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return bool(user.is_staff) or request_membership(request) is not None
