"""The facility list, adding a facility, and the facility page with its profile.

Brands see the facilities they have a relationship with, each with *their*
relationship (status, risk, sourcing owner); a supplier sees its own facilities and
nothing brand-internal (risk, rationale, pending decisions, internal notes).
Every read goes through ``visible_to``: another tenant's facility is a 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from csr_platform.errors import DomainError
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, page_of
from suppliers.forms import (
    CertificationForm,
    DecisionForm,
    FacilityAddForm,
    FacilityListFilterForm,
    FacilityProfileForm,
    LifecycleForm,
    NoteForm,
    SignOffForm,
    SuspendForm,
    grade_label,
    sourcing_members,
)
from suppliers.models import (
    Certification,
    ExitPlan,
    Facility,
    FacilityEvent,
    Question,
    Screening,
    ScreeningEvidence,
    SourcingRelationship,
)
from suppliers.services.facilities import (
    certification_add,
    certification_remove,
    facility_add,
    facility_set_lifecycle,
    facility_update,
)
from suppliers.services.relationships import check_transition
from suppliers.services.risk import falls_short, is_red_flag

TIMELINE_LIMIT = 100

Status = SourcingRelationship.Status

# Timeline actions (``FacilityEvent.action``) as people read them.
EVENT_LABELS: dict[str, Any] = {
    "facility_added": gettext_lazy("Facility added"),
    "relationship_added": gettext_lazy("Added to the brand's list"),
    "questionnaire_sent": gettext_lazy("Questionnaire sent"),
    "screening_submitted": gettext_lazy("Questionnaire answered and submitted"),
    "decided_approve": gettext_lazy("Approval proposed, awaiting sign-off"),
    "decided_conditional": gettext_lazy("Approval with conditions proposed, awaiting sign-off"),
    "decided_exit": gettext_lazy("Exit proposed, awaiting sign-off"),
    "approve_signed_off": gettext_lazy("Approval signed off"),
    "conditional_signed_off": gettext_lazy("Approval with conditions signed off"),
    "exit_signed_off": gettext_lazy("Exit signed off: the exit has started"),
    "sign_off_declined_approve": gettext_lazy("Sign-off of the approval declined"),
    "sign_off_declined_conditional": gettext_lazy("Sign-off of the approval declined"),
    "sign_off_declined_exit": gettext_lazy("Sign-off of the exit declined"),
    "rejected": gettext_lazy("Rejected"),
    "suspended": gettext_lazy("Suspended"),
    "reinstated": gettext_lazy("Reinstated"),
    "exited": gettext_lazy("Exit completed"),
    "profile_updated": gettext_lazy("Profile edited"),
    "lifecycle_changed": gettext_lazy("Facility status changed"),
    "duplicate_merged": gettext_lazy("Duplicate record merged in"),
}
# A brand's deliberation (who proposed what, declined sign-offs) is its own business.
BRAND_INTERNAL_ACTIONS = ("decided_", "sign_off_declined_")

RISK_LABELS: dict[str, Any] = {
    "country": gettext_lazy("Country baseline"),
    "answers": gettext_lazy("Screening answers"),
    "red_flags": gettext_lazy("Red flags"),
    "certifications": gettext_lazy("Valid certifications"),
}

# The order a relationship moves through, used by the list's counts and the pipeline.
STATUS_ORDER = (
    Status.PROSPECTIVE,
    Status.SCREENING,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.CONDITIONAL,
    Status.SUSPENDED,
    Status.EXITING,
    Status.EXITED,
    Status.REJECTED,
)

STATUS_LABELS = {
    **dict(Status.choices),
    **dict(Facility.Lifecycle.choices),
}


def may(relationship: SourcingRelationship, action: str, membership: Membership) -> bool:
    """Whether ``check_transition`` lets ``membership`` take ``action`` now."""
    try:
        check_transition(relationship, action, membership)
    except DomainError:
        return False
    return True


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "forbidden.html", status=403)


# --- The list ---------------------------------------------------------------------------


class FacilityListView(TenantPageMixin, View):
    """Brands: their facilities with status, risk and owner, counts per status.
    Suppliers: their own facilities. A fixed number of queries whatever the page size."""

    template_name = "suppliers/facility_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if self.membership.is_brand:
            return render(request, self.template_name, self.brand_context())
        if self.membership.is_supplier:
            return render(request, self.template_name, self.supplier_context())
        return forbidden(request)

    def _countries(self) -> list[str]:
        return sorted(
            {
                str(code)
                for code in self.visible(Facility).order_by().values_list("country", flat=True)
            }
        )

    def brand_context(self) -> dict[str, Any]:
        request = self.request
        owners = list(sourcing_members(self.membership))
        form = FacilityListFilterForm(
            request.GET or None, country_codes=self._countries(), owners=owners
        )
        rows = filter_relationships(self.visible(SourcingRelationship), form)
        query = form.value("q")
        if query:
            rows = rows.filter(
                Q(facility__name__icontains=query)
                | Q(facility__address__icontains=query)
                | Q(facility__os_id__icontains=query)
            )
        grade = form.value("risk")
        if grade == FacilityListFilterForm.NOT_RATED:
            rows = rows.filter(risk_grade="")
        elif grade:
            rows = rows.filter(risk_grade=grade)
        # The counts ignore the status filter so each one says what clicking it shows.
        counts = rows.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in Status.values}
        )
        status = form.value("status")
        if status:
            rows = rows.filter(status=status)
        rows = rows.select_related("facility", "sourcing_owner__user").order_by(
            "facility__name", "facility_id"
        )
        page = page_of(request, rows)
        page.object_list = list(page.object_list)
        for relationship in page.object_list:
            relationship.risk_grade_label = grade_label(relationship.risk_grade)
        others = query_without(request, "status", "page")
        return {
            "form": form,
            "page": page,
            "filtered": any(form.value(name) for name in form.fields),
            "status_counts": [
                {
                    "value": value,
                    "label": label,
                    "count": counts[value],
                    "query": urlencode({**others, "status": value}),
                    "current": value == status,
                }
                for value, label in ((s, Status(s).label) for s in STATUS_ORDER)
            ],
            "all_query": urlencode(others),
            "total": sum(counts.values()),
            "can_add": self.membership.can(Capability.ADD_FACILITY),
        }

    def supplier_context(self) -> dict[str, Any]:
        request = self.request
        form = FacilityListFilterForm(request.GET or None, country_codes=self._countries())
        rows = self.visible(Facility)
        query = form.value("q")
        if query:
            rows = rows.filter(
                Q(name__icontains=query) | Q(address__icontains=query) | Q(os_id__icontains=query)
            )
        if form.value("country"):
            rows = rows.filter(country=form.value("country"))
        rows = rows.annotate(brand_count=Count("relationships")).order_by("name", "pk")
        return {
            "form": form,
            "page": page_of(request, rows),
            "filtered": bool(query or form.value("country")),
            "can_add": False,
        }


def query_without(request: HttpRequest, *names: str) -> dict[str, str]:
    """The page's filters as typed, minus ``names``, to build links that keep them."""
    return {
        key: value
        for key in request.GET
        if key not in names and (value := request.GET.get(key, ""))
    }


