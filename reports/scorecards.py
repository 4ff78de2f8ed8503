"""Supplier scorecards: a score 0–100 and a grade A–E per brand and facility that
explains itself (DESIGN.md §3, issue #7).

The score starts from 100 and loses capped points per component: open findings
(weighted by severity and age), overdue CAPs, repeat findings, responsiveness (median
days from a CAP being opened to its plan being submitted), audit recency and the
vetting risk. Each component keeps the facts behind its points, so the page, the API
and a snapshot taken months ago all say in one sentence why it lost them.

Everything is computed *as of* a day (``on``, today by default): an audit counts from
its last day on site, a finding is open on that day unless resolved before it, a CAP
is overdue unless verified or cancelled before it. That lets a month's snapshot be
taken (or taken again) after the month is over and give the same numbers. The vetting
risk has no history: every day uses the risk score on record.

All facilities of a brand are scored in a constant number of queries: one for the
relationships, then one grouped aggregate per kind of fact (findings, overdue CAPs,
days to submit, last audit), each ``GROUP BY`` facility — never a query per facility.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Extract, Floor
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from audits.models import Audit, Finding
from csr_platform.models import Membership, Organization
from csr_platform.roles import Role
from laws.taxonomy import Severity
from remediation.models import CapEvent, CorrectiveActionPlan
from reports.models import ScorecardSnapshot
from suppliers.models import Facility, SourcingRelationship

# --- Weights ------------------------------------------------------------------------------
#
# The caps add up to 100, so a facility failing on every count scores 0. Open findings
# weigh most: they are the problems workers live with today. The weights per severity
# follow the platform's ladder: one zero-tolerance finding (child or forced labour, a
# locked exit) outweighs everything else put together but a repeat; critical findings
# are 8 points, so three of them cost more than one grade band.

# Points per open finding, by severity. Even numbers so that the age factor (×1.5) keeps
# every component a whole number of points that a reader can add up.
FINDING_POINTS: dict[str, int] = {
    Severity.ZERO_TOLERANCE: 20,
    Severity.CRITICAL: 8,
    Severity.MAJOR: 4,
    Severity.MINOR: 2,
}
SEVERITIES: tuple[str, ...] = tuple(FINDING_POINTS)
# A finding still open three months after the audit has outlived the deadline of a
# critical one and most major ones (SeverityPolicy defaults 30 and 90 days): it counts
# half as much again.
AGED_AFTER_DAYS = 90
AGED_NUMERATOR, AGED_DENOMINATOR = 3, 2
OPEN_FINDINGS_MAX = 40

# Each plan past its due date: the supplier is not keeping its own commitments.
OVERDUE_CAP_POINTS = 4
OVERDUE_CAPS_MAX = 15

# A repeat is a fix that did not hold — what this product exists to prevent — counted
# over two audit cycles (amfori A/B audits are valid two years, domain notes §2 [22]).
REPEAT_POINTS = 3
REPEATS_MAX = 15
REPEAT_WINDOW_MONTHS = 24

# Median days from a CAP being opened to its plan being submitted, over the plans
# submitted in the last 12 months: within a month is prompt (the critical deadline);
# beyond three months the major deadline has passed too.
RESPONSIVENESS_WINDOW_MONTHS = 12
RESPONSIVENESS_BANDS: tuple[tuple[int, int], ...] = ((30, 0), (60, 4), (90, 7))
RESPONSIVENESS_MAX = 10

# Audit recency: amfori asks for a follow-up within 12 months of a C–E result (domain
# notes §2 [22]); nothing the brand can see for 18 months means it is flying blind.
RECENT_AUDIT_MONTHS = 12
STALE_AUDIT_MONTHS = 18
AGEING_AUDIT_POINTS = 5
AUDIT_RECENCY_MAX = 10

# The vetting risk (0 low – 100 high, suppliers.services.risk) scaled to 10 points: it
# is an estimate from the country and the supplier's own answers, not an observation,
# so it weighs least.
VETTING_RISK_MAX = 10

# Grade bands: the unofficial amfori BSCI bands, A 86–100, B 71–85, C 51–70, D 30–50,
# E 0–29 (domain notes §2 [22]).
GRADE_BANDS: tuple[tuple[int, str], ...] = ((86, "A"), (71, "B"), (51, "C"), (30, "D"), (0, "E"))

# Relationships without a scorecard: a rejected prospect or an exited supplier is no
# longer sourced from, so ranking it among current suppliers would only add noise.
# Every other status is scored, prospects included (sourcing compares candidates too)
# and exiting suppliers (outstanding remediation, such as unpaid wages, still matters).
UNSCORED_STATUSES: tuple[str, ...] = (
    SourcingRelationship.Status.REJECTED,
    SourcingRelationship.Status.EXITED,
)

COMPONENT_LABELS: dict[str, Promise] = {
    "open_findings": gettext_lazy("Open findings"),
    "overdue_caps": gettext_lazy("Overdue CAPs"),
    "repeat_findings": gettext_lazy("Repeat findings"),
    "responsiveness": gettext_lazy("Responsiveness"),
    "audit_recency": gettext_lazy("Audit recency"),
    "vetting_risk": gettext_lazy("Vetting risk"),
}


def grade_for(score: int) -> str:
    return next(grade for floor, grade in GRADE_BANDS if score >= floor)


def month_start(day: date) -> date:
    return day.replace(day=1)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day when
    that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    first = date(year, month + 1, 1)
    following = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return first.replace(day=min(day.day, (following - timedelta(days=1)).day))


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# --- What a scorecard is ---------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One component: the points it takes off the score and the facts behind them."""

    key: str
    points: int
    max_points: int
    facts: dict[str, Any]

    @property
    def label(self) -> str:
        return str(COMPONENT_LABELS[self.key])

    @property
    def explanation(self) -> str:
        return EXPLANATIONS[self.key](self.facts, self.max_points)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "points": self.points,
            "max_points": self.max_points,
            "facts": self.facts,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Component:
        return cls(data["key"], data["points"], data["max_points"], data.get("facts", {}))


