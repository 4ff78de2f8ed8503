"""The CAP's state machine as a table, driven through the API.

Every (state × action × role) is one case. Its expected result is read from two
tables written from DESIGN.md, not from the code under test:

- ``MAY`` — who may take each action (the §2 permission matrix: the owner brand's
  admin and CSR staff verify, return and cancel; the supplier and a consultant invited
  onto the CAP start and submit);
- ``MOVES`` — from which states each action starts and where it leads (§3).

Every role of the table sees the CAP (brand roles own it; the supplier runs the
facility; the partners and the collaborating brand are on it), so a role the matrix
leaves out gets 403, a state the action cannot start from 409, and otherwise the CAP
ends in the table's state with the change on its timeline. A refused action changes
nothing. Then the rules inside transitions, one story each: what submitting needs,
evidence for verification, and the follow-up audit.

The world (a brand with every role, its supplier, partners, a collaborating brand and
one CAP in each state) is built once for the module inside a transaction that is
rolled back at the end; each case runs in its own savepoint on top of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import pytest
from django.db import transaction
from django.test import override_settings
from rest_framework.test import APIClient

from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership, Organization
from remediation.models import CapEvent, CorrectiveActionPlan
from remediation.services.participants import participant_add
from remediation.services.transitions import cap_cancel, cap_return, cap_submit, cap_verify
from remediation.services.work import evidence_add, root_cause_add
from suppliers.models import Facility
from tests.audits.helpers import also_sourced_by, facility_of, final_audit
from tests.conftest import api_error, token_client
from tests.factories import OrganizationFactory, member
from tests.remediation.helpers import open_cap, pdf, plan, submitted, supplier_admin_of

pytestmark = pytest.mark.django_db

S = CorrectiveActionPlan.Status
STATES = [state.value for state in S]
OPEN_STATES = [S.OPEN, S.IN_PROGRESS, S.SUBMITTED, S.RETURNED]

BRAND_ADMIN = "brand admin"
CSR = "brand csr"
SOURCING = "brand sourcing"
VIEWER = "brand viewer"
SUPPLIER_ADMIN = "supplier admin"
SUPPLIER_MEMBER = "supplier member"
CONSULTANT = "consultant participant"
CSO = "cso participant"
COLLABORATOR = "collaborating brand csr"
ROLES = [
    BRAND_ADMIN,
    CSR,
    SOURCING,
    VIEWER,
    SUPPLIER_ADMIN,
    SUPPLIER_MEMBER,
    CONSULTANT,
    CSO,
    COLLABORATOR,
]

MANAGERS = {BRAND_ADMIN, CSR}
WORKERS = {SUPPLIER_ADMIN, SUPPLIER_MEMBER, CONSULTANT}
# Who may take each action: DESIGN.md §2 ("set CAP due date, approve extension, verify,
# return, cancel": brand admin and CSR; "submit": supplier admin, member, consultant).
MAY: dict[str, set[str]] = {
    "start": WORKERS,
    "submit": WORKERS,
    "verify": MANAGERS,
    "return": MANAGERS,
    "cancel": MANAGERS,
}
# From which state each action starts → the state after: DESIGN.md §3.
MOVES: dict[str, dict[str, str]] = {
    "start": {S.OPEN: S.IN_PROGRESS, S.RETURNED: S.IN_PROGRESS},
    "submit": {S.IN_PROGRESS: S.SUBMITTED},
    "verify": {S.SUBMITTED: S.VERIFIED},
    "return": {S.SUBMITTED: S.RETURNED},
    "cancel": dict.fromkeys(OPEN_STATES, S.CANCELLED),
}
BODIES: dict[str, dict[str, Any]] = {
    "start": {},
    "submit": {},
    "verify": {"note": "Exit checks are signed off on every shift since May."},
    "return": {"reason": "The photo of the unlocked exit is missing."},
    "cancel": {"reason": "The finding was withdrawn by the audit firm."},
}


@dataclass(frozen=True)
class Case:
    state: str
    action: str
    role: str

    @property
    def expected(self) -> int | str:
        if self.role not in MAY[self.action]:
            return 403
        return MOVES[self.action].get(self.state, 409)

    def __str__(self) -> str:
        return f"{self.state}-{self.action}-{self.role.replace(' ', '_')}-{self.expected}"


CASES = [Case(state, action, role) for state in STATES for action in MAY for role in ROLES]


@dataclass
class World:
    owner: Membership
    facility: Facility
    members: dict[str, Membership]
    clients: dict[str, APIClient]
    caps: dict[str, CorrectiveActionPlan]


def _cap_with_everyone_on_it(
    owner: Membership, facility: Facility, on: date, members: dict[str, Membership]
) -> CorrectiveActionPlan:
    """An open CAP (desk review: a major health-and-safety finding) with the
    consultant, the CSO and the collaborating brand on it."""
    cap = open_cap(owner, facility=facility, on=on)
    share = audit_share_offer(
        audit=cap.finding.audit, by=owner, brand_slug=members[COLLABORATOR].organization.slug
    )
    audit_share_consent(share=share, by=members[SUPPLIER_ADMIN])
    for role in (CONSULTANT, CSO, COLLABORATOR):
        participant_add(cap=cap, by=owner, organization_slug=members[role].organization.slug)
    assert cap.verification_method == CorrectiveActionPlan.Verification.DESK_REVIEW
    return cap


def _build_world() -> World:
    owner = member("brand", "admin")
    facility = facility_of(owner)
    supplier = supplier_admin_of(facility)
    collaborator = member("brand", "csr")
    also_sourced_by(collaborator, facility)
    members = {
        BRAND_ADMIN: owner,
        CSR: member("brand", "csr", organization=owner.organization),
        SOURCING: member("brand", "sourcing", organization=owner.organization),
        VIEWER: member("brand", "viewer", organization=owner.organization),
        SUPPLIER_ADMIN: supplier,
        SUPPLIER_MEMBER: member("supplier", "member", organization=facility.supplier),
        CONSULTANT: member("partner", "member"),
        CSO: member(
            "partner",
            "member",
            organization=cast(
                Organization, OrganizationFactory(kind="partner", partner_type="cso")
            ),
        ),
        COLLABORATOR: collaborator,
    }
    caps: dict[str, CorrectiveActionPlan] = {}
    for i, state in enumerate(STATES):
        on = date(2025, 1, 6) + timedelta(days=7 * i)
        cap = _cap_with_everyone_on_it(owner, facility, on, members)
        if state in (S.IN_PROGRESS, S.SUBMITTED, S.RETURNED, S.VERIFIED):
            # Everything submitting and verifying need: a plan and evidence.
            plan(cap, supplier)
            evidence_add(cap=cap, by=supplier, file=pdf())
        if state in (S.SUBMITTED, S.RETURNED, S.VERIFIED):
            cap_submit(cap=cap, by=supplier)
        if state == S.RETURNED:
            cap_return(cap=cap, by=owner, reason="Add the new shift rota.")
        if state == S.VERIFIED:
            cap_verify(cap=cap, by=owner, note="Checked the exit logs.")
        if state == S.CANCELLED:
            cap_cancel(cap=cap, by=owner, reason="Duplicate of another finding.")
        cap.refresh_from_db()
        assert cap.status == state
        caps[state] = cap
    clients = {role: token_client(membership) for role, membership in members.items()}
    return World(owner=owner, facility=facility, members=members, clients=clients, caps=caps)


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[World]:
    # Built once, inside a transaction rolled back after the module: each test's own
    # transaction is a savepoint on top of it, so no case sees another's changes.
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
            built = _build_world()
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _post(world: World, case: Case) -> Any:
    cap = world.caps[case.state]
    return world.clients[case.role].post(
        f"/api/v1/caps/{cap.pk}/{case.action}/", BODIES[case.action], format="json"
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_state_action_role(case: Case, world: World) -> None:
    cap = world.caps[case.state]
    actor = world.members[case.role]
    events_before = CapEvent.objects.filter(cap=cap).count()

    response = _post(world, case)

    after = CorrectiveActionPlan.objects.get(pk=cap.pk)
    expected = case.expected
    if isinstance(expected, int):
        body = api_error(response, expected)
        assert after.status == case.state
        assert CapEvent.objects.filter(cap=cap).count() == events_before
        if expected == 409:
            assert after.get_status_display().lower() in body["detail"]
        return
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == after.status == expected
    # The change is on the timeline once, with who made it and from → to.
    recorded = CapEvent.objects.filter(
        cap=cap, action=case.action, from_status=case.state, to_status=expected, actor=actor.user
    )
    assert recorded.count() == 1
    assert recorded.get().actor_organization_id == actor.organization_id


def test_the_table_covers_every_state_action_and_role() -> None:
    assert len(CASES) == len(STATES) * len(MAY) * len(ROLES) == 270
    assert set(MOVES) == set(MAY) == set(BODIES)
    for moves in MOVES.values():
        assert set(moves) <= set(STATES)
    # Closed states are final.
    assert not any(S.VERIFIED in moves or S.CANCELLED in moves for moves in MOVES.values())


def test_each_action_url_answers_get_with_what_a_post_would_get(world: World) -> None:
    for case in CASES:
        cap = world.caps[case.state]
        response = world.clients[case.role].get(f"/api/v1/caps/{cap.pk}/{case.action}/")

        assert response.status_code == 200, (case, response.content[:300])
        body = response.json()
        expected = case.expected
        assert body["action"] == case.action
        assert body["allowed"] is not isinstance(expected, int), case
        assert body["status"] == (expected if isinstance(expected, int) else None), case


# --- Rules inside the transitions -----------------------------------------------------


@pytest.fixture
def owner() -> Membership:
    return member("brand", "admin")


def test_submitting_without_a_root_cause_or_preventive_action_is_refused_naming_both(
    owner: Membership,
) -> None:
    cap = open_cap(owner)
    supplier = supplier_admin_of(cap.facility)
    client = token_client(supplier)
    assert client.post(f"/api/v1/caps/{cap.pk}/start/").status_code == 200

    availability = client.get(f"/api/v1/caps/{cap.pk}/submit/").json()
    refused = client.post(f"/api/v1/caps/{cap.pk}/submit/")

    body = api_error(refused, 409, "conflict")
    assert "root cause" in body["detail"]
    assert "preventive action" in body["detail"]
    assert availability["allowed"] is False
    assert availability["status"] == 409
    assert len(availability["blockers"]) == 2
    cap.refresh_from_db()
    assert cap.status == S.IN_PROGRESS


def test_a_root_cause_alone_is_not_enough_the_preventive_action_is_still_named(
    owner: Membership,
) -> None:
    cap = open_cap(owner)
    supplier = supplier_admin_of(cap.facility)
    root_cause_add(
        cap=cap,
        by=supplier,
        method="fishbone",
        category="purchasing_practice",
        purchasing_code="BP_LEADTIME",
        cause="The buyer's lead time left no room for a second shift check.",
    )
    client = token_client(supplier)

    body = api_error(client.post(f"/api/v1/caps/{cap.pk}/submit/"), 409)

    assert "preventive action" in body["detail"]
    assert "root cause" not in body["detail"]
    assert client.get(f"/api/v1/caps/{cap.pk}/submit/").json()["blockers"] == [body["detail"]]


def test_the_submit_url_tells_the_supplier_when_nothing_is_missing(owner: Membership) -> None:
    cap = open_cap(owner)
    supplier = supplier_admin_of(cap.facility)
    plan(cap, supplier)

    availability = token_client(supplier).get(f"/api/v1/caps/{cap.pk}/submit/").json()

    assert availability == {
        "action": "submit",
        "allowed": True,
        "status": None,
        "detail": "",
        "blockers": [],
    }


def test_verifying_without_evidence_is_refused(owner: Membership) -> None:
    cap = open_cap(owner)
    supplier = supplier_admin_of(cap.facility)
    plan(cap, supplier)
    cap_submit(cap=cap, by=supplier)

    response = token_client(owner).post(f"/api/v1/caps/{cap.pk}/verify/", {"note": "Looks fine."})

    body = api_error(response, 409, "conflict")
    assert "evidence" in body["detail"]
    cap.refresh_from_db()
    assert cap.status == S.SUBMITTED
    assert cap.verified_at is None


@pytest.fixture
def hours_cap(owner: Membership) -> CorrectiveActionPlan:
    """A submitted working-hours CAP: verified by a follow-up audit."""
    cap = open_cap(owner, category="HOURS", on=date(2025, 3, 10))
    assert cap.verification_method == CorrectiveActionPlan.Verification.FOLLOW_UP_AUDIT
    submitted(cap, supplier_admin_of(cap.facility))
    return cap


def _verify(owner: Membership, cap: CorrectiveActionPlan, follow_up: Any) -> Any:
    body = {"note": "Two months of time records checked on site."}
    if follow_up is not None:
        body["follow_up_audit"] = follow_up
    return token_client(owner).post(f"/api/v1/caps/{cap.pk}/verify/", body, format="json")


@pytest.mark.parametrize(
    "follow_up",
    ["none", "unknown", "not a uuid", "other facility", "earlier", "same audit", "other brand"],
)
def test_a_follow_up_audit_verification_needs_a_later_final_audit_of_the_facility(
    owner: Membership, hours_cap: CorrectiveActionPlan, follow_up: str
) -> None:
    facility = hours_cap.facility
    other_brand = member("brand", "admin")
    also_sourced_by(other_brand, facility)
    chosen: Any = {
        "none": lambda: None,
        "unknown": lambda: "0b6c3f6e-8d0e-4f55-9a57-0f6a2b0e4a11",
        "not a uuid": lambda: "last-audit",
        "other facility": lambda: (
            final_audit(
                owner, facility_of(owner, name="Other Mill"), on=date(2025, 9, 1), findings=0
            ).pk
        ),
        "earlier": lambda: final_audit(owner, facility, on=date(2024, 9, 1), findings=0).pk,
        "same audit": lambda: hours_cap.finding.audit_id,
        # A later audit of the facility, but another brand's: not visible to the owner.
        "other brand": lambda: (
            final_audit(other_brand, facility, on=date(2025, 9, 1), findings=0).pk
        ),
    }[follow_up]()

    response = _verify(owner, hours_cap, str(chosen) if chosen else None)

    body = api_error(response, 400, "invalid")
    assert "follow_up_audit" in body["fields"]
    hours_cap.refresh_from_db()
    assert hours_cap.status == S.SUBMITTED
    assert hours_cap.follow_up_audit is None


def test_a_follow_up_audit_verification_links_the_audit_and_resolves_the_finding(
    owner: Membership, hours_cap: CorrectiveActionPlan
) -> None:
    follow_up = final_audit(owner, hours_cap.facility, on=date(2025, 9, 1), findings=0)

    response = _verify(owner, hours_cap, str(follow_up.pk))

    assert response.status_code == 200, response.json()
    assert response.json()["follow_up_audit"] == str(follow_up.pk)
    assert response.json()["status"] == S.VERIFIED
    hours_cap.refresh_from_db()
    assert hours_cap.follow_up_audit == follow_up
    assert hours_cap.verified_by == owner.user
    assert hours_cap.finding.status == "resolved"


def test_a_desk_review_verification_needs_no_follow_up_audit(owner: Membership) -> None:
    cap = open_cap(owner, category="OSH", severity="minor")
    submitted(cap, supplier_admin_of(cap.facility))

    response = _verify(owner, cap, None)

    assert response.status_code == 200, response.json()
    assert response.json()["follow_up_audit"] is None
    assert response.json()["verification_note"] == "Two months of time records checked on site."


@pytest.mark.parametrize(("action", "field"), [("return", "reason"), ("cancel", "reason")])
def test_returning_and_cancelling_need_a_reason(owner: Membership, action: str, field: str) -> None:
    cap = open_cap(owner)
    submitted(cap, supplier_admin_of(cap.facility))

    response = token_client(owner).post(f"/api/v1/caps/{cap.pk}/{action}/", {field: "  "})

    assert field in api_error(response, 400, "invalid")["fields"]
    cap.refresh_from_db()
    assert cap.status == S.SUBMITTED
