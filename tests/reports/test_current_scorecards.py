"""The stored current scorecards: filled on first read, recomputed where a write made
them stale (and only there), refreshed by the hourly task, the same filters and order
as the in-Python table, never another brand's, and a fixed number of queries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.models import Audit, AuditShare
from audits.services.sharing import audit_share_consent, audit_share_offer
from csr_platform.models import Membership
from remediation.models import CorrectiveActionPlan
from reports.dashboards import sourcing_dashboard
from reports.models import GRADES, CurrentScorecard, ScorecardSnapshot
from reports.scorecards import (
    IMPROVING,
    SORTS,
    WORSENING,
    brand_viewpoint,
    compute_scorecards,
    month_start,
    months_before,
    ordered,
    scored_relationships,
)
from reports.services import scorecards as services
from reports.services.scorecards import (
    current_scorecards_refresh,
    scorecards_current,
    scorecards_of,
)
from reports.services.snapshots import scorecard_snapshots_take
from reports.tasks import refresh_scorecards
from suppliers.models import Facility, SourcingRelationship
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.conftest import token_client
from tests.factories import Brand
from tests.remediation.helpers import verified
from tests.reports import Portfolio, audited, cap_of, days_ago, finding_of, keep

pytestmark = pytest.mark.django_db

LIST = reverse("scorecard-list")
LAST_MONTH = months_before(month_start(timezone.localdate()), 1)


def read(viewpoint: Membership) -> dict[str, CurrentScorecard]:
    """What a reader gets: the brand's current rows, by facility name."""
    rows = scorecards_current(viewpoint, scored_relationships(viewpoint))
    return {row.relationship.facility.name: row for row in rows}


def stored(brand: Brand) -> dict[str, CurrentScorecard]:
    """The rows as stored, without refreshing anything."""
    rows = CurrentScorecard.objects.filter(brand=brand.org).select_related("facility")
    return {row.facility.name: row for row in rows}


def live(viewpoint: Membership) -> dict[str, int]:
    cards = compute_scorecards(viewpoint, scored_relationships(viewpoint))
    return {card.facility.name: card.score for card in cards}


# --- Filled on first read, equal to the live computation ------------------------------------


def test_the_first_read_fills_the_table_with_the_live_scores() -> None:
    portfolio = Portfolio()
    viewpoint = portfolio.brand.viewer
    assert not CurrentScorecard.objects.exists()

    rows = read(viewpoint)

    assert {name: row.score for name, row in rows.items()} == live(viewpoint)
    assert {name: row.grade for name, row in rows.items()} == {
        "Alpha Knit": "C",
        "Beta Sewing": "D",
    }
    alpha = rows["Alpha Knit"]
    assert alpha.on == timezone.localdate()
    assert not alpha.stale
    [card] = scorecards_of([alpha])
    expected = next(
        c
        for c in compute_scorecards(viewpoint, scored_relationships(viewpoint))
        if c.facility.name == "Alpha Knit"
    )
    assert card.components == expected.components
    assert card.relationship == expected.relationship


# --- Stale marking: each kind of write, and only the facility it concerns ------------------


def _resolve_a_finding(portfolio: Portfolio) -> None:
    """Alpha's minor canteen finding of 400 days ago fixed: its CAP verified on a desk
    review, the finding resolved."""
    verified(cap_of(portfolio.first, 2), supplier_admin_of(portfolio.alpha), portfolio.brand.admin)


def _rate_the_risk(portfolio: Portfolio) -> None:
    relationship = SourcingRelationship.objects.get(facility=portfolio.alpha)
    relationship.risk_score, relationship.risk_grade = 90, "high"
    relationship.save()


def _new_audit(portfolio: Portfolio) -> None:
    audited(
        portfolio.brand.admin,
        portfolio.alpha,
        days=5,
        findings=[{"severity": "minor", "category": "ENV"}],
    )


def _cap_due_earlier(portfolio: Portfolio) -> None:
    cap = CorrectiveActionPlan.objects.filter(facility=portfolio.alpha, status="open").first()
    assert cap is not None
    cap.due_date = days_ago(1000)
    cap.save()


def _snapshot(portfolio: Portfolio) -> None:
    portfolio.snapshot(portfolio.alpha, month=LAST_MONTH, score=20, grade="E")


def _facility_edited(portfolio: Portfolio) -> None:
    alpha = Facility.objects.get(pk=portfolio.alpha.pk)
    alpha.worker_count = 1200
    alpha.save()