def filter_relationships(
    rows: QuerySet[SourcingRelationship], form: FacilityListFilterForm
) -> QuerySet[SourcingRelationship]:
    """The country and sourcing-owner filters the list and the pipeline share."""
    if form.value("country"):
        rows = rows.filter(facility__country=form.value("country"))
    owner = form.value("owner")
    if owner == FacilityListFilterForm.NO_OWNER:
        rows = rows.filter(sourcing_owner__isnull=True)
    elif owner:
        rows = rows.filter(sourcing_owner_id=uuid.UUID(owner))
    return rows


# --- Adding a facility ------------------------------------------------------------------


class FacilityAddView(TenantPageMixin, View):
    required_capability = Capability.ADD_FACILITY
    template_name = "suppliers/facility_add.html"

    def render_form(self, form: FacilityAddForm, status: int = 200, **extra: Any) -> HttpResponse:
        return render(self.request, self.template_name, {"form": form, **extra}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(FacilityAddForm(membership=self.membership))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = FacilityAddForm(request.POST, membership=self.membership)
        if not form.is_valid():
            return self.render_form(form, status=400)
        values = form.service_values()
        os_id = values["os_id"].upper()
        # Only to word the message: a facility matched by its id invites nobody.
        already_listed = bool(os_id) and Facility.objects.filter(os_id=os_id).exists()
        try:
            relationship = facility_add(by=self.membership, **values)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.render_form(form, status=400)
        except DomainError as exc:
            return self.render_form(form, status=exc.status_code, action_errors=[exc.message])
        facility = relationship.facility
        if already_listed:
            message = _(
                "%(name)s was already on the platform (same Open Supply Hub id) and is "
                "now in your list."
            ) % {"name": facility.name}
        elif values["supplier_admin_email"]:
            message = _(
                "%(name)s was added. An invitation was sent to %(email)s to sign in for "
                "the supplier."
            ) % {"name": facility.name, "email": values["supplier_admin_email"]}
        else:
            message = _(
                "%(name)s was added. No invitation was sent: nobody at the supplier can "
                "sign in yet."
            ) % {"name": facility.name}
        messages.success(request, message)
        return redirect("facility_detail", pk=facility.pk)


# --- The facility page ------------------------------------------------------------------


class FacilityPageMixin(TenantPageMixin):
    """Looks the facility (and the brand's relationship) up inside the tenant."""

    def get_facility(self, pk: Any) -> Facility:
        return get_object_or_404(self.visible(Facility).select_related("supplier"), pk=pk)

    def brand_relationship(self, facility: Facility) -> SourcingRelationship | None:
        """The caller brand's relationship with the facility; None for suppliers."""
        if not self.membership.is_brand:
            return None
        return (
            self.visible(SourcingRelationship)
            .filter(facility=facility)
            .select_related("facility", "sourcing_owner__user", "decided_by", "signed_off_by")
            .first()
        )

    def get_relationship(self, pk: Any) -> SourcingRelationship:
        """For brand actions: the brand's relationship with a visible facility, or 404."""
        relationship = self.brand_relationship(self.get_facility(pk))
        if relationship is None:
            raise Http404
        return relationship


class FacilityDetailView(FacilityPageMixin, View):
    template_name = "suppliers/facility_detail.html"

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self.page(self.get_facility(pk))

    def page(self, facility: Facility, status: int = 200, **extra: Any) -> HttpResponse:
        return render(
            self.request, self.template_name, self.context(facility, **extra), status=status
        )

    def refused(
        self, facility: Facility, error: DomainError | ValidationError, **extra: Any
    ) -> HttpResponse:
        """Re-render with the service's refusal and its status (400/403/409)."""
        if isinstance(error, ValidationError):
            return self.page(facility, status=400, action_errors=error.messages, **extra)
        return self.page(facility, status=error.status_code, action_errors=[error.message], **extra)

    def context(self, facility: Facility, **extra: Any) -> dict[str, Any]:
        membership = self.membership
        relationship = self.brand_relationship(facility)
        context: dict[str, Any] = {
            "facility": facility,
            "is_brand": membership.is_brand,
            "certifications": list(Certification.objects.filter(facility=facility)),
            "can_edit": membership.can(Capability.EDIT_FACILITY)
            and facility.lifecycle != Facility.Lifecycle.MERGED,
            "timeline": self.timeline(facility),
            "certification_form": CertificationForm(prefix="certification"),
            "lifecycle_form": LifecycleForm(
                prefix="lifecycle",
                initial={"lifecycle": facility.lifecycle, "moved_to": facility.moved_to},
            ),
        }
        if relationship is not None:
            context.update(self.relationship_context(relationship))
        elif membership.is_supplier:
            context["brand_relationships"] = list(
                self.visible(SourcingRelationship)
                .filter(facility=facility)
                .select_related("brand")
                .order_by("brand__name")
            )
        context.update(extra)
        return context

    def relationship_context(self, relationship: SourcingRelationship) -> dict[str, Any]:
        membership = self.membership
        user_id = self.request.user.pk
        screenings = list(
            self.visible(Screening)
            .filter(relationship=relationship)
            .select_related("questionnaire", "sent_by", "submitted_by")
            .order_by("-sent_at")[:10]
        )
        latest = screenings[0] if screenings else None
        submitted = next((s for s in screenings if s.status == Screening.Status.SUBMITTED), None)
        open_draft = next((s for s in screenings if s.status == Screening.Status.DRAFT), None)
        pending = relationship.pending_decision
        decided_by_me = bool(pending) and relationship.decided_by_id == user_id
        exit_plan = (
            self.visible(ExitPlan).filter(relationship=relationship).order_by("-created_at").first()
        )
        return {
            "relationship": relationship,
            "latest_screening": latest,
            "open_screening": open_draft,
            "open_screening_progress": self.progress(open_draft) if open_draft else None,
            "submitted_screening": submitted,
            "answers": self.answer_rows(submitted) if submitted else [],
            "risk_rows": [
                {**row, "label": RISK_LABELS.get(row.get("key", ""), row.get("label", ""))}
                for row in relationship.risk_breakdown or []
            ],
            "risk_grade_label": grade_label(relationship.risk_grade),
            "exit_plan": exit_plan,
            "can": {
                "send_questionnaire": open_draft is None
                and may(relationship, "send_questionnaire", membership),
                "decide": not pending and may(relationship, "decide", membership),
                "sign_off": bool(pending)
                and not decided_by_me
                and may(relationship, "sign_off", membership),
                "suspend": may(relationship, "suspend", membership),
                "reinstate": may(relationship, "reinstate", membership),
                "start_exit": not pending and may(relationship, "start_exit", membership),
                "complete_exit": may(relationship, "complete_exit", membership),
                "refresh_risk": membership.can(Capability.DECIDE_VETTING),
            },
            "decided_by_me": decided_by_me,
            "decide_form": DecisionForm(prefix="decide"),
            "sign_off_form": SignOffForm(prefix="signoff"),
            "suspend_form": SuspendForm(prefix="suspend"),
            "reinstate_form": NoteForm(prefix="reinstate"),
        }

    def progress(self, screening: Screening) -> dict[str, int]:
        total = Question.objects.filter(section__questionnaire_id=screening.questionnaire_id)
        answered = sum(1 for value in screening.answers.values() if value not in (None, ""))
        return {"answered": answered, "total": total.count()}

    def answer_rows(self, screening: Screening) -> list[dict[str, Any]]:
        questions = (
            Question.objects.filter(section__questionnaire_id=screening.questionnaire_id)
            .select_related("section")
            .order_by("section__order", "section__id", "order", "id")
        )
        evidence: dict[str, list[ScreeningEvidence]] = {}
        for item in ScreeningEvidence.objects.filter(screening=screening):
            evidence.setdefault(str(item.question_id), []).append(item)
        rows = []
        for question in questions:
            answer = screening.answers.get(str(question.pk))
            rows.append(
                {
                    "section": question.section.title,
                    "question": question,
                    "answer": display_answer(answer),
                    "red_flag": is_red_flag(question, answer),
                    "short": falls_short(question, answer),
                    "evidence": evidence.get(str(question.pk), []),
                }
            )
        return rows

    def timeline(self, facility: Facility) -> list[dict[str, Any]]:
        membership = self.membership
        events = (
            FacilityEvent.objects.visible_to(membership)
            .filter(facility=facility)
            .select_related("actor", "relationship__brand")
            .order_by("-created_at")
        )
        if not membership.is_brand:
            for prefix in BRAND_INTERNAL_ACTIONS:
                events = events.exclude(action__startswith=prefix)
        rows = []
        for event in events[:TIMELINE_LIMIT]:
            # A relationship event's note is a rationale or reason: brand-internal.
            show_note = membership.is_brand or event.relationship_id is None
            rows.append(
                {
                    "event": event,
                    "label": EVENT_LABELS.get(event.action, event.action.replace("_", " ")),
                    "from": STATUS_LABELS.get(event.from_status, event.from_status),
                    "to": STATUS_LABELS.get(event.to_status, event.to_status),
                    "changed": event.from_status != event.to_status,
                    "brand": event.relationship.brand.name
                    if event.relationship is not None and not membership.is_brand
                    else "",
                    "note": event.note if show_note else "",
                }
            )
        return rows


def display_answer(answer: Any) -> Any:
    if answer in (None, ""):
        return "—"
    if answer == "yes":
        return _("Yes")
    if answer == "no":
        return _("No")
    return answer


class FacilityEditView(FacilityPageMixin, View):
    """The profile form; brands (admin, CSR) and the supplier's own members."""

    template_name = "suppliers/facility_edit.html"

    def render_form(
        self, facility: Facility, form: FacilityProfileForm, status: int = 200, **extra: Any
    ) -> HttpResponse:
        context = {"facility": facility, "form": form, **extra}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility = self.get_facility(pk)
        if not self.membership.can(Capability.EDIT_FACILITY):
            return forbidden(request)
        return self.render_form(facility, FacilityProfileForm.for_facility(facility))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility = self.get_facility(pk)
        if not self.membership.can(Capability.EDIT_FACILITY):
            return forbidden(request)
        form = FacilityProfileForm(request.POST)
        if not form.is_valid():
            return self.render_form(facility, form, status=400)
        try:
            facility_update(facility=facility, by=self.membership, **form.profile_values())
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.render_form(facility, form, status=400)
        except DomainError as exc:
            return self.render_form(
                facility, form, status=exc.status_code, action_errors=[exc.message]
            )
        messages.success(request, _("The profile of %(name)s was saved.") % {"name": facility})
        return redirect("facility_detail", pk=facility.pk)


class FacilityLifecycleView(FacilityDetailView):
    """Mark the facility closed, moved or active again."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility = self.get_facility(pk)
        form = LifecycleForm(request.POST, prefix="lifecycle")
        if not form.is_valid():
            return self.page(facility, status=400, lifecycle_form=form)
        try:
            facility_set_lifecycle(
                facility=facility,
                by=self.membership,
                lifecycle=form.cleaned_data["lifecycle"],
                moved_to=form.cleaned_data["moved_to"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.page(facility, status=400, lifecycle_form=form)
        except DomainError as exc:
            return self.refused(facility, exc, lifecycle_form=form)
        messages.success(
            request,
            _("%(name)s is now marked “%(status)s”.")
            % {"name": facility.name, "status": facility.get_lifecycle_display()},
        )
        return redirect("facility_detail", pk=facility.pk)


class CertificationAddView(FacilityDetailView):
    """Record a certificate of the facility."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        facility = self.get_facility(pk)
        form = CertificationForm(request.POST, prefix="certification")
        if not form.is_valid():
            return self.page(facility, status=400, certification_form=form)
        try:
            certification_add(facility=facility, by=self.membership, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.page(facility, status=400, certification_form=form)
        except DomainError as exc:
            return self.refused(facility, exc, certification_form=form)
        messages.success(request, _("Certificate recorded."))
        return redirect("facility_detail", pk=facility.pk)


class CertificationRemoveView(FacilityDetailView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any, certification_id: Any) -> HttpResponse:
        facility = self.get_facility(pk)
        certification = get_object_or_404(
            Certification.objects.filter(facility=facility), pk=certification_id
        )
        try:
            certification_remove(certification=certification, by=self.membership)
        except DomainError as exc:
            return self.refused(facility, exc)
        messages.success(request, _("Certificate removed."))
        return redirect("facility_detail", pk=facility.pk)
