"""Report pages, mounted at /reports/: ask for a PDF report, watch its progress bar
(htmx polls a fragment until it is done), download it, retry a failed one; and the
brand's report branding.

Reports are their organization's (``ReportRequest.objects.visible_to``): a report of
another tenant is a 404, as in the API.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from csr_platform.errors import DomainError
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response, page_of
from reports.api.filters import ReportRequestFilter
from reports.files import logo_file_response, report_file_response
from reports.forms import ReportBrandingForm, ReportRequestForm
from reports.models import DEFAULT_REPORT_COLOUR, ReportBranding, ReportRequest
from reports.services.branding import report_branding_update
from reports.services.report_requests import check_may_retry, report_request, report_retry

# How often the progress bar asks for news, in seconds.
POLL_SECONDS = 1
# The request form's field ids, apart from the filter form's on the same page.
NEW_ID = "new_%s"


class ReportPageMixin(TenantPageMixin):
    required_capability = Capability.REQUEST_REPORT

    def report(self, pk: UUID) -> ReportRequest:
        rows = self.visible(ReportRequest).select_related("facility", "requested_by__user")
        return get_object_or_404(rows, pk=pk)


class ReportListPage(ReportPageMixin, View):
    """The organization's reports, newest first, with the form to ask for one."""

    template_name = "reports/report_list.html"

    def context(self, form: ReportRequestForm) -> dict[str, Any]:
        rows = self.visible(ReportRequest).select_related("facility", "requested_by__user")
        filterset = ReportRequestFilter(self.request.GET or None, queryset=rows)
        reports = filterset.qs if filterset.is_valid() else rows
        return {
            "form": form,
            "filter_form": filterset.form,
            "filtered": bool(self.request.GET.get("kind") or self.request.GET.get("status")),
            "page": page_of(self.request, reports),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"facility": request.GET.get("facility"), "kind": request.GET.get("new")}
        form = ReportRequestForm(initial=initial, membership=self.membership, auto_id=NEW_ID)
        return render(request, self.template_name, self.context(form))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReportRequestForm(request.POST, membership=self.membership, auto_id=NEW_ID)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form), status=400)
        try:
            report = report_request(
                by=self.membership,
                kind=form.cleaned_data["kind"],
                facility=form.cleaned_data["facility"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
            return render(request, self.template_name, self.context(form), status=400)
        except DomainError as error:
            return domain_error_response(request, error, self.template_name, self.context(form))
        return redirect("report_detail", pk=report.pk)


class ReportDetailPage(ReportPageMixin, View):
    template_name = "reports/report_detail.html"

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        report = self.report(pk)
        return render(request, self.template_name, progress_context(report, self.membership))


def progress_context(report: ReportRequest, membership: Any) -> dict[str, Any]:
    try:
        check_may_retry(report=report, by=membership)
        may_retry = True
    except DomainError:
        may_retry = False
    return {"report": report, "may_retry": may_retry, "poll_seconds": POLL_SECONDS}


class ReportProgressFragment(ReportPageMixin, View):
    """The progress bar alone, for htmx: it keeps polling while the report runs and
    stops (the fragment carries no trigger) once it is done or failed."""

    def get(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        report = self.report(pk)
        return render(
            request, "reports/_report_progress.html", progress_context(report, self.membership)
        )


class ReportRetryView(ReportPageMixin, View):
    def post(self, request: HttpRequest, pk: UUID) -> HttpResponse:
        report = self.report(pk)
        try:
            report_retry(report=report, by=self.membership)
        except DomainError as error:
            return domain_error_response(
                request,
                error,
                ReportDetailPage.template_name,
                progress_context(report, self.membership),
            )
        return redirect("report_detail", pk=report.pk)


class ReportDownloadView(ReportPageMixin, View):
    def get(self, request: HttpRequest, pk: UUID) -> HttpResponseBase:
        report = self.report(pk)
        try:
            return report_file_response(report)
        except DomainError as error:
            return domain_error_response(
                request,
                error,
                ReportDetailPage.template_name,
                progress_context(report, self.membership),
            )


class ReportBrandingPage(TenantPageMixin, View):
    """The logo and colour of the brand's reports (its admins)."""

    required_capability = Capability.MANAGE_REPORT_BRANDING
    template_name = "reports/branding.html"

    def branding(self) -> ReportBranding | None:
        return self.visible(ReportBranding).first()

    def context(self, form: ReportBrandingForm) -> dict[str, Any]:
        return {"form": form, "branding": self.branding()}

    def get(self, request: HttpRequest) -> HttpResponse:
        branding = self.branding()
        colour = branding.colour if branding else DEFAULT_REPORT_COLOUR
        form = ReportBrandingForm(initial={"colour": colour})
        return render(request, self.template_name, self.context(form))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ReportBrandingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                report_branding_update(
                    by=self.membership,
                    colour=form.cleaned_data["colour"],
                    logo=form.cleaned_data["logo"],
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, messages)
            else:
                return redirect("report_branding")
        return render(request, self.template_name, self.context(form), status=400)


class ReportLogoView(TenantPageMixin, View):
    def get(self, request: HttpRequest) -> FileResponse:
        branding = self.visible(ReportBranding).first()
        if branding is None:
            raise Http404
        return logo_file_response(branding)
