"""Vetting: the actions on a brand's relationship (each a POST to its own URL calling
one service), the pipeline board and the sourcing sign-off queue.

Who may do what, and from which state, is decided by the services
(``check_transition``); the pages only hide buttons that would be refused and show
the service's refusal (400/403/409) when a stale page posts anyway.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q
from django.db.models.expressions import Window
from django.db.models.functions import RowNumber
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from csr_platform.errors import ActionForbidden, DomainError
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, page_of
from suppliers.forms import (
    DecisionForm,
    FacilityListFilterForm,
    NoteForm,
    ServiceForm,
    SignOffForm,
    SuspendForm,
    grade_label,
    sourcing_members,
)
from suppliers.models import ExitPlan, Facility, SourcingRelationship
from suppliers.services.relationships import (
    relationship_decide,
    relationship_reinstate,
    relationship_sign_off,
    relationship_suspend,
)
from suppliers.services.risk import relationship_refresh_risk
from suppliers.services.screenings import screening_send
from suppliers.views.facility_pages import (
    STATUS_ORDER,
    FacilityDetailView,
    filter_relationships,
    forbidden,
    query_without,
)

Status = SourcingRelationship.Status
Decision = SourcingRelationship.Decision

# --- Actions on the facility page -------------------------------------------------------


class RelationshipActionView(FacilityDetailView):
    """POST one form of the facility page to one service; on refusal the facility page
    is shown again with the message, the form as typed, and the service's status."""

    http_method_names = ["post"]
    form_class: ClassVar[type[ServiceForm] | None] = None
    # The form's prefix on the facility page, and its name in the page's context.
    prefix: ClassVar[str] = ""
    form_name: ClassVar[str] = ""

    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility = self.get_facility(pk)
        if not self.membership.is_brand:
            # The supplier sees the facility but never acts on a brand's relationship.
            return forbidden(request)
        relationship = self.brand_relationship(facility)
        if relationship is None:
            raise Http404
        form = self.form_class(request.POST, prefix=self.prefix) if self.form_class else None
        forms = {self.form_name: form} if form is not None else {}
        if form is not None and not form.is_valid():
            return self.page(facility, status=400, **forms)
        try:
            message = self.act(relationship, form)
        except ValidationError as exc:
            if form is not None:
                form.add_service_errors(exc)
            return self.refused(facility, exc, **forms)
        except DomainError as exc:
            return self.refused(facility, exc, **forms)
        messages.success(request, message)
        return redirect("facility_detail", pk=facility.pk)


class SendQuestionnaireView(RelationshipActionView):
    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        screening_send(relationship=relationship, by=self.membership)
        return _("The screening questionnaire was sent to %(supplier)s.") % {
            "supplier": relationship.facility.supplier.name
        }


class DecideView(RelationshipActionView):
    form_class = DecisionForm
    prefix = "decide"
    form_name = "decide_form"

    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        assert form is not None
        data = form.cleaned_data
        relationship = relationship_decide(
            relationship=relationship,
            by=self.membership,
            decision=data["decision"],
            rationale=data["rationale"],
            conditions=data["conditions"],
        )
        if relationship.status == Status.REJECTED:
            return _("The facility was rejected.")
        return _(
            "Your decision was recorded. It takes effect when another person with "
            "sourcing sign-off confirms it."
        )


class SignOffView(RelationshipActionView):
    form_class = SignOffForm
    prefix = "signoff"
    form_name = "sign_off_form"

    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        assert form is not None
        return sign_off(self, relationship, form)


def sign_off(view: TenantPageMixin, relationship: SourcingRelationship, form: ServiceForm) -> str:
    approve: bool = form.cleaned_data["approve"]
    decision = relationship.get_pending_decision_display()
    relationship = relationship_sign_off(
        relationship=relationship,
        by=view.membership,
        approve=approve,
        note=form.cleaned_data["note"],
    )
    if not approve:
        return _("You declined to sign off “%(decision)s” for %(facility)s.") % {
            "decision": decision,
            "facility": relationship.facility.name,
        }
    return _("Signed off: %(facility)s is now %(status)s.") % {
        "facility": relationship.facility.name,
        "status": relationship.get_status_display().lower(),
    }


class SuspendView(RelationshipActionView):
    form_class = SuspendForm
    prefix = "suspend"
    form_name = "suspend_form"

    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        assert form is not None
        relationship_suspend(
            relationship=relationship, by=self.membership, reason=form.cleaned_data["reason"]
        )
        return _("The relationship was suspended.")