class _Scored:
    """Score, grade and trend of anything that holds components and the score of the
    last monthly snapshot: a full card, or the light row of a brand-wide scoring."""

    components: list[Component]
    previous_score: int | None

    @property
    def score(self) -> int:
        return max(0, 100 - sum(c.points for c in self.components))

    @property
    def grade(self) -> str:
        return grade_for(self.score)

    @property
    def trend(self) -> int | None:
        """Points gained (+) or lost (−) since the last monthly snapshot."""
        return None if self.previous_score is None else self.score - self.previous_score


@dataclass
class Scorecard(_Scored):
    relationship: SourcingRelationship
    on: date
    components: list[Component]
    previous_score: int | None = None
    previous_month: date | None = None
    history: list[ScorecardSnapshot] = field(default_factory=list)

    @property
    def facility(self) -> Facility:
        return self.relationship.facility


@dataclass(frozen=True)
class FacilityScore(_Scored):
    """One relationship's score without the rows it describes: what a brand-wide
    scoring (the stored current scorecards, the monthly snapshots) keeps of each."""

    relationship_id: UUID
    facility_id: UUID
    on: date
    components: list[Component]
    previous_score: int | None = None
    previous_month: date | None = None


# --- The computation ------------------------------------------------------------------------


def brand_viewpoint(brand: Organization) -> Membership:
    """What any member of ``brand`` sees, for reads that run without a request (the
    monthly snapshots). No role narrows which audits, findings and relationships a
    brand member sees, so an unsaved viewer seat reads through the very same
    ``visible_to`` rules as the pages and the API: those rules stay written once."""
    return Membership(organization=brand, role=Role.VIEWER, is_active=True)


def scored_relationships(viewpoint: Membership) -> QuerySet[SourcingRelationship]:
    """The relationships that have a scorecard: the brand's own, not rejected or exited.
    Empty for suppliers and partners: scorecards are brand-internal."""
    if not viewpoint.is_brand:
        return SourcingRelationship.objects.none()
    return (
        SourcingRelationship.objects.visible_to(viewpoint)
        .exclude(status__in=UNSCORED_STATUSES)
        .select_related("facility", "sourcing_owner__user")
    )


def compute_scorecards(
    viewpoint: Membership,
    relationships: QuerySet[SourcingRelationship],
    *,
    on: date | None = None,
) -> list[Scorecard]:
    """The scorecards of ``relationships`` (rows of ``viewpoint``'s brand, e.g. from
    :func:`scored_relationships`, filtered at will) as of ``on``, each with the score
    of the last monthly snapshot before ``on``'s month for the trend, and its
    relationship (with facility and sourcing owner) as a model.

    Five queries whatever the number of facilities: the relationships, then one
    grouped aggregate each for findings, overdue CAPs, days to submit and last audits.
    For a whole brand prefer :func:`score_relationships`: building thousands of
    relationship models costs more than scoring them.
    """
    on = on or timezone.localdate()
    rows = list(_with_previous(relationships, on))
    if not rows:
        return []
    facts = _Facts.gather(viewpoint, relationships.values("facility_id"), on)
    return [
        Scorecard(
            relationship=row,
            on=on,
            components=facts.components(row.facility_id, row.risk_score, row.risk_grade),
            previous_score=row.previous_score,
            previous_month=row.previous_month,
        )
        for row in rows
    ]


