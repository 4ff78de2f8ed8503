"""Monthly scorecard snapshots: taken once per brand, facility and month, as the month
closed; a rerun, a retry or a second worker writes nothing twice; the trend compares
today's score with the last snapshot."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports.models import ScorecardSnapshot
from reports.scorecards import compute_scorecards, month_start, months_before, scored_relationships
from reports.services import snapshots as services
from reports.services.snapshots import last_complete_month, scorecard_snapshots_take
from reports.tasks import take_scorecard_snapshots
from tests.factories import member
from tests.reports import audited, brand_with_facilities

pytestmark = pytest.mark.django_db

LAST_MONTH = months_before(month_start(timezone.localdate()), 1)


def test_the_default_month_is_the_last_one_that_is_over() -> None:
    assert last_complete_month(date(2026, 3, 1)) == date(2026, 2, 1)
    assert last_complete_month(date(2026, 1, 31)) == date(2025, 12, 1)


def test_one_snapshot_per_scored_facility_as_the_month_closed() -> None:
    brand = brand_with_facilities(3)

    written = scorecard_snapshots_take(brands=[brand.org])

    assert written == 3
    snapshots = ScorecardSnapshot.objects.filter(brand=brand.org)
    assert {s.month for s in snapshots} == {LAST_MONTH}
    # Major finding open for over 90 days: 4 × 1.5 = 6; its CAP (due 110 days ago)
    # overdue: 4. 100 − 10 = 90, grade A.
    assert {(s.score, s.grade) for s in snapshots} == {(90, "A")}
    components = {c["key"]: c for c in snapshots[0].components}
    assert components["open_findings"]["points"] == 6
    assert components["open_findings"]["facts"]["major"] == 1
    assert components["overdue_caps"]["facts"] == {"count": 1}


def test_a_rerun_writes_nothing_twice() -> None:
    brand = brand_with_facilities(2)
    scorecard_snapshots_take(brands=[brand.org])
    first = list(ScorecardSnapshot.objects.values_list("pk", "score", "taken_at"))

    again = scorecard_snapshots_take(brands=[brand.org])

    assert again == 0
    assert list(ScorecardSnapshot.objects.values_list("pk", "score", "taken_at")) == first


def test_a_facility_another_worker_snapshotted_first_is_left_as_it_is() -> None:
    brand = brand_with_facilities(2)
    facility = scored_relationships(brand.viewer).first().facility  # type: ignore[union-attr]
    ScorecardSnapshot.objects.create(
        brand=brand.org, facility=facility, month=LAST_MONTH, score=50, grade="D", components=[]
    )

    written = scorecard_snapshots_take(brands=[brand.org])

    assert written == 1
    assert ScorecardSnapshot.objects.filter(brand=brand.org).count() == 2
    assert ScorecardSnapshot.objects.get(facility=facility).score == 50


def test_large_brands_are_written_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "SNAPSHOT_BATCH", 2)
    brand = brand_with_facilities(5)

    written = scorecard_snapshots_take(brands=[brand.org])

    assert written == 5
    assert ScorecardSnapshot.objects.filter(brand=brand.org).count() == 5


def test_a_brand_is_scored_once_however_many_batches_it_is_written_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The aggregates read all the brand's findings whatever the batch: scored per
    batch, 25 batches cost 25 times the brand (65 s for the largest)."""
    monkeypatch.setattr(services, "SNAPSHOT_BATCH", 2)
    brand = brand_with_facilities(5)

    with CaptureQueriesContext(connection) as queries:
        written = scorecard_snapshots_take(brands=[brand.org])

    assert written == 5
    finding_reads = [q for q in queries if 'FROM "audits_finding"' in q["sql"]]
    assert len(finding_reads) == 1
    inserts = [q for q in queries if q["sql"].startswith("INSERT") and "snapshot" in q["sql"]]
    assert len(inserts) == 3


def test_every_brand_is_snapshotted_by_default_and_nobody_elses_facilities() -> None:
    acme, zenith = brand_with_facilities(1), brand_with_facilities(2, name="Zenith")

    scorecard_snapshots_take()

    assert ScorecardSnapshot.objects.filter(brand=acme.org).count() == 1
    assert ScorecardSnapshot.objects.filter(brand=zenith.org).count() == 2


def test_a_month_that_is_not_over_is_refused() -> None:
    with pytest.raises(ValueError, match="not over yet"):
        scorecard_snapshots_take(month=timezone.localdate())


def test_the_task_takes_the_snapshots_of_the_month_it_is_given() -> None:
    brand = brand_with_facilities(1)
    month = months_before(LAST_MONTH, 2)

    written = take_scorecard_snapshots.delay(month.isoformat()).get()

    assert written == 1
    assert ScorecardSnapshot.objects.get(brand=brand.org).month == month


def test_the_trend_is_todays_score_against_the_last_snapshot() -> None:
    brand = brand_with_facilities(1)
    scorecard_snapshots_take(brands=[brand.org])
    facility = ScorecardSnapshot.objects.get(brand=brand.org).facility
    # Today's audit finds a critical problem: 8 points more off than at the close of
    # last month (its CAP is not due for 30 days; the audit is as recent as before).
    audited(brand.admin, facility, days=0, findings=[{"severity": "critical", "category": "DISC"}])

    [card] = compute_scorecards(brand.viewer, scored_relationships(brand.viewer))

    assert (card.previous_score, card.previous_month) == (90, LAST_MONTH)
    assert card.score == 82
    assert card.trend == -8


def test_without_a_snapshot_there_is_no_trend() -> None:
    brand = brand_with_facilities(1)

    [card] = compute_scorecards(brand.viewer, scored_relationships(brand.viewer))

    assert card.trend is None


def test_a_snapshot_of_this_month_is_not_the_previous_one() -> None:
    brand = brand_with_facilities(1)
    facility = scored_relationships(brand.viewer).get().facility
    this_month = month_start(timezone.localdate())
    ScorecardSnapshot.objects.create(
        brand=brand.org, facility=facility, month=this_month, score=10, grade="E", components=[]
    )
    other_brand = member("brand", "admin")
    ScorecardSnapshot.objects.create(
        brand=other_brand.organization,
        facility=facility,
        month=LAST_MONTH,
        score=20,
        grade="E",
        components=[],
    )

    [card] = compute_scorecards(brand.viewer, scored_relationships(brand.viewer))

    # Neither this month's row nor another brand's counts as the last snapshot.
    assert card.trend is None
