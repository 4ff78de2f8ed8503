"""The audit list, recording and editing an audit, the audit page with its inline
findings and observations, finalizing, amending, the report download, and the
facility page's audits panel.

Every read goes through ``visible_to``: another brand's audit (or a supplier's draft)
is a 404. Every write is a service call; a refusal is shown with its status (400 for
bad input, 403 for a role or a shared audit that may only be read, 409 for a final
audit). The inline parts answer htmx requests with the ``audits/_work.html``
fragment and plain form posts with a redirect, so the page works without JavaScript.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from audits.forms import (
    MEASURE_LABELS,
    MEASURE_UNITS,
    AuditAmendForm,
    AuditForm,
    AuditListFilterForm,
    DismissForm,
    FindingForm,
    ObservationForm,
    date_range,
)
from audits.models import Audit, AuditAmendment, Finding, Observation
from audits.selectors import repeat_rate, with_finding_counts
from audits.services.audits import (
    audit_amend,
    audit_attach_report,
    audit_create,
    audit_delete,
    audit_finalize,
    audit_update,
    require_draft,
    require_recorder,
)
from audits.services.policy import severity_policy_for
from csr_platform.errors import DomainError, StateConflict
from csr_platform.models import Membership, Organization
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response, page_of
from laws.models import CodeClause, Requirement
from laws.taxonomy import Severity
from suppliers.models import Facility

# Audits listed in a facility's panel before linking to the filtered audit list.
PANEL_LIMIT = 10


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "forbidden.html", status=403)


# --- Reading helpers -------------------------------------------------------------------


AMENDMENT_MODELS: dict[bool, Any] = {True: Finding, False: Audit}
EXTRA_FIELD_LABELS: dict[str, Any] = {"report_file": gettext_lazy("Auditor's report")}


def amendment_rows(amendments: list[AuditAmendment]) -> list[dict[str, Any]]:
    """Each amendment with its changes as people read them (labels, not codes).
    Cited requirements and clauses are looked up in one query each, if any."""
    requirement_ids: set[str] = set()
    clause_ids: set[str] = set()
    for amendment in amendments:
        for name, change in amendment.changes.items():
            target = (
                requirement_ids
                if name == "requirement"
                else clause_ids
                if name == "code_clause"
                else None
            )
            if target is not None:
                target.update(str(v) for v in (change.get("from"), change.get("to")) if v)
    names: dict[str, str] = {}
    if requirement_ids:
        names.update(
            (str(r.pk), r.reference)
            for r in Requirement.objects.filter(pk__in=requirement_ids).select_related("instrument")
        )
    if clause_ids:
        names.update((str(c.pk), c.reference) for c in CodeClause.objects.filter(pk__in=clause_ids))

    def shown(field: Any, value: Any) -> Any:
        if value in (None, ""):
            return "—"
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if field is not None and field.choices:
            return dict(field.choices).get(value, value)
        return names.get(str(value), value)

    rows = []
    for amendment in amendments:
        model = AMENDMENT_MODELS[amendment.finding_id is not None]
        changes = []
        for name, change in amendment.changes.items():
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a field removed since: show its name
                field = None
            label = EXTRA_FIELD_LABELS.get(name) or (
                field.verbose_name if field is not None else name
            )
            changes.append(
                {
                    "label": label,
                    "from": shown(field, change.get("from")),
                    "to": shown(field, change.get("to")),
                }
            )
        rows.append({"amendment": amendment, "changes": changes})
    return rows


# --- The list --------------------------------------------------------------------------


class AuditListPage(TenantPageMixin, View):
    """Brands: the audits they commissioned and those shared with them. Suppliers: the
    final audits on their facilities, with the brand that commissioned each. A fixed
    number of queries whatever the page size."""

    template_name = "audits/audit_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if not (membership.is_brand or membership.is_supplier):
            return forbidden(request)
        audits = self.visible(Audit)
        facilities = [
            (str(pk), name)
            for pk, name in self.visible(Facility).order_by("name", "pk").values_list("pk", "name")
        ]
        brands = [
            (str(pk), name)
            for pk, name in Organization.objects.filter(pk__in=audits.values("brand_id"))
            .order_by("name")
            .values_list("pk", "name")
        ]
        form = AuditListFilterForm(request.GET or None, facilities=facilities, brands=brands)
        rows = self.filtered(audits, form)
        rows = with_finding_counts(rows).select_related("facility", "brand")
        rows = rows.order_by("-start_date", "-created_at", "pk")
        context = {
            "form": form,
            "page": page_of(request, rows),
            "filtered": form.filtered,
            "rate": repeat_rate(self.visible(Finding)),
            "can_record": membership.can(Capability.RECORD_AUDIT),
        }
        return render(request, self.template_name, context)

    def filtered(self, audits: QuerySet[Audit], form: AuditListFilterForm) -> QuerySet[Audit]:
        for name, lookup in (
            ("facility", "facility_id"),
            ("brand", "brand_id"),
            ("scheme", "scheme"),
            ("audit_type", "audit_type"),
            ("status", "status"),
        ):
            if form.value(name):
                audits = audits.filter(**{lookup: form.value(name)})
        start, end = date_range(form)
        if start:
            audits = audits.filter(start_date__gte=start)
        if end:
            audits = audits.filter(start_date__lte=end)
        zero_tolerance = form.value("zero_tolerance")
        if zero_tolerance:
            has_it = Exists(
                Finding.objects.filter(audit=OuterRef("pk"), severity=Severity.ZERO_TOLERANCE)
            )
            audits = audits.filter(has_it if zero_tolerance == "yes" else ~has_it)
        return audits


# --- Recording an audit ----------------------------------------------------------------


def _save_report(audit: Audit, by: Membership, form: AuditForm) -> None:
    upload = form.cleaned_data.get("report_file")
    if upload:
        audit_attach_report(audit=audit, by=by, upload=upload)


class AuditCreatePage(TenantPageMixin, View):
    required_capability = Capability.RECORD_AUDIT
    template_name = "audits/audit_form.html"

    def render_form(self, form: AuditForm, status: int = 200, **extra: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **extra}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        form = AuditForm(membership=self.membership)
        wanted = request.GET.get("facility", "")
        choices = form.fields["facility"].queryset  # type: ignore[attr-defined]
        try:
            if wanted and choices.filter(pk=wanted).exists():
                form.initial["facility"] = wanted
        except ValidationError:
            pass  # not a UUID: nothing preselected
        return self.render_form(form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AuditForm(request.POST, request.FILES, membership=self.membership)
        if not form.is_valid():
            return self.render_form(form, status=400)
        try:
            # The audit and its report land together or not at all.
            with transaction.atomic():
                audit = audit_create(
                    by=self.membership,
                    facility=form.cleaned_data["facility"],
                    **form.service_values(),
                )
                _save_report(audit, self.membership, form)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.render_form(form, status=400)
        except DomainError as exc:
            return self.render_form(form, status=exc.status_code, action_errors=[exc.message])
        messages.success(
            request,
            _("The audit was recorded as a draft. Add its findings, then finalize it."),
        )
        return redirect("audit_detail", pk=audit.pk)


# --- The audit page --------------------------------------------------------------------


class AuditPageMixin(TenantPageMixin):
    """Looks the audit up inside the tenant and renders the audit page."""

    template_name = "audits/audit_detail.html"

    def get_audit(self, pk: Any) -> Audit:
        return get_object_or_404(
            self.visible(Audit).select_related(
                "facility__supplier", "brand", "created_by", "finalized_by"
            ),
            pk=pk,
        )

    def is_recorder(self, audit: Audit) -> bool:
        membership = self.membership
        return audit.brand_id == membership.organization_id and membership.can(
            Capability.RECORD_AUDIT
        )

    def guard_draft(self, audit: Audit) -> None:
        """The rules the write services apply first, checked before reading a form so a
        viewer's or a shared brand's post is a 403 whatever it contains."""
        require_recorder(audit, self.membership)
        require_draft(audit)

    # Rendering -----------------------------------------------------------------------

    def work_context(
        self,
        audit: Audit,
        *,
        finding_form: FindingForm | None = None,
        observation_form: ObservationForm | None = None,
        edit_form: FindingForm | None = None,
        editing: Any = None,
        dismiss_form: DismissForm | None = None,
        dismiss_for: Any = None,
        work_errors: list[str] | None = None,
    ) -> dict[str, Any]:
        """What ``audits/_work.html`` (findings and observations) shows. Two queries
        whatever the number of rows, plus the two pickers of the add form."""
        can_record = self.is_recorder(audit) and not audit.is_final
        findings = list(
            self.visible(Finding)
            .filter(audit=audit)
            .select_related("requirement__instrument", "code_clause", "repeat_of__audit")
            .order_by("number")
        )
        observations = []
        for observation in (
            self.visible(Observation)
            .filter(audit=audit)
            .select_related("requirement__instrument", "finding")
            .order_by("created_at", "pk")
        ):
            pending = observation.suggestion == Observation.Suggestion.PENDING
            observations.append(
                {
                    "observation": observation,
                    "label": MEASURE_LABELS.get(observation.metric, observation.metric),
                    "unit": MEASURE_UNITS.get(observation.metric, ""),
                    "dismiss_form": (
                        dismiss_form
                        if dismiss_form is not None and observation.pk == dismiss_for
                        else DismissForm(prefix=f"dismiss-{observation.metric}")
                    )
                    if pending and can_record
                    else None,
                }
            )
        context: dict[str, Any] = {
            "audit": audit,
            "findings": findings,
            "observations": observations,
            "pending_suggestions": sum(
                1
                for row in observations
                if row["observation"].suggestion == Observation.Suggestion.PENDING
            ),
            "can_record": can_record,
            "can_amend": self.is_recorder(audit) and audit.is_final,
            "editing": editing,
            "edit_form": edit_form,
            "work_errors": work_errors or [],
        }
        if can_record:
            policy = severity_policy_for(audit.brand_id)
            context["policy_rows"] = [
                (label, policy.days_for(value))
                for value, label in Severity.choices
                if policy.days_for(value) is not None
            ]
            context["finding_form"] = finding_form or FindingForm(
                audit=audit, membership=self.membership, prefix="new"
            )
            context["observation_form"] = observation_form or ObservationForm(prefix="observation")
        return context

    def context(self, audit: Audit, **extra: Any) -> dict[str, Any]:
        membership = self.membership
        own = membership.is_brand and audit.brand_id == membership.organization_id
        work_keys = (
            "finding_form",
            "observation_form",
            "edit_form",
            "editing",
            "dismiss_form",
            "dismiss_for",
        )
        context: dict[str, Any] = {
            **self.work_context(audit, **{k: extra.pop(k) for k in work_keys if k in extra}),
            "own": own,
            "shared_with_me": membership.is_brand and not own,
            "can_share": own and audit.is_final and membership.can(Capability.SHARE_AUDIT),
            "amendments": amendment_rows(
                list(
                    AuditAmendment.objects.filter(audit=audit)
                    .select_related("by", "finding")
                    .order_by("-created_at")
                )
            ),
        }
        context.update(extra)
        return context

    def page(self, audit: Audit, status: int = 200, **extra: Any) -> HttpResponse:
        return render(self.request, self.template_name, self.context(audit, **extra), status=status)

    def refused(
        self, audit: Audit, error: DomainError | ValidationError, **extra: Any
    ) -> HttpResponse:
        """The audit page (or, for htmx, its work fragment) with the service's refusal
        and its status (400/403/409)."""
        if is_htmx(self.request):
            messages_ = error.messages if isinstance(error, ValidationError) else [error.message]
            status = 400 if isinstance(error, ValidationError) else error.status_code
            return self.work(audit, status=status, work_errors=messages_, **extra)
        return domain_error_response(
            self.request, error, self.template_name, self.context(audit, **extra)
        )

    def work(self, audit: Audit, status: int = 200, **extra: Any) -> HttpResponse:
        return render(
            self.request, "audits/_work.html", self.work_context(audit, **extra), status=status
        )

    def after_work(self, audit: Audit, message: str, anchor: str = "findings") -> HttpResponse:
        """Success: the refreshed fragment for htmx, else back to the audit page."""
        if is_htmx(self.request):
            return self.work(audit)
        messages.success(self.request, message)
        return redirect(reverse("audit_detail", args=[audit.pk]) + f"#{anchor}")

    def invalid(self, audit: Audit, **forms: Any) -> HttpResponse:
        """A form's own errors: 400 with the form shown again, as typed."""
        if is_htmx(self.request):
            return self.work(audit, status=400, **forms)
        return self.page(audit, status=400, **forms)


