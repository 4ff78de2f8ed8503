"""Observations: what the auditor measured, checked against the law in force on the
audit date (and the brand's code of conduct). A breach becomes a suggested finding
with the requirement and a plain explanation filled in; a person accepts it (the
finding is created) or dismisses it with a reason."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, Finding, Observation
from audits.services.audits import require_draft, require_recorder
from audits.services.findings import finding_build, findings_save
from csr_platform.errors import StateConflict
from csr_platform.models import Membership
from laws.checks import MEASURE_KEYS, law_check
from laws.models import CodeClause

Suggestion = Observation.Suggestion


def _check(observation: Observation) -> None:
    """Fill the observation's suggestion from the law check."""
    audit = observation.audit
    result = law_check(
        country=str(audit.facility.country),
        on=audit.start_date,
        measured={observation.metric: observation.value},
        clauses=CodeClause.objects.filter(brand_id=audit.brand_id),
        wage_scope=observation.wage_scope,
    )
    breach = next((b for b in result.breaches if b.measure == observation.metric), None)
    observation.requirement = breach.requirement if breach else None
    observation.code_clause = breach.clause if breach else None
    observation.suggested_category = breach.category if breach else ""
    observation.suggested_severity = breach.severity if breach else ""
    observation.explanation = breach.explanation if breach else ""
    if breach is not None:
        observation.suggestion = Suggestion.PENDING
    elif observation.metric in result.not_checked:
        observation.suggestion = Suggestion.NOT_CHECKED
    else:
        observation.suggestion = Suggestion.NONE


def _value(raw: Any) -> Decimal:
    try:
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ValidationError({"value": _("Enter a number.")}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({"value": _("Enter a number of zero or more.")})
    return value


def _locked_draft(audit: Audit, by: Membership) -> Audit:
    require_recorder(audit, by)
    locked = Audit.objects.select_for_update().select_related("facility").get(pk=audit.pk)
    require_draft(locked)
    return locked


@transaction.atomic
def observation_record(
    *,
    audit: Audit,
    by: Membership,
    metric: str,
    value: Any,
    wage_scope: str = "",
    note: str = "",
) -> Observation:
    """Record (or replace) the value measured for ``metric`` and check it."""
    audit = _locked_draft(audit, by)
    if metric not in MEASURE_KEYS:
        raise ValidationError({"metric": _("Choose one of the measures the law check knows.")})
    observation = Observation.objects.filter(audit=audit, metric=metric).first()
    if observation is not None and observation.suggestion == Suggestion.ACCEPTED:
        raise StateConflict(
            _("A finding was made from this measure; delete that finding to re-measure.")
        )
    observation = observation or Observation(audit=audit, metric=metric, created_by=by.user)
    observation.audit = audit
    observation.value = _value(value)
    observation.wage_scope = wage_scope.strip()
    observation.note = note
    observation.decided_by = None
    observation.decided_at = None
    _check(observation)
    observation.save()
    return observation


@transaction.atomic
def observation_delete(*, observation: Observation, by: Membership) -> None:
    _locked_draft(observation.audit, by)
    if observation.finding_id is not None:
        raise StateConflict(_("A finding was made from this measure; delete that finding first."))
    observation.delete()


@transaction.atomic
def observation_accept(*, observation: Observation, by: Membership, **overrides: Any) -> Finding:
    """Turn the suggestion into a finding; ``overrides`` may change its severity,
    description, workers affected or extent (the law reference stays)."""
    audit = _locked_draft(observation.audit, by)
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.suggestion != Suggestion.PENDING:
        raise StateConflict(_("There is no suggested finding waiting for a decision."))
    allowed = {"severity", "description", "workers_affected", "extent", "evidence"}
    unknown = set(overrides) - allowed
    if unknown:
        raise ValidationError({name: _("This cannot be changed here.") for name in sorted(unknown)})
    values: dict[str, Any] = {
        "category": observation.suggested_category,
        "severity": observation.suggested_severity,
        "description": observation.explanation,
        "requirement": observation.requirement,
        "code_clause": observation.code_clause,
        **{k: v for k, v in overrides.items() if v not in (None, "")},
    }
    finding = finding_build(audit=audit, values=values)
    finding = findings_save(
        audit=audit, findings=[finding], by=by, source=Finding.Source.LAW_CHECK
    )[0]
    observation.finding = finding
    observation.suggestion = Suggestion.ACCEPTED
    observation.decided_by = by.user
    observation.decided_at = timezone.now()
    observation.save(update_fields=["finding", "suggestion", "decided_by", "decided_at"])
    return finding


@transaction.atomic
def observation_dismiss(*, observation: Observation, by: Membership, reason: str) -> Observation:
    """Decline the suggested finding, saying why (kept in the note)."""
    _locked_draft(observation.audit, by)
    observation = Observation.objects.select_for_update().get(pk=observation.pk)
    if observation.suggestion != Suggestion.PENDING:
        raise StateConflict(_("There is no suggested finding waiting for a decision."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the suggestion does not apply.")})
    observation.suggestion = Suggestion.DISMISSED
    observation.note = (observation.note + "\n" if observation.note else "") + _(
        "Dismissed: %(reason)s"
    ) % {"reason": reason.strip()}
    observation.decided_by = by.user
    observation.decided_at = timezone.now()
    observation.save(update_fields=["suggestion", "note", "decided_by", "decided_at"])
    return observation
