"""Recurrence: a problem found again after its fix was verified.

When an audit is finalized, each of its findings (observations aside) is a repeat of
the latest earlier finding at the same facility in the same category whose fix was
verified (status resolved) — and, when both cite a law, of the same rule (country,
topic, scope), whichever version of it each cites, so a repeat survives a change of
the law. Earlier findings come from audits the brand can read: its own and those
shared with it. A finding still open earlier is not a repeat: that problem was never
fixed, so no fix failed to hold.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audits.models import Audit, AuditShare, Finding


def _rule_of(finding: Finding) -> tuple[str, str, str] | None:
    requirement = finding.requirement
    if requirement is None:
        return None
    return (str(requirement.country), requirement.topic, requirement.scope)


def findings_mark_repeats(*, audit: Audit) -> int:
    """Link this final audit's findings to the fixes they undo; returns how many.
    Marks each earlier finding's fix as not sustained. Runs inside the caller's
    transaction; two queries and one update per repeat."""
    findings = list(
        audit.findings.non_conformities().select_related("requirement").order_by("number")
    )
    if not findings:
        return 0
    shared_with_brand = Exists(
        AuditShare.objects.filter(
            audit_id=OuterRef("audit_id"), brand_id=audit.brand_id, status=AuditShare.Status.ACTIVE
        )
    )
    earlier = list(
        Finding.objects.filter(
            Q(audit__brand_id=audit.brand_id) | shared_with_brand,
            audit__facility_id=audit.facility_id,
            audit__status=Audit.Status.FINAL,
            audit__start_date__lt=audit.start_date,
            status=Finding.Status.RESOLVED,
            category__in={f.category for f in findings},
        )
        .exclude(audit_id=audit.pk)
        .select_related("requirement")
        .order_by("-audit__start_date", "-number")
    )
    repeats = 0
    now = timezone.now()
    for finding in findings:
        rule = _rule_of(finding)
        match = next(
            (
                e
                for e in earlier
                if e.category == finding.category
                and (rule is None or _rule_of(e) is None or _rule_of(e) == rule)
            ),
            None,
        )
        if match is None:
            continue
        finding.repeat_of = match
        finding.save(update_fields=["repeat_of"])
        if match.not_sustained_at is None:
            Finding.objects.filter(pk=match.pk).update(not_sustained_at=now)
        repeats += 1
    return repeats
