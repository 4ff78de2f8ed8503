"""The background jobs, timed in-process: each runs in a child process of its own
(``python -m bench.child NAME``) so its peak memory is that job's alone.

Each job leaves the database as it found it: what it wrote (reminder logs and
notifications, snapshots, an imported audit) is deleted afterwards, so a run can be
repeated.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from audits.models import Audit, Finding
from audits.services.audits import audit_create
from audits.services.imports import FIELDS, findings_import
from bench.manifest import Manifest
from csr_platform.models import Membership, Notification, Organization
from laws.models import Requirement
from laws.taxonomy import FindingCategory
from remediation.models import CorrectiveActionPlan, ReminderLog
from remediation.services.reminders import REMINDED_STATES, cap_reminders_send
from reports.documents import (
    FACILITY_PROGRESS,
    PROGRAM_SUMMARY,
    Branding,
    html_to_pdf,
    render_report,
    report_html,
)
from reports.models import ScorecardSnapshot
from reports.scorecards import brand_viewpoint, score_relationships, scored_relationships
from reports.services.snapshots import last_complete_month, scorecard_snapshots_take
from suppliers.models import Facility


@dataclass
class Measurement:
    """One timed call. ``baseline`` is the time of the part the product does not own
    (WeasyPrint alone for a PDF); ``problems`` are misses other than time."""

    name: str
    seconds: float
    target: float | None
    queries: int
    baseline: float | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class Counter:
    queries: int = 0
    seconds: float = 0.0


@contextmanager
def measured() -> Iterator[Counter]:
    """Time the block and count its queries (without keeping their SQL, which for a
    long job would be memory the job itself does not use)."""
    counter = Counter()

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        counter.queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        yield counter
    counter.seconds = time.perf_counter() - started


def _brand(manifest: Manifest) -> Organization:
    return Organization.objects.get(slug=manifest.brand_slug)


def _csr(manifest: Manifest) -> Membership:
    return Membership.objects.select_related("organization", "user").get(
        user__email=manifest.members["csr"], organization__slug=manifest.brand_slug
    )


# --- Reminders ---------------------------------------------------------------------------------

REMINDER_TARGET = 60.0


def reminders(manifest: Manifest) -> list[Measurement]:
    """The daily reminder run over every open CAP, then the same day again (which
    must send nothing); what both wrote is deleted afterwards."""
    started = timezone.now()
    open_caps = CorrectiveActionPlan.objects.filter(status__in=REMINDED_STATES).count()
    try:
        with measured() as first_run:
            first = cap_reminders_send(today=manifest.today)
        with measured() as second_run:
            again = cap_reminders_send(today=manifest.today)
    finally:
        ReminderLog.objects.filter(created_at__gte=started).delete()
        Notification.objects.filter(
            kind=Notification.Kind.REMINDER, created_at__gte=started
        ).delete()
    rerun = Measurement(
        "job.reminders_rerun",
        second_run.seconds,
        REMINDER_TARGET,
        second_run.queries,
        detail={"claimed": again.claimed, "emails": again.emails},
    )
    if again.emails or again.claimed:
        rerun.problems.append(f"the same-day rerun sent {again.emails} e-mails")
    return [
        Measurement(
            "job.reminders",
            first_run.seconds,
            REMINDER_TARGET,
            first_run.queries,
            detail={
                "caps_open_or_in_progress_or_returned": open_caps,
                "claimed": first.claimed,
                "muted": first.muted,
                "emails": first.emails,
                "notifications": first.notifications,
                "failed": first.failed,
            },
        ),
        rerun,
    ]


# --- Scorecards and snapshots --------------------------------------------------------------------

SCORECARD_TARGET = 1.0


def scorecards(manifest: Manifest) -> list[Measurement]:
    """Every scorecard of the largest brand scored in-process, as the hourly refresh
    of the stored current scorecards and the monthly snapshots score it: once to warm
    up, then the median of three."""
    viewpoint = brand_viewpoint(_brand(manifest))

    def compute() -> int:
        return len(score_relationships(viewpoint, scored_relationships(viewpoint)))

    facilities = compute()
    runs = []
    for _ in range(3):
        with measured() as run:
            compute()
        runs.append(run)
    return [
        Measurement(
            "job.scorecards",
            statistics.median(run.seconds for run in runs),
            SCORECARD_TARGET,
            runs[0].queries,
            detail={"facilities": facilities, "runs": [run.seconds for run in runs]},
        )
    ]


def snapshots(manifest: Manifest) -> list[Measurement]:
    """The monthly snapshots of the largest brand for the last complete month; the
    rows it wrote are deleted afterwards."""
    brand = _brand(manifest)
    month = last_complete_month(manifest.today)
    month_rows = ScorecardSnapshot.objects.filter(brand=brand, month=month)
    kept = set(month_rows.values_list("pk", flat=True))
    try:
        with measured() as run:
            written = scorecard_snapshots_take(month=month, brands=[brand])
    finally:
        month_rows.exclude(pk__in=kept).delete()
    measurement = Measurement(
        "job.snapshots",
        run.seconds,
        None,
        run.queries,
        detail={"month": month.isoformat(), "written": written, "already_there": len(kept)},
    )
    if kept:
        measurement.problems.append(f"{len(kept)} snapshots of {month:%Y-%m} were already there")
    return [measurement]


# --- PDF reports ---------------------------------------------------------------------------------

FACILITY_PROGRESS_TARGET = 3.0
PROGRAM_SUMMARY_TARGET = 20.0


def _pdf(manifest: Manifest, kind: str, *, target: float) -> list[Measurement]:
    """The whole report, then WeasyPrint alone on the same HTML (the baseline). A
    first tiny PDF loads WeasyPrint and the fonts, as a worker's first report would."""
    viewpoint = _csr(manifest)
    facility = (
        Facility.objects.get(pk=manifest.sample_facility_id) if kind == FACILITY_PROGRESS else None
    )
    branding = Branding(name=viewpoint.organization.name)
    arguments: dict[str, Any] = {
        "viewpoint": viewpoint,
        "on": manifest.today,
        "branding": branding,
        "facility": facility,
    }
    html_to_pdf("<p>warm-up</p>")
    with measured() as whole:
        pdf = render_report(kind, **arguments)
    with measured() as gathering:
        html = report_html(kind, **arguments)
    with measured() as layout:
        html_to_pdf(html)
    return [
        Measurement(
            f"job.pdf_{kind}",
            whole.seconds,
            target,
            whole.queries,
            baseline=layout.seconds,
            detail={
                "pdf_bytes": len(pdf),
                "html_bytes": len(html),
                "html_seconds": gathering.seconds,
                "weasyprint_seconds": layout.seconds,
            },
        )
    ]


