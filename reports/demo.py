"""Demo data of reports: twelve monthly scorecard snapshots of the demo brands, so the
scorecard table's sparklines and trends have a history.

Each month is computed honestly "as of" its last day by the same code the monthly
task runs (``scorecard_snapshots_take``): audits count from their dates, findings
and CAPs are open or overdue as the timestamps on record say. Two limits of the demo
data show in the history: every CAP was worked on, and every fix verified, on the day
the demo was loaded, so earlier months see those findings still open (the score
rises in the last month); and the vetting risk has no history, so every month uses
today's. Idempotent: months already snapshotted are skipped.

Then the first demo brand gets its report colour and two finished PDF reports (its
programme summary and the progress report of its facility with the most findings),
rendered by the same service the worker runs; skipped once it has reports.
"""

from __future__ import annotations

from typing import TextIO

from django.db.models import Count
from django.utils import timezone

from csr_platform.models import Membership, Organization
from csr_platform.roles import Role
from reports.models import ReportBranding, ReportRequest
from reports.scorecards import month_start, months_before
from reports.services.report_requests import report_generate, report_request
from reports.services.snapshots import scorecard_snapshots_take
from suppliers.models import Facility

DEMO_BRANDS = ("northwind", "bluefjord")
MONTHS = 12


def seed(stdout: TextIO) -> None:
    brands = list(Organization.objects.filter(slug__in=DEMO_BRANDS).order_by("slug"))
    if not brands:
        stdout.write("Reports: the demo brands are missing; run the core demo first.\n")
        return
    this_month = month_start(timezone.localdate())
    written = 0
    # Oldest first, so each month's trend compares with the one before it.
    for back in range(MONTHS, 0, -1):
        written += scorecard_snapshots_take(month=months_before(this_month, back), brands=brands)
    stdout.write(
        f"Reports: {written} scorecard snapshots taken for the last {MONTHS} months of "
        f"{', '.join(b.name for b in brands)}.\n"
    )
    _reports(next((b for b in brands if b.slug == DEMO_BRANDS[0]), brands[0]), stdout)


def _reports(brand: Organization, stdout: TextIO) -> None:
    if ReportRequest.objects.filter(organization=brand).exists():
        return
    ReportBranding.objects.get_or_create(organization=brand, defaults={"colour": "#0b5d5b"})
    admin = (
        Membership.objects.filter(organization=brand, role=Role.ADMIN, is_active=True)
        .select_related("user", "organization")
        .order_by("created_at")
        .first()
    )
    if admin is None:
        return
    busiest = (
        Facility.objects.visible_to(admin)
        .annotate(findings=Count("audits__findings"))
        .order_by("-findings", "name")
        .first()
    )
    asked = [report_request(by=admin, kind=ReportRequest.Kind.PROGRAM_SUMMARY)]
    if busiest is not None:
        asked.append(
            report_request(by=admin, kind=ReportRequest.Kind.FACILITY_PROGRESS, facility=busiest)
        )
    for report in asked:
        # Rendered here rather than left to the worker, so the first page shows them
        # ready; the worker's copy of the task then finds them done and does nothing.
        report_generate(report_id=str(report.pk))
    done = ReportRequest.objects.filter(organization=brand, status=ReportRequest.Status.DONE)
    stdout.write(f"Reports: {done.count()} PDF reports of {brand.name} rendered.\n")
