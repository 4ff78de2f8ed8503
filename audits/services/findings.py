"""Recording findings on an audit.

Every finding is validated the same way whoever records it (a person, the import, an
accepted law-check suggestion): taxonomy category, severity ladder, the law version in
force on the audit date in the facility's country, and the brand's own code clause.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, AuditAmendment, Finding, Observation
from audits.services.alerts import alert_zero_tolerance
from audits.services.audits import _change_log, require_draft, require_recorder
from audits.services.policy import severity_policy_for
from audits.signals import finding_amended
from csr_platform.errors import StateConflict
from csr_platform.models import Membership
from laws.models import CodeClause, Requirement
from laws.selectors import version_on
from laws.taxonomy import Severity

FINDING_FIELDS = (
    "category",
    "severity",
    "description",
    "scheme_reference",
    "workers_affected",
    "extent",
    "evidence",
    "requirement",
    "code_clause",
)


CHECKED_ELSEWHERE = ["audit", "number", "created_by", "repeat_of", "requirement", "code_clause"]


def requirement_for_audit(audit: Audit, requirement: Requirement | None) -> Requirement | None:
    """The version of ``requirement``'s rule in force on the audit's first day, in the
    facility's country. Raises ``ValidationError`` when there is none."""
    if requirement is None:
        return None
    if str(requirement.country) != str(audit.facility.country):
        raise ValidationError(
            {"requirement": _("This requirement is not from the facility's country.")}
        )
    version = version_on(requirement, audit.start_date)
    if version is None:
        raise ValidationError(
            {
                "requirement": _("This rule was not in force on %(date)s, the audit date.")
                % {"date": audit.start_date}
            }
        )
    return version


def _check_clause(audit: Audit, clause: CodeClause | None) -> None:
    if clause is not None and clause.brand_id != audit.brand_id:
        raise ValidationError({"code_clause": _("Choose a clause of your own code of conduct.")})


def finding_build(*, audit: Audit, values: dict[str, Any]) -> Finding:
    """A validated, unsaved finding (no number yet). ``values['requirement']`` may be
    any version of the rule; the one in force on the audit date is kept."""
    unknown = set(values) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    values = dict(values)
    values["requirement"] = requirement_for_audit(audit, values.get("requirement"))
    _check_clause(audit, values.get("code_clause"))
    finding = Finding(audit=audit, number=1, **values)
    # Field rules only: the foreign keys were resolved above and the constraints hold
    # by construction, so an import of 10,000 rows does not query once per row.
    finding.full_clean(exclude=CHECKED_ELSEWHERE, validate_unique=False, validate_constraints=False)
    return finding


def findings_save(
    *, audit: Audit, findings: Sequence[Finding], by: Membership, source: str
) -> list[Finding]:
    """Number and store built findings in one insert; alert zero tolerance once.
    The caller holds the audit's row lock."""
    last = audit.findings.aggregate(last=Max("number"))["last"] or 0
    for offset, finding in enumerate(findings, start=1):
        finding.number = last + offset
        finding.created_by = by.user
        finding.source = source
    saved = Finding.objects.bulk_create(findings, batch_size=1000)
    alert_zero_tolerance(audit=audit, findings=saved)
    return saved


def _locked_draft(audit: Audit, by: Membership) -> Audit:
    require_recorder(audit, by)
    locked = Audit.objects.select_for_update().select_related("facility").get(pk=audit.pk)
    require_draft(locked)
    return locked


@transaction.atomic
def finding_create(
    *, audit: Audit, by: Membership, source: str = Finding.Source.MANUAL, **values: Any
) -> Finding:
    audit = _locked_draft(audit, by)
    finding = finding_build(audit=audit, values=values)
    return findings_save(audit=audit, findings=[finding], by=by, source=source)[0]


@transaction.atomic
def finding_update(*, finding: Finding, by: Membership, **values: Any) -> Finding:
    """Change a finding of a draft audit."""
    audit = _locked_draft(finding.audit, by)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    unknown = set(values) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    was_zero_tolerance = finding.severity == Severity.ZERO_TOLERANCE
    if "requirement" in values:
        values["requirement"] = requirement_for_audit(audit, values["requirement"])
    _check_clause(audit, values.get("code_clause"))
    for name, value in values.items():
        setattr(finding, name, value)
    finding.full_clean(exclude=CHECKED_ELSEWHERE, validate_unique=False, validate_constraints=False)
    finding.save()
    if not was_zero_tolerance:
        alert_zero_tolerance(audit=audit, findings=[finding])
    return finding


