from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from csr_platform.models import Organization
from reports.querysets import ScorecardSnapshotQuerySet
from suppliers.models import Facility

GRADES = ("A", "B", "C", "D", "E")


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