def score_relationships(
    viewpoint: Membership,
    relationships: QuerySet[SourcingRelationship],
    *,
    on: date | None = None,
) -> list[FacilityScore]:
    """The same scores as :func:`compute_scorecards`, in the same five queries, read
    as plain values: a brand's 5,000 relationships are scored in the time the
    aggregates take, with no model built (10 times cheaper than the models)."""
    on = on or timezone.localdate()
    rows = list(
        _with_previous(relationships, on).values(
            "pk", "facility_id", "risk_score", "risk_grade", "previous_score", "previous_month"
        )
    )
    if not rows:
        return []
    facts = _Facts.gather(viewpoint, relationships.values("facility_id"), on)
    return [
        FacilityScore(
            relationship_id=row["pk"],
            facility_id=row["facility_id"],
            on=on,
            components=facts.components(row["facility_id"], row["risk_score"], row["risk_grade"]),
            previous_score=row["previous_score"],
            previous_month=row["previous_month"],
        )
        for row in rows
    ]


def _with_previous(relationships: QuerySet[SourcingRelationship], on: date) -> QuerySet[Any]:
    """``relationships`` with the score and month of the last snapshot before ``on``'s
    month (the trend compares with it): ``previous_score`` and ``previous_month``."""
    previous = ScorecardSnapshot.objects.filter(
        brand_id=OuterRef("brand_id"),
        facility_id=OuterRef("facility_id"),
        month__lt=month_start(on),
    ).order_by("-month")
    return relationships.annotate(
        previous_score=Subquery(previous.values("score")[:1]),
        previous_month=Subquery(previous.values("month")[:1]),
    )


@dataclass(frozen=True)
class _Facts:
    """The facts of every facility asked for, one grouped aggregate per kind."""

    on: date
    findings: dict[UUID, dict[str, int]]
    overdue: dict[UUID, int]
    responsiveness: dict[UUID, tuple[float | None, int]]
    last_audits: dict[UUID, date]

    @classmethod
    def gather(cls, viewpoint: Membership, facility_ids: Any, on: date) -> _Facts:
        return cls(
            on=on,
            findings=_finding_counts(viewpoint, facility_ids, on),
            overdue=_overdue_caps(viewpoint, facility_ids, on),
            responsiveness=_median_days_to_submit(viewpoint, facility_ids, on),
            last_audits=_last_audits(viewpoint, facility_ids, on),
        )

    def components(
        self, facility_id: UUID, risk_score: int | None, risk_grade: str
    ) -> list[Component]:
        counts = self.findings.get(facility_id, {})
        median, plans = self.responsiveness.get(facility_id, (None, 0))
        return [
            _open_findings(counts),
            _overdue(self.overdue.get(facility_id, 0)),
            _repeats(counts.get("repeats", 0)),
            _responsiveness(median, plans),
            _audit_recency(self.last_audits.get(facility_id), self.on),
            _vetting_risk(risk_score, risk_grade),
        ]


def attach_history(viewpoint: Membership, cards: Sequence[Scorecard], *, months: int = 12) -> None:
    """Load the last ``months`` snapshots (oldest first) of each card, in one query."""
    if not cards:
        return
    on = cards[0].on
    since = months_before(month_start(on), months)
    snapshots = ScorecardSnapshot.objects.visible_to(viewpoint).filter(
        facility_id__in=[card.relationship.facility_id for card in cards],
        month__gte=since,
        month__lt=month_start(on),
    )
    by_facility: dict[UUID, list[ScorecardSnapshot]] = defaultdict(list)
    for snapshot in snapshots.order_by("month"):
        by_facility[snapshot.facility_id].append(snapshot)
    for card in cards:
        card.history = by_facility.get(card.relationship.facility_id, [])


