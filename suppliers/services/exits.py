"""Responsible exit: plan, sign-off, phase-down, completion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from suppliers.models import ExitPlan, ExitStep, SourcingRelationship
from suppliers.services.relationships import Decision, Status, _locked, _move, check_transition
from suppliers.services.timeline import facility_event_record

PLAN_FIELDS = (
    "reason",
    "remediation_attempts",
    "workers_affected",
    "outstanding_wages",
    "outstanding_currency",
    "outstanding_benefits",
    "worker_impact",
    "notice_period_days",
    "notice_given_on",
    "phase_down",
)


def _clean_phase_down(schedule: Any) -> list[dict[str, Any]]:
    """[{"date": "YYYY-MM-DD", "percent": 0–100}, …] in date order, volumes not rising."""
    if not isinstance(schedule, list):
        raise ValidationError({"phase_down": [_("A list of dates and order volumes.")]})
    steps: list[tuple[str, int]] = []
    for item in schedule:
        raw: dict[str, Any] = item if isinstance(item, dict) else {}
        day = parse_date(str(raw.get("date", "")))
        try:
            percent = int(str(raw.get("percent", "")))
        except ValueError:
            percent = -1
        if day is None or not 0 <= percent <= 100:
            raise ValidationError(
                {"phase_down": [_("Each step needs a date and a volume from 0 to 100 %.")]}
            )
        steps.append((day.isoformat(), percent))
    steps.sort()
    rows = [{"date": day, "percent": percent} for day, percent in steps]
    volumes = [percent for _day, percent in steps]
    if volumes != sorted(volumes, reverse=True):
        raise ValidationError({"phase_down": [_("Order volumes only go down during an exit.")]})
    return rows


def _clean_plan(values: dict[str, Any]) -> dict[str, Any]:
    values = {k: v for k, v in values.items() if k in PLAN_FIELDS}
    if "reason" in values and not str(values["reason"]).strip():
        raise ValidationError({"reason": [_("Say why the relationship ends.")]})
    if "phase_down" in values:
        values["phase_down"] = _clean_phase_down(values["phase_down"] or [])
    wages = values.get("outstanding_wages")
    if (
        wages not in (None, "")
        and Decimal(str(wages)) > 0
        and not values.get("outstanding_currency")
    ):
        raise ValidationError({"outstanding_currency": [_("Give the currency of the wages owed.")]})
    return values


@transaction.atomic
def exit_plan_start(
    *,
    relationship: SourcingRelationship,
    by: Membership,
    steps: list[dict[str, Any]] | None = None,
    **plan: Any,
) -> ExitPlan:
    """CSR proposes an exit; it starts when a different person signs it off."""
    relationship = _locked(relationship)
    check_transition(relationship, "start_exit", by)
    if relationship.pending_decision:
        raise StateConflict(_("A decision is already waiting for sign-off."))
    values = _clean_plan(plan)
    if not values.get("reason"):
        raise ValidationError({"reason": [_("Say why the relationship ends.")]})
    exit_plan = ExitPlan.objects.create(relationship=relationship, created_by=by.user, **values)
    for order, step in enumerate(steps or []):
        exit_step_add(plan=exit_plan, by=by, order=order, **step)
    relationship.pending_decision = Decision.EXIT
    relationship.decided_by, relationship.decided_at = by.user, timezone.now()
    relationship.rationale = values["reason"]
    relationship.signed_off_by, relationship.signed_off_at = None, None
    relationship.save()
    facility_event_record(
        facility=relationship.facility,
        relationship=relationship,
        action="decided_exit",
        from_status=relationship.status,
        to_status=relationship.status,
        actor=by.user,
        note=values["reason"],
    )
    return exit_plan


def _open_plan(plan: ExitPlan, by: Membership) -> ExitPlan:
    """The plan, locked, if ``by`` may edit it and it is still open."""
    if not by.can(Capability.DECIDE_VETTING) or plan.relationship.brand_id != by.organization_id:
        raise ActionForbidden(_("Your role does not allow editing exit plans."))
    plan = (
        ExitPlan.objects.select_for_update()
        .select_related("relationship__facility")
        .get(pk=plan.pk)
    )
    if plan.status not in (ExitPlan.Status.PROPOSED, ExitPlan.Status.IN_PROGRESS):
        raise StateConflict(
            _("This exit plan is %(s)s.") % {"s": plan.get_status_display().lower()}
        )
    return plan


@transaction.atomic
def exit_plan_update(*, plan: ExitPlan, by: Membership, **changes: Any) -> ExitPlan:
    plan = _open_plan(plan, by)
    values = _clean_plan(changes)
    for key, value in values.items():
        setattr(plan, key, value)
    plan.save()
    return plan


@transaction.atomic
def exit_step_add(
    *,
    plan: ExitPlan,
    by: Membership,
    description: str,
    owner: str = "",
    due_on: date | str | None = None,
    order: int = 0,
) -> ExitStep:
    plan = _open_plan(plan, by)
    if not description.strip():
        raise ValidationError({"description": [_("Describe the step.")]})
    due = parse_date(due_on) if isinstance(due_on, str) and due_on else due_on or None
    return ExitStep.objects.create(
        plan=plan, description=description.strip(), owner=owner.strip(), due_on=due, order=order
    )


@transaction.atomic
def exit_step_done(*, step: ExitStep, by: Membership) -> ExitStep:
    plan = _open_plan(step.plan, by)
    if plan.status != ExitPlan.Status.IN_PROGRESS:
        raise StateConflict(_("Steps are done once the exit is signed off."))
    if step.done_at is None:
        step.done_at = timezone.now()
        step.save(update_fields=["done_at"])
    return step


@transaction.atomic
def exit_complete(
    *, relationship: SourcingRelationship, by: Membership, note: str = ""
) -> SourcingRelationship:
    """Every step done: the relationship is exited."""
    relationship = _locked(relationship)
    check_transition(relationship, "complete_exit", by)
    plan = ExitPlan.objects.filter(
        relationship=relationship, status=ExitPlan.Status.IN_PROGRESS
    ).first()
    if plan is None:
        raise StateConflict(_("There is no exit plan in progress."))
    open_steps = plan.steps.filter(done_at__isnull=True).count()
    if open_steps:
        raise StateConflict(
            _("%(n)s step(s) of the exit plan are not done yet.") % {"n": open_steps}
        )
    plan.status = ExitPlan.Status.COMPLETED
    plan.completed_at = timezone.now()
    plan.save(update_fields=["status", "completed_at"])
    return _move(relationship, to=Status.EXITED, action="exited", by=by, note=note)
