"""Pages that move the facility list in and out: the bulk import (CSV or XLSX, all rows
or none), its template file, and the export of the filtered list."""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin
from suppliers.exports import (
    CONTENT_TYPES,
    FORMATS,
    facilities_export_csv,
    facilities_export_xlsx,
    facilities_filtered,
)
from suppliers.services.imports import (
    COLUMNS,
    MAX_ROWS,
    MAX_UPLOAD_BYTES,
    REQUIRED_COLUMNS,
    ImportReport,
    facilities_import,
    parse_upload,
)

# What each column of the import file holds, shown next to the upload form.
COLUMN_HELP: dict[str, Any] = {
    "name": gettext_lazy("Facility name."),
    "country": gettext_lazy("ISO code (BD, VN) or English name (Bangladesh)."),
    "address": gettext_lazy("Street address."),
    "os_id": gettext_lazy(
        "Open Supply Hub id, e.g. BD2019123ABCDEF. A facility already on the platform is "
        "matched by it and only added to your list."
    ),
    "supplier_name": gettext_lazy(
        "The company that runs the facility; needed for a new facility. Rows with the same "
        "name share one supplier organization."
    ),
    "supplier_admin_email": gettext_lazy("Invited as the supplier's administrator."),
    "worker_count": gettext_lazy("Number of workers."),
    "workers_female": gettext_lazy("Women workers."),
    "workers_male": gettext_lazy("Men workers."),
    "processes": gettext_lazy("Separated by semicolons or commas: cutting; sewing."),
    "product_types": gettext_lazy("Separated by semicolons or commas: t-shirts; jeans."),
    "sourcing_owner_email": gettext_lazy(
        "A sourcing manager or administrator of your brand who owns the relationship."
    ),
}
# Room for the multipart envelope around a file of the largest size accepted.
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


class FacilityImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Facility list (CSV or XLSX)"),
        help_text=gettext_lazy("At most 10 MB; CSV files in UTF-8."),
    )


def _summary(report: ImportReport) -> str:
    parts = [
        ngettext(
            "%(count)d facility added to your list",
            "%(count)d facilities added to your list",
            report.relationships_created,
        )
        % {"count": report.relationships_created},
        ngettext(
            "%(count)d of them new on the platform",
            "%(count)d of them new on the platform",
            report.facilities_created,
        )
        % {"count": report.facilities_created},
        ngettext(
            "%(count)d supplier organization created",
            "%(count)d supplier organizations created",
            report.suppliers_created,
        )
        % {"count": report.suppliers_created},
        ngettext(
            "%(count)d supplier administrator invited",
            "%(count)d supplier administrators invited",
            report.invitations_sent,
        )
        % {"count": report.invitations_sent},
    ]
    text = "; ".join(parts) + "."
    if report.already_listed:
        text += " " + ngettext(
            "Already in your list, skipped: row %(rows)s.",
            "Already in your list, skipped: rows %(rows)s.",
            len(report.already_listed),
        ) % {"rows": ", ".join(str(n) for n in report.already_listed)}
    return text


class FacilityImportView(TenantPageMixin, View):
    """Upload a facility list; every row's problems, or a summary and the list."""

    required_capability = Capability.ADD_FACILITY
    template_name = "suppliers/transfer/import.html"

    def page(self, form: FacilityImportForm, status: int = 200, **extra: Any) -> HttpResponse:
        context = {
            "form": form,
            "columns": [(c, c in REQUIRED_COLUMNS, COLUMN_HELP[c]) for c in COLUMNS],
            "max_rows": number_format(MAX_ROWS, force_grouping=True),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(FacilityImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES:
            # Refused before Django reads the body into a temporary file.
            refused = _("The file is larger than the limit of 10 MB.")
            return self.page(FacilityImportForm(), status=400, action_errors=[refused])
        form = FacilityImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            rows = parse_upload(form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
            return self.page(form, status=400)
        report = facilities_import(by=self.membership, rows=rows, request=request)
        if not report.ok:
            form = FacilityImportForm()
            return self.page(form, status=400, report=report)
        messages.success(request, _summary(report))
        return redirect("facility_list")


class FacilityImportTemplateView(TenantPageMixin, View):
    """An empty import file with the column headers, ready to fill in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        buffer = io.StringIO()
        csv.writer(buffer).writerow(COLUMNS)
        # The byte-order mark makes Excel open the file as UTF-8.
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=CONTENT_TYPES["csv"])
        response["Content-Disposition"] = 'attachment; filename="facility-import-template.csv"'
        return response


class FacilityExportView(TenantPageMixin, View):
    """The facility list, filtered as on the list page, as CSV or XLSX."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        file_format = request.GET.get("format") or "csv"
        if file_format not in FORMATS:
            return HttpResponse(
                _("Choose the format csv or xlsx."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        membership = self.membership
        queryset = facilities_filtered(membership=membership, params=request.GET)
        filename = f"facilities-{timezone.localdate().isoformat()}.{file_format}"
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
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


urlpatterns = [
    path("import/", FacilityImportView.as_view(), name="facility_import"),
    path(
        "import/template.csv",
        FacilityImportTemplateView.as_view(),
        name="facility_import_template",
    ),
    path("export/", FacilityExportView.as_view(), name="facility_export"),
]
