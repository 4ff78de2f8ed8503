"""Facility import and export over the API: the same services as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from csr_platform.api.permissions import IsTenantMember
from csr_platform.errors import ActionForbidden
from csr_platform.permissions import Capability
from csr_platform.tenancy import request_membership
from suppliers.exports import facilities_export_csv, facilities_export_xlsx, facilities_filtered
from suppliers.services.imports import COLUMNS, parse_upload
from suppliers.services.imports import facilities_import as run_import

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX, at most 10 MB.")


class FacilityImportView(APIView):
    """POST a CSV/XLSX file: every facility is added, or none and every row's errors
    are returned. GET lists the expected columns."""

    permission_classes = [IsTenantMember]
    parser_classes = [MultiPartParser]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, summary="The import file's columns")
    def get(self, request: Request) -> Response:
        return Response({"columns": list(COLUMNS), "formats": ["csv", "xlsx"]})

    @extend_schema(
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        summary="Import facilities: all rows or none",
    )
    def post(self, request: Request) -> Response:
        membership = request_membership(request)
        assert membership is not None
        if not membership.can(Capability.ADD_FACILITY):
            raise ActionForbidden(_("Only a brand's administrators and CSR staff add facilities."))
        form = ImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            rows = parse_upload(form.validated_data["file"])
        except ValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from None
        report = run_import(by=membership, rows=rows, request=request._request)
        if not report.ok:
            return Response(
                {
                    "status": 400,
                    "code": "invalid",
                    "detail": _("Nothing was imported: fix the rows listed in errors."),
                    **report.as_dict(),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(report.as_dict(), status=status.HTTP_201_CREATED)


class FacilityExportView(APIView):
    """The facility list as CSV or XLSX, with the list's filters."""

    permission_classes = [IsTenantMember]

    @extend_schema(
        parameters=[
            # Not "format": DRF reserves that query parameter for its own renderers.
            OpenApiParameter("file_format", OpenApiTypes.STR, enum=["csv", "xlsx"]),
            OpenApiParameter("country", OpenApiTypes.STR),
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("risk_grade", OpenApiTypes.STR),
            OpenApiParameter("q", OpenApiTypes.STR, description="Name, address or OS id"),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
        summary="Export the facility list (CSV or XLSX)",
    )
    def get(self, request: Request) -> HttpResponseBase:
        membership = request_membership(request)
        assert membership is not None
        file_format = request.query_params.get("file_format") or "csv"
        if file_format not in CONTENT_TYPES:
            raise serializers.ValidationError({"file_format": [_("Choose csv or xlsx.")]})
        queryset = facilities_filtered(membership=membership, params=request.query_params)
        response: HttpResponseBase
        if file_format == "csv":
            response = StreamingHttpResponse(
                facilities_export_csv(membership=membership, queryset=queryset),
                content_type=CONTENT_TYPES["csv"],
            )
        else:
            response = HttpResponse(
                facilities_export_xlsx(membership=membership, queryset=queryset),
                content_type=CONTENT_TYPES["xlsx"],
            )
        filename = f"facilities-{timezone.localdate().isoformat()}.{file_format}"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
