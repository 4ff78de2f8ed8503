"""The brand's severity policy: how many days each severity gets to be fixed, counted
from the audit's last day on site when the audit is finalized.

Every brand member reads it (the deadlines explain the due dates they see); only an
administrator changes it, through ``severity_policy_update``, which holds the rules
(whole days in range, a ladder that never shrinks as severity falls). Suppliers and
partners get a 404: the policy is a brand's internal setting, as invisible to them as
any other brand row (``SeverityPolicy.objects.visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from audits.models import SeverityPolicy
from audits.services.policy import (
    MAX_DAYS,
    POLICY_FIELDS,
    severity_policy_for,
    severity_policy_update,
)
from csr_platform.errors import DomainError
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response
from laws.taxonomy import Severity
from suppliers.forms import ServiceForm

# Where each default comes from (domain notes §2). Only the zero-tolerance deadline is
# set by a scheme; the others are what brands commonly use, and the page says so.
RBA_SOURCE = gettext_lazy(
    "RBA requires a corrective action plan within 7 calendar days for Priority findings."
)
CONVENTION = gettext_lazy("Industry convention; no audit scheme sets this deadline.")
ESCALATION_SOURCE = gettext_lazy(
    "Platform convention: long enough for a late plan to catch up, short enough that "
    "nothing is forgotten."
)


class SeverityPolicyForm(ServiceForm):
    # Whole numbers only; the range and the ladder are the service's rules, so its
    # refusal is the one the page shows (the inputs carry min/max as a browser hint).
    zero_tolerance_days = forms.IntegerField(label=gettext_lazy("Zero tolerance"))
    critical_days = forms.IntegerField(label=gettext_lazy("Critical"))
    major_days = forms.IntegerField(label=gettext_lazy("Major"))
    minor_days = forms.IntegerField(label=gettext_lazy("Minor"))
    escalation_grace_days = forms.IntegerField(label=gettext_lazy("Escalate overdue plans after"))


@dataclass(frozen=True)
class PolicyRow:
    """One line of the policy table: a severity, its deadline, default and source."""

    severity: str
    label: str
    field: forms.BoundField | None
    days: int | None
    default: int | None
    source: str


def _rows(policy: SeverityPolicy, form: SeverityPolicyForm) -> list[PolicyRow]:
    ladder = [
        (Severity.ZERO_TOLERANCE, "zero_tolerance_days", RBA_SOURCE),
        (Severity.CRITICAL, "critical_days", CONVENTION),
        (Severity.MAJOR, "major_days", CONVENTION),
        (Severity.MINOR, "minor_days", CONVENTION),
    ]
    rows = [
        PolicyRow(
            severity=severity.value,
            label=str(severity.label),
            field=form[name],
            days=getattr(policy, name),
            default=SeverityPolicy.DEFAULT_DAYS[severity],
            source=str(source),
        )
        for severity, name, source in ladder
    ]
    rows.append(
        PolicyRow(
            severity=Severity.OBSERVATION.value,
            label=str(Severity.OBSERVATION.label),
            field=None,
            days=None,
            default=None,
            source=_("Observations get no deadline: they are checked again at the next audit."),
        )
    )
    return rows


class SeverityPolicyPage(TenantPageMixin, View):
    template_name = "audits/policy.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = getattr(request, "membership", None)
        if membership is not None and not membership.is_brand:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def context(self, form: SeverityPolicyForm | None = None) -> dict[str, Any]:
        policy = severity_policy_for(self.membership.organization_id)
        if form is None:
            form = SeverityPolicyForm(
                initial={name: getattr(policy, name) for name in POLICY_FIELDS}
            )
        return {
            "policy": policy,
            "form": form,
            "rows": _rows(policy, form),
            "escalation": form["escalation_grace_days"],
            "escalation_default": SeverityPolicy.DEFAULT_ESCALATION_GRACE_DAYS,
            "escalation_source": ESCALATION_SOURCE,
            "can_edit": self.membership.can(Capability.MANAGE_SEVERITY_POLICY),
            "max_days": MAX_DAYS,
        }

    def page(self, form: SeverityPolicyForm | None = None, *, status: int = 200) -> HttpResponse:
        return render(self.request, self.template_name, self.context(form), status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest) -> HttpResponse:
        if not self.membership.can(Capability.MANAGE_SEVERITY_POLICY):
            return render(request, "forbidden.html", status=403)
        form = SeverityPolicyForm(request.POST)
        if not form.is_valid():
            return self.page(form, status=400)
        try:
            severity_policy_update(by=self.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.page(form, status=400)
        except DomainError as exc:
            return domain_error_response(request, exc, self.template_name, self.context(form))
        messages.success(
            request, _("The severity policy was saved. It applies to audits finalized from now on.")
        )
        return redirect("severity_policy")
