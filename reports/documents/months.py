"""The last twelve months of a report: which months, and a count per month grouped
by the database (one query per kind of fact, whatever the number of rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reports.scorecards import end_of_day, month_start, months_before

MONTHS = 12


@dataclass(frozen=True)
class MonthActivity:
    """One month of a timeline: findings raised (by their audit's last day on site),
    CAPs verified, and the average monthly score when there is one."""

    month: date
    findings: int
    verified: int
    average_score: float | None = None


def last_months(on: date, count: int = MONTHS) -> list[date]:
    """The first days of the ``count`` months up to ``on``'s month, oldest first."""
    current = month_start(on)
    return [months_before(current, back) for back in range(count - 1, -1, -1)]


def first_moment(day: date) -> datetime:
    """The first instant of ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def window(on: date) -> tuple[date, datetime, datetime]:
    """The last twelve months up to ``on``: their first day, and the instants they
    run from (included) and to (excluded), for date and moment fields alike."""
    first = last_months(on)[0]
    return first, first_moment(first), end_of_day(on)


def monthly_counts(rows: QuerySet[Any], field: str) -> dict[date, int]:
    """How many of ``rows`` fall in each month of ``field`` (a date or a moment,
    read in the current time zone); one ``GROUP BY`` query. The caller bounds
    ``rows`` to the months it shows."""
    grouped = (
        rows.order_by()
        .annotate(report_month=TruncMonth(field))
        .values("report_month")
        .annotate(total=Count("pk"))
    )
    counts: dict[date, int] = {}
    for row in grouped:
        month = row["report_month"]
        if isinstance(month, datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        counts[month_start(month)] = counts.get(month_start(month), 0) + row["total"]
    return counts
