"""Shapes of the audits API. Input serializers parse types and resolve ids inside the
caller's visibility; the services decide every domain rule (dates, law versions,
taxonomy against the scheme, who may write). Output serializers read only what the
viewsets' querysets already loaded (``select_related`` and annotations), so a list
costs the same number of queries for 2 rows as for 500."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from audits.models import Audit, AuditAmendment, AuditShare, Finding, Observation, SeverityPolicy
from audits.services.audits import AUDIT_FIELDS
from audits.services.policy import POLICY_FIELDS
from csr_platform.api.fields import ChoiceLabelField
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from laws.checks import MEASURE_KEYS
from laws.models import CodeClause, Requirement
from laws.taxonomy import SCHEME_REFERENCES, FindingCategory, Severity
from suppliers.api.serializers import OrganizationSummarySerializer
from suppliers.models import Facility

# --- Small shared pieces -------------------------------------------------------------


class AuditFacilitySerializer(serializers.ModelSerializer[Facility]):
    country = CountryField()

    class Meta:
        model = Facility
        fields = ["id", "name", "country"]
        read_only_fields = fields


class AuditSummarySerializer(serializers.ModelSerializer[Audit]):
    class Meta:
        model = Audit
        fields = ["id", "start_date", "scheme", "status"]
        read_only_fields = fields


class RequirementSummarySerializer(serializers.ModelSerializer[Requirement]):
    """The law version a finding cites (the one in force on the audit date)."""

    reference = serializers.CharField(read_only=True)
    country = CountryField()

    class Meta:
        model = Requirement
        fields = [
            "id",
            "country",
            "topic",
            "reference",
            "summary",
            "effective_from",
            "effective_to",
            "source_url",
        ]
        read_only_fields = fields


class CodeClauseSummarySerializer(serializers.ModelSerializer[CodeClause]):
    class Meta:
        model = CodeClause
        fields = ["id", "reference", "title"]
        read_only_fields = fields


class AmendmentSerializer(serializers.ModelSerializer[AuditAmendment]):
    by = serializers.EmailField(source="by.email", read_only=True, default=None)

    class Meta:
        model = AuditAmendment
        fields = ["id", "audit", "finding", "reason", "changes", "by", "created_at"]
        read_only_fields = fields


def _caller(serializer: serializers.BaseSerializer[Any]) -> Membership | None:
    membership = serializer.context.get("membership")
    return membership if isinstance(membership, Membership) else None


# --- Audits ----------------------------------------------------------------------------


class AuditSerializer(serializers.ModelSerializer[Audit]):
    facility = AuditFacilitySerializer(read_only=True)
    brand = OrganizationSummarySerializer(read_only=True)
    audit_type_label = ChoiceLabelField(source="audit_type")
    scheme_label = ChoiceLabelField(source="scheme")
    status_label = ChoiceLabelField(source="status")
    findings_count = serializers.IntegerField(read_only=True)
    zero_tolerance_count = serializers.IntegerField(read_only=True)
    repeat_count = serializers.IntegerField(read_only=True)
    is_shared_with_me = serializers.SerializerMethodField(
        help_text=_("Another brand shared this audit with yours: you may read it, not edit it.")
    )
    can_edit = serializers.SerializerMethodField(
        help_text=_("You may change this audit and its findings now (a draft of your brand).")
    )
    report_url = serializers.SerializerMethodField(
        help_text=_("Where the auditor's report is downloaded; null when none is attached.")
    )

    class Meta:
        model = Audit
        fields = [
            "id",
            "facility",
            "brand",
            "audit_type",
            "audit_type_label",
            "scheme",
            "scheme_label",
            "reference",
            "audit_firm",
            "lead_auditor",
            "start_date",
            "end_date",
            "announcement",
            "workers_interviewed",
            "summary",
            "status",
            "status_label",
            "finalized_at",
            "created_at",
            "findings_count",
            "zero_tolerance_count",
            "repeat_count",
            "is_shared_with_me",
            "can_edit",
            "report_file_name",
            "report_url",
        ]
        read_only_fields = fields

    def get_is_shared_with_me(self, obj: Audit) -> bool:
        caller = _caller(self)
        # A brand sees another brand's audit only through an active share.
        return bool(caller and caller.is_brand and obj.brand_id != caller.organization_id)

    def get_can_edit(self, obj: Audit) -> bool:
        caller = _caller(self)
        return bool(
            caller
            and obj.brand_id == caller.organization_id
            and caller.can(Capability.RECORD_AUDIT)
            and not obj.is_final
        )

    @extend_schema_field(OpenApiTypes.URI)
    def get_report_url(self, obj: Audit) -> str | None:
        if not obj.report_file:
            return None
        # The page checks visibility on every download; the file itself is never public.
        return reverse("audit_report", args=[obj.pk], request=self.context.get("request"))


class AuditWriteSerializer(serializers.Serializer[Any]):
    """The audit's own fields (``AUDIT_FIELDS``); the service validates them."""

    audit_type = serializers.ChoiceField(choices=Audit.Type.choices)
    scheme = serializers.ChoiceField(choices=Audit.Scheme.choices)
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    audit_firm = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lead_auditor = serializers.CharField(max_length=200, required=False, allow_blank=True)
    start_date = serializers.DateField(help_text=_("First day on site."))
    end_date = serializers.DateField(help_text=_("Last day on site."))
    announcement = serializers.ChoiceField(choices=Audit.Announcement.choices, required=False)
    workers_interviewed = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)


