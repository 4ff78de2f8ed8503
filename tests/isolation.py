"""Builders for the isolation harness: one per API resource (router basename).

Each builder makes an object owned by the tenant of ``owner`` (a brand admin) and
returns the URL kwargs that address it. A new API resource without a builder makes
the harness fail, so no route escapes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from csr_platform.models import Membership, SecurityEvent
from csr_platform.services.invitations import invitation_create
from csr_platform.services.security import security_event_record
from csr_platform.services.tokens import api_token_issue
from laws.models import LegalInstrument, Requirement
from laws.services import code_clause_create
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


def _code_clause(owner: Membership) -> dict[str, Any]:
    clause = code_clause_create(
        by=owner,
        reference="CoC 4.1",
        title="Working hours",
        text="At most 60 hours a week.",
        category="HOURS",
        topic="overtime",
        parameters={"max_total_hours_per_week": 60},
    )
    return {"pk": clause.pk}


BUILDERS: dict[str, Builder] = {
    "codeclause": _code_clause,
    "membership": _membership,
    "invitation": _invitation,
    "apitoken": _api_token,
    "securityevent": _security_event,
}

# Platform-wide reference data: every member reads it (so strangers see it too),
# only platform staff write it. The harness checks reads need sign-in and that members
# cannot write.
REFERENCE_DATA: dict[str, Builder] = {
    "legalinstrument": lambda owner: {"pk": _requirement().instrument_id},
    "requirement": lambda owner: {"pk": _requirement().pk},
}


def _requirement() -> Requirement:
    instrument = LegalInstrument.objects.create(
        country="BD", title="Bangladesh Labour Act 2006", year=2006
    )
    return Requirement.objects.create(
        country="BD",
        topic="overtime",
        instrument=instrument,
        citation="s.102",
        summary="At most 60 h a week.",
        parameters={"max_total_hours_per_week": 60},
        effective_from=date(2006, 10, 11),
        source_url="https://example.org/bla",
    )


# API routes that serve no tenant rows, each with the reason it is safe.
NOT_TENANT_DATA: dict[str, str] = {
    "laws-check": "reads reference law and the caller's own code clauses through visible_to",
    "laws-compare": "reference law only, identical for every member",
    "api-token-obtain": "exchanges the caller's own credentials; tested in test_tokens",
    "api-whoami": "describes only the caller's own account and memberships",
    "api-schema": "the OpenAPI document, identical for everyone",
    "api-docs": "Swagger UI for the schema",
}
