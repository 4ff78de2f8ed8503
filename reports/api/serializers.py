"""Shapes of the scorecard API. They read the computed :class:`Scorecard` objects
(and the relationships and snapshots loaded with them), never the database."""

from __future__ import annotations

from typing import Any

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from csr_platform.models import Membership
from reports.models import GRADES, ScorecardSnapshot
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
