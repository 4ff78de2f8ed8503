"""Shapes of the suppliers API. Input serializers only check types; the services
decide everything else. Output comes in two views where it matters: a brand's (with
its internal risk notes, rationale and scoring key) and a supplier's (without them)."""

from __future__ import annotations

from typing import Any

from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from csr_platform.api.fields import ChoiceLabelField
from csr_platform.api.serializers import UserSummarySerializer, nested
from csr_platform.models import Membership, Organization
from suppliers.models import (
    Certification,
    ExitPlan,
    ExitStep,
    Facility,
    FacilityEvent,
    Question,
    Questionnaire,
    Screening,
    ScreeningEvidence,
    Section,
    SourcingRelationship,
)

Status = SourcingRelationship.Status

# Statuses in which a supplier sees the conditions of its approval. Before that the
# conditions belong to a decision still waiting for sign-off.
CONDITIONS_SHOWN_TO_SUPPLIER = (Status.CONDITIONAL, Status.SUSPENDED, Status.EXITING, Status.EXITED)


# --- Small shared pieces -------------------------------------------------------------


class OrganizationSummarySerializer(serializers.ModelSerializer[Organization]):
    class Meta:
        model = Organization
        fields = ["id", "name"]


class MembershipSummarySerializer(serializers.ModelSerializer[Membership]):
    user = UserSummarySerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "role"]


class StatusCountSerializer(serializers.Serializer[Any]):
    id = serializers.CharField(help_text="The status (rows are keyed by it).")
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    count = serializers.IntegerField()


# --- Facilities ------------------------------------------------------------------------


class CertificationSerializer(serializers.ModelSerializer[Certification]):
    valid = serializers.BooleanField(source="is_valid", read_only=True, help_text="Not expired.")

    class Meta:
        model = Certification
        fields = ["id", "name", "number", "issued_on", "expires_on", "valid"]


class FacilitySummarySerializer(serializers.ModelSerializer[Facility]):
    country = CountryField()

    class Meta:
        model = Facility
        fields = ["id", "name", "country", "os_id", "lifecycle"]


