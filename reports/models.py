from __future__ import annotations

import uuid
from typing import ClassVar

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from csr_platform.models import Membership, Organization
from reports.querysets import (
    CurrentScorecardQuerySet,
    ReportBrandingQuerySet,
    ReportRequestQuerySet,
    ScorecardSnapshotQuerySet,
)
from suppliers.models import Facility, SourcingRelationship

GRADES = ("A", "B", "C", "D", "E")
HEX_COLOUR = r"^#[0-9a-fA-F]{6}$"
DEFAULT_REPORT_COLOUR = "#174ea6"


class ScorecardSnapshot(models.Model):
    """A brand's scorecard of one facility at the close of one month, kept for trends.

    ``month`` is the first day of the month the snapshot describes; ``components``
    holds each component's key, points and the facts behind its explanation (not the
    sentence itself, so it is read in each reader's language).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    brand = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="scorecard_snapshots"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="scorecard_snapshots"
    )
    month = models.DateField(_("month"))
    score = models.PositiveSmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=1, choices=[(g, g) for g in GRADES])
    components = models.JSONField(_("components"), default=list)
    taken_at = models.DateTimeField(_("taken"), auto_now_add=True)

    objects: ClassVar[ScorecardSnapshotQuerySet] = ScorecardSnapshotQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["brand", "facility", "-month"]
        verbose_name = _("scorecard snapshot")
        verbose_name_plural = _("scorecard snapshots")
        constraints = [
            # One snapshot per brand, facility and month: a rerun or a second worker
            # cannot write a month twice.
            models.UniqueConstraint(
                fields=["brand", "facility", "month"], name="scorecard_snapshot_unique_month"
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="scorecard_score_at_most_100"),
            models.CheckConstraint(condition=Q(grade__in=GRADES), name="scorecard_grade_valid"),
            models.CheckConstraint(condition=Q(month__day=1), name="scorecard_month_first_day"),
        ]
        indexes = [models.Index(fields=["brand", "-month"])]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.month:%Y-%m}: {self.score} ({self.grade})"


class CurrentScorecard(models.Model):
    """A brand's scorecard of one facility as computed on ``on`` (today, once
    refreshed), kept so that the scorecard table, the sourcing dashboard and the
    programme summary filter, sort and page in SQL instead of scoring the whole
    portfolio on every request.

    ``stale`` is set by every write that changes what the score reads (a finding, an
    audit, a CAP, the relationship, a snapshot for the trend); a stale row, or one
    computed on another day, is recomputed before it is read
    (``reports.services.scorecards``). ``components`` holds what a snapshot holds:
    each component's key, points and facts.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    brand = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="current_scorecards"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, related_name="current_scorecards"
    )
    relationship = models.ForeignKey(
        SourcingRelationship, on_delete=models.CASCADE, related_name="current_scorecards"
    )
    on = models.DateField(_("computed as of"))
    score = models.PositiveSmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=1, choices=[(g, g) for g in GRADES])
    components = models.JSONField(_("components"), default=list)
    previous_score = models.PositiveSmallIntegerField(_("previous score"), null=True, blank=True)
    previous_month = models.DateField(_("previous month"), null=True, blank=True)
    trend = models.SmallIntegerField(_("trend"), null=True, blank=True)
    stale = models.BooleanField(_("stale"), default=False)
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    objects: ClassVar[CurrentScorecardQuerySet] = CurrentScorecardQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["brand", "score"]
        verbose_name = _("current scorecard")
        verbose_name_plural = _("current scorecards")
        constraints = [
            # One current card per brand and facility: concurrent refreshes upsert
            # onto it rather than add a second.
            models.UniqueConstraint(
                fields=["brand", "facility"], name="current_scorecard_unique_facility"
            ),
            models.CheckConstraint(
                condition=Q(score__lte=100), name="current_scorecard_score_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=GRADES), name="current_scorecard_grade_valid"
            ),
        ]
        # The orders of the scorecard table and the dashboard's lowest scores.
        indexes = [
            models.Index(fields=["brand", "score"], name="current_scorecard_score"),
            models.Index(fields=["brand", "grade"], name="current_scorecard_grade"),
            models.Index(fields=["brand", "trend"], name="current_scorecard_trend"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id} on {self.on}: {self.score} ({self.grade})"


def _report_file_name(instance: ReportRequest, filename: str) -> str:
    # A random name: the file is served only through the permission-checked download,
    # and its name on disk says nothing about whose report it is.
    return f"reports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.pdf"


def _logo_file_name(instance: ReportBranding, filename: str) -> str:
    extension = "png" if filename.lower().endswith(".png") else "jpg"
    return f"branding/{uuid.uuid4().hex}.{extension}"


class ReportRequest(models.Model):
    """A PDF report asked for by a member (or by the monthly schedule), generated by a
    Celery task: queued → running → done | failed, with its progress 0–100.

    ``organization`` is whose report it is: the brand, or the supplier that asked for
    its own facility's progress report. ``scheduled_month`` marks the monthly
    programme report, one per brand and month (a unique constraint), e-mailed to the
    brand's admins once (``emailed_at`` is claimed before sending).
    """

    class Kind(models.TextChoices):
        FACILITY_PROGRESS = "facility_progress", _("Facility progress report")
        PROGRAM_SUMMARY = "program_summary", _("Programme summary")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    FINISHED_STATES = (Status.DONE, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="report_requests"
    )
    requested_by = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_requests",
        help_text=_("Empty for the monthly programme report."),
    )
    kind = models.CharField(_("report"), max_length=30, choices=Kind.choices)
    facility = models.ForeignKey(
        Facility,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_requests",
    )
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(_("file"), upload_to=_report_file_name, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    scheduled_month = models.DateField(_("scheduled for month"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects: ClassVar[ReportRequestQuerySet] = ReportRequestQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report request")
        verbose_name_plural = _("report requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="report_status_valid",
            ),
            # A facility's report names its facility; the programme report names none.
            models.CheckConstraint(
                condition=(
                    Q(kind="facility_progress", facility__isnull=False)
                    | Q(kind="program_summary", facility__isnull=True)
                ),
                name="report_facility_iff_facility_progress",
            ),
            # A finished report has its file; a failed one says why.
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file=""), name="report_done_has_file"
            ),
            models.CheckConstraint(
                condition=~Q(status="failed") | ~Q(error=""), name="report_failed_has_error"
            ),
            # One scheduled programme report per brand and month: a rerun of the
            # monthly job, or a second beat, makes none twice.
            models.UniqueConstraint(
                fields=["organization", "scheduled_month"],
                condition=Q(scheduled_month__isnull=False),
                name="report_one_scheduled_per_month",
            ),
        ]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED_STATES

    @property
    def download_name(self) -> str:
        """The file name a download gets: what the report is about, and when."""
        day = f"{(self.finished_at or self.created_at):%Y-%m-%d}"
        subject = slugify(self.facility.name) if self.facility is not None else ""
        subject = subject or slugify(self.organization.name) or "report"
        return f"{self.kind.replace('_', '-')}-{subject}-{day}.pdf"


class ReportBranding(models.Model):
    """What a brand's PDF reports carry in their header: its logo and its colour."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="report_branding"
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        default=DEFAULT_REPORT_COLOUR,
        validators=[RegexValidator(HEX_COLOUR, _("A colour as #rrggbb, for example #174ea6."))],
        help_text=_("Headings, rules and table heads of the reports."),
    )
    logo = models.FileField(_("logo"), upload_to=_logo_file_name, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[ReportBrandingQuerySet] = ReportBrandingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["organization"]
        verbose_name = _("report branding")
        verbose_name_plural = _("report branding")
        constraints = [
            models.CheckConstraint(
                condition=Q(colour__regex=HEX_COLOUR), name="report_branding_colour_hex"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.colour}"
