"""Pages of the law library: browse, compare, one requirement with its versions, the
law check, and a brand's code-of-conduct clauses.

The library is reference data: every signed-in member and platform staff may read
it. Code-of-conduct clauses are tenant rows and go through ``TenantPageMixin``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django_countries import countries

from csr_platform.errors import ActionForbidden, DomainError
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.roles import OrganizationKind
from csr_platform.views.mixins import TenantPageMixin, page_of
from laws.checks import MEASURES, law_check
from laws.forms import (
    CodeClauseForm,
    ComparisonForm,
    InForceOnForm,
    LawCheckForm,
    LibraryFilterForm,
)
from laws.models import CodeClause, Requirement
from laws.parameters import SCHEMAS, Topic
from laws.selectors import (
    DEFAULT_COMPARISON,
    ComparisonRow,
    comparison,
    library_countries,
    version_on,
    versions_of,
)
from laws.services import code_clause_create, code_clause_delete, code_clause_update
from laws.taxonomy import FindingCategory, Severity

# Comparisons people ask for most, as (label, topics).
QUICK_COMPARISONS = (
    (gettext_lazy("Hours and overtime"), (Topic.WORKING_HOURS, Topic.OVERTIME)),
    (gettext_lazy("Minimum age"), (Topic.MINIMUM_AGE,)),
    (gettext_lazy("Minimum wage"), (Topic.MINIMUM_WAGE,)),
    (gettext_lazy("Leave and rest"), (Topic.WEEKLY_REST, Topic.ANNUAL_LEAVE)),
    (gettext_lazy("Overtime pay"), (Topic.OVERTIME_PREMIUM,)),
)


def _oldest_review(requirements: Iterable[Requirement]) -> date | None:
    """The notice quotes the stalest review among what the page shows."""
    dates = [r.last_reviewed for r in requirements if r.last_reviewed]
    return min(dates) if dates else None


class ReferencePageMixin(LoginRequiredMixin):
    """Signed in, and either acting for an organization or platform staff.

    Staff curate the library and belong to no tenant, so they read it without a
    membership; ``membership`` is then ``None`` and tenant rows stay invisible.
    """

    request: HttpRequest

    @property
    def membership(self) -> Membership | None:
        return getattr(self.request, "membership", None)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "membership", None) is None and not request.user.is_staff:
            return render(request, "no_organization.html", status=403)
        return super().dispatch(request, *args, **kwargs)


class LibraryIndexView(ReferencePageMixin, View):
    """Browse and search the requirements in force on a date."""

    template_name = "laws/index.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = LibraryFilterForm(request.GET)
        if not form.is_valid():
            context: dict[str, Any] = {"form": form, "page": None, "on": timezone.localdate()}
            return render(request, self.template_name, context, status=400)
        on = form.on_date()
        rows = Requirement.objects.in_force(on).select_related("instrument")
        data = form.cleaned_data
        if data["country"]:
            rows = rows.filter(country=data["country"])
        if data["topic"]:
            rows = rows.filter(topic=data["topic"])
        if data["needs_review"]:
            rows = rows.filter(needs_review=True)
        query = data["q"].strip()
        # search() orders by rank on PostgreSQL; without a query keep the library order.
        rows = rows.search(query) if query else rows.order_by("country", "topic", "scope")
        page = page_of(request, rows)
        context = {
            "form": form,
            "page": page,
            "on": on,
            "q": query,
            "last_reviewed": _oldest_review(page.object_list),
        }
        return render(request, self.template_name, context)


class CompareView(ReferencePageMixin, View):
    """One or more topics across every country of the library, side by side."""

    template_name = "laws/compare.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        data = request.GET.copy()
        # Quick links and the API spell topics "working_hours,overtime"; the form's
        # checkboxes send one value each. Both mean the same.
        topics = [t for value in data.getlist("topics") for t in value.split(",") if t]
        data.setlist("topics", topics or list(DEFAULT_COMPARISON))
        form = ComparisonForm(data)
        status = 200
        if form.is_valid():
            topics_chosen, on = form.chosen_topics(), form.on_date()
        else:
            status = 400
            topics_chosen, on = DEFAULT_COMPARISON, timezone.localdate()
        table = comparison(topics=topics_chosen, on=on)
        rows = _with_every_country(table.rows)
        context = {
            "form": form,
            "table": table,
            "rows": [
                {"row": row, "cells": [(c, row.cells.get(c.key)) for c in table.columns]}
                for row in rows
            ],
            "topic_labels": [Topic(t).label for t in topics_chosen],
            "on": on,
            "quick_links": [
                {
                    "label": label,
                    "query": urlencode({"topics": ",".join(quick), "on": on.isoformat()}),
                    "current": tuple(quick) == tuple(topics_chosen),
                }
                for label, quick in QUICK_COMPARISONS
            ],
            "last_reviewed": _oldest_review(r for row in rows for r in row.requirements),
        }
        return render(request, self.template_name, context, status=status)


def _with_every_country(rows: list[ComparisonRow]) -> list[ComparisonRow]:
    """Add an empty row for each library country without a rule on these topics, so
    a missing rule reads as "nothing recorded", never as a country left out."""
    present = {row.country for row in rows}
    missing = [
        ComparisonRow(code, name, "") for code, name in library_countries() if code not in present
    ]
    return sorted([*rows, *missing], key=lambda r: (r.country_name, r.scope))


class RequirementView(ReferencePageMixin, View):
    """One requirement: what it says, where it comes from, and its versions."""

    template_name = "laws/requirement.html"

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        requirement = get_object_or_404(Requirement.objects.select_related("instrument"), pk=pk)
        form = InForceOnForm(request.GET)
        status = 200
        asked_on: date | None = None
        version_then: Requirement | None = None
        if not form.is_valid():
            status = 400
        elif form.cleaned_data.get("on"):
            asked_on = form.cleaned_data["on"]
            version_then = version_on(requirement, asked_on)
            if version_then is not None and version_then.pk != requirement.pk:
                url = reverse("laws_requirement", args=[version_then.pk])
                return redirect(f"{url}?{urlencode({'on': asked_on.isoformat()})}")
        versions = list(versions_of(requirement))
        today = timezone.localdate()
        context = {
            "requirement": requirement,
            "form": form,
            "asked_on": asked_on,
            "version_then": version_then,
            "versions": [
                {
                    "requirement": version,
                    "current": _in_force(version, today),
                    "viewing": version.pk == requirement.pk,
                }
                for version in versions
            ],
            "correction": _correction_of(requirement, versions),
            "successor": next((v for v in versions if v.pk == requirement.superseded_by_id), None),
            "in_force_today": _in_force(requirement, today),
            "last_reviewed": requirement.last_reviewed,
        }
        return render(request, self.template_name, context, status=status)


def _in_force(requirement: Requirement, on: date) -> bool:
    return (
        not requirement.retracted
        and requirement.effective_from <= on
        and (requirement.effective_to is None or requirement.effective_to >= on)
    )


def _correction_of(requirement: Requirement, versions: list[Requirement]) -> Requirement | None:
    """For a corrected (retracted) record, the live record of the same period."""
    if not requirement.retracted:
        return None
    return next(
        (v for v in versions if not v.retracted and v.effective_from == requirement.effective_from),
        None,
    )


class CheckView(ReferencePageMixin, View):
    """Type what was measured; see which limits of the law (and your code) it breaches."""

    template_name = "laws/check.html"

    def _with_code(self) -> bool:
        membership = self.membership
        return membership is not None and membership.organization.kind == OrganizationKind.BRAND

    def get(self, request: HttpRequest) -> HttpResponse:
        initial = {"on": timezone.localdate(), "country": request.GET.get("country", "")}
        form = LawCheckForm(with_code=self._with_code(), initial=initial)
        return render(request, self.template_name, {"form": form, "result": None})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LawCheckForm(request.POST, with_code=self._with_code())
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "result": None}, status=400)
        apply_code = form.cleaned_data.get("apply_code", False)
        clauses = (
            CodeClause.objects.visible_to(self.membership)
            if apply_code
            else CodeClause.objects.none()
        )
        result = law_check(
            country=form.cleaned_data["country"],
            on=form.on_date(),
            measured=form.measured(),
            clauses=clauses,
            wage_scope=form.cleaned_data["wage_scope"].strip(),
        )
        labels = {m.key: m.label for m in MEASURES}
        context = {
            "form": form,
            "result": result,
            "country_name": countries.name(result.country),
            "breaches": [
                {
                    "breach": breach,
                    "measure": labels[breach.measure],
                    "severity": Severity(breach.severity).label,
                    "category": FindingCategory(breach.category).label,
                }
                for breach in result.breaches
            ],
            "not_checked": [labels[key] for key in result.not_checked],
            "last_reviewed": _oldest_review(result.requirements),
        }
        return render(request, self.template_name, context)


# --- Brand code-of-conduct clauses --------------------------------------------------------


def _limit_rows(clause: CodeClause) -> list[tuple[str, Any, str]]:
    """(label, value, unit) of a clause's stricter limits, in the schema's order."""
    rows = []
    currency = clause.parameters.get("currency", "")
    for item in SCHEMAS.get(clause.topic, ()) if clause.topic else ():
        if item.key in clause.parameters:
            unit = currency if item.unit == "currency" else item.unit
            rows.append((item.label, clause.parameters[item.key], unit))
    return rows


class CodeClausesPage(TenantPageMixin, View):
    """The brand's clauses; administrators and CSR staff also add clauses here."""

    template_name = "laws/code.html"

    def page(self, status: int = 200, **extra: Any) -> HttpResponse:
        can_edit = self.membership.can(Capability.MANAGE_CODE_OF_CONDUCT)
        rows = self.visible(CodeClause).order_by("reference")
        page = page_of(self.request, rows)
        context = {
            "page": page,
            "clauses": [
                {
                    "clause": clause,
                    "limits": _limit_rows(clause),
                    "country_names": [str(countries.name(code)) for code in clause.countries],
                }
                for clause in page.object_list
            ],
            "can_edit": can_edit,
            "form": extra.pop("form", None) or (CodeClauseForm() if can_edit else None),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.membership.can(Capability.MANAGE_CODE_OF_CONDUCT):
            return render(request, "forbidden.html", status=403)
        form = CodeClauseForm(request.POST)
        if not form.is_valid():
            return self.page(status=400, form=form)
        try:
            clause = code_clause_create(by=self.membership, **form.service_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.page(status=400, form=form)
        except DomainError as exc:
            return self.page(status=exc.status_code, form=form, action_errors=[exc.message])
        messages.success(
            request, _("Clause %(reference)s was added.") % {"reference": clause.reference}
        )
        return redirect("laws_code")


class CodeClauseEditView(TenantPageMixin, View):
    template_name = "laws/code_edit.html"

    def _clause(self, pk: str) -> CodeClause:
        # Another brand's clause is a 404 before any role check: no existence leak.
        return get_object_or_404(self.visible(CodeClause), pk=pk)

    def _render(self, clause: CodeClause, form: CodeClauseForm, status: int = 200) -> HttpResponse:
        return render(
            self.request, self.template_name, {"clause": clause, "form": form}, status=status
        )

    def get(self, request: HttpRequest, pk: str) -> HttpResponse:
        clause = self._clause(pk)
        if not self.membership.can(Capability.MANAGE_CODE_OF_CONDUCT):
            return render(request, "forbidden.html", status=403)
        return self._render(clause, CodeClauseForm.for_clause(clause))

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        clause = self._clause(pk)
        if not self.membership.can(Capability.MANAGE_CODE_OF_CONDUCT):
            return render(request, "forbidden.html", status=403)
        form = CodeClauseForm(request.POST)
        if not form.is_valid():
            return self._render(clause, form, status=400)
        try:
            code_clause_update(clause=clause, by=self.membership, **form.service_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self._render(clause, form, status=400)
        except DomainError as exc:
            return render(
                request,
                self.template_name,
                {"clause": clause, "form": form, "action_errors": [exc.message]},
                status=exc.status_code,
            )
        messages.success(
            request, _("Clause %(reference)s was saved.") % {"reference": clause.reference}
        )
        return redirect("laws_code")


class CodeClauseDeleteView(CodeClausesPage):
    def post(self, request: HttpRequest, pk: str) -> HttpResponse:  # type: ignore[override]
        clause = get_object_or_404(self.visible(CodeClause), pk=pk)
        try:
            code_clause_delete(clause=clause, by=self.membership)
        except ActionForbidden:
            return render(request, "forbidden.html", status=403)
        except DomainError as exc:
            return self.page(status=exc.status_code, action_errors=[exc.message])
        messages.success(
            request, _("Clause %(reference)s was deleted.") % {"reference": clause.reference}
        )
        return redirect("laws_code")