class _RelationshipBrandFields(serializers.ModelSerializer[SourcingRelationship]):
    """Everything a brand sees of its own relationship."""

    brand = OrganizationSummarySerializer(read_only=True)
    status_label = ChoiceLabelField(source="status")
    sourcing_owner = MembershipSummarySerializer(read_only=True)
    decided_by = UserSummarySerializer(read_only=True)
    signed_off_by = UserSummarySerializer(read_only=True)

    class Meta:
        model = SourcingRelationship
        fields = [
            "id",
            "brand",
            "status",
            "status_label",
            "sourcing_owner",
            "pending_decision",
            "decided_by",
            "decided_at",
            "rationale",
            "conditions",
            "signed_off_by",
            "signed_off_at",
            "risk_score",
            "risk_grade",
            "risk_breakdown",
            "risk_notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class _RelationshipSupplierFields(serializers.ModelSerializer[SourcingRelationship]):
    """What a supplier sees of a brand's relationship with its facility: never the
    brand's internal notes, risk assessment, rationale or pending decisions."""

    brand = OrganizationSummarySerializer(read_only=True)
    status_label = ChoiceLabelField(source="status")
    conditions = serializers.SerializerMethodField()

    class Meta:
        model = SourcingRelationship
        fields = ["id", "brand", "status", "status_label", "conditions", "created_at", "updated_at"]
        read_only_fields = fields

    def get_conditions(self, obj: SourcingRelationship) -> str:
        return obj.conditions if obj.status in CONDITIONS_SHOWN_TO_SUPPLIER else ""


class BrandRelationshipSerializer(_RelationshipBrandFields):
    facility = FacilitySummarySerializer(read_only=True)

    class Meta(_RelationshipBrandFields.Meta):
        fields = ["id", "facility", *_RelationshipBrandFields.Meta.fields[1:]]
        read_only_fields = fields


class SupplierRelationshipSerializer(_RelationshipSupplierFields):
    facility = FacilitySummarySerializer(read_only=True)

    class Meta(_RelationshipSupplierFields.Meta):
        fields = ["id", "facility", *_RelationshipSupplierFields.Meta.fields[1:]]
        read_only_fields = fields


class FacilitySerializer(serializers.ModelSerializer[Facility]):
    country = CountryField()
    country_name = serializers.CharField(source="country.name", read_only=True)
    supplier = OrganizationSummarySerializer(read_only=True)
    certifications = CertificationSerializer(many=True, read_only=True)

    class Meta:
        model = Facility
        fields = [
            "id",
            "name",
            "country",
            "country_name",
            "address",
            "os_id",
            "supplier",
            "worker_count",
            "workers_female",
            "workers_male",
            "processes",
            "product_types",
            "lifecycle",
            "moved_to",
            "merged_into",
            "certifications",
            "created_at",
        ]
        read_only_fields = fields


class BrandFacilitySerializer(FacilitySerializer):
    """A facility as a brand sees it, with the brand's own relationship to it."""

    relationship = serializers.SerializerMethodField()

    class Meta(FacilitySerializer.Meta):
        fields = [*FacilitySerializer.Meta.fields, "relationship"]
        read_only_fields = fields

    @extend_schema_field(_RelationshipBrandFields(allow_null=True))
    def get_relationship(self, obj: Facility) -> dict[str, Any] | None:
        # ``visible_relationships`` is prefetched through visible_to: the caller's own.
        rows = getattr(obj, "visible_relationships", [])
        return nested(self, _RelationshipBrandFields).to_representation(rows[0]) if rows else None


class SupplierFacilitySerializer(FacilitySerializer):
    """A facility as its supplier sees it, with every brand's relationship status."""

    relationships = _RelationshipSupplierFields(
        source="visible_relationships", many=True, read_only=True
    )

    class Meta(FacilitySerializer.Meta):
        fields = [*FacilitySerializer.Meta.fields, "relationships"]
        read_only_fields = fields


class FacilityCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    country = CountryField()
    address = serializers.CharField(max_length=400, required=False, allow_blank=True)
    os_id = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="Open Supply Hub id: a facility already on the platform is matched by it.",
    )
    supplier_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="The organization that runs the facility (needed unless os_id matches).",
    )
    supplier_admin_email = serializers.EmailField(
        required=False, allow_blank=True, help_text="Invited as the supplier's administrator."
    )
    worker_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    workers_female = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    workers_male = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    processes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    product_types = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    sourcing_owner = serializers.PrimaryKeyRelatedField(
        queryset=Membership.objects.none(),
        required=False,
        allow_null=True,
        help_text="Membership id of a sourcing manager (or admin) of your brand.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        membership: Membership | None = self.context.get("membership")
        field: Any = self.fields["sourcing_owner"]
        # Looked up among the caller's colleagues only: a stranger's id is "not found".
        field.queryset = Membership.objects.visible_to(membership).filter(is_active=True)


class FacilityUpdateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, required=False)
    country = CountryField(required=False)
    address = serializers.CharField(max_length=400, required=False, allow_blank=True)
    worker_count = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    workers_female = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    workers_male = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    processes = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )
    product_types = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50
    )


class FacilityLifecycleSerializer(serializers.Serializer[Any]):
    lifecycle = serializers.ChoiceField(
        choices=Facility.Lifecycle.choices, help_text="active, closed or moved."
    )
    moved_to = serializers.CharField(max_length=400, required=False, allow_blank=True)


class FacilityMergeSerializer(serializers.Serializer[Any]):
    into = serializers.UUIDField(help_text="The facility record that is kept.")


class FacilityEventSerializer(serializers.ModelSerializer[FacilityEvent]):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = FacilityEvent
        fields = [
            "id",
            "action",
            "from_status",
            "to_status",
            "note",
            "actor",
            "relationship",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_actor(self, obj: FacilityEvent) -> dict[str, Any] | None:
        # Facility events are shared by every brand sourcing there; who acted is shown
        # only when that person is a colleague (annotated ``actor_is_colleague``), so a
        # brand never learns which other brand added or edited the facility.
        if obj.actor is None or not getattr(obj, "actor_is_colleague", False):
            return None
        return nested(self, UserSummarySerializer).to_representation(obj.actor)


class SupplierFacilityEventSerializer(FacilityEventSerializer):
    """Events as the supplier sees them: the brand of each relationship event, but not
    the note, which holds the brand's rationale or reasons."""

    brand = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta(FacilityEventSerializer.Meta):
        fields = [*FacilityEventSerializer.Meta.fields, "brand"]
        read_only_fields = fields

    @extend_schema_field(UserSummarySerializer(allow_null=True))
    def get_actor(self, obj: FacilityEvent) -> dict[str, Any] | None:
        if obj.actor is None:
            return None
        return nested(self, UserSummarySerializer).to_representation(obj.actor)

    @extend_schema_field(OrganizationSummarySerializer(allow_null=True))
    def get_brand(self, obj: FacilityEvent) -> dict[str, Any] | None:
        if obj.relationship is None:
            return None
        return nested(self, OrganizationSummarySerializer).to_representation(obj.relationship.brand)

    def get_note(self, obj: FacilityEvent) -> str:
        return "" if obj.relationship_id else obj.note


# --- Relationship actions ----------------------------------------------------------------


class SendQuestionnaireSerializer(serializers.Serializer[Any]):
    questionnaire = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A published questionnaire of yours; default: your newest published one.",
    )


