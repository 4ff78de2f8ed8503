"""The stored current scorecards (:class:`reports.models.CurrentScorecard`): read with
live semantics, refreshed in bounded batches, marked stale by the writes they read.

Scoring a brand reads all its findings and CAPs whatever the number of facilities
asked for (5 s for the largest brand's 4,924 facilities, 4.2 s for 200 of them), so
no list can score the portfolio per request. Instead every read first recomputes the
rows that are missing, stale or computed on another day (one query finds them, none
in the usual case), then filters, sorts and pages the stored rows in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.db.models.functions import Lower
from django.utils import timezone

from csr_platform.models import Membership, Organization
from csr_platform.roles import OrganizationKind
from reports.models import CurrentScorecard
from reports.scorecards import (
    UNSCORED_STATUSES,
    Component,
    FacilityScore,
    Scorecard,
    brand_viewpoint,
    score_relationships,
    scored_relationships,
)
from suppliers.models import SourcingRelationship

# Rows upserted per statement and transaction: a brand of 5,000 facilities is written
# in five short transactions, and a failure keeps the batches written before it.
REFRESH_BATCH = 1000

# From this many facilities to recompute, the whole brand is scored instead: the
# aggregates read every finding and CAP of the brand anyway (measured on the full
# data: 200 facilities cost 4.2 s, all 4,924 5.0 s), and a long IN list of ids only
# adds to it.
WHOLE_BRAND_FROM = 200

UPDATED_FIELDS = [
    "relationship",
    "on",
    "score",
    "grade",
    "components",
    "previous_score",
    "previous_month",
    "trend",
    "stale",
    "computed_at",
]


def scorecards_current(
    viewpoint: Membership, relationships: QuerySet[SourcingRelationship]
) -> QuerySet[CurrentScorecard]:
    """The current scorecards of ``relationships`` (the brand's scored relationships,
    e.g. filtered by country or owner), as fresh as a live computation: the brand's
    missing, stale or outdated rows are recomputed first. Each row comes with its
    relationship, facility and sourcing owner; the caller orders and slices.

    One query when every row is fresh; when some are not, a fixed number more (the
    scoring, one upsert per :data:`REFRESH_BATCH` rows, one delete). Empty for
    suppliers and partners: scorecards are brand-internal.
    """
    if not viewpoint.is_brand:
        return CurrentScorecard.objects.none()
    _refresh(viewpoint, everything=False)
    return (
        CurrentScorecard.objects.visible_to(viewpoint)
        .filter(relationship__in=relationships.values("pk"))
        .select_related("relationship__facility", "relationship__sourcing_owner__user")
    )


def current_scorecards_refresh(*, brand: Organization) -> int:
    """Recompute every current scorecard of ``brand`` as of today and drop those of
    relationships no longer scored. Returns how many rows were written. Safe to run
    again or concurrently: rows are upserted on (brand, facility)."""
    return _refresh(brand_viewpoint(brand), everything=True)


def current_scorecards_refresh_all() -> int:
    """:func:`current_scorecards_refresh` for every brand, one brand at a time."""
    brands = Organization.objects.filter(kind=OrganizationKind.BRAND).order_by("pk")
    return sum(current_scorecards_refresh(brand=brand) for brand in brands.iterator())


def current_scorecards_mark_stale(*, facility_ids: Any, relationship_id: Any = None) -> int:
    """Mark the current scorecards of ``facility_ids`` (ids, or a ``values()``
    subquery) stale for every brand that sources from them (a shared audit counts
    for several), and the row of ``relationship_id`` wherever it is filed: each is
    recomputed before it is read next. One UPDATE."""
    rows = Q(facility_id__in=facility_ids)
    if relationship_id is not None:
        rows |= Q(relationship_id=relationship_id)
    return CurrentScorecard.objects.filter(rows, stale=False).update(stale=True)


def scorecards_of(rows: Iterable[CurrentScorecard]) -> list[Scorecard]:
    """The cards of stored rows (loaded with their relationships, as
    :func:`scorecards_current` returns them), as the pages and the API show them."""
    return [
        Scorecard(
            relationship=row.relationship,
            on=row.on,
            components=[Component.from_json(data) for data in row.components],
            previous_score=row.previous_score,
            previous_month=row.previous_month,
        )
        for row in rows
    ]


def in_table_order(rows: QuerySet[CurrentScorecard], sort: str) -> QuerySet[CurrentScorecard]:
    """``rows`` in the order of ``sort`` (one of ``reports.scorecards.SORTS``), as
    :func:`reports.scorecards.ordered` orders computed cards: the facility's name
    (case-insensitive), then its id, breaking ties; cards without a trend last."""
    name = Lower("relationship__facility__name")
    key, descending = sort.lstrip("-"), sort.startswith("-")
    if key == "name":
        if descending:
            return rows.order_by(name.desc(), F("facility_id").desc())
        return rows.order_by(name, "facility_id")
    first: OrderBy
    if key in ("score", "grade"):
        first = F(key).desc() if descending else F(key).asc()
    elif key == "trend":
        first = F(key).desc(nulls_last=True) if descending else F(key).asc(nulls_last=True)
    else:
        return rows.order_by(name, "facility_id")
    return rows.order_by(first, name, "facility_id")


def _refresh(viewpoint: Membership, *, everything: bool) -> int:
    today = timezone.localdate()
    to_score = scored_relationships(viewpoint)
    if not everything:
        outdated = _outdated(viewpoint, today)
        if not outdated:
            return 0
        ids = [pk for pk, status in outdated if status not in UNSCORED_STATUSES]
        if not ids:
            to_score = to_score.none()
        elif len(ids) < WHOLE_BRAND_FROM:
            to_score = to_score.filter(pk__in=ids)
    written = _upsert(viewpoint.organization_id, score_relationships(viewpoint, to_score, on=today))
    # Rows of relationships rejected or exited since, and of a relationship moved to
    # another facility (a merge of duplicates): nothing to show any more.
    CurrentScorecard.objects.filter(brand_id=viewpoint.organization_id).filter(
        Q(relationship__status__in=UNSCORED_STATUSES)
        | ~Q(relationship__facility_id=F("facility_id"))
    ).delete()
    return written


def _outdated(viewpoint: Membership, today: date) -> list[tuple[UUID, str]]:
    """The brand's relationships whose row needs work, with their status: scored
    ones without a fresh row of today for their facility, and unscored ones that
    still have a row. One query."""
    # The brand named in both: the rows are then read from its (brand, facility)
    # index rather than every brand's.
    rows = CurrentScorecard.objects.filter(brand_id=viewpoint.organization_id)
    fresh = rows.filter(
        relationship_id=OuterRef("pk"),
        facility_id=OuterRef("facility_id"),
        on=today,
        stale=False,
    )
    kept = rows.filter(relationship_id=OuterRef("pk"))
    return list(
        SourcingRelationship.objects.visible_to(viewpoint)
        .filter(
            Q(~Exists(fresh), ~Q(status__in=UNSCORED_STATUSES))
            | Q(Exists(kept), status__in=UNSCORED_STATUSES)
        )
        .order_by()
        .values_list("pk", "status")
    )


def _upsert(brand_id: Any, scores: Sequence[FacilityScore]) -> int:
    now = timezone.now()
    # Every writer upserts in the same order, so two refreshes of a brand at once lock
    # its rows in the same order and wait for each other instead of deadlocking.
    scores = sorted(scores, key=lambda score: str(score.facility_id))
    for start in range(0, len(scores), REFRESH_BATCH):
        with transaction.atomic():
            CurrentScorecard.objects.bulk_create(
                [
                    CurrentScorecard(
                        brand_id=brand_id,
                        facility_id=score.facility_id,
                        relationship_id=score.relationship_id,
                        on=score.on,
                        score=score.score,
                        grade=score.grade,
                        components=[c.as_json() for c in score.components],
                        previous_score=score.previous_score,
                        previous_month=score.previous_month,
                        trend=score.trend,
                        stale=False,
                        computed_at=now,
                    )
                    for score in scores[start : start + REFRESH_BATCH]
                ],
                update_conflicts=True,
                unique_fields=["brand", "facility"],
                update_fields=UPDATED_FIELDS,
            )
    return len(scores)
