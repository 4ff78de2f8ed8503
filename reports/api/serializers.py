"""Shapes of the reports API. The scorecard shapes read the computed
:class:`Scorecard` objects (and the relationships and snapshots loaded with them),
never the database; the report requests and branding are plain rows."""

from __future__ import annotations

from typing import Any

from django_countries.serializer_fields import CountryField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from csr_platform.models import Membership
from reports.models import GRADES, HEX_COLOUR, ReportBranding, ReportRequest, ScorecardSnapshot
from reports.scorecards import COMPONENT_LABELS, Scorecard
from suppliers.models import Facility, SourcingRelationship


class ScoreComponentSerializer(serializers.Serializer[Any]):
    key = serializers.ChoiceField(choices=list(COMPONENT_LABELS), read_only=True)
    # A field named "label" shadows Field.label for the type checker only: declared
    # fields are taken out of the class by the serializer's metaclass.
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    points = serializers.IntegerField(
        read_only=True, help_text="Points this component takes off the score of 100."
    )
    max_points = serializers.IntegerField(read_only=True, help_text="The most it can take off.")
    explanation = serializers.CharField(read_only=True, help_text="Why, in one sentence.")
    facts = serializers.DictField(read_only=True, help_text="The numbers behind the points.")


class ScorecardFacilitySerializer(serializers.ModelSerializer[Facility]):
    country = CountryField(read_only=True)

    class Meta:
        model = Facility
        fields = ["id", "name", "country"]
        read_only_fields = fields


class SourcingOwnerSerializer(serializers.ModelSerializer[Membership]):
    name = serializers.CharField(source="user.display_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "name"]
        read_only_fields = fields


class ScorecardSnapshotSerializer(serializers.ModelSerializer[ScorecardSnapshot]):
    class Meta:
        model = ScorecardSnapshot
        fields = ["month", "score", "grade"]
        read_only_fields = fields


class ScorecardSerializer(serializers.Serializer[Scorecard]):
    id = serializers.UUIDField(
        source="relationship.facility_id",
        read_only=True,
        help_text="The facility's id: a scorecard is addressed by its facility.",
    )
    facility = ScorecardFacilitySerializer(source="relationship.facility", read_only=True)
    relationship = serializers.UUIDField(source="relationship.pk", read_only=True)
    status = serializers.ChoiceField(
        source="relationship.status",
        choices=SourcingRelationship.Status.choices,
        read_only=True,
    )
    sourcing_owner = SourcingOwnerSerializer(
        source="relationship.sourcing_owner", read_only=True, allow_null=True
    )
    on = serializers.DateField(read_only=True, help_text="The day the score is computed for.")
    score = serializers.IntegerField(read_only=True, help_text="0–100.")
    grade = serializers.ChoiceField(
        choices=[(grade, grade) for grade in GRADES],
        read_only=True,
        help_text="A 86–100, B 71–85, C 51–70, D 30–50, E 0–29.",
    )
    trend = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Points gained or lost since the last monthly snapshot; null without one.",
    )
    previous_score = serializers.IntegerField(read_only=True, allow_null=True)
    previous_month = serializers.DateField(read_only=True, allow_null=True)
    components = ScoreComponentSerializer(many=True, read_only=True)
    history = ScorecardSnapshotSerializer(
        many=True, read_only=True, help_text="The last 12 monthly snapshots, oldest first."
    )


# --- PDF reports -------------------------------------------------------------------------


class ReportFacilitySerializer(serializers.ModelSerializer[Facility]):
    class Meta:
        model = Facility
        fields = ["id", "name"]
        read_only_fields = fields


class ReportRequestSerializer(serializers.ModelSerializer[ReportRequest]):
    facility = ReportFacilitySerializer(read_only=True, allow_null=True)
    requested_by = serializers.CharField(
        source="requested_by.user.display_name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Who asked for it; null for the monthly programme report.",
    )
    progress = serializers.IntegerField(read_only=True, help_text="0–100.")
    url = serializers.SerializerMethodField(help_text="The report's page (signed-in session).")
    download_url = serializers.SerializerMethodField(
        help_text="The PDF through the API once the report is done (null before)."
    )

    class Meta:
        model = ReportRequest
        fields = [
            "id",
            "kind",
            "facility",
            "status",
            "progress",
            "error",
            "attempts",
            "requested_by",
            "scheduled_month",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj: ReportRequest) -> str:
        return reverse("report_detail", args=[obj.pk], request=self.context.get("request"))

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, obj: ReportRequest) -> str | None:
        if obj.status != ReportRequest.Status.DONE:
            return None
        return reverse("reportrequest-download", args=[obj.pk], request=self.context.get("request"))


class ReportRequestCreateSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ReportRequest.Kind.choices)
    facility = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The facility of a facility_progress report; none for program_summary.",
    )


class ReportBrandingSerializer(serializers.ModelSerializer[ReportBranding]):
    id = serializers.UUIDField(source="organization_id", read_only=True)
    logo_url = serializers.SerializerMethodField(help_text="The logo, or null without one.")

    class Meta:
        model = ReportBranding
        fields = ["id", "colour", "logo_url", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.URI)
    def get_logo_url(self, obj: ReportBranding) -> str | None:
        if not obj.logo:
            return None
        return reverse("reportbranding-logo", args=[obj.pk], request=self.context.get("request"))


class ReportBrandingUpdateSerializer(serializers.Serializer[Any]):
    colour = serializers.RegexField(
        HEX_COLOUR,
        required=False,
        help_text="#rrggbb",
        error_messages={"invalid": "A colour as #rrggbb, for example #174ea6."},
    )
    logo = serializers.FileField(
        required=False, help_text="PNG or JPEG, at most 512 KB and 2000 px a side."
    )
    remove_logo = serializers.BooleanField(required=False, default=False)
