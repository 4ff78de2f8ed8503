"""Shapes of the remediation API.

Output serializers read only what the viewsets' querysets already loaded
(``select_related``, ``Prefetch`` and annotations such as ``overdue`` and the
counts), so a list costs the same number of queries for 2 rows as for 500. Input
serializers parse types only; the services decide every domain rule (who may write,
the CAP's state, dates, file types).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from audits.models import Audit, Finding
from csr_platform.api.fields import ChoiceLabelField
from csr_platform.api.serializers import ActionAvailabilitySerializer, nested
from csr_platform.models import Organization, User
from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.root_causes import CAUSE_CATEGORIES, PURCHASING_PRACTICE_CODES
from suppliers.models import Facility

# --- Small shared pieces -------------------------------------------------------------


class OrganizationRefSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name"]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer[User]):
    """Who did something, by name only: e-mail addresses stay inside each organization."""

    class Meta:
        model = User
        fields = ["id", "full_name"]
        read_only_fields = fields


class CapFacilitySerializer(serializers.ModelSerializer[Facility]):
    country = CountryField()

    class Meta:
        model = Facility
        fields = ["id", "name", "country"]
        read_only_fields = fields


class CapAuditSerializer(serializers.ModelSerializer[Audit]):
    scheme_label = ChoiceLabelField(source="scheme")

    class Meta:
        model = Audit
        fields = ["id", "start_date", "scheme", "scheme_label"]
        read_only_fields = fields


class CapFindingSerializer(serializers.ModelSerializer[Finding]):
    """The finding as everyone on the CAP sees it: partners see findings only here."""

    category_label = ChoiceLabelField(source="category")
    severity_label = ChoiceLabelField(source="severity")
    requirement_reference = serializers.SerializerMethodField(
        help_text=_("How the law the finding breaches is cited, or null.")
    )
    audit = CapAuditSerializer(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "label",
            "category",
            "category_label",
            "severity",
            "severity_label",
            "description",
            "scheme_reference",
            "requirement",
            "requirement_reference",
            "audit",
        ]
        read_only_fields = fields

    def get_requirement_reference(self, obj: Finding) -> str | None:
        return obj.requirement.reference if obj.requirement is not None else None


# --- CAPs ----------------------------------------------------------------------------


class CapSerializer(serializers.ModelSerializer[CorrectiveActionPlan]):
    status_label = ChoiceLabelField(source="status")
    verification_method_label = ChoiceLabelField(source="verification_method")
    overdue = serializers.BooleanField(
        read_only=True, help_text=_("Still open and past its due date.")
    )
    brand = OrganizationRefSerializer(read_only=True, help_text=_("The brand that owns the CAP."))
    facility = CapFacilitySerializer(read_only=True)
    finding = CapFindingSerializer(read_only=True)
    root_cause_count = serializers.IntegerField(read_only=True)
    action_count = serializers.IntegerField(read_only=True)
    evidence_count = serializers.IntegerField(read_only=True)
    extension_pending = serializers.BooleanField(
        read_only=True, help_text=_("A request for more time awaits the brand's decision.")
    )
    remediation_guidance = serializers.CharField(
        source="finding.requirement.remediation_guidance",
        default="",
        read_only=True,
        help_text=_("How the law library says this breach is usually fixed."),
    )

    class Meta:
        model = CorrectiveActionPlan
        fields = [
            "id",
            "status",
            "status_label",
            "due_date",
            "overdue",
            "verification_method",
            "verification_method_label",
            "follow_up_audit",
            "verification_note",
            "return_reason",
            "cancel_reason",
            "not_sustained_at",
            "started_at",
            "submitted_at",
            "verified_at",
            "created_at",
            "brand",
            "facility",
            "finding",
            "root_cause_count",
            "action_count",
            "evidence_count",
            "extension_pending",
            "remediation_guidance",
        ]
        read_only_fields = fields


class VerifySerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_audit = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "For a follow-up-audit verification: the final audit of the facility, after "
            "the one that found the problem, that checked the fix."
        ),
    )


class CapReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DueDateSerializer(serializers.Serializer[Any]):
    due_date = serializers.DateField()
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class SubmitAvailabilitySerializer(ActionAvailabilitySerializer):
    blockers = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("What is still missing before the CAP can be submitted."),
    )


# --- Root causes ---------------------------------------------------------------------


class WhySerializer(serializers.Serializer[Any]):
    why = serializers.CharField(max_length=500)
    because = serializers.CharField(max_length=500)


class RootCauseSerializer(serializers.ModelSerializer[RootCause]):
    method_label = ChoiceLabelField(source="method")
    category_label = ChoiceLabelField(source="category")
    purchasing_code_label = ChoiceLabelField(source="purchasing_code")
    whys = WhySerializer(many=True, read_only=True)

    class Meta:
        model = RootCause
        fields = [
            "id",
            "method",
            "method_label",
            "category",
            "category_label",
            "purchasing_code",
            "purchasing_code_label",
            "whys",
            "cause",
            "created_at",
        ]
        read_only_fields = fields


class RootCauseInputSerializer(serializers.Serializer[Any]):
    method = serializers.ChoiceField(choices=RootCause.Method.choices)
    category = serializers.ChoiceField(choices=CAUSE_CATEGORIES)
    purchasing_code = serializers.ChoiceField(
        choices=PURCHASING_PRACTICE_CODES,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("For a purchasing-practice cause: which of the buyer's practices."),
    )
    cause = serializers.CharField()
    whys = WhySerializer(
        many=True,
        required=False,
        default=list,
        help_text=_("Five whys: each why and its answer, the last answer being the root cause."),
    )


# --- Actions -------------------------------------------------------------------------


class CapActionSerializer(serializers.ModelSerializer[CapAction]):
    kind_label = ChoiceLabelField(source="kind")
    status_label = ChoiceLabelField(source="status")

    class Meta:
        model = CapAction
        fields = [
            "id",
            "kind",
            "kind_label",
            "description",
            "owner",
            "due_date",
            "status",
            "status_label",
            "completed_on",
            "created_at",
        ]
        read_only_fields = fields


class CapActionInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CapAction.Kind.choices)
    description = serializers.CharField()
    owner = serializers.CharField(
        max_length=200, help_text=_("Someone with the authority to carry it out.")
    )
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=CapAction.Status.choices, required=False)
    completed_on = serializers.DateField(required=False, allow_null=True)


# --- Evidence ------------------------------------------------------------------------


class EvidenceSerializer(serializers.ModelSerializer[Evidence]):
    expired = serializers.SerializerMethodField(help_text=_("Its validity ended before today."))
    download_url = serializers.SerializerMethodField(
        help_text=_("The file in the browser (signed-in session; permission-checked).")
    )
    api_download_url = serializers.SerializerMethodField(
        help_text=_("The file through the API (token or session; permission-checked).")
    )

    class Meta:
        model = Evidence
        fields = [
            "id",
            "file_name",
            "content_type",
            "size",
            "description",
            "valid_from",
            "valid_until",
            "expired",
            "action",
            "uploaded_at",
            "download_url",
            "api_download_url",
        ]
        read_only_fields = fields

    def get_expired(self, obj: Evidence) -> bool:
        return obj.is_expired()

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: Evidence) -> str:
        return reverse("evidence_download", args=[obj.pk], request=self.context.get("request"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_download_url(self, obj: Evidence) -> str:
        return reverse(
            "evidence-download",
            kwargs={"cap_pk": obj.cap_id, "pk": obj.pk},
            request=self.context.get("request"),
        )


class CapEvidenceUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text=_("PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV, at most 20 MB (checked by content).")
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("e.g. a certificate's issue")
    )
    valid_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("e.g. its expiry")
    )
    action = serializers.UUIDField(
        required=False, allow_null=True, default=None, help_text=_("An action of this CAP.")
    )


# --- Comments ------------------------------------------------------------------------


class CommentSerializer(serializers.ModelSerializer[Comment]):
    organization = OrganizationRefSerializer(read_only=True)
    author = PersonSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Comment
        fields = ["id", "body", "internal", "organization", "author", "created_at"]
        read_only_fields = fields


class CommentInputSerializer(serializers.Serializer[Any]):
    body = serializers.CharField()
    internal = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Brands only: seen by your own brand, never by the supplier or partners."),
    )


# --- Extensions ----------------------------------------------------------------------


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    status_label = ChoiceLabelField(source="status")

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "requested_due_date",
            "previous_due_date",
            "reason",
            "status",
            "status_label",
            "requested_at",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class ExtensionAskSerializer(serializers.Serializer[Any]):
    due_date = serializers.DateField(help_text=_("The new due date asked for."))
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionNoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Required to decline.")
    )


# --- Participants --------------------------------------------------------------------


class ParticipantOrganizationSerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name", "slug", "kind", "partner_type"]
        read_only_fields = fields


class CapParticipantSerializer(serializers.ModelSerializer[CapParticipant]):
    organization = ParticipantOrganizationSerializer(read_only=True)
    role_label = ChoiceLabelField(source="role")

    class Meta:
        model = CapParticipant
        fields = ["id", "organization", "role", "role_label", "note", "added_at", "removed_at"]
        read_only_fields = fields


class ParticipantInviteSerializer(serializers.Serializer[Any]):
    organization = serializers.SlugField(
        help_text=_("The identifier (slug) of the partner, or of a brand the audit is shared with.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


# --- Timeline ------------------------------------------------------------------------


class CapEventSerializer(serializers.ModelSerializer[CapEvent]):
    actor = PersonSerializer(read_only=True, allow_null=True)
    actor_organization = OrganizationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CapEvent
        fields = [
            "id",
            "action",
            "from_status",
            "to_status",
            "note",
            "actor",
            "actor_organization",
            "created_at",
        ]
        read_only_fields = fields


# --- Consultant directory ------------------------------------------------------------


class ConsultantNoteSerializer(serializers.ModelSerializer[ConsultantNote]):
    class Meta:
        model = ConsultantNote
        fields = ["rating", "vetted", "notes", "updated_at"]
        read_only_fields = ["updated_at"]


class ConsultantNoteInputSerializer(serializers.Serializer[Any]):
    rating = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    vetted = serializers.BooleanField(required=False, default=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ConsultantProfileSerializer(serializers.ModelSerializer[ConsultantProfile]):
    id = serializers.UUIDField(source="organization_id", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    slug = serializers.CharField(source="organization.slug", read_only=True)
    partner_type = serializers.CharField(source="organization.partner_type", read_only=True)
    specialty_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    my_note = serializers.SerializerMethodField(
        help_text=_("Your brand's own notes and rating (never shown to anyone else), or null.")
    )

    class Meta:
        model = ConsultantProfile
        fields = [
            "id",
            "name",
            "slug",
            "partner_type",
            "summary",
            "specialties",
            "specialty_labels",
            "countries",
            "languages",
            "case_studies",
            "references",
            "website",
            "updated_at",
            "my_note",
        ]
        read_only_fields = fields

    @extend_schema_field(ConsultantNoteSerializer(allow_null=True))
    def get_my_note(self, obj: ConsultantProfile) -> dict[str, Any] | None:
        # ``my_notes`` is prefetched through ConsultantNote.visible_to: the caller's
        # brand's note only (none for a partner).
        notes = getattr(obj, "my_notes", [])
        return nested(self, ConsultantNoteSerializer).to_representation(notes[0]) if notes else None


class ConsultantProfileUpdateSerializer(serializers.Serializer[Any]):
    summary = serializers.CharField(required=False, allow_blank=True)
    specialties = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Finding category codes.")
    )
    countries = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("ISO country codes.")
    )
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    case_studies = serializers.CharField(required=False, allow_blank=True)
    references = serializers.CharField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