class ReinstateView(RelationshipActionView):
    form_class = NoteForm
    prefix = "reinstate"
    form_name = "reinstate_form"

    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        assert form is not None
        relationship_reinstate(
            relationship=relationship, by=self.membership, note=form.cleaned_data["note"]
        )
        return _("The relationship was reinstated: it is approved again.")


class RefreshRiskView(RelationshipActionView):
    def act(self, relationship: SourcingRelationship, form: ServiceForm | None) -> str:
        # The score is a computation, not a decision; those who decide refresh it.
        if not self.membership.can(Capability.DECIDE_VETTING):
            raise ActionForbidden(_("Your role does not allow this action."))
        relationship = relationship_refresh_risk(relationship=relationship)
        return _("The risk score was recomputed: %(score)s/100.") % {
            "score": relationship.risk_score
        }


# --- The pipeline -----------------------------------------------------------------------

PIPELINE_COLUMNS = STATUS_ORDER
# Cards per column; the column's count and a link to the list give the rest.
CARDS_PER_COLUMN = 50


class PipelineView(TenantPageMixin, View):
    """One column per relationship status, in a fixed number of queries: counts in
    one aggregate, the first cards of every column in one windowed query."""

    template_name = "suppliers/pipeline.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if not self.membership.is_brand:
            return forbidden(request)
        country_codes = sorted(
            {
                str(code)
                for code in self.visible(Facility).order_by().values_list("country", flat=True)
            }
        )
        form = FacilityListFilterForm(
            request.GET or None,
            country_codes=country_codes,
            owners=list(sourcing_members(self.membership)),
        )
        rows = filter_relationships(self.visible(SourcingRelationship), form)
        counts = rows.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in PIPELINE_COLUMNS}
        )
        cards = (
            rows.select_related("facility")
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("status")],
                    order_by=[F("facility__name").asc(), F("pk").asc()],
                )
            )
            .filter(position__lte=CARDS_PER_COLUMN)
            .order_by("status", "position")
        )
        by_status: dict[str, list[SourcingRelationship]] = {s: [] for s in PIPELINE_COLUMNS}
        for card in cards:
            card.risk_grade_label = grade_label(card.risk_grade)  # type: ignore[attr-defined]
            by_status[card.status].append(card)
        filters = query_without(request, "page", "status", "q", "risk")
        labels = dict(Status.choices)
        columns = [
            {
                "status": status,
                "label": labels[status],
                "count": counts[status],
                "cards": by_status[status],
                "more": counts[status] - len(by_status[status]),
                "list_query": urlencode({**filters, "status": status}),
            }
            for status in PIPELINE_COLUMNS
        ]
        context = {"form": form, "columns": columns, "total": sum(counts.values())}
        return render(request, self.template_name, context)


# --- The sign-off queue -----------------------------------------------------------------


class SignOffsView(TenantPageMixin, View):
    """Decisions waiting for a sourcing sign-off, made by someone else."""

    required_capability = Capability.SIGN_OFF_SOURCING
    template_name = "suppliers/sign_offs.html"

    def page(self, status: int = 200, **extra: Any) -> HttpResponse:
        user_id = self.request.user.pk
        waiting = self.visible(SourcingRelationship).exclude(pending_decision="")
        rows = (
            waiting.exclude(decided_by_id=user_id)
            .select_related("facility", "decided_by", "sourcing_owner__user")
            .prefetch_related(
                Prefetch(
                    "exit_plans",
                    queryset=ExitPlan.objects.filter(status=ExitPlan.Status.PROPOSED),
                    to_attr="proposed_exit_plans",
                )
            )
            .order_by("decided_at", "pk")
        )
        page = page_of(self.request, rows)
        page.object_list = list(page.object_list)
        for relationship in page.object_list:
            relationship.risk_grade_label = grade_label(relationship.risk_grade)
        context = {
            "page": page,
            "mine_waiting": waiting.filter(decided_by_id=user_id).count(),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()


class SignOffsSignOffView(SignOffsView):
    """Sign off (or decline) one decision of the queue, then back to the queue."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        relationship = get_object_or_404(
            self.visible(SourcingRelationship).select_related("facility"), pk=pk
        )
        form = SignOffForm(request.POST)
        if not form.is_valid():
            return self.page(status=400, action_errors=form.errors.get("approve", []))
        try:
            message = sign_off(self, relationship, form)
        except ValidationError as exc:
            return self.page(status=400, action_errors=exc.messages)
        except DomainError as exc:
            return self.page(status=exc.status_code, action_errors=[exc.message])
        messages.success(request, message)
        return redirect("sign_offs")