class DecideSerializer(serializers.Serializer[Any]):
    decision = serializers.ChoiceField(choices=["approve", "conditional", "reject"])
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    conditions = serializers.CharField(required=False, allow_blank=True, default="")


class SignOffSerializer(serializers.Serializer[Any]):
    approve = serializers.BooleanField(
        required=False, default=True, help_text="false declines the pending decision."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SuspendSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- Exit plans --------------------------------------------------------------------------


class PhaseDownStepSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    percent = serializers.IntegerField(min_value=0, max_value=100)


class ExitStepInputSerializer(serializers.Serializer[Any]):
    description = serializers.CharField(max_length=300, allow_blank=True)
    owner = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class ExitPlanUpdateSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True)
    remediation_attempts = serializers.CharField(required=False, allow_blank=True)
    workers_affected = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    outstanding_wages = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    outstanding_currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
    outstanding_benefits = serializers.CharField(required=False, allow_blank=True)
    worker_impact = serializers.CharField(required=False, allow_blank=True)
    notice_period_days = serializers.IntegerField(min_value=0, max_value=3650, required=False)
    notice_given_on = serializers.DateField(required=False, allow_null=True)
    phase_down = PhaseDownStepSerializer(many=True, required=False)


class ExitPlanStartSerializer(ExitPlanUpdateSerializer):
    steps = ExitStepInputSerializer(many=True, required=False)


class ExitStepSerializer(serializers.ModelSerializer[ExitStep]):
    class Meta:
        model = ExitStep
        fields = ["id", "description", "owner", "due_on", "done_at", "order"]
        read_only_fields = fields


