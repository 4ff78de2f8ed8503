"""Serving a report's PDF and a brand's logo: one place for the API and the pages,
after the caller has looked the row up in its own visibility."""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from csr_platform.errors import StateConflict
from reports.models import ReportBranding, ReportRequest


def report_file_response(report: ReportRequest) -> FileResponse:
    """The PDF as an attachment named after what it is about; 409 until it is done."""
    if report.status != ReportRequest.Status.DONE:
        raise StateConflict(_("The report is not ready yet."))
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=report.download_name, content_type="application/pdf"
    )


def logo_file_response(branding: ReportBranding) -> FileResponse:
    if not branding.logo:
        raise Http404
    try:
        handle = branding.logo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = "image/png" if (branding.logo.name or "").endswith(".png") else "image/jpeg"
    return FileResponse(handle, content_type=content_type)
