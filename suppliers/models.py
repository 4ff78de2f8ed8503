from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country, CountryField

from csr_platform.models import Membership, Organization
from laws.taxonomy import FindingCategory
from suppliers.querysets import (
    ExitPlanQuerySet,
    FacilityEventQuerySet,
    FacilityQuerySet,
    QuestionnaireQuerySet,
    RelationshipQuerySet,
    ScreeningQuerySet,
)


class CountryRisk(models.Model):
    """A platform-maintained baseline risk rating per country (0 low – 100 high)."""

    country: CountryField[str, Country] = CountryField(verbose_name=_("country"), unique=True)
    rating = models.PositiveSmallIntegerField(_("risk rating (0–100)"))
    rationale = models.TextField(_("rationale"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("country risk rating")
        verbose_name_plural = _("country risk ratings")
        constraints = [
            models.CheckConstraint(condition=Q(rating__lte=100), name="country_risk_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{self.country.code}: {self.rating}"


class Facility(models.Model):
    """A factory or site run by a supplier organization."""

    class Lifecycle(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        MOVED = "moved", _("Moved")
        MERGED = "merged", _("Merged into another record")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(_("name"), max_length=200)
    country: CountryField[str, Country] = CountryField(verbose_name=_("country"), db_index=True)
    address = models.CharField(_("address"), max_length=400, blank=True)
    os_id = models.CharField(
        _("Open Supply Hub id"),
        max_length=32,
        blank=True,
        help_text=_("The facility's id on Open Supply Hub, e.g. BD2019123ABCDEF."),
    )
    worker_count = models.PositiveIntegerField(_("workers"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("women workers"), null=True, blank=True)
    workers_male = models.PositiveIntegerField(_("men workers"), null=True, blank=True)
    processes = models.JSONField(_("processes"), default=list, blank=True)
    product_types = models.JSONField(_("product types"), default=list, blank=True)
    lifecycle = models.CharField(
        _("status"), max_length=10, choices=Lifecycle.choices, default=Lifecycle.ACTIVE
    )
    moved_to = models.CharField(_("moved to (address)"), max_length=400, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_duplicates",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[FacilityQuerySet] = FacilityQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["os_id"], condition=~Q(os_id=""), name="facility_os_id_unique"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(lifecycle="merged"),
                name="facility_merged_has_status",
            ),
        ]
        indexes = [models.Index(fields=["supplier", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.country.code})"


class Certification(models.Model):
    """A certificate a facility holds (SA8000, WRAP, ISO 14001…), valid for a period."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="certifications")
    name = models.CharField(_("certificate"), max_length=120)
    number = models.CharField(_("number"), max_length=80, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")

    def __str__(self) -> str:
        return self.name

    @property
    def is_valid(self) -> bool:
        return self.expires_on is None or self.expires_on >= timezone.localdate()


class SourcingRelationship(models.Model):
    """A brand's relationship with one facility, from prospect to exit.

    Approval and exit need two people: a CSR decision (``pending_decision``) that takes
    effect only when a different person with sourcing sign-off confirms it.
    """

    class Status(models.TextChoices):
        PROSPECTIVE = "prospective", _("Prospective")
        SCREENING = "screening", _("Screening")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        CONDITIONAL = "conditional", _("Approved with conditions")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")
        EXITING = "exiting", _("Exiting")
        EXITED = "exited", _("Exited")

    class Decision(models.TextChoices):
        APPROVE = "approve", _("Approve")
        CONDITIONAL = "conditional", _("Approve with conditions")
        EXIT = "exit", _("Exit")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    brand = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="relationships")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="relationships")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROSPECTIVE
    )
    sourcing_owner = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_relationships",
        verbose_name=_("sourcing owner"),
    )
    pending_decision = models.CharField(
        _("decision awaiting sign-off"), max_length=20, choices=Decision.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    # Brand-internal: never shown to the supplier or another brand.
    risk_notes = models.TextField(_("internal risk notes"), blank=True)
    risk_score = models.PositiveSmallIntegerField(_("risk score"), null=True, blank=True)
    risk_grade = models.CharField(_("risk grade"), max_length=10, blank=True)
    risk_breakdown = models.JSONField(_("risk breakdown"), default=list, blank=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[RelationshipQuerySet] = RelationshipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["facility__name"]
        verbose_name = _("sourcing relationship")
        verbose_name_plural = _("sourcing relationships")
        constraints = [
            models.UniqueConstraint(fields=["brand", "facility"], name="relationship_unique"),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "prospective",
                        "screening",
                        "in_review",
                        "approved",
                        "conditional",
                        "rejected",
                        "suspended",
                        "exiting",
                        "exited",
                    ]
                ),
                name="relationship_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return f"{self.brand} → {self.facility}"


class FacilityEvent(models.Model):
    """The facility timeline: who changed what, when, from → to.

    Events of a relationship carry it, so another brand never sees them; facility
    events (profile, merge) have none and are seen by everyone who sees the facility.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="events")
    relationship = models.ForeignKey(
        SourcingRelationship, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects: ClassVar[FacilityEventQuerySet] = FacilityEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("facility event")
        verbose_name_plural = _("facility events")

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class Questionnaire(models.Model):
    """A brand's screening questionnaire. Published versions are frozen; editing a
    published questionnaire makes a new draft version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    brand = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="questionnaires")
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects: ClassVar[QuestionnaireQuerySet] = QuestionnaireQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "name", "version"], name="questionnaire_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Section(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        YES_NO = "yes_no", _("Yes / no")
        CHOICE = "choice", _("One of several choices")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Text")
        DATE = "date", _("Date")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help"), blank=True)
    kind = models.CharField(_("answer type"), max_length=10, choices=Kind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=FindingCategory.choices)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("How much a poor answer adds to the risk (0–10).")
    )
    # Answers that raise a red flag whatever the score, e.g. "yes" to "Do workers pay
    # recruitment fees?". For numbers, {"below": 18} or {"above": 60}.
    red_flags = models.JSONField(_("red-flag answers"), default=list, blank=True)
    # The answer a committed supplier gives; anything else counts as a poor answer.
    expected = models.JSONField(_("expected answer"), null=True, blank=True)
    evidence_allowed = models.BooleanField(_("evidence can be attached"), default=False)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Screening(models.Model):
    """A supplier's answers to one questionnaire version, for one relationship."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(
        SourcingRelationship, on_delete=models.CASCADE, related_name="screenings"
    )
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects: ClassVar[ScreeningQuerySet] = ScreeningQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        constraints = [
            # One open screening per relationship at a time.
            models.UniqueConstraint(
                fields=["relationship"], condition=Q(status="draft"), name="screening_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} for {self.relationship}"


class ScreeningEvidence(models.Model):
    """A file a supplier attached to one answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to="screening-evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ExitPlan(models.Model):
    """A responsible exit: why, what was tried, who is affected, and how orders wind
    down — decided by CSR and signed off by sourcing before it starts."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting sign-off")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    relationship = models.ForeignKey(
        SourcingRelationship, on_delete=models.CASCADE, related_name="exit_plans"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED
    )
    reason = models.TextField(_("reason"))
    remediation_attempts = models.TextField(_("remediation attempts on record"), blank=True)
    workers_affected = models.PositiveIntegerField(_("workers affected"), null=True, blank=True)
    outstanding_wages = models.DecimalField(
        _("outstanding wages"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    outstanding_currency = models.CharField(_("currency"), max_length=3, blank=True)
    outstanding_benefits = models.TextField(_("outstanding benefits"), blank=True)
    worker_impact = models.TextField(_("worker-impact assessment"), blank=True)
    notice_period_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=90)
    notice_given_on = models.DateField(_("notice given on"), null=True, blank=True)
    # [{"date": "2026-03-01", "percent": 50}, …]: share of normal order volume.
    phase_down = models.JSONField(_("order phase-down"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects: ClassVar[ExitPlanQuerySet] = ExitPlanQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("exit plan")
        verbose_name_plural = _("exit plans")
        constraints = [
            models.UniqueConstraint(
                fields=["relationship"],
                condition=Q(status__in=["proposed", "in_progress"]),
                name="exit_plan_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Exit {self.relationship}"


class ExitStep(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(ExitPlan, on_delete=models.CASCADE, related_name="steps")
    description = models.CharField(_("step"), max_length=300)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "due_on"]

    def __str__(self) -> str:
        return self.description


def gender_split_ok(facility: Facility) -> bool:
    """Women and men counted do not exceed the workers counted."""
    if facility.worker_count is None:
        return True
    counted = (facility.workers_female or 0) + (facility.workers_male or 0)
    return counted <= facility.worker_count
