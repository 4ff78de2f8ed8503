"""API of the law library: instruments, requirements (with versions), the law check,
the comparison across countries, and a brand's code-of-conduct clauses."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from csr_platform.api.base import TenantViewSet
from csr_platform.api.permissions import ReferenceData, ReferenceDataReader
from csr_platform.models import User
from csr_platform.permissions import Capability
from csr_platform.tenancy import request_membership
from laws.api import filters, serializers
from laws.checks import law_check
from laws.models import CodeClause, LegalInstrument, Requirement
from laws.parameters import SCHEMAS
from laws.selectors import DEFAULT_COMPARISON, comparison
from laws.services import (
    code_clause_create,
    code_clause_delete,
    code_clause_update,
    legal_instrument_update,
    requirement_create,
    requirement_mark_reviewed,
    requirement_revise,
)


class LegalInstrumentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Statutes, codes and regulations. Read by every member; written by platform staff."""

    queryset = LegalInstrument.objects.order_by("country", "title")
    serializer_class = serializers.LegalInstrumentSerializer
    permission_classes = [ReferenceData]
    filterset_class = filters.LegalInstrumentFilter
    ordering_fields = ["country", "title", "year"]
    lookup_value_regex = "[0-9a-f-]{36}"

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = legal_instrument_update(
            instrument=serializer.instance, **serializer.validated_data
        )


class RequirementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Legal requirements by country and topic. `?on=YYYY-MM-DD` gives the versions in
    force on that date; without it every version is listed (corrected records only
    with `include_corrected=true`). Changes go through `revise`, never in place."""

    serializer_class = serializers.RequirementSerializer
    permission_classes = [ReferenceData]
    filterset_class = filters.RequirementFilter
    ordering_fields = ["country", "topic", "effective_from", "last_reviewed"]
    lookup_value_regex = "[0-9a-f-]{36}"

    def get_queryset(self) -> QuerySet[Requirement]:
        rows = Requirement.objects.select_related("instrument").prefetch_related("supersedes")
        if self.action == "list" and self.request.query_params.get("include_corrected") != "true":
            rows = rows.live()
        return rows

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = requirement_create(
            by=cast(User, self.request.user), **serializer.validated_data
        )

    @extend_schema(
        request=serializers.RequirementReviseSerializer,
        responses={201: serializers.RequirementSerializer},
        summary="Record a new version (a change of law, or a corrected fact)",
    )
    @action(detail=True, methods=["post"])
    def revise(self, request: Request, pk: str | None = None) -> Response:
        form = serializers.RequirementReviseSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        effective_from = changes.pop("effective_from", None)
        new = requirement_revise(
            requirement=self.get_object(),
            changes=changes,
            effective_from=effective_from,
            by=cast(User, request.user),
        )
        return Response(self.get_serializer(new).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, summary="Confirm the fact against its source")
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        reviewed = requirement_mark_reviewed(
            requirement=self.get_object(),
            by=cast(User, request.user),
            note=str(cast(Any, request.data).get("note", "")),
        )
        return Response(self.get_serializer(reviewed).data)


class LawCheckView(APIView):
    """Measured values in, breached requirements out (law and your brand's code)."""

    # A check posts values but changes nothing: whoever may read the library may check.
    permission_classes = [ReferenceDataReader]

    @extend_schema(
        request=serializers.LawCheckSerializer,
        responses=serializers.LawCheckResultSerializer,
        summary="Check measured values against the law in force",
    )
    def post(self, request: Request) -> Response:
        form = serializers.LawCheckSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        membership = request_membership(request)
        clauses = (
            CodeClause.objects.visible_to(membership)
            if data["apply_code"]
            else CodeClause.objects.none()
        )
        result = law_check(
            country=str(data["country"]),
            on=data["on"],
            measured={key: value for key, value in data.items() if value is not None},
            clauses=clauses,
            wage_scope=data.get("wage_scope", ""),
        )
        return Response(serializers.LawCheckResultSerializer(result).data)


def _comparison_topics(raw: str) -> tuple[str, ...]:
    topics = tuple(t for t in (raw or "").split(",") if t) or DEFAULT_COMPARISON
    unknown = [t for t in topics if t not in SCHEMAS]
    if unknown:
        raise ValidationError({"topics": [f"Unknown topic: {', '.join(unknown)}"]})
    return topics


def _on(raw: str | None) -> date:
    if not raw:
        return timezone.localdate()
    parsed = parse_date(raw)
    if parsed is None:
        raise ValidationError({"on": ["Use a date as YYYY-MM-DD."]})
    return parsed


class ComparisonView(APIView):
    permission_classes = [ReferenceData]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "topics",
                OpenApiTypes.STR,
                description="Comma-separated topics; default working_hours,overtime",
            ),
            OpenApiParameter("on", OpenApiTypes.DATE, description="In force on; default today"),
        ],
        responses=serializers.ComparisonSerializer,
        summary="One or more topics compared across every country",
    )
    def get(self, request: Request) -> Response:
        table = comparison(
            topics=_comparison_topics(request.query_params.get("topics", "")),
            on=_on(request.query_params.get("on")),
        )
        return Response(
            {
                "topics": list(table.topics),
                "on": table.on,
                "columns": [
                    {"key": c.key, "label": c.label, "unit": c.unit} for c in table.columns
                ],
                "rows": [
                    {
                        "country": row.country,
                        "country_name": row.country_name,
                        "scope": row.scope,
                        "needs_review": row.needs_review,
                        "values": {
                            key: {
                                "value": cell["value"],
                                "unit": cell["unit"],
                                "requirement": str(cell["requirement"].pk),
                                "needs_review": cell["requirement"].needs_review,
                            }
                            for key, cell in row.cells.items()
                        },
                    }
                    for row in table.rows
                ],
            }
        )


class CodeClauseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    TenantViewSet,
):
    """Your brand's code-of-conduct clauses; stricter limits apply in law checks."""

    model = CodeClause
    serializer_class = serializers.CodeClauseSerializer
    filterset_class = filters.CodeClauseFilter
    ordering_fields = ["reference", "updated_at"]
    action_capabilities = {
        "create": Capability.MANAGE_CODE_OF_CONDUCT,
        "partial_update": Capability.MANAGE_CODE_OF_CONDUCT,
        "update": Capability.MANAGE_CODE_OF_CONDUCT,
        "destroy": Capability.MANAGE_CODE_OF_CONDUCT,
    }

    def create(self, request: Request) -> Response:
        form = self.get_serializer(data=request.data)
        form.is_valid(raise_exception=True)
        clause = code_clause_create(by=self.membership, **form.validated_data)
        return Response(self.get_serializer(clause).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        clause = self.get_object()
        form = self.get_serializer(clause, data=request.data, partial=kwargs.get("partial", False))
        form.is_valid(raise_exception=True)
        clause = code_clause_update(clause=clause, by=self.membership, **form.validated_data)
        return Response(self.get_serializer(clause).data)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, partial=True, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        code_clause_delete(clause=self.get_object(), by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)
