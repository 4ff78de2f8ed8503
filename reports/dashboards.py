"""The reads behind the dashboard of each role (DESIGN.md §5, issue #7 item 3).

- **CSR** (brand admins, CSR staff; viewers read it too): open CAPs by severity and
  by category, overdue, due within a week, zero-tolerance alerts, the repeat-finding
  rate of the audits of the last 24 months and the median days from a CAP being
  opened to its verification, by severity.
- **Sourcing** (sourcing managers; brand admins see both): the scorecards at a
  glance, the decisions waiting for this person's sign-off and the brand-side root
  causes (purchasing practices) by code.
- **Supplier**: its CAPs due within a week and overdue, per brand, and the most
  urgent ones.
- **Partner**: the CAPs it is on, open, due and overdue, and the most urgent ones.

Every read goes through ``visible_to`` (or a selector that starts from it), so a
dashboard counts exactly what the list behind each number shows the same person.
Each part is a fixed number of queries whatever the number of CAPs or facilities:
counts are ``COUNT … FILTER`` aggregates grouped by the database, lists are sliced.
Nothing here builds a URL: the same numbers go into the PDF reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar, cast
from uuid import UUID

from django.core.cache import cache
from django.db.models import (
    Count,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.utils import timezone

from audits.models import Audit, Finding
from audits.selectors import RepeatRate, repeat_rate
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.roles import Role
from laws.taxonomy import FindingCategory, Severity
from remediation.models import CorrectiveActionPlan
from remediation.root_causes import PURCHASING_PRACTICE_CODES
from remediation.selectors import by_urgency, caps_worked_on_by, purchasing_causes
from remediation.services.reminders import DUE_SOON_DAYS
from reports.models import GRADES
from reports.scorecards import (
    REPEAT_WINDOW_MONTHS,
    Scorecard,
    compute_scorecards,
    end_of_day,
    median_days,
    months_before,
    ordered,
    scored_relationships,
)
from reports.services.scorecards import in_table_order, scorecards_current, scorecards_of
from suppliers.models import SourcingRelationship

OPEN_STATES = CorrectiveActionPlan.OPEN_STATES
# The severities a CAP can have (observations get none), gravest first.
CAP_SEVERITIES: tuple[str, ...] = (
    Severity.ZERO_TOLERANCE,
    Severity.CRITICAL,
    Severity.MAJOR,
    Severity.MINOR,
)
SEVERITY_LABELS: dict[str, Any] = dict(Severity.choices)
CATEGORY_LABELS: dict[str, Any] = dict(FindingCategory.choices)
PRACTICE_LABELS: dict[str, Any] = dict(PURCHASING_PRACTICE_CODES)
# Median days to close over the CAPs verified in the last 12 months: the window of
# the scorecards' responsiveness, so the two read alike.
CLOSE_WINDOW_MONTHS = 12
# The slow-moving aggregates — the repeat rate (every non-conformity of two years:
# 100,000 for the largest brand at scale), the median days to close (a year of
# verified plans: 48,000) and the purchasing practices by code — move only when an
# audit is finalized or a plan verified or a cause recorded, and each costs 0.1–0.3 s
# at scale; the panel loads after the page, so they may be a few minutes late. What
# is to be acted on (open and overdue CAPs, alerts, sign-offs) is always read live.
# (BENCHMARKS.md, the dashboards.)
KEPT_SECONDS = 5 * 60
# Rows of each list on a dashboard: what fits on a screen beside the numbers; the
# link under each list leads to all of them.
ALERTS_SHOWN = 10
LIST_SHOWN = 5

T = TypeVar("T")

CSR, SOURCING, SUPPLIER, PARTNER = "csr", "sourcing", "supplier", "partner"


def parts_for(membership: Membership) -> tuple[str, ...]:
    """The dashboard parts a membership sees: brand admins run both remediation and
    sourcing; viewers read the CSR numbers (they follow the programme, they do not
    sign off); each other role its own."""
    if membership.is_supplier:
        return (SUPPLIER,)
    if membership.is_partner:
        return (PARTNER,)
    if membership.role == Role.ADMIN:
        return (CSR, SOURCING)
    if membership.role == Role.SOURCING:
        return (SOURCING,)
    return (CSR,)


# --- A count and what it counts ----------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """One row of a count: its key (what a list filters by), label and number."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class CloseTime:
    """Median whole days from a CAP being opened to its verification."""

    severity: str
    label: str
    median_days: float | None
    plans: int


