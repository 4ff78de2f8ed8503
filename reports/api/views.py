"""API of the reports app: the scorecards.

Brand members read their brand's scorecards (every brand role); suppliers and
partners get an empty list and 404s — scorecards are brand-internal.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from csr_platform.api.base import TenantViewSet
from reports.api.filters import ScorecardFilter
from reports.api.serializers import ScorecardSerializer
from reports.scorecards import attach_history, compute_scorecards, scored_relationships
from suppliers.models import SourcingRelationship


class ScorecardViewSet(TenantViewSet):
    """Scorecards of the facilities your brand sources from (not rejected or exited):
    a score 0–100 and a grade A–E, each component with its points and why, the trend
    since the last monthly snapshot and the last 12 snapshots."""

    model = SourcingRelationship
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    # Only for the schema and the parameters it documents: list() filters itself,
    # because grade, trend and order apply to computed scores.
    filter_backends = [DjangoFilterBackend]
    lookup_field = "facility_id"
    lookup_url_kwarg = "pk"
    http_method_names = ["get", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # The same visible relationships, narrowed to those with a scorecard (and to
        # none for suppliers and partners).
        return scored_relationships(self.membership)

    def list(self, request: Request) -> Response:
        filterset = ScorecardFilter(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        page = self.paginate_queryset(filterset.scorecards(self.membership))
        assert page is not None, "every list is paginated"
        attach_history(self.membership, page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="One facility's scorecard, by the facility's id")
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        try:
            rows = self.get_queryset().filter(facility_id=pk)
            cards = compute_scorecards(self.membership, rows)
        except ValidationError as exc:
            raise NotFound() from exc
        if not cards:
            raise NotFound()
        attach_history(self.membership, cards)
        return Response(self.get_serializer(cards[0]).data)
