"""Reads over CAPs that the supplier portal, the consultant directory and the
purchasing-practices page share. Every function starts from ``visible_to`` rows (or
takes rows that did), so scoping stays in ``querysets.py``; what is added here is
ordering, counting and grouping, done by the database in a fixed number of queries."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from csr_platform.models import Membership
from remediation.models import (
    CapAction,
    CapParticipant,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
    Evidence,
    RootCause,
)
from remediation.root_causes import PURCHASING_PRACTICE

Status = CorrectiveActionPlan.Status

# The portal's status filter: the work still to do, the plans waiting for the brand's
# verification, and the plans that are over (either way).
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "work": (Status.OPEN, Status.IN_PROGRESS, Status.RETURNED),
    "submitted": (Status.SUBMITTED,),
    "closed": (Status.VERIFIED, Status.CANCELLED),
}

# --- The supplier's (and consultant's) CAPs ----------------------------------------------


def caps_worked_on_by(membership: Membership) -> QuerySet[CorrectiveActionPlan]:
    """The CAPs whose work ``membership`` does: for a supplier every CAP on its
    facilities, of every brand; for a partner those it was invited onto as consultant
    (a civil-society organisation or audit firm watches, it does not work). Brands
    work on none: they manage theirs from the CAP list."""
    caps = CorrectiveActionPlan.objects.visible_to(membership)
    if membership.is_supplier:
        return caps
    if membership.is_partner:
        consulting = CapParticipant.objects.filter(
            cap=OuterRef("pk"),
            organization_id=membership.organization_id,
            role=CapParticipant.Role.CONSULTANT,
            removed_at__isnull=True,
        )
        return caps.filter(Exists(consulting))
    return caps.none()


def by_urgency(caps: QuerySet[CorrectiveActionPlan]) -> QuerySet[CorrectiveActionPlan]:
    """Plans still open first, by due date: the most overdue first, then the one due
    soonest, then those without a due date; verified and cancelled plans last."""
    closed = Case(
        When(status__in=STATUS_GROUPS["closed"], then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return caps.annotate(closed_rank=closed).order_by(
        "closed_rank", F("due_date").asc(nulls_last=True), "created_at", "pk"
    )


def _count_of(model: type[Any], **conditions: Any) -> Coalesce:
    """How many rows of ``model`` under the outer CAP meet ``conditions``. A subquery
    per count rather than joins and GROUP BY, so the rows and the paginator's count
    stay those of plain CAPs."""
    counted = (
        model.objects.filter(cap=OuterRef("pk"), **conditions)
        .order_by()
        .values("cap")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_work_counts(caps: QuerySet[CorrectiveActionPlan]) -> QuerySet[CorrectiveActionPlan]:
    """Annotate ``root_cause_count``, ``preventive_count`` and ``evidence_count`` in
    the same query, for ``submit_blockers_of`` and the cards."""
    return caps.annotate(
        root_cause_count=_count_of(RootCause),
        preventive_count=_count_of(CapAction, kind=CapAction.Kind.PREVENTIVE),
        evidence_count=_count_of(Evidence),
    )


def submit_blockers_of(cap: CorrectiveActionPlan) -> list[str]:
    """``transitions.submit_blockers`` read from the counts ``with_work_counts``
    annotated, so a page of cards asks nothing per card. The messages are the
    service's own (a test holds the two together)."""
    missing = []
    if not cap.root_cause_count:  # type: ignore[attr-defined]
        missing.append(_("Record at least one root cause."))
    if not cap.preventive_count:  # type: ignore[attr-defined]
        missing.append(_("Plan at least one preventive action, so the problem does not return."))
    return missing


def status_counts(caps: QuerySet[CorrectiveActionPlan]) -> dict[str, int]:
    """How many of ``caps`` fall in each ``STATUS_GROUPS`` group, and in all; one query."""
    return caps.order_by().aggregate(
        all=Count("pk"),
        **{
            name: Count("pk", filter=Q(status__in=statuses))
            for name, statuses in STATUS_GROUPS.items()
        },
    )


def overdue_days(cap: CorrectiveActionPlan, today: date | None = None) -> int:
    """Days past the due date of an open plan (0 when it is not overdue)."""
    today = today or timezone.localdate()
    if not cap.is_overdue(today) or cap.due_date is None:
        return 0
    return (today - cap.due_date).days


# --- The consultant directory -------------------------------------------------------------


def json_list_has(field: str, value: str) -> Q:
    """Rows whose JSON list ``field`` holds the string ``value`` (case aside).

    The list's text is matched for the quoted element, which both databases answer
    alike (PostgreSQL's ``@>`` containment has no SQLite counterpart). SQLite keeps
    non-ASCII letters escaped (``\\u00f1``) where PostgreSQL keeps them as they are,
    so both spellings are tried.
    """
    plain = f'"{value}"'
    escaped = json.dumps(value)
    condition = Q(**{f"{field}__icontains": plain})
    if escaped != plain:
        condition |= Q(**{f"{field}__icontains": escaped})
    return condition


def json_list_mentions(field: str, text: str) -> Q:
    """Rows whose JSON list ``field`` has an element containing ``text`` (case aside)."""
    escaped = json.dumps(text)[1:-1]
    condition = Q(**{f"{field}__icontains": text})
    if escaped != text:
        condition |= Q(**{f"{field}__icontains": escaped})
    return condition