def _overdue(today: date) -> Q:
    """Of open CAPs, those past their due date (the CAP list's ``overdue=yes``)."""
    return Q(due_date__lt=today)


def _due_soon(today: date) -> Q:
    """Of open CAPs, those due from today to the last day the reminders call "due
    soon" (``remediation.services.reminders.DUE_SOON_DAYS``)."""
    return Q(due_date__gte=today, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))


# --- CSR -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZeroToleranceAlert:
    """An open zero-tolerance finding, with its CAP when the reader sees it (a
    finding of an audit shared by another brand has that brand's CAP)."""

    finding: Finding
    cap_id: UUID | None
    cap_due: date | None


@dataclass
class CsrDashboard:
    today: date
    by_severity: list[Tally]
    by_category: list[Tally]
    open_total: int
    overdue: int
    due_soon: int
    alerts: list[ZeroToleranceAlert]
    alerts_total: int
    repeats: RepeatRate
    # The first audit day the repeat rate counts (the finding list's "audited from").
    repeats_since: date
    close_times: list[CloseTime]

    @property
    def repeat_window_months(self) -> int:
        return REPEAT_WINDOW_MONTHS

    @property
    def due_soon_until(self) -> date:
        """The last day counted as due soon."""
        return self.today + timedelta(days=DUE_SOON_DAYS)

    @property
    def due_soon_before(self) -> date:
        """The CAP list's ``due_before`` (exclusive) that takes in that last day."""
        return self.due_soon_until + timedelta(days=1)

    @property
    def more_alerts(self) -> bool:
        return self.alerts_total > len(self.alerts)

    @property
    def has_close_times(self) -> bool:
        return any(row.plans for row in self.close_times)


def csr_dashboard(membership: Membership, *, today: date | None = None) -> CsrDashboard:
    """Four queries: open CAPs grouped by category and severity, the alerts, the
    repeat-finding rate (none while the brand's is kept) and the medians."""
    today = today or timezone.localdate()
    caps = CorrectiveActionPlan.objects.visible_to(membership)
    # One GROUP BY over (category, severity) gives both breakdowns and the totals;
    # the few dozen grouped rows are then added up by category and by severity. The
    # plan's own copies of its finding's category and severity: no join to findings.
    grouped = (
        caps.filter(status__in=OPEN_STATES)
        .order_by()
        .values("category", "severity")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=_overdue(today)),
            due_soon=Count("pk", filter=_due_soon(today)),
        )
    )
    severities: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    overdue = due_soon = 0
    for row in grouped:
        severities[row["severity"]] += row["open"]
        categories[row["category"]] += row["open"]
        overdue += row["overdue"]
        due_soon += row["due_soon"]
    by_category = sorted(
        (
            Tally(key, str(CATEGORY_LABELS.get(key, key)), count)
            for key, count in categories.items()
        ),
        key=lambda tally: (-tally.count, tally.label),
    )
    alerts, alerts_total = _zero_tolerance_alerts(membership)
    # The scorecards' window, by the audit's first day as the finding list's "audited
    # from" filter counts, so the panel's link lists the repeats counted.
    repeats_since = months_before(today, REPEAT_WINDOW_MONTHS)
    return CsrDashboard(
        today=today,
        # Every severity, none open included: a zero there is news too.
        by_severity=[
            Tally(key, str(SEVERITY_LABELS[key]), severities[key]) for key in CAP_SEVERITIES
        ],
        by_category=by_category,
        open_total=sum(severities.values()),
        overdue=overdue,
        due_soon=due_soon,
        alerts=alerts,
        alerts_total=alerts_total,
        repeats=_repeats(membership, repeats_since),
        repeats_since=repeats_since,
        close_times=_close_times(membership, caps, today),
    )


def _kept(membership: Membership, name: str, day: date, compute: Callable[[], T]) -> T:
    """``compute()``, reused for :data:`KEPT_SECONDS` by every member of the brand
    (no role narrows what a brand member sees, so the numbers are the same for all)
    on ``day``. Only language-free values are kept: labels are added by the caller."""
    if not (membership.is_active and membership.is_brand):
        return compute()
    key = f"dashboard:{name}:{membership.organization_id}:{day.isoformat()}"
    kept = cache.get(key)
    if kept is None:
        kept = compute()
        cache.set(key, kept, KEPT_SECONDS)
    return cast(T, kept)


