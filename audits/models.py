from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from audits.querysets import (
    AuditQuerySet,
    AuditShareQuerySet,
    FindingQuerySet,
    ObservationQuerySet,
    SeverityPolicyQuerySet,
)
from csr_platform.models import Organization
from laws.checks import MEASURE_KEYS
from laws.models import CodeClause, Requirement
from laws.taxonomy import FindingCategory, Severity
from suppliers.models import Facility


class SeverityPolicy(models.Model):
    """A brand's deadlines per severity: the due date a finding gets when its audit is
    finalized. Defaults are the platform ladder (domain notes §2): zero tolerance 7
    days (RBA: CAP within 7 days for Priority findings), critical 30, major 90, minor
    180 (industry convention, unsourced); observations wait for the next audit."""

    DEFAULT_DAYS: ClassVar[dict[str, int]] = {
        Severity.ZERO_TOLERANCE: 7,
        Severity.CRITICAL: 30,
        Severity.MAJOR: 90,
        Severity.MINOR: 180,
    }
    DEFAULT_ESCALATION_GRACE_DAYS: ClassVar[int] = 14

    brand = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="severity_policy"
    )
    zero_tolerance_days = models.PositiveSmallIntegerField(_("zero tolerance (days)"), default=7)
    critical_days = models.PositiveSmallIntegerField(_("critical (days)"), default=30)
    major_days = models.PositiveSmallIntegerField(_("major (days)"), default=90)
    minor_days = models.PositiveSmallIntegerField(_("minor (days)"), default=180)
    escalation_grace_days = models.PositiveSmallIntegerField(
        _("escalate overdue CAPs after (days)"), default=14
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[SeverityPolicyQuerySet] = SeverityPolicyQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("severity policy")
        verbose_name_plural = _("severity policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(zero_tolerance_days__gte=1)
                & Q(critical_days__gte=1)
                & Q(major_days__gte=1)
                & Q(minor_days__gte=1),
                name="severity_policy_days_positive",
            ),
        ]

    def __str__(self) -> str:
        days = (self.zero_tolerance_days, self.critical_days, self.major_days, self.minor_days)
        return f"{self.brand}: " + "/".join(str(d) for d in days)

    def days_for(self, severity: str) -> int | None:
        """Days to fix a finding of ``severity``; ``None`` for observations."""
        return {
            Severity.ZERO_TOLERANCE: self.zero_tolerance_days,
            Severity.CRITICAL: self.critical_days,
            Severity.MAJOR: self.major_days,
            Severity.MINOR: self.minor_days,
        }.get(severity)  # type: ignore[call-overload]

    def due_date(self, severity: str, *, counted_from: date) -> date | None:
        days = self.days_for(severity)
        return None if days is None else counted_from + timedelta(days=days)