WRITES: dict[str, Callable[[Portfolio], None]] = {
    "finding resolved": _resolve_a_finding,
    "relationship risk rated": _rate_the_risk,
    "audit finalized with its CAPs": _new_audit,
    "CAP changed": _cap_due_earlier,
    "snapshot taken": _snapshot,
    "facility edited": _facility_edited,
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_makes_only_its_facilitys_card_recomputed(write: str) -> None:
    portfolio = Portfolio()
    viewpoint = portfolio.brand.viewer
    before = read(viewpoint)

    WRITES[write](portfolio)

    marked = stored(portfolio.brand)
    assert marked["Alpha Knit"].stale
    assert not marked["Beta Sewing"].stale
    after = read(viewpoint)
    # Alpha recomputed, to what a live computation says; Beta untouched.
    assert not after["Alpha Knit"].stale
    assert after["Alpha Knit"].computed_at > before["Alpha Knit"].computed_at
    assert after["Beta Sewing"].computed_at == before["Beta Sewing"].computed_at
    assert {name: row.score for name, row in after.items()} == live(viewpoint)


def test_a_resolved_finding_shows_on_the_next_read() -> None:
    portfolio = Portfolio()
    viewpoint = portfolio.brand.viewer
    assert read(viewpoint)["Alpha Knit"].score == 64

    _resolve_a_finding(portfolio)

    # The aged minor finding (3 points) and its overdue CAP (4) no longer count.
    assert read(viewpoint)["Alpha Knit"].score == live(viewpoint)["Alpha Knit"] == 71


def test_a_shared_audit_marks_the_card_of_the_brand_it_is_shared_with() -> None:
    portfolio = Portfolio()
    other = Brand("Zenith")
    also_sourced_by(other.admin, portfolio.beta)
    assert read(other.viewer)["Beta Sewing"].score == 90  # nothing it can see yet
    audit = Audit.objects.get(facility=portfolio.beta)

    share = audit_share_offer(audit=audit, by=portfolio.brand.admin, brand_slug=other.org.slug)
    audit_share_consent(share=share, by=supplier_admin_of(portfolio.beta))

    assert AuditShare.objects.get(pk=share.pk).status == AuditShare.Status.ACTIVE
    assert read(other.viewer)["Beta Sewing"].score == live(other.viewer)["Beta Sewing"] < 90


def test_a_row_of_another_day_is_recomputed_for_today() -> None:
    portfolio = Portfolio()
    read(portfolio.brand.viewer)
    CurrentScorecard.objects.filter(brand=portfolio.brand.org).update(
        on=timezone.localdate() - timedelta(days=1)
    )

    rows = read(portfolio.brand.viewer)

    assert {row.on for row in rows.values()} == {timezone.localdate()}


def test_taking_the_snapshots_gives_todays_cards_their_trend() -> None:
    portfolio = Portfolio()
    assert read(portfolio.brand.viewer)["Alpha Knit"].trend is None

    scorecard_snapshots_take(brands=[portfolio.brand.org])

    # Bulk-written snapshots mark the rows themselves (no model signal).
    assert all(row.stale for row in stored(portfolio.brand).values())
    alpha = read(portfolio.brand.viewer)["Alpha Knit"]
    snapshot = ScorecardSnapshot.objects.get(facility=portfolio.alpha, month=LAST_MONTH)
    assert (alpha.previous_month, alpha.previous_score) == (LAST_MONTH, snapshot.score)
    assert alpha.trend == alpha.score - snapshot.score


# --- Rows of relationships no longer scored -------------------------------------------------


def test_a_rejected_relationship_loses_its_row_and_gets_it_back_when_approved() -> None:
    portfolio = Portfolio()
    read(portfolio.brand.viewer)
    relationship = SourcingRelationship.objects.get(facility=portfolio.beta)

    relationship.status = SourcingRelationship.Status.EXITED
    relationship.save()

    assert set(read(portfolio.brand.viewer)) == {"Alpha Knit"}
    assert set(stored(portfolio.brand)) == {"Alpha Knit"}

    relationship.status = SourcingRelationship.Status.APPROVED
    relationship.save()

    assert set(read(portfolio.brand.viewer)) == {"Alpha Knit", "Beta Sewing"}


def test_a_relationship_moved_to_another_facility_leaves_no_row_behind() -> None:
    """A merge of duplicates moves the relationship; its old row must not linger."""
    portfolio = Portfolio()
    read(portfolio.brand.viewer)
    gamma = Facility.objects.create(
        supplier=portfolio.beta.supplier, name="Gamma Dyeing", country="VN"
    )
    relationship = SourcingRelationship.objects.get(facility=portfolio.beta)

    relationship.facility = gamma
    relationship.save()

    assert set(read(portfolio.brand.viewer)) == {"Alpha Knit", "Gamma Dyeing"}
    assert set(stored(portfolio.brand)) == {"Alpha Knit", "Gamma Dyeing"}


# --- The hourly refresh ----------------------------------------------------------------------


def test_the_refresh_task_is_idempotent() -> None:
    portfolio = Portfolio()
    other = Brand("Zenith")
    also_sourced_by(other.admin, portfolio.alpha)

    first = refresh_scorecards.delay().get()
    rows = list(CurrentScorecard.objects.order_by("pk").values_list("pk", "score", "grade"))
    again = refresh_scorecards.delay().get()

    assert first == again == 3
    assert list(CurrentScorecard.objects.order_by("pk").values_list("pk", "score", "grade")) == rows
    assert refresh_scorecards.delay(str(portfolio.brand.org.pk)).get() == 2
    assert refresh_scorecards.delay(str(portfolio.alpha.supplier_id)).get() == 0


def test_the_refresh_heals_a_row_that_missed_its_stale_mark() -> None:
    """A queryset update sends no signal (nor does a write racing a refresh lose one
    more than until the next hour)."""
    portfolio = Portfolio()
    read(portfolio.brand.viewer)
    SourcingRelationship.objects.filter(facility=portfolio.beta).update(risk_score=100)
    assert read(portfolio.brand.viewer)["Beta Sewing"].score == 38

    current_scorecards_refresh(brand=portfolio.brand.org)

    assert (
        read(portfolio.brand.viewer)["Beta Sewing"].score
        == live(portfolio.brand.viewer)["Beta Sewing"]
    )


def test_many_stale_rows_are_recomputed_with_the_whole_brand(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "WHOLE_BRAND_FROM", 1)
    portfolio = Portfolio()
    read(portfolio.brand.viewer)

    _resolve_a_finding(portfolio)
    rows = read(portfolio.brand.viewer)

    assert {name: row.score for name, row in rows.items()} == live(portfolio.brand.viewer)
    assert not any(row.stale for row in rows.values())


def test_rows_are_written_in_bounded_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "REFRESH_BATCH", 2)
    brand = Brand()
    for n in range(5):
        facility_of(brand.admin, name=f"Mill {n}")

    with CaptureQueriesContext(connection) as queries:
        written = current_scorecards_refresh(brand=brand.org)

    assert written == 5
    assert CurrentScorecard.objects.filter(brand=brand.org).count() == 5
    inserts = [q for q in queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 3


# --- The same filters and order as the in-Python table ---------------------------------------


@pytest.fixture
def mixed() -> Brand:
    """Facilities with equal scores, names differing only in case, grades A to E,
    trends up, down, flat and none."""
    brand = Brand()
    findings = {
        "alpha mill": [],
        "Alpha Mill": [],
        "Bravo": [{"severity": "critical", "category": "OSH"}],
        "charlie": [{"severity": "critical", "category": "OSH"}],
        "Delta": [{"severity": "zero_tolerance", "category": "CHILD"}],
        "echo": [{"severity": "zero_tolerance", "category": "CHILD"}] * 2,
        "Foxtrot": [{"severity": "minor", "category": "ENV"}],
    }
    previous = {"alpha mill": 80, "Bravo": 95, "charlie": 82, "echo": 30, "Foxtrot": None}
    for name, found in findings.items():
        facility = facility_of(brand.admin, name=name)
        audited(brand.admin, facility, days=20, findings=found)
        if (score := previous.get(name)) is not None:
            ScorecardSnapshot.objects.create(
                brand=brand.org,
                facility=facility,
                month=LAST_MONTH,
                score=score,
                grade="C",
                components=[],
            )
    return brand


def test_filters_and_sorts_match_the_computed_cards(mixed: Brand) -> None:
    client = token_client(mixed.sourcing)
    viewpoint = mixed.viewer
    cards = compute_scorecards(viewpoint, scored_relationships(viewpoint))
    assert len({card.grade for card in cards}) >= 3
    assert {card.trend is None for card in cards} == {True, False}

    for sort in SORTS:
        for grade in ("", "A", "D"):
            for trend in ("", IMPROVING, WORSENING):
                params = {"sort": sort, "grade": grade, "trend": trend, "page_size": 100}
                body = client.get(LIST, {k: v for k, v in params.items() if v}).json()
                expected = ordered(keep(cards, grade=grade, trend=trend), sort)
                assert [row["id"] for row in body["results"]] == [
                    str(card.facility.pk) for card in expected
                ], params
                assert body["count"] == len(expected)


# --- Tenancy -------------------------------------------------------------------------------


def test_another_brands_rows_never_appear() -> None:
    portfolio = Portfolio()
    other = Brand("Zenith")
    also_sourced_by(other.admin, portfolio.alpha)
    read(portfolio.brand.viewer)
    read(other.viewer)
    assert CurrentScorecard.objects.count() == 3

    zenith = token_client(other.viewer).get(LIST).json()["results"]
    supplier = token_client(supplier_admin_of(portfolio.alpha)).get(LIST).json()["results"]

    assert [(row["facility"]["name"], row["score"]) for row in zenith] == [("Alpha Knit", 90)]
    assert supplier == []
    brands = CurrentScorecard.objects.visible_to(other.viewer).values_list("brand", flat=True)
    assert set(brands) == {other.org.pk}
    assert not CurrentScorecard.objects.visible_to(supplier_admin_of(portfolio.alpha)).exists()


def test_the_brand_viewpoint_reads_the_same_rows_as_its_members() -> None:
    portfolio = Portfolio()

    assert read(brand_viewpoint(portfolio.brand.org)).keys() == read(portfolio.brand.viewer).keys()


# --- Queries -------------------------------------------------------------------------------


def _brand_of(size: int) -> Brand:
    brand = Brand(f"Brand of {size}")
    for n in range(size):
        facility = facility_of(brand.admin, name=f"Mill {n:02d}")
        audited(brand.admin, facility, days=40, findings=[{"severity": "minor", "category": "ENV"}])
    return brand


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST, {"page_size": 500})
    assert response.status_code == 200
    return len(queries)


