"""The CAP's state machine (DESIGN.md §3), one service per transition.

open → in_progress → submitted → verified; submitted → returned → in_progress;
any open state → cancelled (with a reason). Each transition locks the CAP's row,
checks who may take it (403) and from which states (409, with the reason), and is
recorded on the timeline, so two people acting at once never both succeed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit
from audits.services.findings import finding_resolve
from csr_platform.errors import StateConflict
from csr_platform.models import Membership
from remediation.models import CapAction, CorrectiveActionPlan
from remediation.services.access import is_manager, is_worker, require_manager, require_worker
from remediation.services.alerts import tell_brand, tell_workers
from remediation.services.timeline import cap_event_record

Status = CorrectiveActionPlan.Status


@dataclass(frozen=True)
class Transition:
    may: Callable[[CorrectiveActionPlan, Membership], bool]
    require: Callable[[CorrectiveActionPlan, Membership], None]
    sources: tuple[str, ...]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "start": Transition(
        is_worker, require_worker, (Status.OPEN, Status.RETURNED), Status.IN_PROGRESS
    ),
    "submit": Transition(is_worker, require_worker, (Status.IN_PROGRESS,), Status.SUBMITTED),
    "verify": Transition(is_manager, require_manager, (Status.SUBMITTED,), Status.VERIFIED),
    "return": Transition(is_manager, require_manager, (Status.SUBMITTED,), Status.RETURNED),
    "cancel": Transition(
        is_manager, require_manager, CorrectiveActionPlan.OPEN_STATES, Status.CANCELLED
    ),
}


def check_transition(cap: CorrectiveActionPlan, action: str, by: Membership) -> None:
    """Raise what taking ``action`` now would answer: 403 for the role, 409 for the
    state. Used by the services and by the API's availability answers."""
    transition = TRANSITIONS[action]
    transition.require(cap, by)
    if cap.status not in transition.sources:
        raise StateConflict(
            _("A CAP that is %(status)s cannot be %(action)s.")
            % {"status": cap.get_status_display().lower(), "action": ACTION_PAST[action]}
        )


ACTION_PAST = {
    "start": _("started"),
    "submit": _("submitted"),
    "verify": _("verified"),
    "return": _("returned"),
    "cancel": _("cancelled"),
}


def locked(cap: CorrectiveActionPlan) -> CorrectiveActionPlan:
    return (
        CorrectiveActionPlan.objects.select_for_update(of=("self",))
        .select_related("facility", "finding__audit")
        .get(pk=cap.pk)
    )


def _move(cap: CorrectiveActionPlan, action: str, by: Membership, note: str = "") -> None:
    before = cap.status
    cap.status = TRANSITIONS[action].target
    cap.save()
    cap_event_record(
        cap=cap, action=action, by=by, from_status=before, to_status=cap.status, note=note
    )


@transaction.atomic
def cap_start(*, cap: CorrectiveActionPlan, by: Membership) -> CorrectiveActionPlan:
    cap = locked(cap)
    check_transition(cap, "start", by)
    cap.started_at = cap.started_at or timezone.now()
    _move(cap, "start", by)
    return cap


def submit_blockers(cap: CorrectiveActionPlan) -> list[str]:
    """What is missing before the CAP can be submitted (empty when nothing is)."""
    missing = []
    if not cap.root_causes.exists():
        missing.append(_("Record at least one root cause."))
    if not cap.actions.filter(kind=CapAction.Kind.PREVENTIVE).exists():
        missing.append(_("Plan at least one preventive action, so the problem does not return."))
    return missing


@transaction.atomic
def cap_submit(*, cap: CorrectiveActionPlan, by: Membership) -> CorrectiveActionPlan:
    """The supplier sends the plan and its evidence for verification."""
    cap = locked(cap)
    check_transition(cap, "submit", by)
    missing = submit_blockers(cap)
    if missing:
        raise StateConflict(" ".join(missing))
    cap.submitted_at = timezone.now()
    _move(cap, "submit", by)
    tell_brand(cap, _("Submitted for verification"))
    return cap


@transaction.atomic
def cap_verify(
    *,
    cap: CorrectiveActionPlan,
    by: Membership,
    note: str = "",
    follow_up_audit: Audit | None = None,
) -> CorrectiveActionPlan:
    """The brand confirms the fix: evidence is required, and for a follow-up-audit
    verification the final follow-up audit of the facility that saw it. The finding
    is then resolved, so a later audit finding it again makes a repeat."""
    cap = locked(cap)
    check_transition(cap, "verify", by)
    if not cap.evidence.exists():
        raise StateConflict(_("There is no evidence to verify yet; return the CAP to ask for it."))
    if cap.verification_method == CorrectiveActionPlan.Verification.FOLLOW_UP_AUDIT:
        original = cap.finding.audit
        if (
            follow_up_audit is None
            or follow_up_audit.facility_id != cap.facility_id
            or not follow_up_audit.is_final
            or follow_up_audit.start_date <= original.start_date
            or follow_up_audit.pk == original.pk
        ):
            raise ValidationError(
                {
                    "follow_up_audit": _(
                        "This CAP is verified by a follow-up audit: choose the final audit "
                        "of this facility, after %(date)s, that checked the fix."
                    )
                    % {"date": original.start_date}
                }
            )
        cap.follow_up_audit = follow_up_audit
    cap.verified_at = timezone.now()
    cap.verified_by = by.user
    cap.verification_note = note.strip()
    _move(cap, "verify", by, note=note.strip())
    finding_resolve(finding=cap.finding)
    tell_workers(cap, _("Verified"), note.strip())
    return cap


@transaction.atomic
def cap_return(*, cap: CorrectiveActionPlan, by: Membership, reason: str) -> CorrectiveActionPlan:
    """The brand sends the plan back with what is missing."""
    cap = locked(cap)
    check_transition(cap, "return", by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is missing, so the supplier can fix it.")})
    cap.return_reason = reason.strip()
    _move(cap, "return", by, note=reason.strip())
    tell_workers(cap, _("Returned to you"), reason.strip())
    return cap


@transaction.atomic
def cap_cancel(*, cap: CorrectiveActionPlan, by: Membership, reason: str) -> CorrectiveActionPlan:
    cap = locked(cap)
    check_transition(cap, "cancel", by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the CAP is cancelled.")})
    cap.cancel_reason = reason.strip()
    _move(cap, "cancel", by, note=reason.strip())
    tell_workers(cap, _("Cancelled"), reason.strip())
    return cap