def _repeats(membership: Membership, since: date) -> RepeatRate:
    """The repeat rate of the findings of audits begun since ``since``."""
    findings = Finding.objects.visible_to(membership).filter(audit__start_date__gte=since)
    return _kept(membership, "repeats", since, lambda: repeat_rate(findings))


def _zero_tolerance_alerts(membership: Membership) -> tuple[list[ZeroToleranceAlert], int]:
    """The latest open zero-tolerance findings of final audits (a draft's findings
    are the auditor's work in progress, and open no CAP yet), and how many there are
    in all — counted by a window over the same query, so one query."""
    visible_cap = CorrectiveActionPlan.objects.visible_to(membership).filter(
        finding_id=OuterRef("pk")
    )
    rows = list(
        Finding.objects.visible_to(membership)
        .filter(
            severity=Severity.ZERO_TOLERANCE,
            status=Finding.Status.OPEN,
            audit__status=Audit.Status.FINAL,
        )
        .annotate(
            visible_cap_id=Subquery(visible_cap.values("pk")[:1]),
            visible_cap_due=Subquery(visible_cap.values("due_date")[:1]),
            total=Window(Count("pk")),
        )
        .select_related("audit__facility")
        .order_by("-audit__end_date", "-created_at", "pk")[:ALERTS_SHOWN]
    )
    alerts = [
        ZeroToleranceAlert(
            finding=row,
            cap_id=row.visible_cap_id,
            cap_due=row.visible_cap_due,
        )
        for row in rows
    ]
    total = rows[0].total if rows else 0
    return alerts, total


def _close_times(
    membership: Membership, caps: QuerySet[CorrectiveActionPlan], today: date
) -> list[CloseTime]:
    verified = caps.filter(
        status=CorrectiveActionPlan.Status.VERIFIED,
        verified_at__gte=end_of_day(months_before(today, CLOSE_WINDOW_MONTHS)),
        verified_at__lt=end_of_day(today),
    )
    medians = _kept(
        membership,
        "close-times",
        today,
        lambda: median_days(verified, group="severity", start="created_at", end="verified_at"),
    )
    rows = []
    for severity in CAP_SEVERITIES:
        median, plans = medians.get(severity, (None, 0))
        rows.append(CloseTime(severity, str(SEVERITY_LABELS[severity]), median, plans))
    return rows


# --- Sourcing --------------------------------------------------------------------------------


@dataclass
class SourcingDashboard:
    grades: list[Tally]
    lowest: list[Scorecard]
    scored: int
    # None when the person may not sign off (the part is not theirs to act on).
    sign_offs: list[SourcingRelationship] | None
    sign_offs_total: int
    practices: list[Tally]

    @property
    def more_sign_offs(self) -> bool:
        return self.sign_offs is not None and self.sign_offs_total > len(self.sign_offs)


def sourcing_dashboard(membership: Membership, *, today: date | None = None) -> SourcingDashboard:
    """The brand's scorecards (grades and lowest scores: two queries over the stored
    current scorecards, see _portfolio_scores), the sign-offs waiting (one query) and
    the purchasing practices by code (one)."""
    grades, lowest = _portfolio_scores(membership, today)
    sign_offs, sign_offs_total = (
        _sign_offs_waiting(membership)
        if membership.can(Capability.SIGN_OFF_SOURCING)
        else (None, 0)
    )
    practices = _kept(
        membership,
        "practices",
        today or timezone.localdate(),
        lambda: list(
            purchasing_causes(membership)
            .order_by()
            .values("purchasing_code")
            # CAPs, not root causes: a plan that names late changes twice is one plan
            # (as on the purchasing-practices page).
            .annotate(caps=Count("cap", distinct=True))
            .order_by("-caps", "purchasing_code")[:LIST_SHOWN]
        ),
    )
    return SourcingDashboard(
        grades=[Tally(grade, grade, grades[grade]) for grade in GRADES],
        lowest=lowest,
        scored=sum(grades.values()),
        sign_offs=sign_offs,
        sign_offs_total=sign_offs_total,
        practices=[
            Tally(
                row["purchasing_code"],
                str(PRACTICE_LABELS.get(row["purchasing_code"], row["purchasing_code"])),
                row["caps"],
            )
            for row in practices
        ],
    )


