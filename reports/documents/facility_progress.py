"""The facility progress report: one facility's profile, its scorecard (brand
readers only), findings, CAPs, root causes, the last twelve months and the public
conversation on its CAPs.

Everything is read through ``visible_to(viewpoint)``: a brand reads its own audits
and CAPs and those shared with it; a supplier reads every brand's final audits and
CAPs on its own facility. Brand-internal content (scorecards, purchasing practices,
risk notes) is gathered for a brand reader only, and internal comments or their
timeline events for no one: a report travels beyond the team that made it.

A fixed number of queries whatever the facility's history: counts are ``GROUP BY``
aggregates, lists are sliced (with a window count of all the rows), and nothing is
read per row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.db.models import Count, Model, OuterRef, Q, QuerySet, Subquery, Window
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audits.models import Audit, Finding
from audits.selectors import with_finding_counts
from csr_platform.models import Membership
from laws.taxonomy import Severity
from remediation.models import CapEvent, Comment, CorrectiveActionPlan, RootCause
from remediation.root_causes import CAUSE_CATEGORIES
from remediation.selectors import overdue_days, purchasing_causes
from remediation.views.cap_pages import EVENT_LABELS
from reports.dashboards import (
    CAP_SEVERITIES,
    CATEGORY_LABELS,
    OPEN_STATES,
    PRACTICE_LABELS,
    SEVERITY_LABELS,
    Tally,
)
from reports.documents.months import MonthActivity, last_months, monthly_counts, window
from reports.scorecards import Scorecard, attach_history, compute_scorecards, scored_relationships
from suppliers.models import Certification, Facility, SourcingRelationship

# Rows of each list: what a reader takes in on a page or two; the counts above each
# list say how many there are in all.
AUDITS_SHOWN = 10
OVERDUE_SHOWN = 50
REPEATS_SHOWN = 20
EVENTS_SHOWN = 12
COMMENTS_SHOWN = 10
# Events worth a line in a progress report: where a plan moved on (or back), not
# every root cause, action or upload recorded along the way.
NOTABLE_EVENTS: tuple[str, ...] = (
    "submit",
    "verify",
    "return",
    "cancel",
    "not_sustained",
    "extension_approved",
)
M = TypeVar("M", bound=Model)
CAUSE_LABELS: dict[str, Any] = dict(CAUSE_CATEGORIES)
CAP_STATUS_LABELS: dict[str, Any] = dict(CorrectiveActionPlan.Status.choices)


@dataclass(frozen=True)
class FindingCount:
    """Findings of one severity or category: still open, and in all."""

    key: str
    label: str
    open: int
    total: int


@dataclass(frozen=True)
class OverdueCap:
    cap: CorrectiveActionPlan
    days: int


@dataclass(frozen=True)
class Event:
    """A line of the recent timeline: an audit closed on site, or a CAP moving on."""

    day: date
    what: str
    detail: str


@dataclass
class FacilityProgress:
    facility: Facility
    on: date
    for_brand: bool
    certifications: list[Certification]
    relationship: SourcingRelationship | None
    scorecard: Scorecard | None
    audits: list[Audit]
    audits_total: int
    by_severity: list[FindingCount]
    by_category: list[FindingCount]
    observations: int
    cap_statuses: list[Tally]
    caps_total: int
    caps_open: int
    overdue: list[OverdueCap]
    overdue_total: int
    repeats: list[Finding]
    repeats_total: int
    root_causes: list[Tally]
    # None for a supplier reader: the brand's purchasing practices are its own matter.
    practices: list[Tally] | None
    months: list[MonthActivity]
    events: list[Event]
    comments: list[Comment]
    comments_total: int
    # What reports.documents.render draws: SVG markup by name, and the scorecard's
    # components each with its bar.
    charts: dict[str, Any] = field(default_factory=dict)

    @property
    def open_findings(self) -> int:
        return sum(row.open for row in self.by_severity)

    @property
    def total_findings(self) -> int:
        return sum(row.total for row in self.by_severity)


def gather_facility_progress(
    *, viewpoint: Membership, facility: Facility | None, on: date
) -> FacilityProgress:
    """Read everything the report shows, as ``viewpoint`` sees it on ``on``.
    Raises ``ValueError`` when there is no facility or the viewpoint does not see it."""
    if not (viewpoint.is_brand or viewpoint.is_supplier):
        raise ValueError(_("Facility progress reports are for brands and suppliers."))
    if facility is None:
        raise ValueError(_("Choose the facility the report is about."))
    found = (
        Facility.objects.visible_to(viewpoint)
        .select_related("supplier")
        .filter(pk=facility.pk)
        .first()
    )
    if found is None:
        raise ValueError(_("That facility is not one of yours."))
    facility = found
    for_brand = viewpoint.is_brand

    findings = Finding.objects.visible_to(viewpoint).filter(
        audit__facility=facility, audit__status=Audit.Status.FINAL
    )
    caps = CorrectiveActionPlan.objects.visible_to(viewpoint).filter(facility=facility)
    by_severity, by_category, observations = _finding_counts(findings)
    cap_statuses, caps_open, overdue_total = _cap_counts(caps, on)
    audits, audits_total = _audits(viewpoint, facility)
    overdue = most_overdue(caps, on)
    repeats, repeats_total = _repeats(viewpoint, findings)
    comments, comments_total = _comments(viewpoint, facility)
    return FacilityProgress(
        facility=facility,
        on=on,
        for_brand=for_brand,
        certifications=list(Certification.objects.filter(facility=facility).order_by("name")),
        relationship=_relationship(viewpoint, facility) if for_brand else None,
        scorecard=_scorecard(viewpoint, facility, on) if for_brand else None,
        audits=audits,
        audits_total=audits_total,
        by_severity=by_severity,
        by_category=by_category,
        observations=observations,
        cap_statuses=cap_statuses,
        caps_total=sum(tally.count for tally in cap_statuses),
        caps_open=caps_open,
        overdue=overdue,
        overdue_total=overdue_total,
        repeats=repeats,
        repeats_total=repeats_total,
        root_causes=_root_causes(viewpoint, facility),
        practices=_practices(viewpoint, facility) if for_brand else None,
        months=_months(findings, caps, on),
        events=_events(viewpoint, facility, on),
        comments=comments,
        comments_total=comments_total,
    )


def _relationship(viewpoint: Membership, facility: Facility) -> SourcingRelationship | None:
    return (
        SourcingRelationship.objects.visible_to(viewpoint)
        .filter(facility=facility)
        .select_related("sourcing_owner__user")
        .first()
    )


def _scorecard(viewpoint: Membership, facility: Facility, on: date) -> Scorecard | None:
    """The brand's scorecard of the facility with its last 12 monthly snapshots;
    ``None`` when the relationship is not scored (rejected, exited)."""
    cards = compute_scorecards(
        viewpoint, scored_relationships(viewpoint).filter(facility_id=facility.pk), on=on
    )
    attach_history(viewpoint, cards)
    return cards[0] if cards else None


def _finding_counts(findings: Any) -> tuple[list[FindingCount], list[FindingCount], int]:
    """One GROUP BY (category, severity): the non-conformities by severity (every
    severity, none found included) and by category (those found, most first), and
    how many observations there were."""
    rows = (
        findings.order_by()
        .values("category", "severity")
        .annotate(total=Count("pk"), open=Count("pk", filter=Q(status=Finding.Status.OPEN)))
    )
    open_by: dict[str, Counter[str]] = {"severity": Counter(), "category": Counter()}
    total_by: dict[str, Counter[str]] = {"severity": Counter(), "category": Counter()}
    observations = 0
    for row in rows:
        if row["severity"] == Severity.OBSERVATION:
            observations += row["total"]
            continue
        for key in ("severity", "category"):
            open_by[key][row[key]] += row["open"]
            total_by[key][row[key]] += row["total"]
    by_severity = [
        FindingCount(
            key,
            str(SEVERITY_LABELS[key]),
            open_by["severity"][key],
            total_by["severity"][key],
        )
        for key in CAP_SEVERITIES
    ]
    by_category = sorted(
        (
            FindingCount(key, str(CATEGORY_LABELS.get(key, key)), open_by["category"][key], total)
            for key, total in total_by["category"].items()
        ),
        key=lambda row: (-row.open, -row.total, row.label),
    )
    return by_severity, by_category, observations


def _cap_counts(caps: Any, on: date) -> tuple[list[Tally], int, int]:
    """One aggregate: CAPs per status (in the order a plan moves), open and overdue."""
    Status = CorrectiveActionPlan.Status
    counts = caps.order_by().aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Status.values},
        overdue=Count("pk", filter=Q(status__in=OPEN_STATES, due_date__lt=on)),
    )
    statuses = [Tally(status, str(CAP_STATUS_LABELS[status]), counts[status]) for status in Status]
    caps_open = sum(counts[status] for status in OPEN_STATES)
    return statuses, caps_open, counts["overdue"]


def listed(rows: QuerySet[M], limit: int) -> tuple[list[M], int]:
    """The first ``limit`` of ``rows`` and how many there are in all, in one query:
    a window count over the same rows, taken before the limit applies."""
    shown = list(rows.annotate(listed_total=Window(Count("pk")))[:limit])
    return shown, (getattr(shown[0], "listed_total", 0) if shown else 0)


def _audits(viewpoint: Membership, facility: Facility) -> tuple[list[Audit], int]:
    audits = with_finding_counts(
        Audit.objects.visible_to(viewpoint).filter(facility=facility, status=Audit.Status.FINAL)
    )
    return listed(audits.select_related("brand").order_by("-end_date", "-created_at"), AUDITS_SHOWN)


def most_overdue(caps: QuerySet[CorrectiveActionPlan], on: date) -> list[OverdueCap]:
    """The open ``caps`` longest past their due date on ``on``, most overdue first."""
    rows = (
        caps.filter(status__in=OPEN_STATES, due_date__lt=on)
        .select_related("finding", "brand", "facility")
        .order_by("due_date", "created_at", "pk")[:OVERDUE_SHOWN]
    )
    return [OverdueCap(cap, overdue_days(cap, on)) for cap in rows]


def _repeats(viewpoint: Membership, findings: Any) -> tuple[list[Finding], int]:
    """The latest repeat findings, each with the last day on site of the audit that
    found the problem the first time — when the reader sees that audit too."""
    earlier = Finding.objects.visible_to(viewpoint).filter(pk=OuterRef("repeat_of_id"))
    rows = (
        findings.filter(repeat_of__isnull=False)
        .exclude(severity=Severity.OBSERVATION)
        .annotate(first_found=Subquery(earlier.values("audit__end_date")[:1]))
        .select_related("audit")
        .order_by("-audit__end_date", "number", "pk")
    )
    return listed(rows, REPEATS_SHOWN)


def _root_causes(viewpoint: Membership, facility: Facility) -> list[Tally]:
    """CAPs per root-cause category (a plan naming two causes of one category counts
    once), cancelled plans aside, most first."""
    rows = (
        RootCause.objects.visible_to(viewpoint)
        .filter(cap__facility=facility)
        .exclude(cap__status=CorrectiveActionPlan.Status.CANCELLED)
        .order_by()
        .values("category")
        .annotate(caps=Count("cap", distinct=True))
        .order_by("-caps", "category")
    )
    return [
        Tally(row["category"], str(CAUSE_LABELS.get(row["category"], row["category"])), row["caps"])
        for row in rows
    ]


def _practices(viewpoint: Membership, facility: Facility) -> list[Tally]:
    """The brand's own purchasing practices named as root causes at this facility,
    CAPs per code (as on the purchasing-practices page)."""
    rows = (
        purchasing_causes(viewpoint)
        .filter(cap__facility=facility)
        .order_by()
        .values("purchasing_code")
        .annotate(caps=Count("cap", distinct=True))
        .order_by("-caps", "purchasing_code")
    )
    return [
        Tally(
            row["purchasing_code"],
            str(PRACTICE_LABELS.get(row["purchasing_code"], row["purchasing_code"])),
            row["caps"],
        )
        for row in rows
    ]


def _months(findings: Any, caps: Any, on: date) -> list[MonthActivity]:
    """Per month of the last twelve: non-conformities found and CAPs verified."""
    first, since, until = window(on)
    raised = monthly_counts(
        findings.exclude(severity=Severity.OBSERVATION).filter(
            audit__end_date__gte=first, audit__end_date__lte=on
        ),
        "audit__end_date",
    )
    verified = monthly_counts(
        caps.filter(
            status=CorrectiveActionPlan.Status.VERIFIED,
            verified_at__gte=since,
            verified_at__lt=until,
        ),
        "verified_at",
    )
    return [
        MonthActivity(month, raised.get(month, 0), verified.get(month, 0))
        for month in last_months(on)
    ]


def _events(viewpoint: Membership, facility: Facility, on: date) -> list[Event]:
    """The latest audits and CAP milestones of the last twelve months, newest first.
    Events only one organization may see (internal comments) are never printed."""
    first, since, until = window(on)
    audits = (
        with_finding_counts(
            Audit.objects.visible_to(viewpoint).filter(
                facility=facility,
                status=Audit.Status.FINAL,
                end_date__gte=first,
                end_date__lte=on,
            )
        )
        .select_related("brand")
        .order_by("-end_date", "-created_at")[:EVENTS_SHOWN]
    )
    cap_events = (
        CapEvent.objects.visible_to(viewpoint)
        .filter(
            cap__facility=facility,
            action__in=NOTABLE_EVENTS,
            only_for__isnull=True,
            created_at__gte=since,
            created_at__lt=until,
        )
        .select_related("cap__finding")
        .order_by("-created_at", "pk")[:EVENTS_SHOWN]
    )
    events = [
        Event(
            audit.end_date,
            _("%(scheme)s audit for %(brand)s")
            % {
                "scheme": audit.get_scheme_display(),
                "brand": audit.brand.name,
            },
            ngettext(
                "%(count)d finding, %(zero)d zero tolerance",
                "%(count)d findings, %(zero)d zero tolerance",
                audit.findings_count,  # type: ignore[attr-defined]
            )
            % {
                "count": audit.findings_count,  # type: ignore[attr-defined]
                "zero": audit.zero_tolerance_count,  # type: ignore[attr-defined]
            },
        )
        for audit in audits
    ]
    for event in cap_events:
        finding = event.cap.finding
        events.append(
            Event(
                timezone.localtime(event.created_at).date(),
                str(EVENT_LABELS.get(event.action, event.action)),
                f"{finding.label} {CATEGORY_LABELS.get(finding.category, finding.category)}"
                + (f" — {_shorten(event.note)}" if event.note else ""),
            )
        )
    events.sort(key=lambda event: event.day, reverse=True)
    return events[:EVENTS_SHOWN]


def _comments(viewpoint: Membership, facility: Facility) -> tuple[list[Comment], int]:
    """The latest comments everyone on the CAP reads. ``internal=False`` on top of
    ``visible_to``: a brand sees its own internal comments on its pages, but a report
    is passed on, so they stay out of it for every reader."""
    rows = (
        Comment.objects.visible_to(viewpoint)
        .filter(cap__facility=facility, internal=False)
        .select_related("author", "organization", "cap__finding")
        .order_by("-created_at", "pk")
    )
    return listed(rows, COMMENTS_SHOWN)


def _shorten(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
