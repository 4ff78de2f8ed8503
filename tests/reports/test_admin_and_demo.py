"""The demo's twelve months of scorecard history, and the read-only admin of the
snapshots for platform staff."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from audits import demo as audits_demo
from csr_platform import demo as core_demo
from csr_platform.models import Organization, User
from laws import demo as laws_demo
from remediation import demo as remediation_demo
from reports import demo
from reports.models import ReportRequest, ScorecardSnapshot
from reports.scorecards import brand_viewpoint, month_start, months_before, scored_relationships
from reports.services.snapshots import scorecard_snapshots_take
from suppliers import demo as suppliers_demo
from tests.reports import brand_with_facilities

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/reports/scorecardsnapshot/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The demo creates a dozen logins; real hashing would make each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seeded() -> str:
    """Every demo the reports demo builds on, then the reports demo; returns what it
    printed."""
    for module in (core_demo, laws_demo, suppliers_demo, audits_demo, remediation_demo):
        module.seed(io.StringIO())
    output = io.StringIO()
    demo.seed(output)
    return output.getvalue()


def test_the_demo_brands_have_twelve_months_of_history_that_moves() -> None:
    printed = seeded()

    this_month = month_start(timezone.localdate())
    months = {months_before(this_month, back) for back in range(1, 13)}
    histories: list[list[int]] = []
    for brand in Organization.objects.filter(slug__in=demo.DEMO_BRANDS):
        for relationship in scored_relationships(brand_viewpoint(brand)):
            snapshots = ScorecardSnapshot.objects.filter(
                brand=brand, facility_id=relationship.facility_id
            ).order_by("month")
            assert {s.month for s in snapshots} == months
            histories.append([s.score for s in snapshots])
    assert len(histories) >= 8
    # Audits, ageing findings and late plans move the scores: most lines are not flat.
    assert sum(len(set(scores)) > 1 for scores in histories) >= len(histories) // 2
    assert f"Reports: {12 * len(histories)} scorecard snapshots taken" in printed


def test_seeding_the_demo_again_takes_no_snapshot_twice() -> None:
    seeded()
    before = ScorecardSnapshot.objects.count()

    output = io.StringIO()
    demo.seed(output)

    assert ScorecardSnapshot.objects.count() == before
    assert "Reports: 0 scorecard snapshots taken" in output.getvalue()


def test_without_the_demo_brands_the_demo_says_so() -> None:
    output = io.StringIO()

    demo.seed(output)

    assert "the demo brands are missing" in output.getvalue()
    assert not ScorecardSnapshot.objects.exists()


def staff_browser() -> Client:
    staff = User.objects.create_superuser(
        email="support@platform.example", password="x-" * 8, full_name="Support"
    )
    browser = Client()
    browser.force_login(staff)
    return browser


def test_staff_read_snapshots_in_the_admin_and_change_none() -> None:
    brand = brand_with_facilities(2)
    scorecard_snapshots_take(brands=[brand.org])
    snapshot = ScorecardSnapshot.objects.first()
    assert snapshot is not None
    browser = staff_browser()

    listing = browser.get(CHANGELIST)
    filtered = browser.get(f"{CHANGELIST}?grade__exact=A&q=acme")
    page = browser.get(f"{CHANGELIST}{snapshot.pk}/change/")

    assert listing.status_code == filtered.status_code == page.status_code == 200
    assert "Acme Apparel factory 0" in listing.content.decode()
    assert "open_findings" in page.content.decode()  # the components, read-only
    assert browser.get(f"{CHANGELIST}add/").status_code == 403
    assert browser.post(f"{CHANGELIST}{snapshot.pk}/delete/").status_code == 403
    assert browser.post(f"{CHANGELIST}{snapshot.pk}/change/", {"score": 1}).status_code == 403
    snapshot.refresh_from_db()
    assert snapshot.score == 90


def test_the_demo_brand_has_its_reports_ready_once() -> None:
    printed = seeded()

    reports = ReportRequest.objects.filter(organization__slug=demo.DEMO_BRANDS[0])
    assert sorted(r.kind for r in reports) == ["facility_progress", "program_summary"]
    assert {r.status for r in reports} == {"done"}
    assert all(r.file.open("rb").read(5) == b"%PDF-" for r in reports)
    assert "Reports: 2 PDF reports of Northwind Apparel rendered." in printed

    demo.seed(io.StringIO())
    assert reports.count() == 2


def test_staff_queue_a_failed_report_again_from_the_admin(
    django_capture_on_commit_callbacks: Any,
) -> None:
    brand = brand_with_facilities(1)
    report = ReportRequest.objects.create(
        organization=brand.org,
        requested_by=brand.csr,
        kind=ReportRequest.Kind.PROGRAM_SUMMARY,
        language="en",
        status=ReportRequest.Status.FAILED,
        error="The worker ran out of memory.",
    )
    browser = staff_browser()
    changelist = "/admin/reports/reportrequest/"
    assert (
        "The worker ran out of memory."
        in browser.get(f"{changelist}{report.pk}/change/").content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            changelist, {"action": "requeue", "_selected_action": [str(report.pk)]}
        )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportRequest.Status.DONE  # queued again, and the worker ran it
    assert report.error == ""
