"""Opening CAPs when an audit is finalized, and marking fixes that did not hold.

Runs on ``audits.signals.audit_finalized`` (after the audit's commit). Idempotent: a
finding that already has its CAP is left alone, so a repeated announcement opens
nothing twice.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, Finding
from laws.taxonomy import FindingCategory, Severity
from remediation.models import CapEvent, CorrectiveActionPlan

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


def on_audit_finalized(sender: Any, *, audit_id: str, **kwargs: Any) -> None:
    caps_open_for_audit(audit_id=audit_id)