# An audit field the service learns must be parsed here too (and nothing more).
assert set(AuditWriteSerializer._declared_fields) == set(AUDIT_FIELDS)


class AuditCreateSerializer(AuditWriteSerializer):
    facility = serializers.UUIDField(help_text=_("A facility your brand sources from."))


class AmendSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("Why the correction is made.")
    )
    changes = serializers.DictField(
        help_text=_('The fields to correct and their new values, e.g. {"audit_firm": "…"}.')
    )


class ShareOfferSerializer(serializers.Serializer[Any]):
    brand = serializers.SlugField(help_text=_("The identifier (slug) of the other brand."))
    message = serializers.CharField(required=False, allow_blank=True, default="")


class ReportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text=_("The auditor's report: PDF or Word, at most 20 MB."))


# --- Findings --------------------------------------------------------------------------


class FindingSerializer(serializers.ModelSerializer[Finding]):
    category_label = ChoiceLabelField(source="category")
    scheme_references = serializers.SerializerMethodField(
        help_text=_("The category's clause in each scheme (SMETA, amfori, RBA, SLCP, ILO).")
    )
    severity_label = ChoiceLabelField(source="severity")
    requirement = RequirementSummarySerializer(read_only=True, allow_null=True)
    code_clause = CodeClauseSummarySerializer(read_only=True, allow_null=True)
    repeat_of = serializers.UUIDField(source="repeat_of_id", read_only=True, allow_null=True)
    audit = AuditSummarySerializer(read_only=True)
    facility = AuditFacilitySerializer(source="audit.facility", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "number",
            "label",
            "audit",
            "facility",
            "category",
            "category_label",
            "scheme_references",
            "severity",
            "severity_label",
            "description",
            "scheme_reference",
            "workers_affected",
            "extent",
            "evidence",
            "requirement",
            "code_clause",
            "status",
            "resolved_at",
            "due_date",
            "repeat_of",
            "not_sustained_at",
            "law_review_needed",
            "law_review_note",
            "source",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=serializers.CharField()))
    def get_scheme_references(self, obj: Finding) -> dict[str, str]:
        return SCHEME_REFERENCES.get(obj.category, {})


