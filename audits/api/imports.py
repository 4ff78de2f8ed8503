"""``audits/{id}/import-findings/``: a draft audit's findings from a CSV or XLSX file,
all rows or none — the same service as the browser wizard.

GET answers whether the caller may import into this audit now and the columns the file
may have; POST takes the file (multipart), an optional column mapping and ``dry_run``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from audits.services.audits import require_draft, require_recorder
from audits.services.imports import (
    FIELD_HELP,
    FIELDS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    REQUIRED_FIELDS,
    field_label,
    findings_import,
)
from csr_platform.errors import DomainError

if TYPE_CHECKING:
    from csr_platform.api.base import TenantViewSet

    _ViewSet = TenantViewSet
else:
    _ViewSet = object

# Room for the multipart envelope around a file of the largest size accepted.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


class FindingImportUploadSerializer(serializers.Serializer[Any]):
    file = serializers.FileField(
        help_text="CSV (UTF-8, or Windows-1252) or XLSX, at most 10 MB and 20,000 rows."
    )
    # ``binary``: a multipart form carries the object as JSON text.
    mapping = serializers.JSONField(
        binary=True,
        required=False,
        help_text=(
            'JSON object {"file header": "field"}; "" (or "ignore") ignores a column. '
            "When given it is complete: a column it does not name is ignored. Without "
            "it, headers that match a field or a common spelling are mapped."
        ),
    )
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="true: check and preview only, store nothing."
    )

    def validate_mapping(self, value: Any) -> dict[str, str]:
        if not isinstance(value, dict) or not all(
            isinstance(target, str | None) for target in value.values()
        ):
            raise serializers.ValidationError(
                _('Send a JSON object such as {"Issue category": "category"}.')
            )
        return {str(header): target or "" for header, target in value.items()}


class FindingImportProblemSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(
        allow_null=True, help_text="Spreadsheet row (the header is row 1); null: the whole file."
    )
    column = serializers.CharField(help_text="The file's column header.")
    field = serializers.CharField(help_text="The finding field it fills.")
    message = serializers.CharField()


# The answers below are described for the OpenAPI schema only (the action returns the
# service's ``as_dict``), as dicts: fields named ``errors``, ``label`` or ``required``
# would shadow attributes of a serializer class.
def _problems() -> serializers.BaseSerializer[Any]:
    return FindingImportProblemSerializer(many=True)


ROW_FIELDS: dict[str, Any] = {
    "row": serializers.IntegerField(),
    "category": serializers.CharField(),
    "severity": serializers.CharField(),
    "description": serializers.CharField(),
    "scheme_reference": serializers.CharField(),
    "workers_affected": serializers.JSONField(
        help_text="A whole number, or the file's text when it is wrong."
    ),
    "extent": serializers.CharField(),
    "evidence": serializers.CharField(),
    "requirement": serializers.CharField(
        allow_null=True, help_text="Id of the law version in force on the audit date."
    ),
    "code_clause": serializers.CharField(allow_null=True, help_text="Id of the brand's clause."),
    "labels": serializers.DictField(child=serializers.CharField()),
    "errors": _problems(),
}
REPORT_FIELDS: dict[str, Any] = {
    "ok": serializers.BooleanField(),
    "dry_run": serializers.BooleanField(),
    "columns": serializers.ListField(
        child=serializers.CharField(), help_text="The file's headers."
    ),
    "mapping": serializers.DictField(
        child=serializers.CharField(), help_text='{"file header": "field" or ""} as applied.'
    ),
    "row_count": serializers.IntegerField(),
    "created": serializers.IntegerField(),
    "errors": _problems(),
}
REPORT = inline_serializer(
    "FindingImportReport",
    {
        **REPORT_FIELDS,
        "rows": inline_serializer(
            "FindingImportRow", many=True, fields=ROW_FIELDS, help_text="Dry run only."
        ),
    },
)
FAILED = inline_serializer(
    "FindingImportFailed",
    {
        "status": serializers.IntegerField(),
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
        **REPORT_FIELDS,
    },
)
AVAILABILITY = inline_serializer(
    "FindingImportAvailability",
    {
        "action": serializers.CharField(),
        "allowed": serializers.BooleanField(),
        "status": serializers.IntegerField(allow_null=True),
        "detail": serializers.CharField(),
        "columns": serializers.ListField(
            child=inline_serializer(
                "FindingImportColumn",
                {
                    "field": serializers.CharField(),
                    "label": serializers.CharField(),
                    "required": serializers.BooleanField(),
                    "help": serializers.CharField(),
                },
            )
        ),
        "formats": serializers.ListField(child=serializers.CharField()),
        "max_rows": serializers.IntegerField(),
        "max_bytes": serializers.IntegerField(),
        "templates": serializers.DictField(child=serializers.CharField()),
    },
)


def _columns() -> list[dict[str, Any]]:
    return [
        {
            "field": name,
            "label": field_label(name),
            "required": name in REQUIRED_FIELDS,
            "help": str(FIELD_HELP[name]),
        }
        for name in FIELDS
    ]


class FindingImportMixin(_ViewSet):
    """Adds ``import-findings`` to the audits viewset."""

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=AVAILABILITY,
        summary="Whether you may import findings into this audit, and the file's columns",
        description=(
            "`allowed`, or the `status` (403 for your role or another brand's audit, 409 "
            "for a final audit) and the reason a POST would get."
        ),
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": FindingImportUploadSerializer},
        responses={
            200: OpenApiResponse(
                REPORT,
                description="Dry run: every row as it would be created, and every problem.",
            ),
            201: OpenApiResponse(
                REPORT,
                description="Every row was stored; `created` counts them.",
            ),
            400: OpenApiResponse(
                FAILED,
                description=(
                    "Nothing was stored: `errors` lists every problem of every row (row, "
                    "column, message). A file that cannot be read answers the usual error "
                    "shape with `fields.file`."
                ),
            ),
            403: OpenApiResponse(description="Your role or brand does not record this audit."),
            404: OpenApiResponse(description="No such audit visible to you."),
            409: OpenApiResponse(description="The audit is final."),
        },
        summary="Import findings from a CSV or XLSX file: all rows or none",
        description=(
            "Columns: " + ", ".join(FIELDS) + " (category, severity and description "
            "required). Headers are mapped to fields by name or common spelling, or by "
            "`mapping`. Each row becomes a finding validated like one recorded by hand; "
            "zero-tolerance findings alert the brand's CSR staff."
        ),
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="import-findings",
        url_name="import-findings",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_findings(self, request: Request, pk: str | None = None) -> Response:
        audit = self.get_object()
        membership = self.membership
        try:
            require_recorder(audit, membership)
            require_draft(audit)
        except DomainError as exc:
            if request.method != "GET":
                raise
            refusal: dict[str, Any] = {"allowed": False, "status": exc.status_code}
            return Response(self._availability(refusal, exc.message))
        if request.method == "GET":
            return Response(self._availability({"allowed": True, "status": None}, ""))
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
            # Refused before the body is read into a temporary file.
            raise serializers.ValidationError(
                {"file": [_("The file is larger than the limit of 10 MB.")]}
            )
        form = FindingImportUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            report = findings_import(
                audit=audit,
                by=membership,
                file=data["file"],
                mapping=data.get("mapping"),
                dry_run=data["dry_run"],
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"file": exc.messages}) from None
        if report.dry_run:
            return Response(report.as_dict())
        if not report.ok:
            return Response(
                {
                    "status": status.HTTP_400_BAD_REQUEST,
                    "code": "invalid",
                    "detail": _("Nothing was imported: fix the rows listed in errors."),
                    **report.as_dict(rows=False),
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(report.as_dict(rows=False), status=status.HTTP_201_CREATED)

    def _availability(self, answer: dict[str, Any], detail: str) -> dict[str, Any]:
        return {
            "action": "import-findings",
            **answer,
            "detail": detail,
            "columns": _columns(),
            "formats": ["csv", "xlsx"],
            "max_rows": MAX_ROWS,
            "max_bytes": MAX_UPLOAD_BYTES,
            "templates": {
                fmt: self.request.build_absolute_uri(
                    reverse("finding_import_template", kwargs={"fmt": fmt})
                )
                for fmt in ("csv", "xlsx")
            },
        }
