"""The programme summary: a brand's whole portfolio on a few pages — facilities by
relationship status, grade and country; CAP closure and the median days to close;
overdue CAPs; the top finding categories; repeat findings; the brand's purchasing
practices named as root causes; and the last twelve months.

Brand readers only. The numbers the dashboards already compute come from
:mod:`reports.dashboards` (so a report and the dashboard never disagree); what is
added here is read through ``visible_to`` the same way, in a fixed number of
queries whatever the size of the portfolio: counts are ``GROUP BY`` aggregates and
every list is sliced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _
from django_countries import countries

from audits.models import Audit, Finding
from csr_platform.models import Membership, Organization
from laws.taxonomy import Severity
from remediation.models import CorrectiveActionPlan
from reports.dashboards import (
    CAP_SEVERITIES,
    CATEGORY_LABELS,
    SEVERITY_LABELS,
    CsrDashboard,
    SourcingDashboard,
    Tally,
    csr_dashboard,
    sourcing_dashboard,
)
from reports.documents.facility_progress import OverdueCap, most_overdue
from reports.documents.months import MonthActivity, last_months, monthly_counts, window
from reports.models import ScorecardSnapshot
from reports.scorecards import UNSCORED_STATUSES
from suppliers.models import SourcingRelationship

CATEGORIES_SHOWN = 10
COUNTRIES_SHOWN = 15
RELATIONSHIP_LABELS: dict[str, Any] = dict(SourcingRelationship.Status.choices)


@dataclass(frozen=True)
class Closure:
    """CAPs of one severity (or all): opened, verified and cancelled, and the share
    of those not cancelled that were verified."""

    key: str
    label: str
    total: int
    verified: int
    cancelled: int

    @property
    def rate(self) -> float | None:
        counted = self.total - self.cancelled
        return None if counted <= 0 else round(100 * self.verified / counted, 1)


@dataclass(frozen=True)
class CategoryCount:
    """Non-conformities of one category in the brand's final audits: in all, in the
    last twelve months, and the CAPs of that category still open."""

    key: str
    label: str
    findings: int
    recent: int
    open_caps: int


@dataclass
class ProgramSummary:
    brand: Organization
    on: date
    statuses: list[Tally]
    relationships_total: int
    countries: list[Tally]
    other_countries: int
    csr: CsrDashboard
    sourcing: SourcingDashboard
    closure: list[Closure]
    overdue: list[OverdueCap]
    categories: list[CategoryCount]
    months: list[MonthActivity]
    # What reports.documents.render draws: SVG markup by name, and the closure
    # rows each with its bar.
    charts: dict[str, Any] = field(default_factory=dict)

    @property
    def closure_total(self) -> Closure:
        return Closure(
            "all",
            _("All severities"),
            sum(row.total for row in self.closure),
            sum(row.verified for row in self.closure),
            sum(row.cancelled for row in self.closure),
        )

    @property
    def overdue_total(self) -> int:
        return self.csr.overdue

    @property
    def facilities_current(self) -> int:
        """Relationships neither rejected nor exited: the facilities sourced from or
        being vetted (those the country table and the scorecards count)."""
        return sum(t.count for t in self.statuses if t.key not in UNSCORED_STATUSES)


def gather_program_summary(*, viewpoint: Membership, on: date) -> ProgramSummary:
    """Read everything the report shows, as the brand of ``viewpoint`` sees it on
    ``on``. Raises ``ValueError`` for a viewpoint that is not a brand's."""
    if not viewpoint.is_brand:
        raise ValueError(_("Only a brand can have the programme summary."))
    relationships = SourcingRelationship.objects.visible_to(viewpoint)
    statuses = _statuses(relationships)
    countries, other_countries = _countries(relationships)
    caps = CorrectiveActionPlan.objects.visible_to(viewpoint)
    csr = csr_dashboard(viewpoint, today=on)
    findings = (
        Finding.objects.visible_to(viewpoint)
        .filter(audit__status=Audit.Status.FINAL)
        .exclude(severity=Severity.OBSERVATION)
    )
    return ProgramSummary(
        brand=viewpoint.organization,
        on=on,
        statuses=statuses,
        relationships_total=sum(t.count for t in statuses),
        countries=countries,
        other_countries=other_countries,
        csr=csr,
        sourcing=sourcing_dashboard(viewpoint, today=on),
        closure=_closure(caps),
        overdue=most_overdue(caps, on),
        categories=_categories(findings, csr, on),
        months=_months(viewpoint, findings, caps, on),
    )


