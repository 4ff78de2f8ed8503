"""API of the reports app: the scorecards, the PDF reports and their branding.

Brand members read their brand's scorecards (every brand role); suppliers and
partners get an empty list and 404s — scorecards are brand-internal. Reports are
their organization's (see ReportRequestQuerySet).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from csr_platform.api.base import AVAILABILITY, DomainViewSet, TenantViewSet
from csr_platform.permissions import Capability
from reports.api.filters import ReportRequestFilter, ScorecardFilter
from reports.api.serializers import (
    ReportBrandingSerializer,
    ReportBrandingUpdateSerializer,
    ReportRequestCreateSerializer,
    ReportRequestSerializer,
    ScorecardSerializer,
)
from reports.files import logo_file_response, report_file_response
from reports.models import ReportBranding, ReportRequest
from reports.scorecards import attach_history, compute_scorecards, scored_relationships
from reports.services.branding import report_branding_update
from reports.services.report_requests import (
    check_may_request,
    check_may_retry,
    report_request,
    report_retry,
)
from reports.services.scorecards import scorecards_of
from suppliers.models import Facility, SourcingRelationship


class ScorecardViewSet(TenantViewSet):
    """Scorecards of the facilities your brand sources from (not rejected or exited):
    a score 0–100 and a grade A–E, each component with its points and why, the trend
    since the last monthly snapshot and the last 12 snapshots."""

    model = SourcingRelationship
    serializer_class = ScorecardSerializer
    filterset_class = ScorecardFilter
    # Only for the schema and the parameters it documents: list() filters itself,
    # because grade, trend and order apply to the stored scores, not to relationships.
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
        page = self.paginate_queryset(filterset.scorecard_rows(self.membership))
        assert page is not None, "every list is paginated"
        cards = scorecards_of(page)
        attach_history(self.membership, cards)
        return self.get_paginated_response(self.get_serializer(cards, many=True).data)

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


class ReportRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DomainViewSet):
    """PDF reports: `facility_progress` (one facility: profile, scorecard, findings, CAPs,
    overdue plans, repeats, root causes, the last 12 months) and `program_summary` (the
    brand's portfolio). Every brand role asks for both; a supplier's admin asks for the
    progress report of its own facilities, which leaves out brand-internal content.

    Asking returns at once (202); a worker generates the PDF while `progress` goes from
    0 to 100 and `status` from queued through running to done or failed (with a
    readable `error`, and `retry`). The PDF is downloaded from `download_url`.
    """

    model = ReportRequest
    serializer_class = ReportRequestSerializer
    filterset_class = ReportRequestFilter
    ordering_fields = ["created_at", "finished_at"]
    http_method_names = ["get", "post", "head", "options"]
    action_capabilities = {
        "create": Capability.REQUEST_REPORT,
        "retry": Capability.REQUEST_REPORT,
    }

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("facility", "requested_by__user")

    @extend_schema(
        request=ReportRequestCreateSerializer,
        responses={202: ReportRequestSerializer},
        summary="Ask for a report (returns at once; generated in the background)",
        description=(
            "`facility` is required for `facility_progress` and must be one of your "
            "facilities (404 otherwise); `program_summary` is for brands only (403)."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.parse(ReportRequestCreateSerializer, request.data)
        check_may_request(by=self.membership, kind=data["kind"])
        facility: Facility | None = None
        if data["facility"] is not None:
            # Looked up in the caller's visibility: "no such facility" and "not yours"
            # are the same answer.
            facility = (
                Facility.objects.visible_to(self.membership).filter(pk=data["facility"]).first()
            )
            if facility is None:
                raise NotFound(_("No such facility among yours."))
        report = report_request(by=self.membership, kind=data["kind"], facility=facility)
        body = self.get_serializer(self.reread(report.pk)).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        responses={202: ReportRequestSerializer},
        summary="Try a failed report again",
    )
    @action(detail=True, methods=["get", "post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()

        def write() -> Response:
            report_retry(report=report, by=self.membership)
            body = self.get_serializer(self.reread(report.pk)).data
            return Response(body, status=status.HTTP_202_ACCEPTED)

        return self.act(
            request,
            "retry",
            lambda: check_may_retry(report=report, by=self.membership),
            write,
        )

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Download the PDF (409 until the report is done)",
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        return report_file_response(self.get_object())


class ReportBrandingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DomainViewSet):
    """The logo and colour of your brand's PDF reports (one entry, addressed by the
    brand's id; the list holds it once set). Brand members read it; admins set it."""

    model = ReportBranding
    serializer_class = ReportBrandingSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    http_method_names = ["get", "post", "head", "options"]
    action_capabilities = {"create": Capability.MANAGE_REPORT_BRANDING}

    @extend_schema(
        request={
            "multipart/form-data": ReportBrandingUpdateSerializer,
            "application/json": ReportBrandingUpdateSerializer,
        },
        responses={200: ReportBrandingSerializer},
        summary="Set the colour and/or logo (brand admins)",
        description=(
            "The logo is checked by content: PNG or JPEG, at most 512 KB and 2000 px a "
            "side. `remove_logo` takes it away."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.parse(ReportBrandingUpdateSerializer, request.data)
        branding = report_branding_update(
            by=self.membership,
            colour=data.get("colour"),
            logo=data.get("logo"),
            remove_logo=data["remove_logo"],
        )
        return Response(self.get_serializer(self.reread(branding.pk)).data)

    @extend_schema(responses={(200, "image/*"): OpenApiTypes.BINARY}, summary="The logo file")
    @action(detail=True, methods=["get"])
    def logo(self, request: Request, pk: str | None = None) -> FileResponse:
        branding = self.get_object()
        if not branding.logo:
            raise NotFound()
        return logo_file_response(branding)
