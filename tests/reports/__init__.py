"""Tests of the reports app. Arrange helpers shared by its test modules live here:
audits, findings and CAPs made through the services, dated relative to today."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from audits.models import Audit, Finding
from audits.services.audits import audit_finalize
from csr_platform.models import Membership
from remediation.models import CorrectiveActionPlan
from remediation.services.opening import caps_open_for_audit
from reports.models import ScorecardSnapshot
from reports.scorecards import (
    IMPROVING,
    WORSENING,
    Scorecard,
    compute_scorecards,
    scored_relationships,
)
from suppliers.models import Facility, SourcingRelationship
from tests.audits.helpers import add_finding, draft_audit, facility_of, supplier_admin_of
from tests.factories import Brand
from tests.remediation.helpers import submitted, verified


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def moment(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def audited(
    by: Membership, facility: Facility, *, days: int, findings: list[dict[str, Any]]
) -> Audit:
    """A final audit ``days`` ago with ``findings`` (each: severity, category), and
    its CAPs opened as the ``audit_finalized`` receiver opens them."""
    audit = draft_audit(by, facility, on=days_ago(days))
    for values in findings:
        add_finding(by, audit, **values)
    audit = audit_finalize(audit=audit, by=by)
    caps_open_for_audit(audit_id=str(audit.pk))
    return audit


def cap_of(audit: Audit, number: int) -> CorrectiveActionPlan:
    return CorrectiveActionPlan.objects.get(finding__audit=audit, finding__number=number)


def finding_of(audit: Audit, number: int) -> Finding:
    return Finding.objects.get(audit=audit, number=number)


def backdate(cap: CorrectiveActionPlan, *, opened: date, submitted: date | None = None) -> None:
    """Put a CAP's opening (and submission) on the days a story says they happened."""
    values: dict[str, Any] = {"created_at": moment(opened)}
    if submitted is not None:
        values["submitted_at"] = moment(submitted)
    CorrectiveActionPlan.objects.filter(pk=cap.pk).update(**values)


def rate_risk(facility: Facility, brand_admin: Membership, score: int, grade: str) -> None:
    SourcingRelationship.objects.filter(
        facility=facility, brand_id=brand_admin.organization_id
    ).update(risk_score=score, risk_grade=grade)


class Portfolio:
    """Acme sources from Alpha Knit (audited twice, some fixed, some not) and Beta
    Sewing (one old audit with grave findings, nothing done since)."""

    def __init__(self) -> None:
        self.brand = Brand("Acme Apparel")
        admin = self.brand.admin
        self.alpha = facility_of(admin, name="Alpha Knit", country="BD")
        self.beta = facility_of(admin, name="Beta Sewing", country="VN")
        alpha_supplier = supplier_admin_of(self.alpha)
        rate_risk(self.alpha, admin, 64, "high")

        # Alpha, 400 days ago: a major OSH finding (fixed since), a minor canteen
        # finding (never fixed) and an observation.
        self.first = audited(
            admin,
            self.alpha,
            days=400,
            findings=[
                {"severity": "major", "category": "OSH"},
                {"severity": "minor", "category": "FACIL"},
                {"severity": "observation", "category": "MGMT"},
            ],
        )
        fixed = cap_of(self.first, 1)
        verified(fixed, alpha_supplier, admin)
        backdate(fixed, opened=days_ago(400), submitted=days_ago(340))  # 60 days to submit

        # Alpha, 60 days ago: the OSH problem is back (a repeat), a new critical
        # discrimination finding, an observation.
        self.second = audited(
            admin,
            self.alpha,
            days=60,
            findings=[
                {"severity": "major", "category": "OSH"},
                {"severity": "critical", "category": "DISC"},
                {"severity": "observation", "category": "MGMT"},
            ],
        )
        critical = cap_of(self.second, 2)
        submitted(critical, alpha_supplier)
        backdate(critical, opened=days_ago(60), submitted=days_ago(10))  # 50 days to submit

        # Beta, 600 days ago: zero tolerance, critical and major — all still open.
        audited(
            admin,
            self.beta,
            days=600,
            findings=[
                {"severity": "zero_tolerance", "category": "FORCED"},
                {"severity": "critical", "category": "OSH"},
                {"severity": "major", "category": "WAGE"},
            ],
        )

    def cards(self, **kwargs: Any) -> dict[str, Scorecard]:
        viewpoint = self.brand.viewer
        cards = compute_scorecards(viewpoint, scored_relationships(viewpoint), **kwargs)
        return {card.facility.name: card for card in cards}

    def snapshot(self, facility: Facility, *, month: date, score: int, grade: str) -> None:
        """A monthly snapshot as the task would have written it (without components)."""
        ScorecardSnapshot.objects.create(
            brand=self.brand.org,
            facility=facility,
            month=month,
            score=score,
            grade=grade,
            components=[],
        )


def brand_with_facilities(count: int, name: str = "Acme Apparel") -> Brand:
    """Each facility audited 200 days ago with one major finding, still open."""
    brand = Brand(name)
    for n in range(count):
        facility = facility_of(brand.admin, name=f"{name} factory {n}")
        audited(
            brand.admin, facility, days=200, findings=[{"severity": "major", "category": "OSH"}]
        )
    return brand


def keep(cards: Iterable[Scorecard], *, grade: str = "", trend: str = "") -> list[Scorecard]:
    """The cards of ``grade`` and with an improving or worsening trend (a card without
    a snapshot to compare with has no trend, so matches neither): what the table's
    grade and trend filters mean, which the stored rows' SQL filters must match."""
    kept = []
    for card in cards:
        if grade and card.grade != grade:
            continue
        if trend == IMPROVING and not (card.trend is not None and card.trend > 0):
            continue
        if trend == WORSENING and not (card.trend is not None and card.trend < 0):
            continue
        kept.append(card)
    return kept