def _portfolio_scores(
    membership: Membership, today: date | None
) -> tuple[Counter[str], list[Scorecard]]:
    """Facilities per grade and the lowest scores. Today's come from the stored
    current scorecards (a GROUP BY and an ordered slice); another day's, asked for
    by a report dated in the past, are computed as of that day."""
    relationships = scored_relationships(membership)
    if today is None or today == timezone.localdate():
        rows = scorecards_current(membership, relationships)
        grades = Counter(
            dict(rows.order_by().values("grade").annotate(n=Count("pk")).values_list("grade", "n"))
        )
        return grades, scorecards_of(in_table_order(rows, "score")[:LIST_SHOWN])
    cards = compute_scorecards(membership, relationships, on=today)
    return Counter(card.grade for card in cards), ordered(cards, "score")[:LIST_SHOWN]


def _sign_offs_waiting(membership: Membership) -> tuple[list[SourcingRelationship], int]:
    """The decisions the sign-off queue shows this person: waiting, and made by
    someone else (no one signs off their own decision); oldest first."""
    rows: list[SourcingRelationship] = list(
        SourcingRelationship.objects.visible_to(membership)
        .exclude(pending_decision="")
        .exclude(decided_by_id=membership.user_id)
        .annotate(total=Window(Count("pk")))
        .select_related("facility", "decided_by")
        .order_by("decided_at", "pk")[:LIST_SHOWN]
    )
    return rows, (rows[0].total if rows else 0)  # type: ignore[attr-defined]


# --- Suppliers and partners -----------------------------------------------------------------


@dataclass(frozen=True)
class BrandCaps:
    """One brand's open CAPs on the supplier's facilities."""

    brand_id: UUID
    name: str
    open: int
    due_soon: int
    overdue: int


@dataclass
class WorkDashboard:
    """The CAPs a supplier or a partner works on or follows."""

    today: date
    open: int
    due_soon: int
    overdue: int
    urgent: list[CorrectiveActionPlan]
    brands: list[BrandCaps] = field(default_factory=list)

    @property
    def due_soon_days(self) -> int:
        return DUE_SOON_DAYS


def _urgent(caps: QuerySet[CorrectiveActionPlan]) -> list[CorrectiveActionPlan]:
    """The open plans most overdue, then due soonest (as "My CAPs" orders them)."""
    return list(
        by_urgency(caps.filter(status__in=OPEN_STATES)).select_related(
            "finding", "brand", "facility"
        )[:LIST_SHOWN]
    )


def supplier_dashboard(membership: Membership, *, today: date | None = None) -> WorkDashboard:
    """Two queries: the open CAPs grouped by brand, and the most urgent."""
    today = today or timezone.localdate()
    caps = caps_worked_on_by(membership)
    grouped = (
        caps.filter(status__in=OPEN_STATES)
        .order_by()
        .values("brand_id", "brand__name")
        .annotate(
            open=Count("pk"),
            due_soon=Count("pk", filter=_due_soon(today)),
            overdue=Count("pk", filter=_overdue(today)),
        )
        .order_by("brand__name", "brand_id")
    )
    brands = [
        BrandCaps(row["brand_id"], row["brand__name"], row["open"], row["due_soon"], row["overdue"])
        for row in grouped
    ]
    return WorkDashboard(
        today=today,
        open=sum(brand.open for brand in brands),
        due_soon=sum(brand.due_soon for brand in brands),
        overdue=sum(brand.overdue for brand in brands),
        urgent=_urgent(caps),
        brands=brands,
    )


def partner_dashboard(membership: Membership, *, today: date | None = None) -> WorkDashboard:
    """Two queries: the counts over the CAPs the partner is on, and the most urgent."""
    today = today or timezone.localdate()
    caps = CorrectiveActionPlan.objects.visible_to(membership)
    counts = (
        caps.filter(status__in=OPEN_STATES)
        .order_by()
        .aggregate(
            open=Count("pk"),
            due_soon=Count("pk", filter=_due_soon(today)),
            overdue=Count("pk", filter=_overdue(today)),
        )
    )
    return WorkDashboard(
        today=today,
        open=counts["open"],
        due_soon=counts["due_soon"],
        overdue=counts["overdue"],
        urgent=_urgent(caps),
    )


def dashboards_for(membership: Membership, *, today: date | None = None) -> dict[str, Any]:
    """Each part the membership sees, by name (see :func:`parts_for`)."""
    readers: dict[str, Callable[..., Any]] = {
        CSR: csr_dashboard,
        SOURCING: sourcing_dashboard,
        SUPPLIER: supplier_dashboard,
        PARTNER: partner_dashboard,
    }
    return {part: readers[part](membership, today=today) for part in parts_for(membership)}
