"""Background work of the reports app."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from reports.services import scorecard_snapshots_take


@shared_task
def take_scorecard_snapshots(month: str | None = None) -> int:
    """Monthly (Celery beat, on the 1st): snapshot every brand's scorecards at the
    close of ``month`` (``YYYY-MM-DD``; the month just ended by default). Safe to run
    again: a month already snapshotted is skipped."""
    return scorecard_snapshots_take(month=date.fromisoformat(month) if month else None)
