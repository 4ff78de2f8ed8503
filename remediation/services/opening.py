"""Opening CAPs when an audit is finalized, marking fixes that did not hold, and
keeping each plan's copy of its finding's category and severity.

Runs on ``audits.signals.audit_finalized`` (after the audit's commit). Idempotent: a
finding that already has its CAP is left alone, so a repeated announcement opens
nothing twice. ``audits.signals.finding_amended`` (inside the amendment's
transaction) copies an amended finding's category and severity again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, Finding
from laws.taxonomy import FindingCategory, Severity
from remediation.models import CapEvent, CorrectiveActionPlan
from suppliers.signals import facility_facts_changed

Verification = CorrectiveActionPlan.Verification

# Wages and hours are verified against at least two months of new records on site
# (domain notes §2, [30]); zero-tolerance and critical findings always on site.
FOLLOW_UP_CATEGORIES = frozenset({FindingCategory.WAGE, FindingCategory.HOURS})
FOLLOW_UP_SEVERITIES = frozenset({Severity.ZERO_TOLERANCE, Severity.CRITICAL})


def verification_method_for(finding: Finding) -> str:
    if finding.category in FOLLOW_UP_CATEGORIES or finding.severity in FOLLOW_UP_SEVERITIES:
        return Verification.FOLLOW_UP_AUDIT
    return Verification.DESK_REVIEW


@transaction.atomic
def caps_open_for_audit(*, audit_id: str) -> list[CorrectiveActionPlan]:
    """One CAP per finding that is not an observation, owned by the commissioning
    brand, due when the finding is due. Returns the CAPs opened by this call."""
    audit = Audit.objects.select_for_update().get(pk=audit_id)
    if not audit.is_final:
        return []
    findings = list(
        Finding.objects.filter(audit=audit, cap__isnull=True).non_conformities().order_by("number")
    )
    caps = CorrectiveActionPlan.objects.bulk_create(
        [
            CorrectiveActionPlan(
                finding=finding,
                brand_id=audit.brand_id,
                facility_id=audit.facility_id,
                category=finding.category,
                severity=finding.severity,
                due_date=finding.due_date,
                verification_method=verification_method_for(finding),
            )
            for finding in findings
        ]
    )
    CapEvent.objects.bulk_create(
        [
            CapEvent(
                cap=cap,
                action="opened",
                to_status=CorrectiveActionPlan.Status.OPEN,
                actor_id=audit.finalized_by_id,
                actor_organization_id=audit.brand_id,
                note=_("Opened when the audit was finalized."),
            )
            for cap in caps
        ]
    )
    _mark_not_sustained(audit)
    if caps:
        # Plans past due from the start count on the scorecard (a backdated audit).
        facility_facts_changed.send(sender=CorrectiveActionPlan, facility_ids=[audit.facility_id])
    return caps


def _mark_not_sustained(audit: Audit) -> None:
    """The verified CAPs of the earlier findings this audit found again."""
    earlier = CorrectiveActionPlan.objects.filter(
        finding__repeats__audit=audit,
        status=CorrectiveActionPlan.Status.VERIFIED,
        not_sustained_at__isnull=True,
    ).select_related("finding__audit")
    now = timezone.now()
    for cap in earlier:
        cap.not_sustained_at = now
        cap.save(update_fields=["not_sustained_at"])
        CapEvent.objects.create(
            cap=cap,
            action="not_sustained",
            actor_id=audit.finalized_by_id,
            actor_organization_id=audit.brand_id,
            note=_("Found again by the audit of %(date)s.") % {"date": audit.start_date},
        )


def cap_follow_finding(*, finding_id: str) -> int:
    """Copy a finding's category and severity onto its CAP again after a final
    finding was amended; returns how many plans it wrote (0 or 1). Runs inside the
    amendment's transaction, so the plan never disagrees with its finding."""
    finding = Finding.objects.filter(pk=finding_id)
    # One UPDATE reading the finding as it now is, whatever the amendment changed.
    return CorrectiveActionPlan.objects.filter(finding_id=finding_id).update(
        category=Subquery(finding.values("category")),
        severity=Subquery(finding.values("severity")),
    )


def on_audit_finalized(sender: Any, *, audit_id: str, **kwargs: Any) -> None:
    caps_open_for_audit(audit_id=audit_id)


def on_finding_amended(sender: Any, *, finding_id: str, **kwargs: Any) -> None:
    cap_follow_finding(finding_id=finding_id)
