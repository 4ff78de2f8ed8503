"""Which organization a request acts for.

A browser session acts for the membership chosen in the organization switcher (kept
in the session); an API token acts for the membership it was issued to.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from csr_platform.models import ApiToken, Membership

SESSION_KEY = "active_membership_id"


def memberships_of(request: HttpRequest) -> list[Membership]:
    user = request.user
    if not user.is_authenticated:
        return []
    return list(Membership.objects.active_for_user(user))


def choose_active(request: HttpRequest, memberships: list[Membership]) -> Membership | None:
    wanted = request.session.get(SESSION_KEY)
    for membership in memberships:
        if str(membership.pk) == wanted:
            return membership
    return memberships[0] if memberships else None


def switch_membership(request: HttpRequest, membership_id: str) -> Membership | None:
    """Make one of the user's own active memberships the active one; None if not theirs."""
    for membership in memberships_of(request):
        if str(membership.pk) == membership_id:
            request.session[SESSION_KEY] = str(membership.pk)
            return membership
    return None


def request_membership(request: Any) -> Membership | None:
    """The acting membership of a Django or DRF request."""
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return auth.membership
    django_request = getattr(request, "_request", request)
    return getattr(django_request, "membership", None)
