"""The sourcing relationship's state machine, with the two-person rule.

prospective → screening → in_review → approved | conditional | rejected;
approved | conditional → suspended → approved; → exiting → exited.
Approval and exit are decided by CSR and take effect only when a *different* person
with sourcing sign-off confirms them. Every change is on the facility timeline.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from suppliers.models import ExitPlan, SourcingRelationship
from suppliers.services.timeline import facility_event_record

Status = SourcingRelationship.Status
Decision = SourcingRelationship.Decision


@dataclass(frozen=True)
class Transition:
    capability: Capability
    sources: tuple[str, ...]


# What each action needs and from which states it may start.
TRANSITIONS: dict[str, Transition] = {
    "send_questionnaire": Transition(
        Capability.ADD_FACILITY, (Status.PROSPECTIVE, Status.SCREENING, Status.REJECTED)
    ),
    "submit_screening": Transition(Capability.ANSWER_SCREENING, (Status.SCREENING,)),
    "decide": Transition(Capability.DECIDE_VETTING, (Status.IN_REVIEW,)),
    "sign_off": Transition(
        Capability.SIGN_OFF_SOURCING,
        (Status.IN_REVIEW, Status.APPROVED, Status.CONDITIONAL, Status.SUSPENDED),
    ),
    "suspend": Transition(Capability.DECIDE_VETTING, (Status.APPROVED, Status.CONDITIONAL)),
    "reinstate": Transition(Capability.DECIDE_VETTING, (Status.SUSPENDED,)),
    "start_exit": Transition(
        Capability.DECIDE_VETTING, (Status.APPROVED, Status.CONDITIONAL, Status.SUSPENDED)
    ),
    "complete_exit": Transition(Capability.DECIDE_VETTING, (Status.EXITING,)),
}


def _locked(relationship: SourcingRelationship) -> SourcingRelationship:
    return (
        SourcingRelationship.objects.select_for_update()
        .select_related("facility")
        .get(pk=relationship.pk)
    )


def check_transition(relationship: SourcingRelationship, action: str, by: Membership) -> None:
    """Raise 403 if ``by`` may not take ``action`` on this relationship, 409 if its
    state forbids it. (Visibility — 404 — is the caller's queryset's job.)"""
    rule = TRANSITIONS[action]
    if not by.can(rule.capability):
        raise ActionForbidden(_("Your role does not allow this action."))
    if by.is_brand and relationship.brand_id != by.organization_id:
        raise ActionForbidden(_("Only the brand of this relationship can do this."))
    if by.is_supplier and relationship.facility.supplier_id != by.organization_id:
        raise ActionForbidden(_("Only the supplier of this facility can do this."))
    if relationship.status not in rule.sources:
        raise StateConflict(
            _("Not possible while the relationship is %(status)s.")
            % {"status": relationship.get_status_display().lower()}
        )


def _move(
    relationship: SourcingRelationship, *, to: str, action: str, by: Membership, note: str = ""
) -> SourcingRelationship:
    previous = relationship.status
    relationship.status = to
    relationship.save()
    facility_event_record(
        facility=relationship.facility,
        relationship=relationship,
        action=action,
        from_status=previous,
        to_status=to,
        actor=by.user,
        note=note,
    )
    return relationship


@transaction.atomic
def relationship_mark_screening(
    *, relationship: SourcingRelationship, by: Membership
) -> SourcingRelationship:
    """The questionnaire went out: prospective (or rejected, to re-vet) → screening."""
    relationship = _locked(relationship)
    check_transition(relationship, "send_questionnaire", by)
    if relationship.status == Status.SCREENING:
        return relationship
    return _move(relationship, to=Status.SCREENING, action="questionnaire_sent", by=by)


@transaction.atomic
def relationship_mark_in_review(
    *, relationship: SourcingRelationship, by: Membership
) -> SourcingRelationship:
    """The supplier submitted its screening: screening → in review."""
    relationship = _locked(relationship)
    check_transition(relationship, "submit_screening", by)
    return _move(relationship, to=Status.IN_REVIEW, action="screening_submitted", by=by)


@transaction.atomic
def relationship_decide(
    *,
    relationship: SourcingRelationship,
    by: Membership,
    decision: str,
    rationale: str,
    conditions: str = "",
) -> SourcingRelationship:
    """CSR's vetting decision. A rejection takes effect now; an approval (with or
    without conditions) waits for a sourcing sign-off by someone else."""
    relationship = _locked(relationship)
    check_transition(relationship, "decide", by)
    if not rationale.strip():
        raise ValidationError({"rationale": [_("Say why: the rationale is kept on record.")]})
    if decision == "reject":
        relationship.pending_decision = ""
        relationship.conditions = ""
        relationship.rationale = rationale.strip()
        relationship.decided_by, relationship.decided_at = by.user, timezone.now()
        return _move(relationship, to=Status.REJECTED, action="rejected", by=by, note=rationale)
    if decision not in (Decision.APPROVE, Decision.CONDITIONAL):
        raise ValidationError({"decision": [_("Choose approve, conditional or reject.")]})
    if decision == Decision.CONDITIONAL and not conditions.strip():
        raise ValidationError({"conditions": [_("List the conditions of the approval.")]})
    if relationship.pending_decision:
        raise StateConflict(_("A decision is already waiting for sign-off."))
    relationship.pending_decision = decision
    relationship.rationale = rationale.strip()
    relationship.conditions = conditions.strip() if decision == Decision.CONDITIONAL else ""
    relationship.decided_by, relationship.decided_at = by.user, timezone.now()
    relationship.signed_off_by, relationship.signed_off_at = None, None
    relationship.save()
    facility_event_record(
        facility=relationship.facility,
        relationship=relationship,
        action=f"decided_{decision}",
        from_status=relationship.status,
        to_status=relationship.status,
        actor=by.user,
        note=rationale,
    )
    return relationship


@transaction.atomic
def relationship_sign_off(
    *, relationship: SourcingRelationship, by: Membership, approve: bool = True, note: str = ""
) -> SourcingRelationship:
    """Sourcing confirms (or declines) the pending decision. Never its author."""
    relationship = _locked(relationship)
    check_transition(relationship, "sign_off", by)
    if not relationship.pending_decision:
        raise StateConflict(_("There is no decision waiting for sign-off."))
    if relationship.decided_by_id == by.user_id:
        raise StateConflict(_("The person who decided cannot also sign off."))
    decision = relationship.pending_decision
    relationship.pending_decision = ""
    relationship.signed_off_by, relationship.signed_off_at = by.user, timezone.now()
    if not approve:
        relationship.save()
        facility_event_record(
            facility=relationship.facility,
            relationship=relationship,
            action=f"sign_off_declined_{decision}",
            from_status=relationship.status,
            to_status=relationship.status,
            actor=by.user,
            note=note,
        )
        if decision == Decision.EXIT:
            ExitPlan.objects.filter(
                relationship=relationship, status=ExitPlan.Status.PROPOSED
            ).update(status=ExitPlan.Status.CANCELLED)
        return relationship
    if decision == Decision.EXIT:
        ExitPlan.objects.filter(relationship=relationship, status=ExitPlan.Status.PROPOSED).update(
            status=ExitPlan.Status.IN_PROGRESS
        )
        return _move(relationship, to=Status.EXITING, action="exit_signed_off", by=by, note=note)
    target = Status.APPROVED if decision == Decision.APPROVE else Status.CONDITIONAL
    return _move(relationship, to=target, action=f"{decision}_signed_off", by=by, note=note)


@transaction.atomic
def relationship_suspend(
    *, relationship: SourcingRelationship, by: Membership, reason: str
) -> SourcingRelationship:
    relationship = _locked(relationship)
    check_transition(relationship, "suspend", by)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the relationship is suspended.")]})
    return _move(relationship, to=Status.SUSPENDED, action="suspended", by=by, note=reason)


@transaction.atomic
def relationship_reinstate(
    *, relationship: SourcingRelationship, by: Membership, note: str = ""
) -> SourcingRelationship:
    relationship = _locked(relationship)
    check_transition(relationship, "reinstate", by)
    return _move(relationship, to=Status.APPROVED, action="reinstated", by=by, note=note)
