"""The sourcing relationship's state machine as a table, driven through the API.

Every (status × action × role) is one case. Its expected result is read from two
tables written from DESIGN.md, not from the code under test:

- ``MAY`` — who may take each action (the §2 permission matrix);
- ``MOVES`` — from which statuses each action starts and where it leads (§3).

A role outside the relationship's visibility (a partner, another brand) gets 404; a
visible role the matrix leaves out gets 403; a status the action cannot start from
gets 409; otherwise the relationship ends in the table's status (and, for decisions
that wait for sign-off, with that decision pending). A refused action changes nothing.
Then the two-person rule, rejection, suspension and completing an exit, one story each.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from csr_platform.models import Membership, Organization
from suppliers.models import (
    ExitPlan,
    ExitStep,
    FacilityEvent,
    Question,
    Questionnaire,
    Screening,
    SourcingRelationship,
)
from suppliers.services.exits import exit_plan_start
from suppliers.services.facilities import facility_add
from suppliers.services.relationships import relationship_decide
from suppliers.services.screenings import questionnaire_from_template
from tests.conftest import api_error, token_client
from tests.factories import member

pytestmark = pytest.mark.django_db

S = SourcingRelationship.Status
STATUSES = [status.value for status in S]

BRAND_ADMIN = "brand admin"
CSR = "csr"
SOURCING = "sourcing"
VIEWER = "viewer"
SUPPLIER_ADMIN = "supplier admin"
SUPPLIER_MEMBER = "supplier member"
PARTNER = "partner member"
OTHER_BRAND = "other brand admin"
ROLES = [BRAND_ADMIN, CSR, SOURCING, VIEWER, SUPPLIER_ADMIN, SUPPLIER_MEMBER, PARTNER, OTHER_BRAND]
# Neither sees the relationship at all.
OUTSIDERS = {PARTNER, OTHER_BRAND}

DECIDERS = {BRAND_ADMIN, CSR}
# Who may take each action: DESIGN.md §2.
MAY: dict[str, set[str]] = {
    "send_questionnaire": DECIDERS,
    "submit_screening": {SUPPLIER_ADMIN, SUPPLIER_MEMBER},
    "decide_approve": DECIDERS,
    "decide_conditional": DECIDERS,
    "decide_reject": DECIDERS,
    "sign_off": {BRAND_ADMIN, SOURCING},
    "suspend": DECIDERS,
    "reinstate": DECIDERS,
    "start_exit": DECIDERS,
    "complete_exit": DECIDERS,
}

NONE, APPROVE, CONDITIONAL, EXIT = "", "approve", "conditional", "exit"
# From which status each action starts → (status after, decision pending after):
# DESIGN.md §3. Sign-off cases are arranged with a pending decision by someone else:
# an approval while in review, an exit from approved, conditional or suspended.
MOVES: dict[str, dict[str, tuple[str, str]]] = {
    "send_questionnaire": {
        S.PROSPECTIVE: (S.SCREENING, NONE),
        S.SCREENING: (S.SCREENING, NONE),  # sending again is harmless
        S.REJECTED: (S.SCREENING, NONE),  # re-vetting
    },
    "submit_screening": {S.SCREENING: (S.IN_REVIEW, NONE)},
    "decide_approve": {S.IN_REVIEW: (S.IN_REVIEW, APPROVE)},
    "decide_conditional": {S.IN_REVIEW: (S.IN_REVIEW, CONDITIONAL)},
    "decide_reject": {S.IN_REVIEW: (S.REJECTED, NONE)},  # no sign-off needed
    "sign_off": {
        S.IN_REVIEW: (S.APPROVED, NONE),
        S.APPROVED: (S.EXITING, NONE),
        S.CONDITIONAL: (S.EXITING, NONE),
        S.SUSPENDED: (S.EXITING, NONE),
    },
    "suspend": {S.APPROVED: (S.SUSPENDED, NONE), S.CONDITIONAL: (S.SUSPENDED, NONE)},
    "reinstate": {S.SUSPENDED: (S.APPROVED, NONE)},
    "start_exit": {
        S.APPROVED: (S.APPROVED, EXIT),
        S.CONDITIONAL: (S.CONDITIONAL, EXIT),
        S.SUSPENDED: (S.SUSPENDED, EXIT),
    },
    "complete_exit": {S.EXITING: (S.EXITED, NONE)},
}

# The API call of each action: (path under relationships/{id}/, body).
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "send_questionnaire": ("send-questionnaire", {}),
    "decide_approve": ("decide", {"decision": "approve", "rationale": "Strong answers."}),
    "decide_conditional": (
        "decide",
        {
            "decision": "conditional",
            "rationale": "Good, but fire exits were blocked.",
            "conditions": "Keep fire exits clear; photo evidence monthly.",
        },
    ),
    "decide_reject": ("decide", {"decision": "reject", "rationale": "Recruitment fees charged."}),
    "sign_off": ("sign-off", {"approve": True, "note": "Fits our sourcing plan."}),
    "suspend": ("suspend", {"reason": "Locked fire exits found in an unannounced audit."}),
    "reinstate": ("reinstate", {"note": "Exits unlocked and verified."}),
    "start_exit": (
        "exit-plan",
        {
            "reason": "Child labour found twice despite remediation.",
            "workers_affected": 420,
            "steps": [{"description": "Agree severance with the union"}],
        },
    ),
    "complete_exit": ("complete-exit", {"note": "Last order shipped."}),
}


@dataclass(frozen=True)
class Case:
    status: str
    action: str
    role: str

    @property
    def expected(self) -> int | tuple[str, str]:
        if self.role in OUTSIDERS:
            return 404
        if self.role not in MAY[self.action]:
            return 403
        return MOVES[self.action].get(self.status, 409)

    def __str__(self) -> str:
        expected = self.expected
        result = expected if isinstance(expected, int) else "→".join(filter(None, expected))
        return f"{self.status}-{self.action}-{self.role.replace(' ', '_')}-{result}"


CASES = [Case(status, action, role) for status in STATUSES for action in MAY for role in ROLES]


def complete_answers(questionnaire: Questionnaire) -> dict[str, Any]:
    """A valid answer to every question, as a committed supplier gives them."""
    answers: dict[str, Any] = {}
    for question in Question.objects.filter(section__questionnaire=questionnaire):
        if question.kind == Question.Kind.YES_NO:
            answers[str(question.pk)] = question.expected or "yes"
        elif question.kind == Question.Kind.CHOICE:
            answers[str(question.pk)] = question.expected or question.choices[0]
        elif question.kind == Question.Kind.NUMBER:
            answers[str(question.pk)] = 20
        elif question.kind == Question.Kind.DATE:
            answers[str(question.pk)] = "2025-11-03"
        else:
            answers[str(question.pk)] = "Records are kept for three years."
    return answers


@dataclass
class World:
    brand: Organization
    relationship: SourcingRelationship
    decider: Membership  # the CSR colleague behind any pending decision
    screening: Screening | None = None


def arrange(status: str, action: str) -> World:
    """A relationship of a fresh brand in ``status``, ready for ``action``."""
    adder = member("brand", "admin")
    brand = adder.organization
    decider = member("brand", "csr", organization=brand)
    relationship = facility_add(
        by=adder, name="Rahman Apparel", country="BD", supplier_name="Rahman Group"
    )
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=status)
    relationship.refresh_from_db()
    world = World(brand=brand, relationship=relationship, decider=decider)
    if action == "sign_off" and status == S.IN_REVIEW:
        relationship_decide(
            relationship=relationship, by=decider, decision=APPROVE, rationale="Clean screening."
        )
    elif action == "sign_off" and status in (S.APPROVED, S.CONDITIONAL, S.SUSPENDED):
        exit_plan_start(relationship=relationship, by=decider, reason="Repeated wage theft.")
    if status == S.EXITING:
        plan = ExitPlan.objects.create(
            relationship=relationship,
            status=ExitPlan.Status.IN_PROGRESS,
            reason="Repeated wage theft.",
            created_by=decider.user,
        )
        ExitStep.objects.create(plan=plan, description="Pay wages owed", done_at=timezone.now())
    if action == "submit_screening":
        world.screening = Screening.objects.create(
            relationship=relationship, questionnaire=questionnaire_from_template(brand=brand)
        )
    world.relationship.refresh_from_db()
    return world


def actor_for(role: str, world: World) -> Membership:
    supplier = world.relationship.facility.supplier
    return {
        BRAND_ADMIN: lambda: member("brand", "admin", organization=world.brand),
        CSR: lambda: member("brand", "csr", organization=world.brand),
        SOURCING: lambda: member("brand", "sourcing", organization=world.brand),
        VIEWER: lambda: member("brand", "viewer", organization=world.brand),
        SUPPLIER_ADMIN: lambda: member("supplier", "admin", organization=supplier),
        SUPPLIER_MEMBER: lambda: member("supplier", "member", organization=supplier),
        PARTNER: lambda: member("partner", "member"),
        OTHER_BRAND: lambda: member("brand", "admin"),
    }[role]()


def take(action: str, world: World, actor: Membership) -> Any:
    client = token_client(actor)
    if action == "submit_screening":
        assert world.screening is not None
        body = {"answers": complete_answers(world.screening.questionnaire)}
        return client.post(f"/api/v1/screenings/{world.screening.pk}/submit/", body)
    path, body = CALLS[action]
    return client.post(f"/api/v1/relationships/{world.relationship.pk}/{path}/", body)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_status_action_role(case: Case) -> None:
    world = arrange(case.status, case.action)
    before = (world.relationship.status, world.relationship.pending_decision)
    actor = actor_for(case.role, world)

    response = take(case.action, world, actor)

    relationship = SourcingRelationship.objects.get(pk=world.relationship.pk)
    expected = case.expected
    if isinstance(expected, int):
        api_error(response, expected)
        assert (relationship.status, relationship.pending_decision) == before
        return
    assert response.status_code in (200, 201), response.json()
    assert (relationship.status, relationship.pending_decision) == expected
    if relationship.status != before[0]:
        # Every change is on the timeline, with who made it.
        event = FacilityEvent.objects.filter(relationship=relationship).first()
        assert event is not None
        assert (event.from_status, event.to_status) == (before[0], relationship.status)
        assert event.actor == actor.user


def test_the_table_covers_every_status_action_and_role() -> None:
    assert len(CASES) == len(STATUSES) * len(MAY) * len(ROLES)
    assert set(MOVES) == set(MAY) == {*CALLS, "submit_screening"}
    for moves in MOVES.values():
        assert set(moves) <= set(STATUSES)


# --- The two-person rule -------------------------------------------------------------------


def _in_review() -> tuple[SourcingRelationship, Membership]:
    admin = member("brand", "admin")
    relationship = facility_add(
        by=admin, name="Karim Textiles", country="BD", supplier_name="Karim Group"
    )
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=S.IN_REVIEW)
    relationship.refresh_from_db()
    return relationship, admin


def _post(who: Membership, relationship: SourcingRelationship, path: str, **body: Any) -> Any:
    return token_client(who).post(f"/api/v1/relationships/{relationship.pk}/{path}/", body)


@pytest.mark.parametrize("second_role", ["admin", "sourcing"])
def test_the_decider_cannot_sign_off_their_own_approval_but_a_colleague_can(
    second_role: str,
) -> None:
    relationship, decider = _in_review()
    decided = _post(decider, relationship, "decide", decision="approve", rationale="Clean.")
    assert decided.status_code == 200
    assert decided.json()["pending_decision"] == "approve"

    own = _post(decider, relationship, "sign-off")

    body = api_error(own, 409, "conflict")
    assert "cannot also sign off" in body["detail"]
    relationship.refresh_from_db()
    assert (relationship.status, relationship.pending_decision) == (S.IN_REVIEW, APPROVE)

    colleague = member("brand", second_role, organization=decider.organization)
    signed = _post(colleague, relationship, "sign-off", note="Capacity fits.")

    assert signed.status_code == 200
    assert signed.json()["status"] == S.APPROVED
    assert signed.json()["signed_off_by"]["email"] == colleague.user.email
    assert signed.json()["decided_by"]["email"] == decider.user.email


def test_an_exit_needs_the_same_two_people() -> None:
    relationship, admin = _in_review()
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=S.APPROVED)
    started = _post(
        admin,
        relationship,
        "exit-plan",
        reason="Forced overtime persists.",
        notice_period_days=120,
        phase_down=[{"date": "2026-03-01", "percent": 50}, {"date": "2026-06-01", "percent": 0}],
        steps=[{"description": "Tell the workers' committee", "owner": "CSR lead"}],
    )
    assert started.status_code == 201, started.json()
    assert started.json()["status"] == ExitPlan.Status.PROPOSED

    api_error(_post(admin, relationship, "sign-off"), 409)
    sourcing = member("brand", "sourcing", organization=admin.organization)
    signed = _post(sourcing, relationship, "sign-off")

    assert signed.status_code == 200
    assert signed.json()["status"] == S.EXITING
    plan = ExitPlan.objects.get(relationship=relationship)
    assert plan.status == ExitPlan.Status.IN_PROGRESS
    assert plan.phase_down == [
        {"date": "2026-03-01", "percent": 50},
        {"date": "2026-06-01", "percent": 0},
    ]


def test_a_declined_sign_off_keeps_the_status_and_cancels_a_proposed_exit() -> None:
    relationship, admin = _in_review()
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=S.CONDITIONAL)
    _post(admin, relationship, "exit-plan", reason="Wages unpaid for three months.")
    sourcing = member("brand", "sourcing", organization=admin.organization)

    declined = _post(sourcing, relationship, "sign-off", approve=False, note="Remediate first.")

    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["pending_decision"]) == (S.CONDITIONAL, "")
    assert ExitPlan.objects.get(relationship=relationship).status == ExitPlan.Status.CANCELLED


def test_a_rejection_takes_effect_at_once_and_leaves_nothing_to_sign_off() -> None:
    relationship, admin = _in_review()

    rejected = _post(admin, relationship, "decide", decision="reject", rationale="Child labour.")

    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["pending_decision"]) == (S.REJECTED, "")
    sourcing = member("brand", "sourcing", organization=admin.organization)
    api_error(_post(sourcing, relationship, "sign-off"), 409)


def test_a_second_decision_waits_for_the_first_to_be_signed_off() -> None:
    relationship, admin = _in_review()
    _post(admin, relationship, "decide", decision="approve", rationale="Clean.")
    csr = member("brand", "csr", organization=admin.organization)

    again = _post(
        csr, relationship, "decide", decision="conditional", rationale="x", conditions="y"
    )

    assert "waiting for sign-off" in api_error(again, 409)["detail"]


def test_suspension_and_reinstatement_are_on_the_timeline_with_who_and_why() -> None:
    relationship, admin = _in_review()
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=S.APPROVED)
    csr = member("brand", "csr", organization=admin.organization)

    api_error(_post(csr, relationship, "suspend", reason=""), 400)
    suspended = _post(csr, relationship, "suspend", reason="Blocked exits.")
    reinstated = _post(admin, relationship, "reinstate", note="Verified.")

    assert suspended.json()["status"] == S.SUSPENDED
    assert reinstated.json()["status"] == S.APPROVED
    events = token_client(admin).get(f"/api/v1/facilities/{relationship.facility_id}/events/")
    rows = [(e["action"], e["from_status"], e["to_status"]) for e in events.json()["results"]]
    assert rows[:2] == [
        ("reinstated", "suspended", "approved"),
        ("suspended", "approved", "suspended"),
    ]
    latest = events.json()["results"][0]
    assert latest["actor"]["email"] == admin.user.email
    assert latest["note"] == "Verified."
    assert latest["created_at"]


def test_an_exit_completes_only_when_every_step_is_done() -> None:
    relationship, admin = _in_review()
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=S.APPROVED)
    plan_id = _post(
        admin,
        relationship,
        "exit-plan",
        reason="Persistent forced overtime.",
        steps=[{"description": "Pay wages owed"}, {"description": "Final order"}],
    ).json()["id"]
    sourcing = member("brand", "sourcing", organization=admin.organization)
    _post(sourcing, relationship, "sign-off")
    steps = token_client(admin).get(f"/api/v1/exit-plans/{plan_id}/steps/").json()

    early = _post(admin, relationship, "complete-exit")

    assert "2 step(s)" in api_error(early, 409)["detail"]
    for step in steps:
        done = token_client(admin).post(f"/api/v1/exit-plans/{plan_id}/steps/{step['id']}/done/")
        assert done.status_code == 200
        assert done.json()["done_at"]
    completed = _post(admin, relationship, "complete-exit", note="Last order shipped.")
    assert completed.status_code == 200
    assert completed.json()["status"] == S.EXITED
    assert ExitPlan.objects.get(pk=plan_id).status == ExitPlan.Status.COMPLETED


def test_steps_are_done_only_once_the_exit_is_signed_off() -> None:
    relationship, admin = _in_review()
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=S.APPROVED)
    plan = _post(
        admin, relationship, "exit-plan", reason="Unsafe building.", steps=[{"description": "x"}]
    ).json()
    url = f"/api/v1/exit-plans/{plan['id']}/steps/{plan['steps'][0]['id']}/done/"

    preview = token_client(admin).get(url).json()
    api_error(token_client(admin).post(url), 409)
    viewer = member("brand", "viewer", organization=admin.organization)
    api_error(token_client(viewer).post(url), 403)

    assert (preview["allowed"], preview["status"]) == (False, 409)


# --- Reading an action URL tells whether the action is open --------------------------------


@pytest.mark.parametrize(
    ("role", "status", "expected"),
    [
        ("csr", S.IN_REVIEW, (True, None)),
        ("csr", S.PROSPECTIVE, (False, 409)),
        ("viewer", S.IN_REVIEW, (False, 403)),
        ("sourcing", S.IN_REVIEW, (False, 403)),
    ],
)
def test_get_on_an_action_says_whether_it_is_open(
    role: str, status: str, expected: tuple[bool, int | None]
) -> None:
    relationship, admin = _in_review()
    SourcingRelationship.objects.filter(pk=relationship.pk).update(status=status)
    who = member("brand", role, organization=admin.organization)

    response = token_client(who).get(f"/api/v1/relationships/{relationship.pk}/decide/")

    assert response.status_code == 200
    body = response.json()
    assert (body["allowed"], body["status"]) == expected
    assert body["action"] == "decide"
    assert bool(body["detail"]) is not body["allowed"]
    relationship.refresh_from_db()
    assert relationship.status == status