class AuditDetailPage(AuditPageMixin, View):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self.page(self.get_audit(pk))


class AuditEditPage(AuditPageMixin, View):
    """Edit a draft audit (a final one is amended instead)."""

    form_template = "audits/audit_form.html"

    def render_form(
        self, audit: Audit, form: AuditForm, status: int = 200, **extra: Any
    ) -> HttpResponse:
        context = {"audit": audit, "form": form, **extra}
        return render(self.request, self.form_template, context, status=status)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        try:
            self.guard_draft(audit)
        except DomainError as exc:
            return self.refused(audit, exc)
        return self.render_form(audit, AuditForm.for_audit(audit, self.membership))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        try:
            self.guard_draft(audit)
        except DomainError as exc:
            return self.refused(audit, exc)
        form = AuditForm(
            request.POST, request.FILES, membership=self.membership, with_facility=False
        )
        if not form.is_valid():
            return self.render_form(audit, form, status=400)
        try:
            with transaction.atomic():
                audit = audit_update(audit=audit, by=self.membership, **form.service_values())
                _save_report(audit, self.membership, form)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.render_form(audit, form, status=400)
        except DomainError as exc:
            return self.render_form(
                audit, form, status=exc.status_code, action_errors=[exc.message]
            )
        messages.success(request, _("The audit was saved."))
        return redirect("audit_detail", pk=audit.pk)


