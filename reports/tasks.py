"""Background work of the reports app: thin tasks that take ids and call a service."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from csr_platform.models import Organization
from csr_platform.roles import OrganizationKind
from reports.services.report_requests import (
    monthly_reports_queue,
    report_generate,
    scheduled_report_email,
)
from reports.services.scorecards import current_scorecards_refresh, current_scorecards_refresh_all
from reports.services.snapshots import scorecard_snapshots_take


@shared_task
def take_scorecard_snapshots(month: str | None = None) -> int:
    """Monthly (Celery beat, on the 1st): snapshot every brand's scorecards at the
    close of ``month`` (``YYYY-MM-DD``; the month just ended by default). Safe to run
    again: a month already snapshotted is skipped."""
    return scorecard_snapshots_take(month=date.fromisoformat(month) if month else None)


@shared_task(time_limit=30 * 60)
def refresh_scorecards(brand_id: str | None = None) -> int:
    """Hourly (Celery beat): recompute the stored current scorecards of one brand, or
    of every brand, as of today (upserted a batch per transaction). Safe to run again
    or twice at once: rows are upserted on (brand, facility)."""
    if brand_id is None:
        return current_scorecards_refresh_all()
    brand = Organization.objects.filter(pk=brand_id, kind=OrganizationKind.BRAND).first()
    return 0 if brand is None else current_scorecards_refresh(brand=brand)


@shared_task
def generate_report(report_id: str) -> bool:
    """Render one queued PDF report. A redelivery or a second worker does nothing: the
    request is claimed first (see report_generate)."""
    return report_generate(report_id=report_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=60, retry_backoff_max=3600, max_retries=8)
def email_scheduled_report(report_id: str) -> int:
    """E-mail a finished monthly programme report to its brand's admins; retried
    while the mail server refuses, never sent twice to the same admin."""
    return scheduled_report_email(report_id=report_id)


@shared_task
def queue_monthly_reports(month: str | None = None) -> int:
    """Monthly (Celery beat, on the 1st, after the snapshots): every brand's programme
    summary of the month just ended, generated and e-mailed to its admins."""
    return monthly_reports_queue(month=date.fromisoformat(month) if month else None)
