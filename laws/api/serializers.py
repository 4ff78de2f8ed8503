from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from laws.checks import MEASURE_KEYS, MEASURES, Breach
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.parameters import Topic
from laws.taxonomy import FindingCategory


class LegalInstrumentSerializer(serializers.ModelSerializer[LegalInstrument]):
    country = CountryField()

    class Meta:
        model = LegalInstrument
        fields = ["id", "country", "title", "year", "kind", "source_url"]


class RequirementSerializer(serializers.ModelSerializer[Requirement]):
    country = CountryField()
    instrument = LegalInstrumentSerializer(read_only=True)
    instrument_id = serializers.PrimaryKeyRelatedField(
        source="instrument", queryset=LegalInstrument.objects.all(), write_only=True
    )
    reference = serializers.CharField(read_only=True)
    supersedes = serializers.SerializerMethodField(
        help_text="Ids of the versions this one replaced."
    )

    class Meta:
        model = Requirement
        fields = [
            "id",
            "country",
            "topic",
            "scope",
            "instrument",
            "instrument_id",
            "citation",
            "reference",
            "summary",
            "interpretation",
            "remediation_guidance",
            "parameters",
            "effective_from",
            "effective_to",
            "superseded_by",
            "supersedes",
            "retracted",
            "source_url",
            "source_note",
            "last_reviewed",
            "reviewer",
            "needs_review",
            "review_note",
        ]
        read_only_fields = [
            "effective_to",
            "superseded_by",
            "supersedes",
            "retracted",
            "last_reviewed",
            "reviewer",
        ]

    def get_supersedes(self, obj: Requirement) -> list[str]:
        return [str(earlier.pk) for earlier in obj.supersedes.all()]


class RequirementReviseSerializer(serializers.Serializer[Any]):
    effective_from = serializers.DateField(
        required=False,
        allow_null=True,
        help_text="A later date records a change of law; omit it to correct the recorded fact.",
    )
    citation = serializers.CharField(required=False, allow_blank=True)
    summary = serializers.CharField(required=False)
    interpretation = serializers.CharField(required=False, allow_blank=True)
    remediation_guidance = serializers.CharField(required=False, allow_blank=True)
    parameters = serializers.JSONField(required=False)
    source_url = serializers.URLField(required=False, allow_blank=True)
    source_note = serializers.CharField(required=False, allow_blank=True)
    needs_review = serializers.BooleanField(required=False)
    review_note = serializers.CharField(required=False, allow_blank=True)


class LawCheckSerializer(serializers.Serializer[Any]):
    country = CountryField()
    on = serializers.DateField(required=False, help_text="The date of the audit; today if omitted.")
    wage_scope = serializers.CharField(
        required=False, allow_blank=True, help_text="Minimum-wage scope, e.g. 'rmg' or 'region_i'."
    )
    apply_code = serializers.BooleanField(
        default=True, help_text="Also apply your brand's code-of-conduct clauses."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for measure in MEASURES:
            self.fields[measure.key] = serializers.DecimalField(
                max_digits=14,
                decimal_places=2,
                min_value=0,
                required=False,
                allow_null=True,
                help_text=str(measure.label),
            )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not any(attrs.get(key) is not None for key in MEASURE_KEYS):
            raise serializers.ValidationError(_("Give at least one measured value."))
        attrs.setdefault("on", timezone.localdate())
        return attrs


class BreachSerializer(serializers.Serializer[Breach]):
    measure = serializers.CharField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2)
    limit = serializers.DecimalField(max_digits=14, decimal_places=2)
    law_limit = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    unit = serializers.CharField()
    source = serializers.ChoiceField(choices=["law", "code"])  # type: ignore[assignment]
    severity = serializers.CharField()
    category = serializers.CharField()
    explanation = serializers.CharField()
    requirement = serializers.UUIDField(source="requirement.pk", allow_null=True, default=None)
    clause = serializers.UUIDField(source="clause.pk", allow_null=True, default=None)
    needs_review = serializers.BooleanField()


class LawCheckResultSerializer(serializers.Serializer[Any]):
    country = serializers.CharField()
    on = serializers.DateField()
    breaches = BreachSerializer(many=True)
    not_checked = serializers.ListField(child=serializers.CharField())


class CodeClauseSerializer(serializers.ModelSerializer[CodeClause]):
    category = serializers.ChoiceField(choices=FindingCategory.choices)
    topic = serializers.ChoiceField(choices=Topic.choices, allow_blank=True, required=False)
    countries = serializers.ListField(child=serializers.CharField(max_length=2), required=False)

    class Meta:
        model = CodeClause
        fields = [
            "id",
            "reference",
            "title",
            "text",
            "category",
            "topic",
            "parameters",
            "countries",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]


class ComparisonColumnSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # the column's label, not Field.label
    unit = serializers.CharField()


class ComparisonRowSerializer(serializers.Serializer[Any]):
    country = serializers.CharField()
    country_name = serializers.CharField()
    scope = serializers.CharField()
    needs_review = serializers.BooleanField()
    values = serializers.DictField(
        child=serializers.DictField(),
        help_text="Per column key: value, unit, requirement id, needs_review.",
    )


class ComparisonSerializer(serializers.Serializer[Any]):
    topics = serializers.ListField(child=serializers.CharField())
    on = serializers.DateField()
    columns = ComparisonColumnSerializer(many=True)
    rows = ComparisonRowSerializer(many=True)