@transaction.atomic
def finding_delete(*, finding: Finding, by: Membership) -> None:
    """Remove a finding from a draft audit; a law-check suggestion it came from is
    open for a decision again."""
    _locked_draft(finding.audit, by)
    Observation.objects.filter(finding=finding).update(
        finding=None,
        suggestion=Observation.Suggestion.PENDING,
        decided_by=None,
        decided_at=None,
    )
    finding.delete()


AMENDABLE_FINDING_FIELDS = FINDING_FIELDS


@transaction.atomic
def finding_amend(
    *, finding: Finding, by: Membership, reason: str, **changes: Any
) -> AuditAmendment:
    """Correct a finding of a final audit with a recorded reason. A new severity gets
    the due date the brand's policy gives it."""
    audit = finding.audit
    require_recorder(audit, by)
    audit = Audit.objects.select_for_update().select_related("facility").get(pk=audit.pk)
    if not audit.is_final:
        raise StateConflict(_("A finding of a draft audit is edited directly."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the final finding is being corrected.")})
    unknown = set(changes) - set(AMENDABLE_FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if "requirement" in changes:
        changes["requirement"] = requirement_for_audit(audit, changes["requirement"])
    _check_clause(audit, changes.get("code_clause"))
    log = _change_log(finding, changes)
    if not log:
        raise ValidationError(_("Nothing would change."))
    was_zero_tolerance = finding.severity == Severity.ZERO_TOLERANCE
    for name, value in changes.items():
        setattr(finding, name, value)
    if "severity" in log:
        policy = severity_policy_for(audit.brand_id)
        finding.due_date = policy.due_date(finding.severity, counted_from=audit.end_date)
    finding.full_clean(exclude=CHECKED_ELSEWHERE, validate_unique=False, validate_constraints=False)
    finding.save()
    finding_amended.send(sender=Finding, finding_id=str(finding.pk))
    if not was_zero_tolerance:
        alert_zero_tolerance(audit=audit, findings=[finding])
    return AuditAmendment.objects.create(
        audit=audit, finding=finding, reason=reason.strip(), changes=log, by=by.user
    )


def findings_resolve_law_versions(*, audit: Audit) -> None:
    """After a draft audit's date changed: each finding cites the version in force on
    the new date (all or none)."""
    findings = list(audit.findings.filter(requirement__isnull=False).select_related("requirement"))
    errors = []
    for finding in findings:
        version = version_on(finding.requirement, audit.start_date)  # type: ignore[arg-type]
        if version is None:
            errors.append(
                _("%(finding)s cites a rule not in force on %(date)s.")
                % {"finding": finding.label, "date": audit.start_date}
            )
        finding.requirement = version
    if errors:
        raise ValidationError({"start_date": errors})
    Finding.objects.bulk_update(findings, ["requirement"])


@transaction.atomic
def finding_resolve(*, finding: Finding) -> Finding:
    """Record that the finding's fix was verified (called by remediation). A later
    audit that finds the same problem again makes it a repeat."""
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.status != Finding.Status.RESOLVED:
        finding.status = Finding.Status.RESOLVED
        finding.resolved_at = timezone.now()
        finding.save(update_fields=["status", "resolved_at"])
    return finding


@transaction.atomic
def finding_law_reviewed(*, finding: Finding, by: Membership, note: str = "") -> Finding:
    """Someone checked a finding against the new version of the law it cites."""
    require_recorder(finding.audit, by)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if not finding.law_review_needed:
        raise StateConflict(_("This finding is not waiting for a law review."))
    AuditAmendment.objects.create(
        audit_id=finding.audit_id,
        finding=finding,
        reason=note.strip() or _("Reviewed against the new version of the law."),
        changes={"law_review_needed": {"from": True, "to": False}},
        by=by.user,
    )
    finding.law_review_needed = False
    finding.save(update_fields=["law_review_needed"])
    return finding
