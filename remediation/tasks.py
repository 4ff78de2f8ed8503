"""Background work of remediation: the daily reminders about CAP deadlines."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from remediation.services.reminders import cap_reminders_send

# A failed e-mail is retried by running again: only the released items are resent.
RETRY_AFTER_SECONDS = 15 * 60


@shared_task(
    bind=True,
    max_retries=3,
    # A run stopped by its time limit releases what it did not send; the retry
    # continues from there, since what was sent stays claimed.
    autoretry_for=(SoftTimeLimitExceeded,),
    retry_backoff=RETRY_AFTER_SECONDS,
    # Longer than the default limit: 5,000 plans took about ten seconds on
    # PostgreSQL, so an hour leaves room for a large platform.
    soft_time_limit=55 * 60,
    time_limit=60 * 60,
)
def send_cap_reminders(self: Any, *, today: str | None = None) -> dict[str, int]:
    """The daily reminder run (Celery beat). ``today`` (ISO date) is for replays."""
    run = cap_reminders_send(today=date.fromisoformat(today) if today else None)
    if run.failed:
        raise self.retry(countdown=RETRY_AFTER_SECONDS)
    return asdict(run)
