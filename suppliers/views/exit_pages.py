"""A responsible exit, page by page: propose the plan (reason, remediation on record,
worker impact, notice, order phase-down, steps), follow its steps once a sourcing
sign-off started it, and complete the exit when every step is done.

Exit plans are brand-internal: a supplier (or another brand) gets a 404 here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from csr_platform.errors import DomainError
from csr_platform.permissions import Capability
from suppliers.forms import (
    ExitPlanForm,
    ExitStepForm,
    ExitStepFormSet,
    NoteForm,
    PhaseDownFormSet,
    phase_down_rows,
    step_rows,
)
from suppliers.models import ExitPlan, ExitStep, Facility, SourcingRelationship
from suppliers.services.exits import exit_complete, exit_plan_start, exit_step_add, exit_step_done
from suppliers.views.facility_pages import FacilityPageMixin, may

OPEN = (ExitPlan.Status.PROPOSED, ExitPlan.Status.IN_PROGRESS)


class ExitPlanView(FacilityPageMixin, View):
    template_name = "suppliers/exit_plan.html"

    def lookup(self, pk: Any) -> tuple[Facility, SourcingRelationship]:
        facility = self.get_facility(pk)
        relationship = self.brand_relationship(facility)
        if relationship is None:
            raise Http404
        return facility, relationship

    def page(
        self,
        facility: Facility,
        relationship: SourcingRelationship,
        status: int = 200,
        **extra: Any,
    ) -> HttpResponse:
        membership = self.membership
        plans = list(
            self.visible(ExitPlan)
            .filter(relationship=relationship)
            .select_related("created_by")
            .prefetch_related("steps")
            .order_by("-created_at")
        )
        plan = next((p for p in plans if p.status in OPEN), plans[0] if plans else None)
        steps = list(plan.steps.all()) if plan else []
        editable = (
            plan is not None and plan.status in OPEN and membership.can(Capability.DECIDE_VETTING)
        )
        in_progress = plan is not None and plan.status == ExitPlan.Status.IN_PROGRESS
        all_done = all(step.done_at for step in steps)
        context = {
            "facility": facility,
            "relationship": relationship,
            "plan": plan,
            "steps": steps,
            "earlier_plans": [p for p in plans if p is not plan],
            "can_start": not relationship.pending_decision
            and may(relationship, "start_exit", membership),
            "can_add_step": editable,
            "can_mark_done": editable and in_progress,
            "can_complete": in_progress and may(relationship, "complete_exit", membership),
            "all_done": all_done,
            "open_steps": sum(1 for step in steps if not step.done_at),
            "can_sign_off": membership.can(Capability.SIGN_OFF_SOURCING)
            and relationship.decided_by_id != self.request.user.pk,
            "plan_form": ExitPlanForm(),
            "phase_formset": PhaseDownFormSet(prefix="phase"),
            "steps_formset": ExitStepFormSet(prefix="steps"),
            "step_form": ExitStepForm(prefix="step"),
            "complete_form": NoteForm(prefix="complete"),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def refused(
        self,
        facility: Facility,
        relationship: SourcingRelationship,
        error: DomainError | ValidationError,
        **extra: Any,
    ) -> HttpResponse:
        if isinstance(error, ValidationError):
            return self.page(facility, relationship, 400, action_errors=error.messages, **extra)
        return self.page(
            facility, relationship, error.status_code, action_errors=[error.message], **extra
        )

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self.page(*self.lookup(pk))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        """Propose the exit: the plan waits for a sourcing sign-off by someone else."""
        facility, relationship = self.lookup(pk)
        form = ExitPlanForm(request.POST)
        phases = PhaseDownFormSet(request.POST, prefix="phase")
        steps = ExitStepFormSet(request.POST, prefix="steps")
        forms = {"plan_form": form, "phase_formset": phases, "steps_formset": steps}
        if not (form.is_valid() and phases.is_valid() and steps.is_valid()):
            return self.page(facility, relationship, 400, **forms)
        try:
            exit_plan_start(
                relationship=relationship,
                by=self.membership,
                steps=step_rows(steps),
                phase_down=phase_down_rows(phases),
                **form.plan_values(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.refused(facility, relationship, exc, **forms)
        except DomainError as exc:
            return self.refused(facility, relationship, exc, **forms)
        messages.success(
            request,
            _(
                "The exit plan was proposed. It starts when another person with sourcing "
                "sign-off confirms it."
            ),
        )
        return redirect("exit_plan", pk=facility.pk)


class ExitStepAddView(ExitPlanView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility, relationship = self.lookup(pk)
        plan = (
            self.visible(ExitPlan)
            .filter(relationship=relationship, status__in=OPEN)
            .select_related("relationship")
            .first()
        )
        form = ExitStepForm(request.POST, prefix="step")
        if not form.is_valid():
            return self.page(facility, relationship, 400, step_form=form)
        if plan is None:
            return self.page(
                facility,
                relationship,
                409,
                step_form=form,
                action_errors=[_("There is no open exit plan to add a step to.")],
            )
        try:
            exit_step_add(
                plan=plan, by=self.membership, order=plan.steps.count(), **form.step_values()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.refused(facility, relationship, exc, step_form=form)
        except DomainError as exc:
            return self.refused(facility, relationship, exc, step_form=form)
        messages.success(request, _("The step was added."))
        return redirect("exit_plan", pk=facility.pk)


class ExitStepDoneView(ExitPlanView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any, step_pk: Any) -> HttpResponse:  # type: ignore[override]
        facility, relationship = self.lookup(pk)
        step = get_object_or_404(
            ExitStep.objects.filter(
                plan__in=self.visible(ExitPlan).filter(relationship=relationship)
            ).select_related("plan__relationship"),
            pk=step_pk,
        )
        try:
            exit_step_done(step=step, by=self.membership)
        except DomainError as exc:
            return self.refused(facility, relationship, exc)
        messages.success(request, _("“%(step)s” is marked done.") % {"step": step.description})
        return redirect("exit_plan", pk=facility.pk)


class ExitCompleteView(ExitPlanView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility, relationship = self.lookup(pk)
        form = NoteForm(request.POST, prefix="complete")
        if not form.is_valid():
            return self.page(facility, relationship, 400, complete_form=form)
        try:
            exit_complete(
                relationship=relationship, by=self.membership, note=form.cleaned_data["note"]
            )
        except (DomainError, ValidationError) as exc:
            return self.refused(facility, relationship, exc, complete_form=form)
        messages.success(
            request,
            _("The exit from %(facility)s is complete.") % {"facility": facility.name},
        )
        return redirect("exit_plan", pk=facility.pk)