def with_own_note(
    profiles: QuerySet[ConsultantProfile], membership: Membership
) -> QuerySet[ConsultantProfile]:
    """Annotate ``own_rating``, ``own_vetted`` and ``own_noted`` from the viewing
    brand's note on each consultant — its own only: the notes go through
    ``ConsultantNote.visible_to``, which never yields another brand's."""
    note = ConsultantNote.objects.visible_to(membership).filter(consultant=OuterRef("pk"))
    return profiles.annotate(
        own_rating=Subquery(note.values("rating")[:1]),
        own_vetted=Coalesce(Subquery(note.values("vetted")[:1]), Value(False)),
        own_noted=Exists(note),
    )


# --- Purchasing practices -------------------------------------------------------------


@dataclass(frozen=True)
class Season:
    """A quarter of the year, the season a CAP's audit took place in."""

    year: int
    quarter: int

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter}"

    @property
    def starts(self) -> date:
        return date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def ends_before(self) -> date:
        if self.quarter == 4:
            return date(self.year + 1, 1, 1)
        return date(self.year, 3 * self.quarter + 1, 1)

    @classmethod
    def parse(cls, key: str) -> Season | None:
        """``"2025-Q3"`` → the season; anything else → ``None``."""
        year, _sep, quarter = key.partition("-Q")
        if not (year.isdigit() and quarter in {"1", "2", "3", "4"}) or len(year) != 4:
            return None
        return cls(int(year), int(quarter))


AUDIT_DATE = "cap__finding__audit__start_date"


def brand_caps(membership: Membership) -> QuerySet[CorrectiveActionPlan]:
    """The CAPs the brand owns (not those it joined as collaborating brand: their
    purchasing practices are the owner's), cancelled ones aside — a withdrawn finding
    says nothing about the brand's practices."""
    return (
        CorrectiveActionPlan.objects.visible_to(membership)
        .filter(brand_id=membership.organization_id)
        .exclude(status=Status.CANCELLED)
    )


def purchasing_causes(membership: Membership) -> QuerySet[RootCause]:
    """The brand-side root causes recorded on the brand's own CAPs."""
    return (
        RootCause.objects.visible_to(membership)
        .filter(category=PURCHASING_PRACTICE, cap__brand_id=membership.organization_id)
        .exclude(cap__status=Status.CANCELLED)
    )


def _caps_counted(rows: QuerySet[Any, Any]) -> QuerySet[Any, Any]:
    # CAPs, not root causes: a plan that names late changes twice is one plan.
    return rows.annotate(caps=Count("cap", distinct=True))


@dataclass(frozen=True)
class PurchasingCounts:
    """CAPs with a brand-side root cause, counted by code, by facility and by season
    (each one GROUP BY), and the share of the brand's CAPs they are."""

    by_code: list[dict[str, Any]]
    by_facility: list[dict[str, Any]]
    by_season: list[tuple[Season, int]]
    with_cause: int
    total: int


def purchasing_counts(membership: Membership) -> PurchasingCounts:
    """Four queries, whatever the number of CAPs."""
    causes = purchasing_causes(membership).order_by()
    by_code = list(
        _caps_counted(causes.values("purchasing_code")).order_by("-caps", "purchasing_code")
    )
    by_facility = list(
        _caps_counted(causes.values("cap__facility", "cap__facility__name")).order_by(
            "-caps", "cap__facility__name"
        )
    )
    seasons = _caps_counted(
        causes.annotate(year=ExtractYear(AUDIT_DATE), quarter=ExtractQuarter(AUDIT_DATE)).values(
            "year", "quarter"
        )
    ).order_by("-year", "-quarter")
    by_season = [(Season(row["year"], row["quarter"]), row["caps"]) for row in seasons]
    # IN rather than a per-plan EXISTS: PostgreSQL hashes the causes' plans once
    # instead of probing them for each of the brand's 220,000 CAPs (1.1 s at scale).
    totals = (
        brand_caps(membership)
        .order_by()
        .aggregate(
            total=Count("pk"),
            with_cause=Count("pk", filter=Q(pk__in=causes.values("cap_id"))),
        )
    )
    return PurchasingCounts(
        by_code=by_code,
        by_facility=by_facility,
        by_season=by_season,
        with_cause=totals["with_cause"],
        total=totals["total"],
    )


def caps_with_purchasing_causes(
    membership: Membership,
    *,
    code: str = "",
    facility: str = "",
    season: Season | None = None,
) -> QuerySet[CorrectiveActionPlan]:
    """The brand's CAPs behind a count: those with a brand-side root cause (of
    ``code`` when given), at ``facility``, audited in ``season``. Each row carries its
    brand-side causes in ``purchasing_causes`` (one prefetch for the page)."""
    causes = purchasing_causes(membership)
    if code:
        causes = causes.filter(purchasing_code=code)
    caps = brand_caps(membership).filter(Exists(causes.filter(cap=OuterRef("pk"))))
    if facility:
        caps = caps.filter(facility_id=facility)
    if season is not None:
        caps = caps.filter(
            finding__audit__start_date__gte=season.starts,
            finding__audit__start_date__lt=season.ends_before,
        )
    shown = RootCause.objects.filter(category=PURCHASING_PRACTICE).order_by("purchasing_code")
    return (
        caps.select_related("finding__audit", "facility")
        .prefetch_related(Prefetch("root_causes", queryset=shown, to_attr="purchasing_causes"))
        .order_by("-finding__audit__start_date", "due_date", "pk")
    )