def _findings_of(viewpoint: Membership, facility_ids: Any, on: date) -> QuerySet[Finding]:
    """Non-conformities of the final audits the brand sees (its own and those shared
    with it), found on or before ``on``. An audit counts from its last day on site:
    a report finalized weeks later still describes the site on those days."""
    return (
        Finding.objects.visible_to(viewpoint)
        .filter(
            audit__status=Audit.Status.FINAL,
            audit__end_date__lte=on,
            audit__facility_id__in=facility_ids,
        )
        .exclude(severity=Severity.OBSERVATION)
    )


def _finding_counts(
    viewpoint: Membership, facility_ids: Any, on: date
) -> dict[UUID, dict[str, int]]:
    open_then = Q(status=Finding.Status.OPEN) | Q(resolved_at__gte=end_of_day(on))
    aged = Q(audit__end_date__lt=on - timedelta(days=AGED_AFTER_DAYS))
    repeat_window = Q(
        repeat_of__isnull=False,
        audit__end_date__gt=months_before(on, REPEAT_WINDOW_MONTHS),
    )
    counts: dict[str, Any] = {"repeats": Count("pk", filter=repeat_window)}
    for severity in SEVERITIES:
        this = open_then & Q(severity=severity)
        counts[severity] = Count("pk", filter=this & ~aged)
        counts[f"{severity}_aged"] = Count("pk", filter=this & aged)
    rows = (
        _findings_of(viewpoint, facility_ids, on)
        # Only the rows some count takes: most findings are resolved and not recent
        # repeats, and dropping them before grouping saves a quarter of the query.
        .filter(open_then | repeat_window)
        .order_by()
        .values("audit__facility_id")
        .annotate(**counts)
    )
    by_facility: dict[UUID, dict[str, int]] = {}
    for row in rows:
        values: dict[str, Any] = dict(row)
        by_facility[values.pop("audit__facility_id")] = values
    return by_facility


def _overdue_caps(viewpoint: Membership, facility_ids: Any, on: date) -> dict[UUID, int]:
    """The brand's own CAPs (not those it joined as collaborator) past due on ``on``
    and not yet verified or cancelled then."""
    open_then = Q(status__in=CorrectiveActionPlan.OPEN_STATES)
    past_due = Q(brand_id=viewpoint.organization_id, facility_id__in=facility_ids, due_date__lt=on)
    if on < timezone.localdate():
        # Only a past day can have plans verified or cancelled after it, or audits
        # that ended after it (an audit is recorded once over, so none ends after
        # today). Asked about today, the OR keeps PostgreSQL from the (brand, status,
        # due date) index (it read all the brand's CAPs to drop 95%) and the audit's
        # date makes it join every finding.
        cutoff = end_of_day(on)
        cancelled_later = Exists(
            CapEvent.objects.filter(cap=OuterRef("pk"), action="cancel", created_at__gte=cutoff)
        )
        Status = CorrectiveActionPlan.Status
        open_then |= Q(status=Status.VERIFIED, verified_at__gte=cutoff) | Q(
            cancelled_later, status=Status.CANCELLED
        )
        past_due &= Q(finding__audit__end_date__lte=on)
    rows = (
        CorrectiveActionPlan.objects.filter(open_then, past_due)
        .order_by()
        .values("facility_id")
        .annotate(total=Count("pk"))
    )
    return {row["facility_id"]: row["total"] for row in rows}


class Median(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(0.5)``: the median."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def _median_days_to_submit(
    viewpoint: Membership, facility_ids: Any, on: date
) -> dict[UUID, tuple[float | None, int]]:
    """Per facility: the median of whole days from a CAP being opened to its plan
    being submitted (the last submission, after a return), over the brand's CAPs
    submitted in the 12 months up to ``on``; and how many plans that is."""
    cutoff = end_of_day(on)
    caps = CorrectiveActionPlan.objects.filter(
        brand_id=viewpoint.organization_id,
        facility_id__in=facility_ids,
        submitted_at__gte=end_of_day(months_before(on, RESPONSIVENESS_WINDOW_MONTHS)),
        submitted_at__lt=cutoff,
    )
    return dict(median_days(caps, group="facility_id", start="created_at", end="submitted_at"))