class _ReferencesInCallerScope(serializers.Serializer[Any]):
    """Resolves ``requirement`` (law reference data, any version: the service keeps the
    one in force on the audit date) and ``code_clause`` (only the caller's own)."""

    requirement = serializers.PrimaryKeyRelatedField(
        queryset=Requirement.objects.all(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("No such requirement in the law library.")},
    )
    code_clause = serializers.PrimaryKeyRelatedField(
        queryset=CodeClause.objects.none(),
        required=False,
        allow_null=True,
        error_messages={"does_not_exist": _("Choose a clause of your own code of conduct.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["code_clause"]
        assert isinstance(field, serializers.PrimaryKeyRelatedField)
        visible: Any = CodeClause.objects.visible_to(_caller(self))
        field.queryset = visible  # type: ignore[arg-type]  # stubs mistake it for a descriptor


class FindingWriteSerializer(_ReferencesInCallerScope):
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    description = serializers.CharField()
    scheme_reference = serializers.CharField(max_length=80, required=False, allow_blank=True)
    workers_affected = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    extent = serializers.ChoiceField(choices=Finding.Extent.choices, required=False)
    evidence = serializers.CharField(required=False, allow_blank=True)


class FindingCreateSerializer(FindingWriteSerializer):
    audit = serializers.UUIDField(help_text=_("A draft audit of your brand."))


class LawReviewedSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- Observations ----------------------------------------------------------------------


class ObservationSerializer(serializers.ModelSerializer[Observation]):
    audit = AuditSummarySerializer(read_only=True)
    suggestion_label = ChoiceLabelField(source="suggestion")
    requirement = RequirementSummarySerializer(read_only=True, allow_null=True)
    code_clause = CodeClauseSummarySerializer(read_only=True, allow_null=True)
    finding = serializers.UUIDField(source="finding_id", read_only=True, allow_null=True)

    class Meta:
        model = Observation
        fields = [
            "id",
            "audit",
            "metric",
            "value",
            "wage_scope",
            "note",
            "suggestion",
            "suggestion_label",
            "suggested_category",
            "suggested_severity",
            "explanation",
            "requirement",
            "code_clause",
            "finding",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class ObservationCreateSerializer(serializers.Serializer[Any]):
    audit = serializers.UUIDField(help_text=_("A draft audit of your brand."))
    metric = serializers.ChoiceField(choices=[(key, key) for key in MEASURE_KEYS])
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    wage_scope = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ObservationAcceptSerializer(serializers.Serializer[Any]):
    """What may be changed from the suggestion when accepting it (the law stays)."""

    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    workers_affected = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    extent = serializers.ChoiceField(choices=Finding.Extent.choices, required=False)
    evidence = serializers.CharField(required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- Shares ----------------------------------------------------------------------------


class SharedAuditSerializer(AuditSummarySerializer):
    facility = AuditFacilitySerializer(read_only=True)
    brand = OrganizationSummarySerializer(read_only=True)

    class Meta(AuditSummarySerializer.Meta):
        fields = [*AuditSummarySerializer.Meta.fields, "facility", "brand"]
        read_only_fields = fields


class AuditShareSerializer(serializers.ModelSerializer[AuditShare]):
    audit = SharedAuditSerializer(read_only=True)
    brand = OrganizationSummarySerializer(
        read_only=True, help_text=_("The brand it is shared with.")
    )
    status_label = ChoiceLabelField(source="status")

    class Meta:
        model = AuditShare
        fields = [
            "id",
            "audit",
            "brand",
            "status",
            "status_label",
            "message",
            "offered_at",
            "answered_at",
            "revoked_at",
            "reason",
        ]
        read_only_fields = fields


# --- Severity policy -------------------------------------------------------------------


class SeverityPolicySerializer(serializers.ModelSerializer[SeverityPolicy]):
    class Meta:
        model = SeverityPolicy
        fields = [*POLICY_FIELDS, "updated_at"]
        read_only_fields = fields


class SeverityPolicyWriteSerializer(serializers.Serializer[Any]):
    """Whole numbers of days; the service checks their range and that the ladder never
    gives a lower severity less time."""

    zero_tolerance_days = serializers.IntegerField()
    critical_days = serializers.IntegerField()
    major_days = serializers.IntegerField()
    minor_days = serializers.IntegerField()
    escalation_grace_days = serializers.IntegerField()


assert set(SeverityPolicyWriteSerializer._declared_fields) == set(POLICY_FIELDS)
