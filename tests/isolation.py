"""Builders for the isolation harness: one per API resource (router basename).

Each builder makes an object owned by the tenant of ``owner`` (a brand admin) and
returns the URL kwargs that address it. A new API resource without a builder makes
the harness fail, so no route escapes it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from csr_platform.models import Membership, SecurityEvent
from csr_platform.services.invitations import invitation_create
from csr_platform.services.security import security_event_record
from csr_platform.services.tokens import api_token_issue
from tests.factories import member

Builder = Callable[[Membership], dict[str, Any]]


def _membership(owner: Membership) -> dict[str, Any]:
    colleague = member(role="csr", organization=owner.organization)
    return {"pk": colleague.pk}


def _invitation(owner: Membership) -> dict[str, Any]:
    invitation, _secret = invitation_create(by=owner, email="new.person@example.com", role="csr")
    return {"pk": invitation.pk}


def _api_token(owner: Membership) -> dict[str, Any]:
    token, _key = api_token_issue(membership=owner, name="BI export", by=owner)
    return {"pk": token.pk}


def _security_event(owner: Membership) -> dict[str, Any]:
    event = security_event_record(
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        organization=owner.organization,
        actor=owner.user,
        subject=owner.user,
    )
    return {"pk": event.pk}


BUILDERS: dict[str, Builder] = {
    "membership": _membership,
    "invitation": _invitation,
    "apitoken": _api_token,
    "securityevent": _security_event,
}

# API routes that serve no tenant rows, each with the reason it is safe.
NOT_TENANT_DATA: dict[str, str] = {
    "api-token-obtain": "exchanges the caller's own credentials; tested in test_tokens",
    "api-whoami": "describes only the caller's own account and memberships",
    "api-schema": "the OpenAPI document, identical for everyone",
    "api-docs": "Swagger UI for the schema",
}