class Audit(models.Model):
    """One audit of one facility, commissioned by one brand. Final audits are frozen:
    after finalizing, changes are only made through a recorded amendment."""

    class Type(models.TextChoices):
        PRE_SOURCING = "pre_sourcing", _("Pre-sourcing")
        INITIAL = "initial", _("Initial")
        PERIODIC = "periodic", _("Periodic")
        FOLLOW_UP = "follow_up", _("Follow-up")
        UNANNOUNCED = "unannounced", _("Unannounced")
        SELF_ASSESSMENT = "self_assessment", _("Self-assessment")

    class Scheme(models.TextChoices):
        SMETA = "smeta", _("SMETA")
        AMFORI_BSCI = "amfori_bsci", _("amfori BSCI")
        SLCP = "slcp", _("SLCP")
        SA8000 = "sa8000", _("SA8000")
        WRAP = "wrap", _("WRAP")
        RBA = "rba", _("RBA")
        INTERNAL = "internal", _("Internal")
        OTHER = "other", _("Other")

    class Announcement(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        SEMI_ANNOUNCED = "semi_announced", _("Semi-announced")
        UNANNOUNCED = "unannounced", _("Unannounced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FINAL = "final", _("Final")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="audits")
    brand = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="commissioned_audits",
        verbose_name=_("commissioning brand"),
    )
    audit_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    scheme = models.CharField(_("scheme"), max_length=20, choices=Scheme.choices)
    reference = models.CharField(
        _("report number"), max_length=80, blank=True, help_text=_("The audit firm's reference.")
    )
    audit_firm = models.CharField(_("audit firm"), max_length=200, blank=True)
    lead_auditor = models.CharField(_("lead auditor"), max_length=200, blank=True)
    start_date = models.DateField(_("first day on site"))
    end_date = models.DateField(_("last day on site"))
    announcement = models.CharField(
        _("announcement"),
        max_length=20,
        choices=Announcement.choices,
        default=Announcement.ANNOUNCED,
    )
    workers_interviewed = models.PositiveIntegerField(
        _("workers interviewed"), null=True, blank=True
    )
    summary = models.TextField(_("summary"), blank=True)
    report_file = models.FileField(_("auditor's report"), upload_to="audit-reports/%Y/", blank=True)
    report_file_name = models.CharField(_("report file name"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    finalized_at = models.DateTimeField(_("finalized"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[AuditQuerySet] = AuditQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-start_date", "-created_at"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="audit_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalized_at__isnull=False),
                name="audit_final_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "-start_date"]),
            models.Index(fields=["facility", "-start_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.facility.name} {self.start_date:%Y-%m-%d}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


class AuditAmendment(models.Model):
    """A recorded correction of a final audit or one of its findings: who, when, why,
    and every field changed from → to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="amendments")
    finding = models.ForeignKey(
        "Finding", on_delete=models.CASCADE, null=True, blank=True, related_name="amendments"
    )
    reason = models.TextField(_("reason"))
    # {"field": {"from": old, "to": new}}
    changes = models.JSONField(_("changes"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("audit amendment")
        verbose_name_plural = _("audit amendments")

    def __str__(self) -> str:
        return f"{self.audit_id}: {self.reason[:40]}"


class Finding(models.Model):
    """One non-compliance (or observation) found by an audit.

    ``requirement`` is the law version in force on the audit date; it stays that
    version when the law changes later (the finding is then flagged for review).
    """

    class Extent(models.TextChoices):
        ISOLATED = "isolated", _("Isolated")
        SYSTEMIC = "systemic", _("Systemic")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Recorded by hand")
        IMPORT = "import", _("Imported")
        LAW_CHECK = "law_check", _("Suggested by the law check")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    number = models.PositiveIntegerField(_("number"))
    category = models.CharField(_("category"), max_length=10, choices=FindingCategory.choices)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    description = models.TextField(_("description"))
    scheme_reference = models.CharField(
        _("scheme reference"),
        max_length=80,
        blank=True,
        help_text=_("The clause in the audit's scheme, e.g. SMETA 6.1, amfori PA 6, RBA A3."),
    )
    workers_affected = models.PositiveIntegerField(_("workers affected"), null=True, blank=True)
    extent = models.CharField(
        _("isolated or systemic"), max_length=10, choices=Extent.choices, default=Extent.ISOLATED
    )
    evidence = models.TextField(_("evidence seen"), blank=True)
    requirement = models.ForeignKey(
        Requirement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("law requirement"),
    )
    code_clause = models.ForeignKey(
        CodeClause,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("code of conduct clause"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True)
    repeat_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    # Set when a later audit finds the same problem again after this one was resolved.
    not_sustained_at = models.DateTimeField(_("fix not sustained"), null=True, blank=True)
    law_review_needed = models.BooleanField(_("law changed: review"), default=False)
    law_review_note = models.CharField(_("law change"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[FindingQuerySet] = FindingQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["audit", "number"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="finding_number_unique"),
            models.CheckConstraint(
                condition=Q(category__in=FindingCategory.values), name="finding_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="finding_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="open") | Q(resolved_at__isnull=False),
                name="finding_resolved_has_date",
            ),
        ]
        indexes = [
            # Covers the audit so a filtered count (the list's paginator) reads the
            # index alone on PostgreSQL instead of fetching rows spread over the table.
            # SQLite ignores INCLUDE (system check models.W040, silenced in settings).
            models.Index(
                fields=["category", "severity"],
                include=["audit"],
                name="finding_category_severity",
            ),
            models.Index(fields=["status", "law_review_needed"]),
        ]

    def __str__(self) -> str:
        return f"F-{self.number} {self.get_category_display()} ({self.get_severity_display()})"

    @property
    def label(self) -> str:
        return f"F-{self.number}"

    @property
    def is_repeat(self) -> bool:
        return self.repeat_of_id is not None


class Observation(models.Model):
    """A value the auditor measured (longest week, youngest worker, lowest wage…),
    checked against the law in force on the audit date. A breach becomes a suggested
    finding that a person accepts (creating the finding) or dismisses."""

    class Suggestion(models.TextChoices):
        NONE = "none", _("Within the law")
        NOT_CHECKED = "not_checked", _("No limit on record")
        PENDING = "pending", _("Suggested finding")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="observations")
    metric = models.CharField(
        _("measure"), max_length=40, choices=[(key, key) for key in MEASURE_KEYS]
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    wage_scope = models.CharField(
        _("wage scope"),
        max_length=80,
        blank=True,
        help_text=_("For wages: the sector or region whose minimum applies, e.g. garment."),
    )
    note = models.TextField(_("note"), blank=True)
    suggestion = models.CharField(
        _("law check"), max_length=12, choices=Suggestion.choices, default=Suggestion.NONE
    )
    suggested_category = models.CharField(
        _("suggested category"), max_length=10, choices=FindingCategory.choices, blank=True
    )
    suggested_severity = models.CharField(
        _("suggested severity"), max_length=20, choices=Severity.choices, blank=True
    )
    explanation = models.TextField(_("explanation"), blank=True)
    requirement = models.ForeignKey(
        Requirement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    code_clause = models.ForeignKey(
        CodeClause, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finding = models.OneToOneField(
        Finding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="observation",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[ObservationQuerySet] = ObservationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["audit", "created_at"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(fields=["audit", "metric"], name="observation_metric_unique"),
            models.CheckConstraint(
                condition=Q(metric__in=MEASURE_KEYS), name="observation_metric_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} = {self.value}"


class AuditShare(models.Model):
    """A brand offers its final audit to another brand sourcing from the same
    facility. It becomes visible to that brand (read-only) only once the supplier has
    consented, and disappears again when revoked by either the brand or the supplier."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting the supplier's consent")
        ACTIVE = "active", _("Shared")
        DECLINED = "declined", _("Declined by the supplier")
        REVOKED = "revoked", _("Revoked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="shares")
    brand = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="received_audit_shares",
        verbose_name=_("shared with"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    message = models.TextField(_("message to the supplier"), blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offered_at = models.DateTimeField(_("offered"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects: ClassVar[AuditShareQuerySet] = AuditShareQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-offered_at"]
        verbose_name = _("audit share")
        verbose_name_plural = _("audit shares")
        constraints = [
            # One live offer per audit and brand; after a revocation it may be offered again.
            models.UniqueConstraint(
                fields=["audit", "brand"],
                condition=Q(status__in=["pending", "active"]),
                name="audit_share_one_live",
            ),
        ]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return f"{self.audit_id} → {self.brand}"