class ExitPlanSerializer(serializers.ModelSerializer[ExitPlan]):
    facility = FacilitySummarySerializer(source="relationship.facility", read_only=True)
    created_by = UserSummarySerializer(read_only=True)
    steps = ExitStepSerializer(many=True, read_only=True)

    class Meta:
        model = ExitPlan
        fields = [
            "id",
            "relationship",
            "facility",
            "status",
            "reason",
            "remediation_attempts",
            "workers_affected",
            "outstanding_wages",
            "outstanding_currency",
            "outstanding_benefits",
            "worker_impact",
            "notice_period_days",
            "notice_given_on",
            "phase_down",
            "steps",
            "created_by",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields


# --- Questionnaires ----------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer[Question]):
    class Meta:
        model = Question
        fields = [
            "id",
            "text",
            "help_text",
            "kind",
            "choices",
            "category",
            "weight",
            "red_flags",
            "expected",
            "evidence_allowed",
            "required",
            "order",
        ]
        read_only_fields = fields


class SupplierQuestionSerializer(serializers.ModelSerializer[Question]):
    """A question without the brand's scoring key (weight, expected answer, red flags)."""

    class Meta:
        model = Question
        fields = [
            "id",
            "text",
            "help_text",
            "kind",
            "choices",
            "category",
            "evidence_allowed",
            "required",
            "order",
        ]
        read_only_fields = fields


class SectionSerializer(serializers.ModelSerializer[Section]):
    questions = QuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Section
        fields = ["id", "title", "order", "questions"]
        read_only_fields = fields


class SupplierSectionSerializer(SectionSerializer):
    questions = SupplierQuestionSerializer(many=True, read_only=True)  # type: ignore[assignment]


class QuestionnaireSummarySerializer(serializers.ModelSerializer[Questionnaire]):
    class Meta:
        model = Questionnaire
        fields = ["id", "name", "version", "status"]
        read_only_fields = fields


class QuestionnaireSerializer(serializers.ModelSerializer[Questionnaire]):
    sections = SectionSerializer(many=True, read_only=True)

    class Meta:
        model = Questionnaire
        fields = ["id", "name", "version", "status", "previous", "created_at", "sections"]
        read_only_fields = fields


class SupplierQuestionnaireSerializer(QuestionnaireSerializer):
    sections = SupplierSectionSerializer(many=True, read_only=True)


class QuestionInputSerializer(serializers.Serializer[Any]):
    """Documents the question shape; ``questionnaire_create`` checks it.

    ``help_text`` and ``required`` are keys of the document that share their names with
    attributes of DRF's Field; the serializer metaclass moves declared fields off the
    class, so they do not clash at run time (only for the type checker).
    """

    text = serializers.CharField()
    help_text = serializers.CharField(required=False)  # type: ignore[assignment]
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    choices = serializers.ListField(child=serializers.CharField(), required=False)
    category = serializers.CharField(help_text="A finding category, e.g. CHILD, WAGE, OSH.")
    weight = serializers.IntegerField(min_value=0, max_value=10, required=False, default=1)
    red_flags = serializers.JSONField(
        required=False,
        help_text='Answers that raise a red flag: ["no"], or {"below": 18} for numbers.',
    )
    expected = serializers.JSONField(
        required=False, help_text='The expected answer: "yes", a choice, or {"min": n, "max": n}.'
    )
    evidence_allowed = serializers.BooleanField(required=False, default=False)
    required = serializers.BooleanField(required=False, default=True)  # type: ignore[assignment]


class SectionInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    questions = QuestionInputSerializer(many=True)


class QuestionnaireDocumentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200)
    sections = SectionInputSerializer(many=True)


class QuestionnaireCreateSerializer(serializers.Serializer[Any]):
    from_template = serializers.BooleanField(
        required=False, help_text="Start from the platform's default questionnaire."
    )
    name = serializers.CharField(max_length=200, required=False)
    sections = SectionInputSerializer(many=True, required=False)


# --- Screenings --------------------------------------------------------------------------


class ScreeningEvidenceSerializer(serializers.ModelSerializer[ScreeningEvidence]):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningEvidence
        fields = [
            "id",
            "question",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: ScreeningEvidence) -> str:
        return reverse(
            "screening-evidence-download",
            kwargs={"pk": obj.screening_id, "evidence_id": obj.pk},
            request=self.context.get("request"),
        )


class ScreeningSerializer(serializers.ModelSerializer[Screening]):
    facility = FacilitySummarySerializer(source="relationship.facility", read_only=True)
    brand = OrganizationSummarySerializer(source="relationship.brand", read_only=True)
    questionnaire = QuestionnaireSummarySerializer(read_only=True)

    class Meta:
        model = Screening
        fields = [
            "id",
            "relationship",
            "facility",
            "brand",
            "questionnaire",
            "status",
            "sent_at",
            "submitted_at",
        ]
        read_only_fields = fields


class ScreeningDetailSerializer(ScreeningSerializer):
    """With the questions (and, for the brand, their scoring key), the answers so far
    keyed by question id, and the evidence attached."""

    sections = SectionSerializer(source="questionnaire.sections", many=True, read_only=True)
    evidence = ScreeningEvidenceSerializer(many=True, read_only=True)

    class Meta(ScreeningSerializer.Meta):
        fields = [*ScreeningSerializer.Meta.fields, "answers", "sections", "evidence"]
        read_only_fields = fields


class SupplierScreeningDetailSerializer(ScreeningDetailSerializer):
    sections = SupplierSectionSerializer(source="questionnaire.sections", many=True, read_only=True)


class ScreeningAnswersSerializer(serializers.Serializer[Any]):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        required=False,
        default=dict,
        help_text="Answers keyed by question id; errors come back keyed by question id.",
    )


class EvidenceUploadSerializer(serializers.Serializer[Any]):
    question = serializers.UUIDField()
    file = serializers.FileField(
        help_text="PDF, PNG, JPEG, WebP, DOCX or XLSX, at most 10 MB (checked by content)."
    )
