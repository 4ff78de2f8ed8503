from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audits.models import Audit, Finding
from csr_platform.models import Organization
from laws.taxonomy import FindingCategory, Severity
from remediation.querysets import (
    CapChildQuerySet,
    CapCommentQuerySet,
    CapEventQuerySet,
    CapQuerySet,
    ConsultantNoteQuerySet,
    ConsultantProfileQuerySet,
)
from remediation.root_causes import CAUSE_CATEGORIES, PURCHASING_PRACTICE_CODES
from suppliers.models import Facility


class CorrectiveActionPlan(models.Model):
    """The plan that drives one finding to a sustained fix. Owned by the brand that
    commissioned the audit; worked on by the supplier (and consultants invited onto
    it); verified by the brand. *Overdue* is derived from the due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted for verification")
        RETURNED = "returned", _("Returned")
        VERIFIED = "verified", _("Verified")
        CANCELLED = "cancelled", _("Cancelled")

    class Verification(models.TextChoices):
        DESK_REVIEW = "desk_review", _("Desk review of evidence")
        FOLLOW_UP_AUDIT = "follow_up_audit", _("Follow-up audit")

    # States in which the work is still to be done (and can be overdue or cancelled).
    OPEN_STATES: ClassVar[tuple[str, ...]] = (
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.SUBMITTED,
        Status.RETURNED,
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="cap")
    brand = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="caps", verbose_name=_("owner")
    )
    # Kept on the plan (it never changes) so every list scopes and filters without
    # joining through the audit.
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="caps")
    # The finding's, copied when the plan opens and kept in step when a final finding
    # is amended (``cap_follow_finding``): the dashboard groups a brand's plans by
    # them without joining every finding (BENCHMARKS.md, page.dashboard_csr). No
    # index of their own: every read narrows by brand and status first, and the
    # verified-plans index carries the severity.
    category = models.CharField(
        _("category"), max_length=10, choices=FindingCategory.choices, editable=False
    )
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity.choices, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    verification_method = models.CharField(
        _("verification"), max_length=20, choices=Verification.choices
    )
    follow_up_audit = models.ForeignKey(
        Audit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verified_caps",
        verbose_name=_("follow-up audit"),
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    return_reason = models.TextField(_("reason returned"), blank=True)
    cancel_reason = models.TextField(_("reason cancelled"), blank=True)
    not_sustained_at = models.DateTimeField(_("fix not sustained"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[CapQuerySet] = CapQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["due_date", "created_at"]
        verbose_name = _("corrective action plan")
        verbose_name_plural = _("corrective action plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "open",
                        "in_progress",
                        "submitted",
                        "returned",
                        "verified",
                        "cancelled",
                    ]
                ),
                name="cap_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_at__isnull=False),
                name="cap_verified_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["brand", "status", "due_date"]),
            models.Index(fields=["facility", "status"]),
            # The CAP list's order (most urgent first) over open plans only: a page of
            # overdue CAPs is read in index order and stops at the page's end,
            # instead of joining every open CAP to sort them (1.8 s → 50 ms at
            # 230,000 CAPs; BENCHMARKS.md).
            models.Index(
                fields=["due_date", "created_at"],
                condition=Q(status__in=["open", "in_progress", "submitted", "returned"]),
                name="cap_open_by_due_date",
            ),
            # One brand's open plans by due date: the overdue list's count reads the
            # brand's 12,600 overdue plans, not all brands' 24,300 (the page itself
            # still walks the index above in order and stops at 50 rows). Usable
            # because ``cap_rule`` is an OR of indexable conditions.
            models.Index(
                fields=["brand", "due_date", "created_at"],
                condition=Q(status__in=["open", "in_progress", "submitted", "returned"]),
                name="cap_open_by_brand_due_date",
            ),
            # The dashboard's median days to close: a brand's plans verified in the
            # last 12 months, not every brand's verified plans (397,000 at scale).
            # Opened and severity included so a read by brand alone needs no table
            # access; under ``cap_rule`` (brand or participant, a BitmapOr) the rows
            # are still read from the table, 48,600 for the largest brand.
            models.Index(
                fields=["brand", "verified_at"],
                include=["created_at", "severity"],
                condition=Q(status="verified"),
                name="cap_verified_by_brand",
            ),
            # A brand's own plans but cancelled ones (purchasing practices, the
            # programme's totals): read from the index alone instead of scanning every
            # brand's 430,000 plans to keep 220,000 (sourcing dashboard, BENCHMARKS.md).
            models.Index(
                fields=["brand", "id"],
                condition=~Q(status="cancelled"),
                name="cap_uncancelled_by_brand",
            ),
        ]

    def __str__(self) -> str:
        return f"CAP {self.finding.label} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


class RootCause(models.Model):
    """Why the problem happened, found with five whys (each why and its answer) or a
    fishbone (a category and the cause). Brand-side purchasing-practice causes carry
    a code so the brand sees what its own practices cause."""

    class Method(models.TextChoices):
        FIVE_WHYS = "five_whys", _("Five whys")
        FISHBONE = "fishbone", _("Fishbone")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(
        CorrectiveActionPlan, on_delete=models.CASCADE, related_name="root_causes"
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    category = models.CharField(_("category"), max_length=30, choices=CAUSE_CATEGORIES)
    purchasing_code = models.CharField(
        _("purchasing practice"), max_length=20, choices=PURCHASING_PRACTICE_CODES, blank=True
    )
    # Five whys: [{"why": "…", "because": "…"}, …] — the last answer is the root cause.
    whys = models.JSONField(_("the chain of whys"), default=list, blank=True)
    cause = models.TextField(_("root cause"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects: ClassVar[CapChildQuerySet] = CapChildQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")
        constraints = [
            models.CheckConstraint(
                condition=(Q(category="purchasing_practice") & ~Q(purchasing_code=""))
                | (~Q(category="purchasing_practice") & Q(purchasing_code="")),
                name="root_cause_code_iff_purchasing",
            ),
        ]
        indexes = [
            # Brand-side causes are one in ten: the purchasing-practice counts read
            # them (and their code) from this index alone.
            models.Index(
                fields=["cap"],
                include=["purchasing_code"],
                condition=Q(category="purchasing_practice"),
                name="root_cause_purchasing",
            ),
        ]

    def __str__(self) -> str:
        return self.cause[:60]


class CapAction(models.Model):
    """A corrective action (fixes this occurrence) or a preventive action (keeps it
    from coming back), with an owner and a due date."""

    class Kind(models.TextChoices):
        CORRECTIVE = "corrective", _("Corrective")
        PREVENTIVE = "preventive", _("Preventive")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.TextField(_("action"))
    owner = models.CharField(
        _("responsible person"),
        max_length=200,
        help_text=_("Someone with the authority to carry it out."),
    )
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects: ClassVar[CapChildQuerySet] = CapChildQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["due_date", "created_at"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="cap_action_done_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class Evidence(models.Model):
    """A file showing the fix: a policy, a training record, a photo, a fire
    certificate. Dated by when it is valid, not only by upload; stored through the
    storage API and served only through a permission-checked view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="evidence")
    action = models.ForeignKey(
        CapAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="cap-evidence/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("what it shows"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects: ClassVar[CapChildQuerySet] = CapChildQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="evidence_validity_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    def is_expired(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.valid_until is not None and self.valid_until < today


class Comment(models.Model):
    """A message on a CAP. An internal comment is seen only by the organization that
    wrote it (a brand's deliberation) — never by the supplier or a partner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="comments")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    internal = models.BooleanField(
        _("internal"), default=False, help_text=_("Seen only by your own organization.")
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True, db_index=True)

    objects: ClassVar[CapCommentQuerySet] = CapCommentQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]


class ExtensionRequest(models.Model):
    """The supplier asks for more time, with a reason; the brand approves or declines.
    The due date before and after is kept, so the history of deadlines is complete."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(
        CorrectiveActionPlan, on_delete=models.CASCADE, related_name="extensions"
    )
    requested_due_date = models.DateField(_("new due date asked for"))
    previous_due_date = models.DateField(_("due date when asked"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects: ClassVar[CapChildQuerySet] = CapChildQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["cap"], condition=Q(status="pending"), name="extension_one_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cap_id} → {self.requested_due_date}"


class CapParticipant(models.Model):
    """A partner (consultant, civil-society organisation, audit firm) or another brand
    invited onto one CAP. Partners see only the CAPs they are on."""

    class Role(models.TextChoices):
        CONSULTANT = "consultant", _("Remediation consultant")
        CSO = "cso", _("Civil-society organisation")
        AUDIT_FIRM = "audit_firm", _("Audit firm")
        COLLABORATING_BRAND = "collaborating_brand", _("Collaborating brand")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(
        CorrectiveActionPlan, on_delete=models.CASCADE, related_name="participants"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="cap_participations"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    note = models.CharField(_("what they do on it"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)

    objects: ClassVar[CapChildQuerySet] = CapChildQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["added_at"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["cap", "organization"],
                condition=Q(removed_at__isnull=True),
                name="cap_participant_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_role_display()})"


class CapEvent(models.Model):
    """The CAP's timeline: every change, who, when, from → to. An event about an
    internal comment is seen only by the organization that wrote it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cap = models.ForeignKey(CorrectiveActionPlan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    only_for = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set for events only this organization may see."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects: ClassVar[CapEventQuerySet] = CapEventQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("CAP event")
        verbose_name_plural = _("CAP events")

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"


class ConsultantProfile(models.Model):
    """A partner's entry in the consultant directory, written by the partner itself."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, primary_key=True, related_name="consultant_profile"
    )
    summary = models.TextField(_("about"), blank=True)
    specialties = models.JSONField(
        _("specialties"), default=list, blank=True, help_text=_("Finding categories.")
    )
    countries = models.JSONField(_("countries"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    case_studies = models.TextField(_("case studies"), blank=True)
    references = models.TextField(_("references"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[ConsultantProfileQuerySet] = ConsultantProfileQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("consultant profile")
        verbose_name_plural = _("consultant profiles")

    def __str__(self) -> str:
        return str(self.organization)

    def specialty_labels(self) -> list[str]:
        labels = dict(FindingCategory.choices)
        return [str(labels.get(code, code)) for code in self.specialties]


class ConsultantNote(models.Model):
    """One brand's private vetting notes and rating of a consultant."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    brand = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    consultant = models.ForeignKey(
        ConsultantProfile, on_delete=models.CASCADE, related_name="brand_notes"
    )
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    vetted = models.BooleanField(_("vetted by us"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects: ClassVar[ConsultantNoteQuerySet] = ConsultantNoteQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("consultant note")
        verbose_name_plural = _("consultant notes")
        constraints = [
            models.UniqueConstraint(fields=["brand", "consultant"], name="consultant_note_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="consultant_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} on {self.consultant}"


class ReminderLog(models.Model):
    """One reminder item for one person: a CAP due soon, overdue or escalated, in one
    reminder period. The unique constraint is the guarantee that a rerun, a retry or
    a second worker reminds nobody twice: a run claims its items by inserting them
    (conflicts ignored) and sends only the rows that carry its own ``run_id``.

    The deadline is part of the key so that a plan whose due date was extended is
    reminded again about the new deadline."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Due soon")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalation")

    cap = models.ForeignKey(
        CorrectiveActionPlan, on_delete=models.CASCADE, related_name="reminders"
    )
    membership = models.ForeignKey(
        "csr_platform.Membership", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    due_date = models.DateField(_("deadline reminded of"))
    # Due soon: always 0. Overdue and escalation: whole weeks since the first day the
    # item applied, so each repeats every seven days.
    period = models.PositiveIntegerField(_("period"))
    run_id = models.UUIDField(_("run"), db_index=True)
    # Written for muted items too, so unmuting does not send a backlog.
    muted = models.BooleanField(_("muted"), default=False)
    created_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["cap", "membership", "kind", "due_date", "period"],
                name="reminder_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["due_soon", "overdue", "escalation"]),
                name="reminder_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.period} {self.cap_id} → {self.membership_id}"
