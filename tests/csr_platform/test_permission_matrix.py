"""The first row of the permission matrix, "manage members, invitations, API tokens,
severity policy", and the code of conduct, checked against the real API for every
(organization kind, role).

brand admin ✓; brand csr, sourcing, viewer ✗; supplier admin ✓ for its own members
(but API keys for others stay with brand admins); supplier member ✗; partner member ✗.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from csr_platform.models import ApiToken, Invitation, Membership, SecurityEvent
from csr_platform.permissions import Capability, is_granted
from csr_platform.roles import ROLES_BY_KIND
from csr_platform.services.security import security_event_record
from tests.conftest import token_client
from tests.factories import member


@dataclass(frozen=True)
class Row:
    kind: str
    role: str
    may_invite: bool
    may_change_roles: bool
    may_issue_token_for_others: bool
    sees_security_events: bool
    # "record audit, findings…" roles also keep the brand's code of conduct.
    may_edit_code_of_conduct: bool

    def __str__(self) -> str:
        return f"{self.kind}-{self.role}"


MATRIX = [
    Row("brand", "admin", True, True, True, True, True),
    Row("brand", "csr", False, False, False, False, True),
    Row("brand", "sourcing", False, False, False, False, False),
    Row("brand", "viewer", False, False, False, False, False),
    Row("supplier", "admin", True, True, False, True, False),
    Row("supplier", "member", False, False, False, False, False),
    Row("partner", "member", False, False, False, False, False),
]

# The suppliers and audits rows of DESIGN.md §2, as (kind, role) pairs that may act.
DESIGN_ROWS: dict[Capability, set[tuple[str, str]]] = {
    # "add facility / relationship, send questionnaire": brand admin, csr
    Capability.ADD_FACILITY: {("brand", "admin"), ("brand", "csr")},
    # "edit facility profile": brand admin, csr, supplier admin, supplier member
    Capability.EDIT_FACILITY: {
        ("brand", "admin"),
        ("brand", "csr"),
        ("supplier", "admin"),
        ("supplier", "member"),
    },
    # "answer screening questionnaire": supplier admin and member
    Capability.ANSWER_SCREENING: {("supplier", "admin"), ("supplier", "member")},
    # "vetting decision / start exit plan": brand admin, csr
    Capability.DECIDE_VETTING: {("brand", "admin"), ("brand", "csr")},
    # "sourcing sign-off of approval or exit": brand admin, sourcing
    Capability.SIGN_OFF_SOURCING: {("brand", "admin"), ("brand", "sourcing")},
    # "record audit, findings, import; finalize audit": brand admin, csr
    Capability.RECORD_AUDIT: {("brand", "admin"), ("brand", "csr")},
    # "share an audit with another brand": brand admin, csr; the supplier consents
    Capability.SHARE_AUDIT: {("brand", "admin"), ("brand", "csr")},
    Capability.CONSENT_AUDIT_SHARE: {("supplier", "admin")},
    # "… severity policy": brand admin
    Capability.MANAGE_SEVERITY_POLICY: {("brand", "admin")},
    # "set CAP due date, approve extension, verify, return, cancel": brand admin, csr
    Capability.MANAGE_CAP: {("brand", "admin"), ("brand", "csr")},
    # "edit CAP root causes, actions, evidence; submit; ask extension": supplier
    # admin and member, and a consultant partner
    Capability.WORK_ON_CAP: {("supplier", "admin"), ("supplier", "member"), ("partner", "member")},
    # "comment on a CAP": everyone but brand viewers
    Capability.COMMENT_ON_CAP: {
        ("brand", "admin"),
        ("brand", "csr"),
        ("brand", "sourcing"),
        ("supplier", "admin"),
        ("supplier", "member"),
        ("partner", "member"),
    },
    Capability.MANAGE_CONSULTANT_PROFILE: {("partner", "member")},
    # "scorecards, dashboards, reports": every brand role; the supplier's admin, its own
    # facilities' progress report
    Capability.REQUEST_REPORT: {
        ("brand", "admin"),
        ("brand", "csr"),
        ("brand", "sourcing"),
        ("brand", "viewer"),
        ("supplier", "admin"),
    },
    # "manage members, … severity policy" (organization settings): brand admin
    Capability.MANAGE_REPORT_BRANDING: {("brand", "admin")},
}


def test_suppliers_rows_of_the_design_matrix() -> None:
    for capability, allowed in DESIGN_ROWS.items():
        pairs = {(kind, role) for kind, roles in ROLES_BY_KIND.items() for role in roles}
        granted = {
            (kind, role) for kind, role in pairs if is_granted(capability, kind=kind, role=role)
        }
        assert granted == allowed, capability


# Which column of the table each capability is.
COLUMN_OF: dict[Capability, str] = {
    Capability.MANAGE_MEMBERS: "may_invite",
    Capability.MANAGE_API_TOKENS: "may_issue_token_for_others",
    Capability.VIEW_SECURITY_EVENTS: "sees_security_events",
    Capability.MANAGE_CODE_OF_CONDUCT: "may_edit_code_of_conduct",
}


def test_the_table_covers_every_kind_and_role_and_every_capability() -> None:
    pairs = {(row.kind, row.role) for row in MATRIX}
    assert pairs == {(kind, role) for kind, roles in ROLES_BY_KIND.items() for role in roles}
    assert len(pairs) == len(MATRIX) == 7
    assert set(COLUMN_OF) | set(DESIGN_ROWS) == set(Capability), (
        "a new capability needs a column in MATRIX or a row in DESIGN_ROWS"
    )
    # Inviting and changing roles are one capability, so they never differ.
    assert all(row.may_invite == row.may_change_roles for row in MATRIX)


def _expect(allowed: bool, response: Any, success: int) -> None:
    expected = success if allowed else 403
    assert response.status_code == expected, response.content[:300]
    if not allowed:
        assert response.json()["code"] == "permission_denied"


@pytest.fixture(params=MATRIX, ids=str)
def row(request: pytest.FixtureRequest) -> Row:
    row: Row = request.param
    return row


@pytest.fixture
def actor(row: Row) -> Membership:
    return member(row.kind, row.role)


@pytest.fixture
def colleague(row: Row, actor: Membership) -> Membership:
    role = ROLES_BY_KIND[row.kind][-1]  # the least privileged role of the kind
    return member(row.kind, role, organization=actor.organization)


@pytest.mark.django_db
def test_membership_can_agrees_with_the_table(row: Row, actor: Membership) -> None:
    for capability, column in COLUMN_OF.items():
        assert actor.can(capability) is getattr(row, column), capability
    # A removed member keeps no capability.
    Membership.objects.filter(pk=actor.pk).update(is_active=False)
    actor.refresh_from_db()
    assert not any(actor.can(capability) for capability in Capability)


@pytest.mark.django_db
def test_inviting(row: Row, actor: Membership) -> None:
    role = ROLES_BY_KIND[row.kind][-1]

    response = token_client(actor).post(
        "/api/v1/invitations/", {"email": "newcomer@example.com", "role": role}
    )

    _expect(row.may_invite, response, 201)
    assert Invitation.objects.filter(email="newcomer@example.com").exists() is row.may_invite


@pytest.mark.django_db
def test_changing_a_colleagues_role(row: Row, actor: Membership, colleague: Membership) -> None:
    before = colleague.role
    promoted = ROLES_BY_KIND[row.kind][0]  # the most privileged role (a partner has one)

    response = token_client(actor).patch(f"/api/v1/members/{colleague.pk}/", {"role": promoted})

    _expect(row.may_change_roles, response, 200)
    colleague.refresh_from_db()
    assert (colleague.role != before) is row.may_change_roles


@pytest.mark.django_db
def test_issuing_a_key_for_a_colleague(row: Row, actor: Membership, colleague: Membership) -> None:
    response = token_client(actor).post(
        "/api/v1/tokens/", {"name": "for a colleague", "membership": str(colleague.pk)}
    )

    _expect(row.may_issue_token_for_others, response, 201)
    issued = ApiToken.objects.filter(membership=colleague).exists()
    assert issued is row.may_issue_token_for_others


@pytest.mark.django_db
def test_issuing_a_key_for_oneself_is_open_to_every_role(row: Row, actor: Membership) -> None:
    response = token_client(actor).post("/api/v1/tokens/", {"name": "my script"})

    assert response.status_code == 201, response.content[:300]
    assert response.json()["role"] == row.role


@pytest.mark.django_db
def test_seeing_security_events(row: Row, actor: Membership, colleague: Membership) -> None:
    event = security_event_record(
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        organization=actor.organization,
        actor=actor.user,
        subject=colleague.user,
    )

    response = token_client(actor).get("/api/v1/security-events/")

    assert response.status_code == 200
    seen = {item["id"] for item in response.json()["results"]}
    if row.sees_security_events:
        assert str(event.pk) in seen
    else:
        assert seen == set()


@pytest.mark.django_db
def test_writing_the_code_of_conduct(row: Row, actor: Membership) -> None:
    response = token_client(actor).post(
        "/api/v1/laws/code-clauses/",
        {
            "reference": "CoC 4.1",
            "title": "Working hours",
            "text": "At most 60 hours a week.",
            "category": "HOURS",
            "topic": "overtime",
            "parameters": {"max_total_hours_per_week": 60},
        },
    )

    _expect(row.may_edit_code_of_conduct, response, 201)
