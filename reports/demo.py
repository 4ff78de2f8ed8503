"""Demo data of reports: twelve monthly scorecard snapshots of the demo brands, so the
scorecard table's sparklines and trends have a history.

Each month is computed honestly "as of" its last day by the same code the monthly
task runs (``scorecard_snapshots_take``): audits count from their dates, findings
and CAPs are open or overdue as the timestamps on record say. Two limits of the demo
data show in the history: every CAP was worked on, and every fix verified, on the day
the demo was loaded, so earlier months see those findings still open (the score
rises in the last month); and the vetting risk has no history, so every month uses
today's. Idempotent: months already snapshotted are skipped.
"""

from __future__ import annotations

from typing import TextIO

from django.utils import timezone

from csr_platform.models import Organization
from reports.scorecards import month_start, months_before
from reports.services import scorecard_snapshots_take

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