def _statuses(relationships: Any) -> list[Tally]:
    """Relationships per status, in the order a relationship moves; statuses without
    any left out."""
    counts = dict(
        relationships.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return [
        Tally(status, str(RELATIONSHIP_LABELS[status]), counts[status])
        for status in SourcingRelationship.Status.values
        if counts.get(status)
    ]


def _countries(relationships: Any) -> tuple[list[Tally], int]:
    """Current facilities (not rejected or exited) per country, most first: the top
    ones, and how many facilities are in the other countries."""
    rows = list(
        relationships.exclude(status__in=UNSCORED_STATUSES)
        .order_by()
        .values("facility__country")
        .annotate(n=Count("pk"))
        .order_by("-n", "facility__country")
    )
    shown = [
        Tally(
            str(row["facility__country"]), str(countries.name(row["facility__country"])), row["n"]
        )
        for row in rows[:COUNTRIES_SHOWN]
    ]
    return shown, sum(row["n"] for row in rows[COUNTRIES_SHOWN:])


def _closure(caps: Any) -> list[Closure]:
    """One GROUP BY severity over every CAP the brand sees."""
    Status = CorrectiveActionPlan.Status
    rows = {
        row["finding__severity"]: row
        for row in caps.order_by()
        .values("finding__severity")
        .annotate(
            total=Count("pk"),
            verified=Count("pk", filter=Q(status=Status.VERIFIED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        )
    }
    empty = {"total": 0, "verified": 0, "cancelled": 0}
    return [
        Closure(
            severity,
            str(SEVERITY_LABELS[severity]),
            rows.get(severity, empty)["total"],
            rows.get(severity, empty)["verified"],
            rows.get(severity, empty)["cancelled"],
        )
        for severity in CAP_SEVERITIES
    ]


def _categories(findings: Any, csr: CsrDashboard, on: date) -> list[CategoryCount]:
    """The categories with the most non-conformities, with the open CAPs the CSR
    dashboard counts for each."""
    first, _since, _until = window(on)
    open_caps = {tally.key: tally.count for tally in csr.by_category}
    rows = (
        findings.order_by()
        .values("category")
        .annotate(
            findings=Count("pk"),
            recent=Count("pk", filter=Q(audit__end_date__gte=first, audit__end_date__lte=on)),
        )
        .order_by("-findings", "category")[:CATEGORIES_SHOWN]
    )
    return [
        CategoryCount(
            row["category"],
            str(CATEGORY_LABELS.get(row["category"], row["category"])),
            row["findings"],
            row["recent"],
            open_caps.get(row["category"], 0),
        )
        for row in rows
    ]


def _months(viewpoint: Membership, findings: Any, caps: Any, on: date) -> list[MonthActivity]:
    """Per month of the last twelve: non-conformities found, CAPs verified and the
    average score of the month's scorecard snapshots (none for a month not closed)."""
    first, since, until = window(on)
    raised = monthly_counts(
        findings.filter(audit__end_date__gte=first, audit__end_date__lte=on), "audit__end_date"
    )
    verified = monthly_counts(
        caps.filter(
            status=CorrectiveActionPlan.Status.VERIFIED,
            verified_at__gte=since,
            verified_at__lt=until,
        ),
        "verified_at",
    )
    averages = dict(
        ScorecardSnapshot.objects.visible_to(viewpoint)
        .filter(month__gte=first, month__lte=on)
        .order_by()
        .values("month")
        .annotate(average=Avg("score"))
        .values_list("month", "average")
    )
    return [
        MonthActivity(
            month,
            raised.get(month, 0),
            verified.get(month, 0),
            None if averages.get(month) is None else round(float(averages[month]), 1),
        )
        for month in last_months(on)
    ]