class AuditDeleteView(AuditPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        name = str(audit)
        try:
            audit_delete(audit=audit, by=self.membership)
        except DomainError as exc:
            return self.refused(audit, exc)
        messages.success(request, _("The draft audit “%(audit)s” was deleted.") % {"audit": name})
        return redirect("audit_list")


class AuditReportDownload(AuditPageMixin, View):
    """The auditor's report, only to those who see the audit."""

    def get(self, request: HttpRequest, pk: Any) -> FileResponse:
        audit = self.get_audit(pk)
        if not audit.report_file:
            raise Http404
        try:
            handle = audit.report_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        filename = audit.report_file_name or os.path.basename(audit.report_file.name or "")
        return FileResponse(handle, as_attachment=True, filename=filename)


class AuditFinalizeView(AuditPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        try:
            audit = audit_finalize(audit=audit, by=self.membership)
        except (DomainError, ValidationError) as exc:
            return self.refused(audit, exc)
        counts = repeat_rate(Finding.objects.filter(audit=audit))
        message = ngettext(
            "The audit is final. %(count)s finding got its due date from your severity policy.",
            "The audit is final. %(count)s findings got their due dates from your severity policy.",
            counts.total,
        ) % {"count": counts.total}
        if counts.repeats:
            message += " " + ngettext(
                "%(count)s repeats a problem whose fix had been verified.",
                "%(count)s repeat problems whose fixes had been verified.",
                counts.repeats,
            ) % {"count": counts.repeats}
        messages.success(request, message)
        return redirect("audit_detail", pk=audit.pk)


class AmendmentFlow:
    """The amendment form of a final audit or one of its findings: GET shows it with
    the history, POST records the change with its reason through the service. The
    page says what it amends through the hooks below."""

    form_template = "audits/amend.html"
    request: HttpRequest
    membership: Membership

    def target(self, pk: Any) -> Any:
        raise NotImplementedError

    def guard_final(self, target: Any) -> None:
        raise NotImplementedError

    def refuse(self, target: Any, error: DomainError) -> HttpResponse:
        raise NotImplementedError

    def form(self, target: Any, data: Any = None) -> Any:
        raise NotImplementedError

    def form_context(self, target: Any) -> dict[str, Any]:
        """``audit``, ``finding`` (if any) and the ``amendments`` to list."""
        raise NotImplementedError

    def amend(self, target: Any, reason: str, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def done_url(self, target: Any) -> str:
        raise NotImplementedError

    def render_form(self, target: Any, form: Any, status: int = 200, **extra: Any) -> HttpResponse:
        context = self.form_context(target)
        amendments = context.pop("amendments").select_related("by").order_by("-created_at")
        context.update(form=form, amendments=amendment_rows(list(amendments)), **extra)
        return render(self.request, self.form_template, context, status=status)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        target = self.target(pk)
        try:
            self.guard_final(target)
        except DomainError as exc:
            return self.refuse(target, exc)
        return self.render_form(target, self.form(target))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        target = self.target(pk)
        try:
            self.guard_final(target)
        except DomainError as exc:
            return self.refuse(target, exc)
        form = self.form(target, request.POST)
        if not form.is_valid():
            return self.render_form(target, form, status=400)
        try:
            self.amend(target, form.cleaned_data["reason"], form.service_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.render_form(target, form, status=400)
        except DomainError as exc:
            return self.render_form(
                target, form, status=exc.status_code, action_errors=[exc.message]
            )
        messages.success(request, _("The amendment was recorded."))
        return redirect(self.done_url(target) + "#amendments")


class AuditAmendPage(AmendmentFlow, AuditPageMixin, View):
    """Correct a final audit with a recorded reason."""

    def target(self, pk: Any) -> Audit:
        return self.get_audit(pk)

    def guard_final(self, target: Audit) -> None:
        require_recorder(target, self.membership)
        if not target.is_final:
            raise StateConflict(
                _("A draft audit is edited directly; amendments are for final audits.")
            )

    def refuse(self, target: Audit, error: DomainError) -> HttpResponse:
        return self.refused(target, error)

    def form(self, target: Audit, data: Any = None) -> AuditAmendForm:
        return AuditAmendForm(data) if data is not None else AuditAmendForm.for_audit(target)

    def form_context(self, target: Audit) -> dict[str, Any]:
        amendments = AuditAmendment.objects.filter(audit=target, finding__isnull=True)
        return {"audit": target, "amendments": amendments}

    def amend(self, target: Audit, reason: str, values: dict[str, Any]) -> None:
        audit_amend(audit=target, by=self.membership, reason=reason, **values)

    def done_url(self, target: Audit) -> str:
        return reverse("audit_detail", args=[target.pk])


# --- The facility page's panel ---------------------------------------------------------


class FacilityAuditsPanel(TenantPageMixin, View):
    """An HTML fragment for the facility page: the facility's audits the caller sees,
    and its repeat-finding rate."""

    template_name = "audits/facility_panel.html"

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility = get_object_or_404(self.visible(Facility), pk=pk)
        audits = list(
            with_finding_counts(self.visible(Audit).filter(facility=facility))
            .select_related("brand")
            .order_by("-start_date", "-created_at", "pk")[: PANEL_LIMIT + 1]
        )
        context = {
            "facility": facility,
            "audits": audits[:PANEL_LIMIT],
            "more": len(audits) > PANEL_LIMIT,
            "rate": repeat_rate(self.visible(Finding).filter(audit__facility=facility)),
            "can_record": self.membership.can(Capability.RECORD_AUDIT),
        }
        return render(request, self.template_name, context)
