"""Recording an audit, attaching the auditor's report, finalizing, and amending a final
audit. Final audits are read-only: a change after finalizing is an explicit, recorded
amendment with a reason."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, AuditAmendment, Finding
from audits.services.policy import severity_policy_for
from audits.services.recurrence import findings_mark_repeats
from audits.signals import audit_finalized
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from suppliers.models import Facility, SourcingRelationship
from suppliers.services.screenings_evidence import DOCX, PDF, evidence_type_of
from suppliers.services.timeline import facility_event_record

AUDIT_FIELDS = (
    "audit_type",
    "scheme",
    "reference",
    "audit_firm",
    "lead_auditor",
    "start_date",
    "end_date",
    "announcement",
    "workers_interviewed",
    "summary",
)
# The audit's dates fix which law version each finding cites; they are not amended.
AMENDABLE_AUDIT_FIELDS = tuple(f for f in AUDIT_FIELDS if f not in ("start_date", "end_date"))
MAX_REPORT_BYTES = 20 * 1024 * 1024


def require_recorder(audit: Audit, by: Membership) -> None:
    """Only the commissioning brand's admins and CSR staff write to an audit; a brand
    it is shared with reads it (403, never 404: it can see the audit)."""
    if audit.brand_id != by.organization_id:
        raise ActionForbidden(_("This audit was shared with you to read; only its brand edits it."))
    if not by.can(Capability.RECORD_AUDIT):
        raise ActionForbidden(_("Your role does not record audits."))


def require_draft(audit: Audit) -> None:
    if audit.is_final:
        raise StateConflict(
            _("The audit is final and read-only; record an amendment with a reason instead.")
        )


def _validated(audit: Audit) -> None:
    # The date-order constraint is checked below with an answer that names the field
    # (full_clean would report it under "__all__"); the database still enforces it.
    audit.full_clean(
        exclude=["facility", "brand", "report_file", "created_by", "finalized_by"],
        validate_constraints=False,
    )
    if audit.end_date < audit.start_date:
        raise ValidationError({"end_date": _("The last day cannot be before the first day.")})
    if audit.end_date > timezone.localdate():
        raise ValidationError({"end_date": _("An audit is recorded once it has taken place.")})


def _relationship(audit: Audit) -> SourcingRelationship | None:
    return SourcingRelationship.objects.filter(
        brand_id=audit.brand_id, facility_id=audit.facility_id
    ).first()


@transaction.atomic
def audit_create(*, by: Membership, facility: Facility, **values: Any) -> Audit:
    """Record a draft audit of a facility the brand sources from (or vets)."""
    if not by.can(Capability.RECORD_AUDIT):
        raise ActionForbidden(_("Your role does not record audits."))
    if (
        not by.is_brand
        or not SourcingRelationship.objects.filter(
            brand_id=by.organization_id, facility=facility
        ).exists()
    ):
        raise ValidationError({"facility": _("Add the facility to your suppliers first.")})
    unknown = set(values) - set(AUDIT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    audit = Audit(facility=facility, brand_id=by.organization_id, created_by=by.user, **values)
    _validated(audit)
    audit.save()
    return audit


@transaction.atomic
def audit_update(*, audit: Audit, by: Membership, **values: Any) -> Audit:
    """Change a draft audit. Changing its dates re-resolves the law version each
    finding cites (the version in force on the new first day)."""
    require_recorder(audit, by)
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_draft(audit)
    unknown = set(values) - set(AUDIT_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in sorted(unknown)})
    old_start = audit.start_date
    for name, value in values.items():
        setattr(audit, name, value)
    _validated(audit)
    audit.save()
    if audit.start_date != old_start:
        from audits.services.findings import findings_resolve_law_versions

        findings_resolve_law_versions(audit=audit)
    return audit


@transaction.atomic
def audit_delete(*, audit: Audit, by: Membership) -> None:
    require_recorder(audit, by)
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    require_draft(audit)
    audit.observations.all().delete()
    audit.findings.all().delete()
    audit.delete()


def _checked_report(upload: Any) -> str:
    """The report's extension if it is a PDF or Word document by content and ≤ 20 MB."""
    if upload.size > MAX_REPORT_BYTES:
        raise ValidationError(
            {"report_file": _("The report is larger than 20 MB; upload a smaller file.")}
        )
    found = evidence_type_of(upload)
    if found not in (PDF, DOCX):
        raise ValidationError(
            {"report_file": _("Upload the report as a PDF or Word (.docx) document.")}
        )
    return found.extension


