"""Writes of the reports app: the monthly scorecard snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from csr_platform.models import Organization
from csr_platform.roles import OrganizationKind
from reports.models import ScorecardSnapshot
from reports.scorecards import (
    brand_viewpoint,
    compute_scorecards,
    month_start,
    months_before,
    scored_relationships,
)

# Facilities scored per transaction: a brand with a thousand suppliers is snapshotted
# in a few short transactions instead of one long one.
SNAPSHOT_BATCH = 200


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
    written = 0
    # One transaction per batch rather than around the whole run: a snapshot written
    # stays written if a later batch fails, and the retry carries on from there.
    while True:
        with transaction.atomic():
            # The facilities still without this month's snapshot, a batch at a time:
            # each batch written shrinks the set, so the loop ends.
            batch = (
                scored_relationships(viewpoint)
                .filter(~Exists(taken))
                .order_by("facility_id")
                .values_list("pk", flat=True)[:SNAPSHOT_BATCH]
            )
            ids = list(batch)
            if not ids:
                return written
            cards = compute_scorecards(
                viewpoint, scored_relationships(viewpoint).filter(pk__in=ids), on=on
            )
            created = ScorecardSnapshot.objects.bulk_create(
                [
                    ScorecardSnapshot(
                        brand=brand,
                        facility_id=card.relationship.facility_id,
                        month=month,
                        score=card.score,
                        grade=card.grade,
                        components=[c.as_json() for c in card.components],
                    )
                    for card in cards
                ],
                ignore_conflicts=True,
            )
            written += len(created)
            if len(ids) < SNAPSHOT_BATCH:
                return written