def facility_progress(manifest: Manifest) -> list[Measurement]:
    return _pdf(manifest, FACILITY_PROGRESS, target=FACILITY_PROGRESS_TARGET)


def program_summary(manifest: Manifest) -> list[Measurement]:
    return _pdf(manifest, PROGRAM_SUMMARY, target=PROGRAM_SUMMARY_TARGET)


# --- Findings import ------------------------------------------------------------------------------

IMPORT_ROWS = 10_000
IMPORT_TARGET = 30.0
# Zero-tolerance rows are left out: each would alert the brand's CSR staff.
IMPORT_SEVERITIES = ("critical", "major", "minor", "observation")
IMPORT_SEVERITY_WEIGHTS = (5, 35, 55, 5)


def findings_csv(rows: int, *, topics: Sequence[str], seed: int = 1) -> bytes:
    """A findings file as an audit firm's export would be: every column of the
    template, a law topic (one of ``topics``) on about half the rows."""
    rng = random.Random(seed)  # noqa: S311 — sample data, not secrets
    cited = [*topics, *([""] * len(topics))] or [""]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for number in range(1, rows + 1):
        values = {
            "category": rng.choice(FindingCategory.values),
            "severity": rng.choices(IMPORT_SEVERITIES, IMPORT_SEVERITY_WEIGHTS)[0],
            "description": f"Finding {number}: records for week {rng.randint(1, 52)} "
            f"show the rule was not kept in line {rng.randint(1, 40)}.",
            "scheme_reference": f"SMETA {rng.randint(1, 10)}.{rng.randint(1, 9)}",
            "workers_affected": rng.randint(0, 400),
            "extent": rng.choice(("isolated", "systemic")),
            "evidence": "Time records and interviews with workers.",
            "requirement": rng.choice(cited),
            "code_clause": "",
        }
        writer.writerow([values[name] for name in FIELDS])
    return buffer.getvalue().encode()


def findings_import_10k(manifest: Manifest) -> list[Measurement]:
    """10,000 rows into a new draft audit of the largest brand's sample facility; the
    audit and its findings are deleted afterwards."""
    by = _csr(manifest)
    facility = Facility.objects.get(pk=manifest.sample_facility_id)
    start = manifest.today - timedelta(days=2)
    # Only topics with a general rule (no narrower scope) in force there and then,
    # as the import looks them up: another would refuse the whole file.
    topics = sorted(
        set(
            Requirement.objects.in_force(start)
            .filter(country=facility.country, scope="")
            .values_list("topic", flat=True)
        )
    )
    content = findings_csv(IMPORT_ROWS, topics=topics)
    audit = audit_create(
        by=by,
        facility=facility,
        audit_type=Audit.Type.PERIODIC,
        scheme=Audit.Scheme.SMETA,
        audit_firm="Benchmark Audits",
        start_date=start,
        end_date=manifest.today - timedelta(days=1),
    )
    try:
        with measured() as run:
            report = findings_import(audit=audit, by=by, file=content)
        created = Finding.objects.filter(audit=audit).count()
    finally:
        Audit.objects.filter(pk=audit.pk).delete()
    measurement = Measurement(
        "job.findings_import",
        run.seconds,
        IMPORT_TARGET,
        run.queries,
        detail={
            "rows": IMPORT_ROWS,
            "created": created,
            "errors": len(report.errors),
            "law_topics": topics,
        },
    )
    if created != IMPORT_ROWS:
        first = [str(error) for error in report.errors[:3]]
        measurement.problems.append(f"{created} of {IMPORT_ROWS} rows imported: {first}")
    return [measurement]


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Manifest], list[Measurement]]


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("job.reminders", reminders),
        Job("job.snapshots", snapshots),
        Job("job.scorecards", scorecards),
        Job("job.pdf_facility_progress", facility_progress),
        Job("job.pdf_program_summary", program_summary),
        Job("job.findings_import", findings_import_10k),
    )
}
