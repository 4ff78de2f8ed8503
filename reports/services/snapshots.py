"""Writes of the reports app: the monthly scorecard snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from csr_platform.models import Organization
from csr_platform.roles import OrganizationKind
from reports.models import CurrentScorecard, ScorecardSnapshot
from reports.scorecards import (
    brand_viewpoint,
    month_start,
    months_before,
    score_relationships,
    scored_relationships,
)

# Snapshots written per transaction: a brand with thousands of suppliers is written in
# a few short transactions instead of one long one.
SNAPSHOT_BATCH = 1000


def last_complete_month(today: date | None = None) -> date:
    return months_before(month_start(today or timezone.localdate()), 1)


def scorecard_snapshots_take(
    *, month: date | None = None, brands: Iterable[Organization] | None = None
) -> int:
    """Snapshot every scorecard of ``brands`` (all brands by default) as it stood at
    the close of ``month`` (any day of it; the last complete month by default).
    Returns how many snapshots this call took (rows a concurrent worker wrote first,
    dropped by the unique constraint, are counted too).

    Idempotent: facilities that already have the month's snapshot are skipped, and
    the unique constraint on (brand, facility, month) turns a concurrent second
    worker's rows into no-ops, so a rerun or a retry writes nothing twice. A month
    that is not over yet is refused: its numbers would still change.
    """
    month = month_start(month or last_complete_month())
    following = months_before(month, -1)
    if following > timezone.localdate():
        raise ValueError(f"{month:%Y-%m} is not over yet")
    on = following - timedelta(days=1)
    if brands is None:
        brands = Organization.objects.filter(kind=OrganizationKind.BRAND).order_by("pk")
    written = 0
    for brand in brands:
        written += _snapshot_brand(brand, month=month, on=on)
    return written


def _snapshot_brand(brand: Organization, *, month: date, on: date) -> int:
    viewpoint = brand_viewpoint(brand)
    taken = ScorecardSnapshot.objects.filter(
        brand_id=brand.pk, facility_id=OuterRef("facility_id"), month=month
    )
    # Scored once: the aggregates read all the brand's findings and CAPs whatever the
    # number of facilities asked for, so 25 batches of 200 cost 25 times the brand.
    missing = scored_relationships(viewpoint).filter(~Exists(taken))
    scores = score_relationships(viewpoint, missing, on=on)
    written = 0
    # Written a batch per transaction rather than all in one: a snapshot written stays
    # written if a later batch fails, and the retry scores only what is missing.
    for start in range(0, len(scores), SNAPSHOT_BATCH):
        batch = scores[start : start + SNAPSHOT_BATCH]
        with transaction.atomic():
            created = ScorecardSnapshot.objects.bulk_create(
                [
                    ScorecardSnapshot(
                        brand=brand,
                        facility_id=score.facility_id,
                        month=month,
                        score=score.score,
                        grade=score.grade,
                        components=[c.as_json() for c in score.components],
                    )
                    for score in batch
                ],
                ignore_conflicts=True,
            )
            # The month's snapshot is what today's cards compare with for their
            # trend (a bulk insert sends no model signal).
            CurrentScorecard.objects.filter(
                brand_id=brand.pk, facility_id__in=[score.facility_id for score in batch]
            ).update(stale=True)
        written += len(created)
    return written
