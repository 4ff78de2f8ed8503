"""Findings and observations: the inline add/edit/delete of the audit page (htmx),
the law-check suggestions, the finding list and page, amendments of final findings,
and the brand's list of findings whose law changed.

Reads go through ``visible_to`` (a finding of an invisible audit is a 404); every
write is a service call whose refusal is shown with its status.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from audits.forms import (
    YES,
    DismissForm,
    FindingAmendForm,
    FindingForm,
    FindingListFilterForm,
    LawReviewedForm,
    ObservationForm,
    date_range,
)
from audits.models import AuditAmendment, Finding, Observation
from audits.services.audits import require_recorder
from audits.services.findings import (
    finding_amend,
    finding_create,
    finding_delete,
    finding_law_reviewed,
    finding_update,
)
from audits.services.observations import observation_accept, observation_dismiss, observation_record
from audits.views.audit_pages import (
    AmendmentFlow,
    AuditPageMixin,
    amendment_rows,
    forbidden,
    is_htmx,
)
from csr_platform.errors import DomainError, StateConflict
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response, page_of
from laws.taxonomy import SCHEME_REFERENCES
from suppliers.models import Facility

SCHEME_NAMES: tuple[tuple[str, Any], ...] = (
    ("smeta", gettext_lazy("SMETA")),
    ("amfori", gettext_lazy("amfori BSCI performance area")),
    ("rba", gettext_lazy("RBA Code")),
    ("slcp", gettext_lazy("SLCP")),
    ("ilo", gettext_lazy("ILO conventions")),
)


def edit_prefix(finding: Finding) -> str:
    # One prefix per finding, so two edit rows open at once keep distinct ids.
    return f"finding-{finding.number}"


class FindingPageMixin(AuditPageMixin):
    def get_finding(self, pk: Any) -> Finding:
        return get_object_or_404(
            self.visible(Finding).select_related(
                "audit__facility__supplier",
                "audit__brand",
                "audit__created_by",
                "audit__finalized_by",
            ),
            pk=pk,
        )


# --- Inline findings -------------------------------------------------------------------


class FindingAddView(AuditPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        try:
            self.guard_draft(audit)
        except DomainError as exc:
            return self.refused(audit, exc)
        form = FindingForm(request.POST, audit=audit, membership=self.membership, prefix="new")
        if not form.is_valid():
            return self.invalid(audit, finding_form=form)
        try:
            finding = finding_create(audit=audit, by=self.membership, **form.service_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.invalid(audit, finding_form=form)
        except DomainError as exc:
            return self.refused(audit, exc, finding_form=form)
        return self.after_work(audit, _("%(finding)s was added.") % {"finding": finding.label})


class FindingEditView(FindingPageMixin, View):
    """GET: the edit row (htmx) or an edit page; POST: save the finding."""

    form_template = "audits/finding_edit.html"

    def render_edit(self, finding: Finding, form: FindingForm, status: int = 200) -> HttpResponse:
        if is_htmx(self.request):
            return render(
                self.request,
                "audits/_finding_edit_row.html",
                {"audit": finding.audit, "finding": finding, "edit_form": form},
                status=status,
            )
        return render(
            self.request,
            self.form_template,
            {"audit": finding.audit, "finding": finding, "edit_form": form},
            status=status,
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        finding = self.get_finding(pk)
        try:
            self.guard_draft(finding.audit)
        except DomainError as exc:
            return self.refused(finding.audit, exc)
        form = FindingForm(
            audit=finding.audit,
            membership=self.membership,
            current=finding,
            prefix=edit_prefix(finding),
        )
        return self.render_edit(finding, form)

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        finding = self.get_finding(pk)
        audit = finding.audit
        try:
            self.guard_draft(audit)
        except DomainError as exc:
            return self.refused(audit, exc)
        form = FindingForm(
            request.POST,
            audit=audit,
            membership=self.membership,
            current=finding,
            prefix=edit_prefix(finding),
        )
        if form.is_valid():
            try:
                finding_update(finding=finding, by=self.membership, **form.service_values())
            except ValidationError as exc:
                form.add_service_errors(exc)
            except DomainError as exc:
                return self.refused(audit, exc)
            else:
                return self.after_work(
                    audit, _("%(finding)s was saved.") % {"finding": finding.label}
                )
        if is_htmx(request):
            return self.work(audit, status=400, edit_form=form, editing=finding.pk)
        return self.render_edit(finding, form, status=400)


class FindingDeleteView(FindingPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        finding = self.get_finding(pk)
        audit = finding.audit
        try:
            finding_delete(finding=finding, by=self.membership)
        except (DomainError, ValidationError) as exc:
            return self.refused(audit, exc)
        return self.after_work(audit, _("%(finding)s was deleted.") % {"finding": finding.label})


# --- Observations and the law check ----------------------------------------------------


class ObservationRecordView(AuditPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        try:
            self.guard_draft(audit)
        except DomainError as exc:
            return self.refused(audit, exc)
        form = ObservationForm(request.POST, prefix="observation")
        if not form.is_valid():
            return self.invalid(audit, observation_form=form)
        try:
            observation = observation_record(
                audit=audit, by=self.membership, **form.service_values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.invalid(audit, observation_form=form)
        except DomainError as exc:
            return self.refused(audit, exc, observation_form=form)
        if observation.suggestion == Observation.Suggestion.PENDING:
            message = _("Recorded. The law check suggests a finding: accept or dismiss it.")
        else:
            message = _("Recorded: %(result)s.") % {"result": observation.get_suggestion_display()}
        return self.after_work(audit, message, anchor="observations")


class ObservationDecisionView(AuditPageMixin, View):
    """Accept a law-check suggestion (the finding is created with the law reference)
    or dismiss it with a reason."""

    http_method_names = ["post"]
    DECISIONS = ("accept", "dismiss")

    def post(self, request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
        if decision not in self.DECISIONS:
            raise Http404
        observation = get_object_or_404(
            self.visible(Observation).select_related(
                "audit__facility__supplier",
                "audit__brand",
                "audit__created_by",
                "audit__finalized_by",
            ),
            pk=pk,
        )
        audit = observation.audit
        try:
            self.guard_draft(audit)
        except DomainError as exc:
            return self.refused(audit, exc)
        if decision == "accept":
            try:
                finding = observation_accept(observation=observation, by=self.membership)
            except (DomainError, ValidationError) as exc:
                return self.refused(audit, exc)
            return self.after_work(
                audit,
                _("%(finding)s was added from the law check.") % {"finding": finding.label},
            )
        form = DismissForm(request.POST, prefix=f"dismiss-{observation.metric}")
        forms = {"dismiss_form": form, "dismiss_for": observation.pk}
        if not form.is_valid():
            return self.invalid(audit, **forms)
        try:
            observation_dismiss(
                observation=observation, by=self.membership, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.invalid(audit, **forms)
        except DomainError as exc:
            return self.refused(audit, exc)
        return self.after_work(audit, _("The suggestion was dismissed."), anchor="observations")


# --- The finding list ------------------------------------------------------------------


class FindingListPage(TenantPageMixin, View):
    """Every finding the caller sees, filtered; a fixed number of queries."""

    template_name = "audits/finding_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if not (membership.is_brand or membership.is_supplier):
            return forbidden(request)
        facility_rows = list(
            self.visible(Facility).order_by("name", "pk").values_list("pk", "name", "country")
        )
        form = FindingListFilterForm(
            request.GET or None,
            facilities=[(str(pk), name) for pk, name, _country in facility_rows],
            country_codes=sorted({str(country) for _pk, _name, country in facility_rows}),
        )
        rows = self.filtered(self.visible(Finding), form)
        rows = rows.select_related(
            "audit__facility", "audit__brand", "requirement__instrument", "repeat_of"
        ).order_by("-audit__start_date", "audit_id", "number")
        context = {"form": form, "page": page_of(request, rows), "filtered": form.filtered}
        return render(request, self.template_name, context)

    def filtered(
        self, findings: QuerySet[Finding], form: FindingListFilterForm
    ) -> QuerySet[Finding]:
        for name, lookup in (
            ("facility", "audit__facility_id"),
            ("category", "category"),
            ("severity", "severity"),
            ("status", "status"),
            ("country", "audit__facility__country"),
        ):
            if form.value(name):
                findings = findings.filter(**{lookup: form.value(name)})
        repeat = form.value("repeat")
        if repeat:
            findings = findings.filter(repeat_of__isnull=repeat != YES)
        if form.value("law_review") == YES:
            findings = findings.filter(law_review_needed=True)
        start, end = date_range(form)
        if start:
            findings = findings.filter(audit__start_date__gte=start)
        if end:
            findings = findings.filter(audit__start_date__lte=end)
        return findings


# --- The finding page ------------------------------------------------------------------


class FindingDetailPage(FindingPageMixin, View):
    finding_template = "audits/finding_detail.html"

    def get_finding(self, pk: Any) -> Finding:
        return get_object_or_404(
            self.visible(Finding).select_related(
                "audit__facility__supplier",
                "audit__brand",
                "audit__created_by",
                "audit__finalized_by",
                "requirement__instrument",
                "code_clause",
                "repeat_of__audit",
                "created_by",
            ),
            pk=pk,
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self.finding_page(self.get_finding(pk))

    def finding_context(self, finding: Finding, **extra: Any) -> dict[str, Any]:
        audit = finding.audit
        recorder = self.is_recorder(audit)
        references = SCHEME_REFERENCES.get(finding.category, {})
        return {
            "finding": finding,
            "audit": audit,
            "scheme_references": [
                (label, references[key]) for key, label in SCHEME_NAMES if references.get(key)
            ],
            "repeated_by": list(
                self.visible(Finding)
                .filter(repeat_of=finding)
                .select_related("audit")
                .order_by("audit__start_date", "number")
            ),
            "observation": Observation.objects.filter(finding=finding).first(),
            "amendments": amendment_rows(
                list(
                    AuditAmendment.objects.filter(finding=finding)
                    .select_related("by")
                    .order_by("-created_at")
                )
            ),
            "shared_with_me": self.membership.is_brand
            and audit.brand_id != self.membership.organization_id,
            "can_edit": recorder and not audit.is_final,
            "can_amend": recorder and audit.is_final,
            "can_review": recorder and finding.law_review_needed,
            "review_form": extra.pop("review_form", None) or LawReviewedForm(),
            **extra,
        }

    def finding_page(self, finding: Finding, status: int = 200, **extra: Any) -> HttpResponse:
        return render(
            self.request,
            self.finding_template,
            self.finding_context(finding, **extra),
            status=status,
        )


class FindingAmendPage(AmendmentFlow, FindingDetailPage):
    """Correct a finding of a final audit with a recorded reason."""

    def target(self, pk: Any) -> Finding:
        return self.get_finding(pk)

    def guard_final(self, target: Finding) -> None:
        require_recorder(target.audit, self.membership)
        if not target.audit.is_final:
            raise StateConflict(_("A finding of a draft audit is edited directly."))

    def refuse(self, target: Finding, error: DomainError) -> HttpResponse:
        return domain_error_response(
            self.request, error, self.finding_template, self.finding_context(target)
        )

    def form(self, target: Finding, data: Any = None) -> FindingAmendForm:
        return FindingAmendForm(
            data, audit=target.audit, membership=self.membership, current=target
        )

    def form_context(self, target: Finding) -> dict[str, Any]:
        amendments = AuditAmendment.objects.filter(finding=target)
        return {"audit": target.audit, "finding": target, "amendments": amendments}

    def amend(self, target: Finding, reason: str, values: dict[str, Any]) -> None:
        finding_amend(finding=target, by=self.membership, reason=reason, **values)

    def done_url(self, target: Finding) -> str:
        return reverse("finding_detail", args=[target.pk])


class FindingLawReviewedView(FindingDetailPage):
    """Someone checked the finding against the new version of its law."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        finding = self.get_finding(pk)
        form = LawReviewedForm(request.POST)
        if not form.is_valid():
            return self.finding_page(finding, status=400, review_form=form)
        try:
            finding_law_reviewed(
                finding=finding, by=self.membership, note=form.cleaned_data["note"]
            )
        except (DomainError, ValidationError) as exc:
            return domain_error_response(
                request, exc, self.finding_template, self.finding_context(finding, review_form=form)
            )
        messages.success(
            request, _("%(finding)s was marked reviewed.") % {"finding": finding.label}
        )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("finding_detail", args=[finding.pk])
        return redirect(target)


# --- Findings whose law changed --------------------------------------------------------


class LawChangeReviewPage(TenantPageMixin, View):
    """The brand's open findings that cite a law which changed since: check whether
    the remediation target moved, then mark each reviewed."""

    template_name = "audits/law_changes.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if not membership.is_brand:
            return forbidden(request)
        rows = (
            self.visible(Finding)
            .filter(
                audit__brand_id=membership.organization_id,
                status=Finding.Status.OPEN,
                law_review_needed=True,
            )
            .select_related("audit__facility", "requirement__instrument")
            .order_by("audit__facility__name", "-audit__start_date", "audit_id", "number")
        )
        context = {
            "page": page_of(request, rows),
            "can_review": membership.can(Capability.RECORD_AUDIT),
            "review_form": LawReviewedForm(),
        }
        return render(request, self.template_name, context)