def median_days(
    rows: QuerySet[Any], *, group: str, start: str, end: str
) -> dict[Any, tuple[float, int]]:
    """Per value of ``group``: the median of whole days from ``start`` to ``end`` over
    ``rows``, and how many rows that is. One query: PostgreSQL computes the median
    (``percentile_cont``, :class:`Median`); elsewhere it is taken over the day
    counts of that one query, which the caller bounds (a year of one brand's CAPs)."""
    rows = rows.order_by()
    if connection.vendor == "postgresql":
        waited = ExpressionWrapper(F(end) - F(start), output_field=DurationField())
        days = Floor(Cast(Extract(waited, "epoch"), FloatField()) / 86400)
        grouped = rows.values(group).annotate(median=Median(days), plans=Count("pk"))
        return {row[group]: (float(row["median"]), row["plans"]) for row in grouped}
    spans: dict[Any, list[int]] = defaultdict(list)
    for key, started, ended in rows.values_list(group, start, end):
        if started is not None and ended is not None:
            spans[key].append(int((ended - started).total_seconds() // 86400))
    return {key: (float(statistics.median(days)), len(days)) for key, days in spans.items()}


def _last_audits(viewpoint: Membership, facility_ids: Any, on: date) -> dict[UUID, date]:
    rows = (
        Audit.objects.visible_to(viewpoint)
        .filter(status=Audit.Status.FINAL, end_date__lte=on, facility_id__in=facility_ids)
        .order_by()
        .values("facility_id")
        .annotate(last=Max("end_date"))
    )
    return {row["facility_id"]: row["last"] for row in rows}


# --- Points per component -----------------------------------------------------------------


def _open_findings(counts: dict[str, int]) -> Component:
    raw = 0
    facts: dict[str, Any] = {}
    aged_total = 0
    for severity in SEVERITIES:
        fresh, aged = counts.get(severity, 0), counts.get(f"{severity}_aged", 0)
        facts[severity] = fresh + aged
        aged_total += aged
        weight = FINDING_POINTS[severity]
        raw += fresh * weight + aged * weight * AGED_NUMERATOR // AGED_DENOMINATOR
    facts["aged"] = aged_total
    facts["uncapped_points"] = raw
    return Component("open_findings", min(raw, OPEN_FINDINGS_MAX), OPEN_FINDINGS_MAX, facts)


def _overdue(count: int) -> Component:
    return Component(
        "overdue_caps",
        min(count * OVERDUE_CAP_POINTS, OVERDUE_CAPS_MAX),
        OVERDUE_CAPS_MAX,
        {"count": count},
    )


def _repeats(count: int) -> Component:
    return Component(
        "repeat_findings",
        min(count * REPEAT_POINTS, REPEATS_MAX),
        REPEATS_MAX,
        {"count": count, "months": REPEAT_WINDOW_MONTHS},
    )


def _responsiveness(median: float | None, plans: int) -> Component:
    facts = {"median_days": median, "plans": plans, "months": RESPONSIVENESS_WINDOW_MONTHS}
    if median is None:
        # Nothing submitted in a year is not scored here: the plans still waiting are
        # counted by the overdue component once they are late.
        return Component("responsiveness", 0, RESPONSIVENESS_MAX, facts)
    points = next(
        (points for limit, points in RESPONSIVENESS_BANDS if median <= limit), RESPONSIVENESS_MAX
    )
    return Component("responsiveness", points, RESPONSIVENESS_MAX, facts)


def _audit_recency(last: date | None, on: date) -> Component:
    if last is None:
        points = AUDIT_RECENCY_MAX
    elif last > months_before(on, RECENT_AUDIT_MONTHS):
        points = 0
    elif last > months_before(on, STALE_AUDIT_MONTHS):
        points = AGEING_AUDIT_POINTS
    else:
        points = AUDIT_RECENCY_MAX
    facts = {
        "last_audit": last.isoformat() if last else None,
        "days": (on - last).days if last else None,
    }
    return Component("audit_recency", points, AUDIT_RECENCY_MAX, facts)


def _vetting_risk(risk_score: int | None, risk_grade: str) -> Component:
    points = 0 if risk_score is None else round(VETTING_RISK_MAX * min(risk_score, 100) / 100)
    facts = {"risk_score": risk_score, "risk_grade": risk_grade}
    return Component("vetting_risk", points, VETTING_RISK_MAX, facts)


# --- One sentence per component, in the reader's language ----------------------------------


def _capped(text: str, facts: dict[str, Any], max_points: int) -> str:
    if facts.get("uncapped_points", 0) > max_points:
        return text + " " + _("Capped at %(max)d points.") % {"max": max_points}
    return text


def _explain_open_findings(facts: dict[str, Any], max_points: int) -> str:
    total = sum(facts.get(severity, 0) for severity in SEVERITIES)
    if not total:
        return _("No open findings.")
    parts = ", ".join(
        f"{facts[severity]} {Severity(severity).label.lower()}"
        for severity in SEVERITIES
        if facts.get(severity)
    )
    text = ngettext(
        "%(count)d open finding: %(parts)s.", "%(count)d open findings: %(parts)s.", total
    ) % {"count": total, "parts": parts}
    if facts.get("aged"):
        text += " " + ngettext(
            "%(count)d open for more than %(days)d days weighs half as much again.",
            "%(count)d open for more than %(days)d days weigh half as much again.",
            facts["aged"],
        ) % {"count": facts["aged"], "days": AGED_AFTER_DAYS}
    return _capped(text, facts, max_points)


def _explain_overdue(facts: dict[str, Any], max_points: int) -> str:
    count = facts["count"]
    if not count:
        return _("No corrective action plan is past its due date.")
    text = ngettext(
        "%(count)d corrective action plan is past its due date.",
        "%(count)d corrective action plans are past their due date.",
        count,
    ) % {"count": count}
    return _capped(text, {"uncapped_points": count * OVERDUE_CAP_POINTS}, max_points)


def _explain_repeats(facts: dict[str, Any], max_points: int) -> str:
    count, months = facts["count"], facts["months"]
    if not count:
        return _("No problem fixed before was found again in the last %(months)d months.") % {
            "months": months
        }
    text = ngettext(
        "%(count)d finding in the last %(months)d months repeats a problem fixed before.",
        "%(count)d findings in the last %(months)d months repeat problems fixed before.",
        count,
    ) % {"count": count, "months": months}
    return _capped(text, {"uncapped_points": count * REPEAT_POINTS}, max_points)


def _explain_responsiveness(facts: dict[str, Any], max_points: int) -> str:
    median, plans, months = facts["median_days"], facts["plans"], facts["months"]
    if median is None:
        return _("No plan submitted in the last %(months)d months.") % {"months": months}
    days = formats.number_format(median, decimal_pos=0 if median == int(median) else 1)
    return ngettext(
        "Half the plans are submitted within %(days)s days of the CAP being opened "
        "(%(count)d plan in the last %(months)d months).",
        "Half the plans are submitted within %(days)s days of the CAP being opened "
        "(%(count)d plans in the last %(months)d months).",
        plans,
    ) % {"days": days, "count": plans, "months": months}


def _explain_audit_recency(facts: dict[str, Any], max_points: int) -> str:
    if facts["last_audit"] is None:
        return _("No final audit you can see yet.")
    last = formats.date_format(date.fromisoformat(facts["last_audit"]), "DATE_FORMAT")
    return ngettext(
        "Last audit on %(date)s, %(days)d day ago.",
        "Last audit on %(date)s, %(days)d days ago.",
        facts["days"],
    ) % {"date": last, "days": facts["days"]}


def _explain_vetting_risk(facts: dict[str, Any], max_points: int) -> str:
    if facts["risk_score"] is None:
        return _("Not assessed yet.")
    return _("Vetting risk score %(score)d out of 100.") % {"score": facts["risk_score"]}


EXPLANATIONS: dict[str, Callable[[dict[str, Any], int], str]] = {
    "open_findings": _explain_open_findings,
    "overdue_caps": _explain_overdue,
    "repeat_findings": _explain_repeats,
    "responsiveness": _explain_responsiveness,
    "audit_recency": _explain_audit_recency,
    "vetting_risk": _explain_vetting_risk,
}


# --- The table: filters and order over computed scores --------------------------------------

IMPROVING, WORSENING = "improving", "worsening"
SORTS: tuple[str, ...] = ("score", "-score", "grade", "-grade", "name", "-name", "trend", "-trend")


def ordered(cards: Iterable[Scorecard], sort: str = "") -> list[Scorecard]:
    """Cards in the order of ``sort`` (one of :data:`SORTS`; by name when empty),
    the facility's name breaking ties. Grade A sorts before B; cards without a trend
    come last either way."""
    by_name = sorted(cards, key=lambda c: (c.facility.name.casefold(), str(c.facility.pk)))
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "name":
        return by_name[::-1] if descending else by_name
    if key == "score":
        return sorted(by_name, key=lambda c: c.score, reverse=descending)
    if key == "grade":
        return sorted(by_name, key=lambda c: c.grade, reverse=descending)
    if key == "trend":
        known = [c for c in by_name if c.trend is not None]
        unknown = [c for c in by_name if c.trend is None]
        return sorted(known, key=lambda c: c.trend or 0, reverse=descending) + unknown
    return by_name