@transaction.atomic
def audit_attach_report(*, audit: Audit, by: Membership, upload: Any) -> Audit:
    """Store the auditor's report file. On a final audit this is recorded as an
    amendment (the report often arrives after the findings were entered)."""
    require_recorder(audit, by)
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    extension = _checked_report(upload)
    old_name = audit.report_file_name
    name = str(getattr(upload, "name", "") or f"report.{extension}")[-200:]
    audit.report_file.save(f"{audit.pk}.{extension}", File(upload), save=False)
    audit.report_file_name = name
    audit.save(update_fields=["report_file", "report_file_name"])
    if audit.is_final:
        AuditAmendment.objects.create(
            audit=audit,
            reason=_("Auditor's report attached."),
            changes={"report_file": {"from": old_name, "to": name}},
            by=by.user,
        )
    return audit


@transaction.atomic
def audit_finalize(*, audit: Audit, by: Membership) -> Audit:
    """Freeze the audit, give each finding its due date from the brand's severity
    policy (counted from the last day on site), link repeats of fixes that did not
    hold, and announce ``audit_finalized`` after commit."""
    require_recorder(audit, by)
    audit = Audit.objects.select_for_update().select_related("facility").get(pk=audit.pk)
    require_draft(audit)
    policy = severity_policy_for(audit.brand_id)
    findings = list(audit.findings.all())
    for finding in findings:
        finding.due_date = policy.due_date(finding.severity, counted_from=audit.end_date)
    Finding.objects.bulk_update(findings, ["due_date"])
    audit.status = Audit.Status.FINAL
    audit.finalized_at = timezone.now()
    audit.finalized_by = by.user
    audit.save(update_fields=["status", "finalized_at", "finalized_by"])
    repeats = findings_mark_repeats(audit=audit)
    facility_event_record(
        facility=audit.facility,
        relationship=_relationship(audit),
        action="audit_finalized",
        actor=by.user,
        note=_("%(audit)s: %(findings)s findings, %(repeats)s repeats")
        % {"audit": audit, "findings": len(findings), "repeats": repeats},
    )
    audit_id = str(audit.pk)
    transaction.on_commit(lambda: audit_finalized.send(sender=Audit, audit_id=audit_id))
    return audit


def _change_log(instance: Any, changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def plain(value: Any) -> Any:
        if isinstance(value, date):
            return value.isoformat()
        if hasattr(value, "pk"):
            return str(value.pk)
        return value

    return {
        name: {"from": plain(getattr(instance, name)), "to": plain(value)}
        for name, value in changes.items()
        if getattr(instance, name) != value
    }


@transaction.atomic
def audit_amend(*, audit: Audit, by: Membership, reason: str, **changes: Any) -> AuditAmendment:
    """Correct a final audit, keeping who changed what, when and why."""
    require_recorder(audit, by)
    audit = Audit.objects.select_for_update().get(pk=audit.pk)
    if not audit.is_final:
        raise StateConflict(_("A draft audit is edited directly; amendments are for final audits."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the final audit is being corrected.")})
    unknown = set(changes) - set(AMENDABLE_AUDIT_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be amended.") for name in sorted(unknown)}
        )
    log = _change_log(audit, changes)
    if not log:
        raise ValidationError(_("Nothing would change."))
    for name, value in changes.items():
        setattr(audit, name, value)
    _validated(audit)
    audit.save()
    return AuditAmendment.objects.create(
        audit=audit, reason=reason.strip(), changes=log, by=by.user
    )
