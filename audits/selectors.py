"""Reads over audits that several pages, the API and reports share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from audits.models import Audit, Finding
from laws.taxonomy import Severity


@dataclass(frozen=True)
class RepeatRate:
    """Repeat findings among the non-conformities of final audits."""

    repeats: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if not self.total else round(100 * self.repeats / self.total, 1)


def repeat_rate(findings: QuerySet[Finding]) -> RepeatRate:
    """How many of ``findings`` (observations aside, final audits only) repeat a fix
    that did not hold; counted by the database in one query."""
    counts = (
        findings.filter(audit__status=Audit.Status.FINAL)
        .exclude(severity=Severity.OBSERVATION)
        .aggregate(total=Count("pk"), repeats=Count("pk", filter=Q(repeat_of__isnull=False)))
    )
    return RepeatRate(repeats=counts["repeats"], total=counts["total"])


def with_finding_counts(audits: QuerySet[Audit]) -> QuerySet[Audit]:
    """Annotate ``findings_count``, ``zero_tolerance_count`` and ``repeat_count`` in
    the same query. Subqueries rather than a join and GROUP BY, so the rows, their
    ordering and a paginator's count stay those of plain audits."""
    return audits.annotate(
        findings_count=_findings_of_audit(),
        zero_tolerance_count=_findings_of_audit(severity=Severity.ZERO_TOLERANCE),
        repeat_count=_findings_of_audit(repeat_of__isnull=False),
    )


def _findings_of_audit(**conditions: Any) -> Coalesce:
    """How many findings of the outer audit meet ``conditions``."""
    counted = (
        Finding.objects.filter(audit=OuterRef("pk"), **conditions)
        .order_by()
        .values("audit")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)
