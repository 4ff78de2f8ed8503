"""The scorecard computation against a small fixture computed by hand, component by
component; "as of" a past day; the rules of which audits count; and the query count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.models import AuditShare
from audits.services.sharing import audit_share_consent, audit_share_offer
from reports.scorecards import (
    Scorecard,
    brand_viewpoint,
    compute_scorecards,
    grade_for,
    months_before,
    ordered,
    score_relationships,
    scored_relationships,
)
from suppliers.models import SourcingRelationship
from tests.audits.helpers import also_sourced_by, facility_of, supplier_admin_of
from tests.factories import Brand, member
from tests.remediation.helpers import submitted, verified
from tests.reports import Portfolio, audited, cap_of, days_ago, finding_of, keep

pytestmark = pytest.mark.django_db


def points(card: Scorecard) -> dict[str, int]:
    return {c.key: c.points for c in card.components}


def test_the_fixture_is_what_the_story_says() -> None:
    portfolio = Portfolio()

    assert finding_of(portfolio.second, 1).repeat_of == finding_of(portfolio.first, 1)
    assert finding_of(portfolio.first, 1).status == "resolved"


def test_each_component_matches_the_hand_computed_points() -> None:
    portfolio = Portfolio()

    cards = portfolio.cards()

    alpha = cards["Alpha Knit"]
    assert points(alpha) == {
        # minor canteen finding, 400 days open: 2 × 1.5 = 3; major OSH repeat, 60 days:
        # 4; critical DISC, 60 days: 8. 3 + 4 + 8 = 15 (observations never count).
        "open_findings": 15,
        # the minor's CAP (due 400 − 180 = 220 days ago) and the critical's (due
        # 60 − 30 = 30 days ago, submitted but not verified): 2 × 4 = 8.
        "overdue_caps": 8,
        # the OSH finding of 60 days ago repeats the fixed one: 1 × 3 = 3.
        "repeat_findings": 3,
        # plans submitted in the last 12 months took 60 and 50 days: median 55,
        # over 30 and within 60 days: 4.
        "responsiveness": 4,
        # audited 60 days ago, within 12 months: 0.
        "audit_recency": 0,
        # vetting risk 64/100 scaled to 10: 6.4 → 6.
        "vetting_risk": 6,
    }
    # 100 − (15 + 8 + 3 + 4 + 0 + 6) = 64: C (51–70).
    assert alpha.score == 64
    assert alpha.grade == "C"

    beta = cards["Beta Sewing"]
    assert points(beta) == {
        # all 600 days old: zero tolerance 20 × 1.5 = 30, critical 8 × 1.5 = 12,
        # major 4 × 1.5 = 6; 48, capped at 40.
        "open_findings": 40,
        # three CAPs past due: 3 × 4 = 12.
        "overdue_caps": 12,
        "repeat_findings": 0,
        # nothing submitted: not scored here.
        "responsiveness": 0,
        # the last audit is 600 days old, more than 18 months: 10.
        "audit_recency": 10,
        # never assessed: 0.
        "vetting_risk": 0,
    }
    # 100 − (40 + 12 + 0 + 0 + 10 + 0) = 38: D (30–50).
    assert beta.score == 38
    assert beta.grade == "D"


def test_each_component_explains_its_points_in_one_sentence() -> None:
    cards = Portfolio().cards()

    alpha = {c.key: c.explanation for c in cards["Alpha Knit"].components}
    assert alpha["open_findings"] == (
        "3 open findings: 1 critical, 1 major, 1 minor. "
        "1 open for more than 90 days weighs half as much again."
    )
    assert alpha["overdue_caps"] == "2 corrective action plans are past their due date."
    assert alpha["repeat_findings"] == (
        "1 finding in the last 24 months repeats a problem fixed before."
    )
    assert alpha["responsiveness"] == (
        "Half the plans are submitted within 55 days of the CAP being opened "
        "(2 plans in the last 12 months)."
    )
    assert alpha["audit_recency"].endswith(", 60 days ago.")
    assert alpha["vetting_risk"] == "Vetting risk score 64 out of 100."

    beta = {c.key: c.explanation for c in cards["Beta Sewing"].components}
    assert beta["open_findings"].startswith(
        "3 open findings: 1 zero tolerance, 1 critical, 1 major."
    )
    assert beta["open_findings"].endswith("Capped at 40 points.")
    assert beta["responsiveness"] == "No plan submitted in the last 12 months."
    assert beta["vetting_risk"] == "Not assessed yet."


def test_a_past_day_is_scored_with_what_was_known_and_open_then() -> None:
    portfolio = Portfolio()

    alpha = portfolio.cards(on=days_ago(100))["Alpha Knit"]

    assert points(alpha) == {
        # the second audit had not happened; the major OSH finding was fixed only
        # later, so it was open: major 4 × 1.5 + minor 2 × 1.5 = 9.
        "open_findings": 9,
        # both CAPs of the first audit were past due (verified only later): 8.
        "overdue_caps": 8,
        "repeat_findings": 0,
        # only the plan submitted 340 days ago (60 days): 4.
        "responsiveness": 4,
        # audited 300 days before: within 12 months.
        "audit_recency": 0,
        "vetting_risk": 6,
    }
    assert (alpha.score, alpha.grade) == (73, "B")


def test_an_audit_shared_with_the_brand_counts_once_the_supplier_consents() -> None:
    portfolio = Portfolio()
    other = member("brand", "admin")
    also_sourced_by(other, portfolio.alpha)
    theirs = audited(
        other, portfolio.alpha, days=5, findings=[{"severity": "minor", "category": "ENV"}]
    )
    before = portfolio.cards()["Alpha Knit"]

    share = audit_share_offer(
        audit=theirs, by=other, brand_slug=portfolio.brand.org.slug, message=""
    )
    share = audit_share_consent(share=share, by=supplier_admin_of(portfolio.alpha))
    after = portfolio.cards()["Alpha Knit"]

    assert share.status == AuditShare.Status.ACTIVE
    # Before: another brand's audit is none of Acme's business. After: its minor
    # finding adds 2 points. The other brand's CAP is never Acme's overdue CAP.
    assert points(after)["open_findings"] == points(before)["open_findings"] + 2
    assert after.score == before.score - 2
    assert points(after)["overdue_caps"] == points(before)["overdue_caps"]


def test_rejected_and_exited_relationships_have_no_scorecard() -> None:
    portfolio = Portfolio()
    SourcingRelationship.objects.filter(facility=portfolio.beta).update(
        status=SourcingRelationship.Status.EXITED
    )

    assert set(portfolio.cards()) == {"Alpha Knit"}


def test_suppliers_and_partners_have_no_scorecards() -> None:
    portfolio = Portfolio()

    for outsider in (supplier_admin_of(portfolio.alpha), member("partner", "member")):
        assert not scored_relationships(outsider).exists()


def test_another_brand_is_scored_on_its_own_audits_only() -> None:
    portfolio = Portfolio()
    other = member("brand", "admin")
    also_sourced_by(other, portfolio.alpha)

    [card] = compute_scorecards(other, scored_relationships(other))

    # Acme's audits of Alpha are not shared: the other brand sees a facility never
    # audited (10 points) and nothing else.
    assert card.score == 90
    assert points(card)["open_findings"] == 0


def test_grade_bands_are_the_amfori_bands() -> None:
    bands = {score: grade_for(score) for score in (100, 86, 85, 71, 70, 51, 50, 30, 29, 0)}

    assert bands == {
        100: "A",
        86: "A",
        85: "B",
        71: "B",
        70: "C",
        51: "C",
        50: "D",
        30: "D",
        29: "E",
        0: "E",
    }


def test_calendar_months_back_clamp_to_the_end_of_a_short_month() -> None:
    from datetime import date

    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 24) == date(2024, 1, 15)
    assert months_before(date(2026, 11, 1), -2) == date(2027, 1, 1)


def test_filters_and_order_over_computed_scores() -> None:
    cards = list(Portfolio().cards().values())
    alpha, beta = sorted(cards, key=lambda c: c.facility.name)
    alpha.previous_score, beta.previous_score = 60, 45  # +4 and −7

    assert [c.facility.name for c in keep(cards, grade="D")] == ["Beta Sewing"]
    assert [c.facility.name for c in keep(cards, trend="improving")] == ["Alpha Knit"]
    assert [c.facility.name for c in keep(cards, trend="worsening")] == ["Beta Sewing"]
    assert [c.facility.name for c in ordered(cards, "score")] == ["Beta Sewing", "Alpha Knit"]
    assert [c.facility.name for c in ordered(cards, "-score")] == ["Alpha Knit", "Beta Sewing"]
    assert [c.facility.name for c in ordered(cards, "grade")] == ["Alpha Knit", "Beta Sewing"]
    assert [c.facility.name for c in ordered(cards, "-trend")] == ["Alpha Knit", "Beta Sewing"]
    assert [c.facility.name for c in ordered(cards, "-name")] == ["Beta Sewing", "Alpha Knit"]


def _brand_with(count: int) -> Brand:
    brand = Brand()
    for n in range(count):
        facility = facility_of(brand.admin, name=f"Factory {n:02d}")
        audited(
            brand.admin,
            facility,
            days=30 + n,
            findings=[
                {"severity": "major", "category": "OSH"},
                {"severity": "minor", "category": "ENV"},
            ],
        )
        cap = cap_of(facility.audits.get(), 1)
        if n % 2:
            submitted(cap, supplier_admin_of(facility))
    return brand


def test_a_whole_brand_is_scored_in_the_same_queries_for_2_or_20_facilities() -> None:
    counts = []
    for size in (2, 20):
        brand = _brand_with(size)
        viewpoint = brand_viewpoint(brand.org)
        with CaptureQueriesContext(connection) as queries:
            cards = compute_scorecards(viewpoint, scored_relationships(viewpoint))
        assert len(cards) == size
        assert all(points(card)["open_findings"] == 6 for card in cards)
        counts.append(len(queries))

    # The relationships (with the last snapshot for the trend), then one grouped
    # aggregate each: findings, overdue CAPs, days to submit, last audits.
    assert counts == [5, 5]


def test_today_is_the_default_day() -> None:
    portfolio = Portfolio()

    implicit = portfolio.cards()["Alpha Knit"]
    explicit = portfolio.cards(on=timezone.localdate())["Alpha Knit"]

    assert implicit.on == timezone.localdate()
    assert points(implicit) == points(explicit)


def test_the_light_scoring_gives_the_cards_scores_in_the_same_queries() -> None:
    brand = _brand_with(4)
    viewpoint = brand_viewpoint(brand.org)
    cards = compute_scorecards(viewpoint, scored_relationships(viewpoint))

    with CaptureQueriesContext(connection) as queries:
        scores = score_relationships(viewpoint, scored_relationships(viewpoint))

    assert len(queries) == 5
    by_facility = {card.relationship.facility_id: card for card in cards}
    for score in scores:
        card = by_facility[score.facility_id]
        assert score.relationship_id == card.relationship.pk
        assert (score.components, score.score, score.grade, score.trend) == (
            card.components,
            card.score,
            card.grade,
            card.trend,
        )


def test_todays_overdue_plans_are_read_without_the_later_verifications() -> None:
    """Nothing is verified or cancelled after today, and asking would keep PostgreSQL
    from the CAPs' (brand, status, due date) index."""
    portfolio = Portfolio()
    viewpoint = portfolio.brand.viewer

    def overdue_sql(**kwargs: object) -> str:
        with CaptureQueriesContext(connection) as queries:
            compute_scorecards(viewpoint, scored_relationships(viewpoint), **kwargs)  # type: ignore[arg-type]
        return next(q["sql"] for q in queries if '"total"' in q["sql"])

    # The minor canteen finding's overdue CAP is verified today, as was the major
    # OSH finding's (in the fixture): both overdue yesterday, not today.
    verified(cap_of(portfolio.first, 2), supplier_admin_of(portfolio.alpha), portfolio.brand.admin)

    assert "verified_at" not in overdue_sql()
    assert "verified_at" in overdue_sql(on=days_ago(1))
    assert points(portfolio.cards()["Alpha Knit"])["overdue_caps"] == 4
    assert points(portfolio.cards(on=days_ago(1))["Alpha Knit"])["overdue_caps"] == 12