def test_reads_cost_the_same_queries_for_2_or_20_facilities_fresh_or_stale() -> None:
    counts = []
    for size in (2, 20):
        brand = _brand_of(size)
        client = token_client(brand.sourcing)
        cold = _list_queries(client)
        warm = _list_queries(client)
        one = finding_of(Audit.objects.filter(brand=brand.org).first(), 1)  # type: ignore[arg-type]
        one.description = "Updated by the auditor"
        one.save()
        stale = _list_queries(client)
        counts.append((cold, warm, stale))

    # cold: the token and its last use; the stale check, the relationships and four
    # aggregates, the upsert in a savepoint, the clean-up; the count, the page, the
    # page's snapshots. warm: the token, the stale check, count, page, snapshots.
    # stale: warm plus the scoring of one facility, its upsert and the clean-up.
    assert counts == [(15, 5, 14), (15, 5, 14)]


def test_a_later_page_holds_the_same_cards_as_the_computed_order(mixed: Brand) -> None:
    viewpoint = mixed.viewer
    expected = ordered(compute_scorecards(viewpoint, scored_relationships(viewpoint)), "-score")

    body = token_client(mixed.sourcing).get(LIST, {"sort": "-score", "page_size": "3", "page": "2"})

    assert [row["id"] for row in body.json()["results"]] == [
        str(card.facility.pk) for card in expected[3:6]
    ]


# --- The sourcing dashboard ------------------------------------------------------------------


def test_the_sourcing_dashboard_reads_todays_grades_and_lowest_scores_from_the_table(
    mixed: Brand,
) -> None:
    viewpoint = mixed.viewer
    cards = compute_scorecards(viewpoint, scored_relationships(viewpoint))

    today = sourcing_dashboard(mixed.sourcing)

    assert CurrentScorecard.objects.filter(brand=mixed.org).count() == len(cards)
    grades = Counter(card.grade for card in cards)
    assert [(tally.key, tally.count) for tally in today.grades] == [(g, grades[g]) for g in GRADES]
    assert [card.facility.pk for card in today.lowest] == [
        card.facility.pk for card in ordered(cards, "score")[: len(today.lowest)]
    ]
    assert today.scored == len(cards)


def test_a_past_days_sourcing_dashboard_is_computed_as_of_that_day(mixed: Brand) -> None:
    past = sourcing_dashboard(mixed.sourcing, today=days_ago(10))

    # The audits of 20 days ago were the last: as of 10 days ago, the same findings.
    assert not CurrentScorecard.objects.exists()
    assert past.scored == 7
    assert {card.on for card in past.lowest} == {days_ago(10)}
