"""The work on a CAP: root causes, actions, evidence, comments, due dates and
requests for more time. Each write checks who may make it on this CAP and that the
plan is still being worked on; the first piece of work starts an open plan."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csr_platform.errors import StateConflict
from csr_platform.models import Membership
from remediation.models import (
    CapAction,
    Comment,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.root_causes import CATEGORY_CODES, PURCHASING_CODES, PURCHASING_PRACTICE
from remediation.services.access import require_commenter, require_manager, require_worker
from remediation.services.alerts import tell_brand, tell_workers
from remediation.services.evidence_files import evidence_file_type
from remediation.services.timeline import cap_event_record
from remediation.services.transitions import locked

Status = CorrectiveActionPlan.Status
EDITABLE = (Status.OPEN, Status.IN_PROGRESS, Status.RETURNED)
MAX_WHYS = 7


def _workable(cap: CorrectiveActionPlan, by: Membership) -> CorrectiveActionPlan:
    """Lock the CAP for a piece of work; an open or returned plan starts with it."""
    cap = locked(cap)
    require_worker(cap, by)
    if cap.status not in EDITABLE:
        raise StateConflict(
            _("The CAP is %(status)s; its plan can no longer be changed.")
            % {"status": cap.get_status_display().lower()}
        )
    if cap.status != Status.IN_PROGRESS:
        before = cap.status
        cap.status = Status.IN_PROGRESS
        cap.started_at = cap.started_at or timezone.now()
        cap.save(update_fields=["status", "started_at", "updated_at"])
        cap_event_record(cap=cap, action="start", by=by, from_status=before, to_status=cap.status)
    return cap


# --- Root causes --------------------------------------------------------------------


def _clean_whys(raw: Any) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise ValidationError({"whys": _("Give the chain of whys as a list.")})
    chain = []
    for step in raw:
        if not isinstance(step, dict):
            raise ValidationError({"whys": _("Each step needs a why and its answer.")})
        why = str(step.get("why", "")).strip()
        because = str(step.get("because", "")).strip()
        if why or because:
            if not (why and because):
                raise ValidationError({"whys": _("Each step needs a why and its answer.")})
            chain.append({"why": why[:500], "because": because[:500]})
    if len(chain) > MAX_WHYS:
        raise ValidationError({"whys": _("Keep the chain to %(max)s whys.") % {"max": MAX_WHYS}})
    return chain


@transaction.atomic
def root_cause_add(
    *,
    cap: CorrectiveActionPlan,
    by: Membership,
    method: str,
    category: str,
    cause: str,
    whys: Any = None,
    purchasing_code: str = "",
) -> RootCause:
    """Record a root cause. Five whys need at least two whys answered; a
    purchasing-practice cause names which practice (BP_…)."""
    cap = _workable(cap, by)
    errors: dict[str, str] = {}
    if method not in RootCause.Method.values:
        errors["method"] = _("Choose five whys or fishbone.")
    if category not in CATEGORY_CODES:
        errors["category"] = _("Choose a root-cause category.")
    if category == PURCHASING_PRACTICE and purchasing_code not in PURCHASING_CODES:
        errors["purchasing_code"] = _("Say which of the buyer's purchasing practices caused it.")
    if category != PURCHASING_PRACTICE:
        purchasing_code = ""
    if not cause.strip():
        errors["cause"] = _("Write the root cause.")
    if errors:
        raise ValidationError(errors)
    chain = _clean_whys(whys or [])
    if method == RootCause.Method.FIVE_WHYS and len(chain) < 2:
        raise ValidationError(
            {"whys": _("Ask why at least twice, until a cause the site can act on.")}
        )
    if method == RootCause.Method.FISHBONE:
        chain = []
    root_cause = RootCause.objects.create(
        cap=cap,
        method=method,
        category=category,
        purchasing_code=purchasing_code,
        whys=chain,
        cause=cause.strip(),
        created_by=by.user,
    )
    cap_event_record(cap=cap, action="root_cause_added", by=by, note=root_cause.cause[:300])
    return root_cause


@transaction.atomic
def root_cause_delete(*, root_cause: RootCause, by: Membership) -> None:
    cap = _workable(root_cause.cap, by)
    cap_event_record(cap=cap, action="root_cause_removed", by=by, note=root_cause.cause[:300])
    root_cause.delete()


# --- Actions ------------------------------------------------------------------------

ACTION_FIELDS = ("kind", "description", "owner", "due_date", "status", "completed_on")


def _clean_action(action: CapAction) -> None:
    if action.status == CapAction.Status.DONE and action.completed_on is None:
        action.completed_on = timezone.localdate()
    if action.status != CapAction.Status.DONE:
        action.completed_on = None
    action.full_clean(exclude=["cap", "created_by"], validate_constraints=False)


@transaction.atomic
def action_add(*, cap: CorrectiveActionPlan, by: Membership, **values: Any) -> CapAction:
    cap = _workable(cap, by)
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    action = CapAction(cap=cap, created_by=by.user, **values)
    _clean_action(action)
    action.save()
    cap_event_record(
        cap=cap,
        action="action_added",
        by=by,
        note=f"{action.get_kind_display()}: {action.description[:250]}",
    )
    return action


@transaction.atomic
def action_update(*, action: CapAction, by: Membership, **values: Any) -> CapAction:
    cap = _workable(action.cap, by)
    action = CapAction.objects.select_for_update().get(pk=action.pk)
    unknown = set(values) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    before = action.status
    for name, value in values.items():
        setattr(action, name, value)
    _clean_action(action)
    action.save()
    if action.status != before:
        cap_event_record(
            cap=cap,
            action="action_status",
            by=by,
            from_status=before,
            to_status=action.status,
            note=action.description[:300],
        )
    return action


@transaction.atomic
def action_delete(*, action: CapAction, by: Membership) -> None:
    cap = _workable(action.cap, by)
    cap_event_record(cap=cap, action="action_removed", by=by, note=action.description[:300])
    action.delete()


# --- Evidence -----------------------------------------------------------------------


@transaction.atomic
def evidence_add(
    *,
    cap: CorrectiveActionPlan,
    by: Membership,
    file: Any,
    description: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
    action: CapAction | None = None,
) -> Evidence:
    """Store a checked file (nothing is stored if a check fails)."""
    cap = _workable(cap, by)
    kind = evidence_file_type(file)
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("A document cannot expire before it is issued.")})
    if action is not None and action.cap_id != cap.pk:
        raise ValidationError({"action": _("Choose an action of this CAP.")})
    name = str(getattr(file, "name", "") or f"evidence.{kind.extension}").rsplit("/", 1)[-1]
    evidence = Evidence(
        cap=cap,
        action=action,
        file_name=name[:200],
        content_type=kind.content_type,
        size=file.size,
        description=description.strip()[:300],
        valid_from=valid_from,
        valid_until=valid_until,
        uploaded_by=by.user,
    )
    # A random stored name: the original one is kept for display and download only.
    evidence.file.save(f"{uuid.uuid4().hex}.{kind.extension}", File(file), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    cap_event_record(cap=cap, action="evidence_added", by=by, note=evidence.file_name)
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: Membership) -> None:
    cap = _workable(evidence.cap, by)
    cap_event_record(cap=cap, action="evidence_removed", by=by, note=evidence.file_name)
    stored = evidence.file
    evidence.delete()
    transaction.on_commit(lambda: stored.delete(save=False))


# --- Comments -----------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, cap: CorrectiveActionPlan, by: Membership, body: str, internal: bool = False
) -> Comment:
    """Anyone who sees the CAP (brand viewers aside) comments; only a brand writes
    internal comments, seen by that brand alone."""
    require_commenter(by)
    if internal and not by.is_brand:
        raise ValidationError({"internal": _("Only a brand keeps internal comments.")})
    if not body.strip():
        raise ValidationError({"body": _("Write the comment.")})
    comment = Comment.objects.create(
        cap=cap,
        organization_id=by.organization_id,
        author=by.user,
        body=body.strip()[:10_000],
        internal=internal,
    )
    cap_event_record(
        cap=cap,
        action="internal_comment" if internal else "comment",
        by=by,
        note=comment.body[:300],
        only_for=by.organization if internal else None,
    )
    return comment


# --- Due dates and extensions -------------------------------------------------------


def _future(day: Any, field: str) -> date:
    if not isinstance(day, date):
        raise ValidationError({field: _("Enter a date.")})
    if day <= timezone.localdate():
        raise ValidationError({field: _("Choose a date after today.")})
    return day


@transaction.atomic
def cap_set_due_date(
    *, cap: CorrectiveActionPlan, by: Membership, due_date: Any, reason: str = ""
) -> CorrectiveActionPlan:
    cap = locked(cap)
    require_manager(cap, by)
    if not cap.is_open:
        raise StateConflict(_("A closed CAP has no due date to change."))
    new = _future(due_date, "due_date")
    before = cap.due_date
    cap.due_date = new
    cap.save(update_fields=["due_date", "updated_at"])
    cap_event_record(
        cap=cap,
        action="due_date",
        by=by,
        from_status=str(before or ""),
        to_status=str(new),
        note=reason.strip(),
    )
    return cap


@transaction.atomic
def extension_request(
    *, cap: CorrectiveActionPlan, by: Membership, due_date: Any, reason: str
) -> ExtensionRequest:
    """The supplier asks for more time, saying why; one request at a time."""
    cap = locked(cap)
    require_worker(cap, by)
    if cap.status not in EDITABLE:
        raise StateConflict(_("More time can be asked for only while the CAP is being worked on."))
    new = _future(due_date, "due_date")
    if cap.due_date and new <= cap.due_date:
        raise ValidationError({"due_date": _("Ask for a date after the current due date.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why more time is needed.")})
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                cap=cap,
                requested_due_date=new,
                previous_due_date=cap.due_date,
                reason=reason.strip(),
                requested_by=by.user,
            )
    except IntegrityError:
        raise StateConflict(_("A request for more time is already awaiting a decision.")) from None
    cap_event_record(
        cap=cap,
        action="extension_requested",
        by=by,
        from_status=str(cap.due_date or ""),
        to_status=str(new),
        note=extension.reason[:300],
    )
    tell_brand(
        cap,
        _("More time asked for, until %(date)s") % {"date": new},
        extension.reason,
    )
    return extension


@transaction.atomic
def extension_decide(
    *, extension: ExtensionRequest, by: Membership, approve: bool, note: str = ""
) -> ExtensionRequest:
    """The brand approves (the due date moves; the old one stays on the timeline) or
    declines (with a note)."""
    cap = locked(extension.cap)
    require_manager(cap, by)
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise StateConflict(_("This request was already decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why more time is not given.")})
    extension.status = (
        ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.DECLINED
    )
    extension.decided_by = by.user
    extension.decided_at = timezone.now()
    extension.decision_note = note.strip()
    extension.save()
    before = cap.due_date
    if approve:
        cap.due_date = extension.requested_due_date
        cap.save(update_fields=["due_date", "updated_at"])
    cap_event_record(
        cap=cap,
        action="extension_approved" if approve else "extension_declined",
        by=by,
        from_status=str(before or ""),
        to_status=str(cap.due_date or ""),
        note=note.strip(),
    )
    if approve:
        tell_workers(cap, _("More time given, until %(date)s") % {"date": cap.due_date}, note)
    else:
        tell_workers(cap, _("More time declined"), note.strip())
    return extension
