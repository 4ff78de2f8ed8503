"""The CAP pages: the list (brands, suppliers and partners), the CAP page with every
section of the work on it, the brand's verification queue, and the transitions and
due-date changes posted from the CAP page.

Every read goes through ``visible_to``: a CAP outside the caller's visibility (another
brand's, or one a partner is not on) is a 404. Every write is a service call whose
refusal is shown with its status (400 bad input, 403 role, 409 state). The sections of
the CAP page answer htmx posts with the section fragment (plus the header and the
timeline, swapped out of band, since every piece of work changes them) and plain
form posts with a redirect, so the page works without JavaScript.

The section partials (``templates/remediation/_cap_*.html``) read only what
:meth:`CapPageMixin.cap_context` provides, so other pages (the supplier portal) can
include them with that context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, ClassVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from audits.forms import YES
from audits.models import Audit, Finding
from audits.views.audit_pages import forbidden, is_htmx
from audits.views.finding_pages import SCHEME_NAMES
from csr_platform.errors import DomainError
from csr_platform.models import Organization
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response, page_of
from laws.taxonomy import SCHEME_REFERENCES
from remediation.forms import (
    ActionForm,
    CancelForm,
    CapListFilterForm,
    CommentForm,
    DueDateForm,
    EvidenceUploadForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ParticipantForm,
    ReturnForm,
    RootCauseForm,
    VerifyForm,
)
from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.services.access import is_manager, is_worker, require_manager
from remediation.services.transitions import (
    TRANSITIONS,
    cap_cancel,
    cap_return,
    cap_start,
    cap_submit,
    cap_verify,
    submit_blockers,
)
from remediation.services.work import EDITABLE, cap_set_due_date
from suppliers.models import Facility

Status = CorrectiveActionPlan.Status

# What a CAP page reads with the plan itself (one query).
CAP_RELATED = (
    "finding__audit",
    "finding__requirement__instrument",
    "facility__supplier",
    "brand",
    "follow_up_audit",
    "verified_by",
)

# The sections of the CAP page that htmx re-renders: template and element id.
SECTIONS: dict[str, tuple[str, str]] = {
    "root_causes": ("remediation/_cap_root_causes.html", "cap-root-causes"),
    "actions": ("remediation/_cap_actions.html", "cap-actions"),
    "evidence": ("remediation/_cap_evidence.html", "cap-evidence"),
    "comments": ("remediation/_cap_comments.html", "cap-comments"),
    "extensions": ("remediation/_cap_extensions.html", "cap-extensions"),
    "participants": ("remediation/_cap_participants.html", "cap-participants"),
}
# Sections that also show what another section changed (the evidence form lists the
# actions), swapped out of band with it.
ALSO_CHANGES: dict[str, tuple[str, ...]] = {"actions": ("evidence",)}


# --- Timeline --------------------------------------------------------------------------

EVENT_LABELS: dict[str, Any] = {
    "opened": gettext_lazy("CAP opened"),
    "start": gettext_lazy("Work started"),
    "submit": gettext_lazy("Submitted for verification"),
    "verify": gettext_lazy("Verified"),
    "return": gettext_lazy("Returned"),
    "cancel": gettext_lazy("Cancelled"),
    "not_sustained": gettext_lazy("Fix not sustained"),
    "root_cause_added": gettext_lazy("Root cause recorded"),
    "root_cause_removed": gettext_lazy("Root cause removed"),
    "action_added": gettext_lazy("Action planned"),
    "action_status": gettext_lazy("Action status changed"),
    "action_removed": gettext_lazy("Action removed"),
    "evidence_added": gettext_lazy("Evidence uploaded"),
    "evidence_removed": gettext_lazy("Evidence removed"),
    "comment": gettext_lazy("Comment"),
    "internal_comment": gettext_lazy("Internal comment"),
    "due_date": gettext_lazy("Due date changed"),
    "extension_requested": gettext_lazy("More time asked for"),
    "extension_approved": gettext_lazy("More time given"),
    "extension_declined": gettext_lazy("More time declined"),
    "participant_added": gettext_lazy("Participant added"),
    "participant_removed": gettext_lazy("Participant removed"),
}
# Events whose from → to are dates, and those whose are an action's status.
DATE_EVENTS = frozenset(
    {"due_date", "extension_requested", "extension_approved", "extension_declined"}
)
CAP_STATUS_LABELS: dict[str, Any] = dict(Status.choices)
ACTION_STATUS_LABELS: dict[str, Any] = dict(CapAction.Status.choices)


def _state_label(action: str, value: str) -> Any:
    if not value or action in DATE_EVENTS:
        return value
    labels = ACTION_STATUS_LABELS if action == "action_status" else CAP_STATUS_LABELS
    return labels.get(value, value)


def timeline_rows(events: Iterable[CapEvent]) -> list[dict[str, Any]]:
    """Each event as people read it: what happened, who, when, from → to, the note.
    ``events`` must come from ``CapEvent.objects.visible_to`` with ``actor`` and
    ``actor_organization`` selected."""
    return [
        {
            "event": event,
            "label": EVENT_LABELS.get(event.action, event.action),
            "from": _state_label(event.action, event.from_status),
            "to": _state_label(event.action, event.to_status),
            "who": event.actor.display_name if event.actor else "",
            "organization": event.actor_organization.name if event.actor_organization else "",
            "internal": event.only_for_id is not None,
        }
        for event in events
    ]


def with_overdue_days(caps: Iterable[CorrectiveActionPlan], today: date) -> None:
    """Set ``overdue_days`` (0 when not overdue) on each CAP, for the due-date partial."""
    for cap in caps:
        cap.overdue_days = (  # type: ignore[attr-defined]
            (today - cap.due_date).days if cap.due_date and cap.is_overdue(today) else 0
        )


# --- The CAP page ----------------------------------------------------------------------


class CapPageMixin(TenantPageMixin):
    """Looks the CAP (or one of its parts) up inside the tenant and renders the CAP
    page, or one of its sections for htmx."""

    template_name = "remediation/cap_detail.html"
    # The section a work view changes (a key of SECTIONS).
    section: ClassVar[str] = ""

    def get_cap(self, pk: Any) -> CorrectiveActionPlan:
        return get_object_or_404(
            self.visible(CorrectiveActionPlan).select_related(*CAP_RELATED), pk=pk
        )

    def get_part(self, model: type[Any], pk: Any) -> Any:
        """A root cause, action, evidence, extension or participant the caller sees,
        with its CAP as :meth:`get_cap` reads it."""
        return get_object_or_404(
            self.visible(model).select_related(*(f"cap__{name}" for name in CAP_RELATED)),
            pk=pk,
        )

    # Reading ----------------------------------------------------------------------

    def cap_context(self, cap: CorrectiveActionPlan, **forms: Any) -> dict[str, Any]:
        """Everything the page and its partials show. A fixed number of queries
        whatever the number of root causes, actions, evidence, comments and events.
        Bound forms passed in replace the blank ones."""
        membership = self.membership
        today = timezone.localdate()
        with_overdue_days([cap], today)
        can_manage = is_manager(cap, membership)
        can_work = is_worker(cap, membership)
        can_comment = membership.can(Capability.COMMENT_ON_CAP)
        work = can_work and cap.status in EDITABLE

        root_causes = list(self.visible(RootCause).filter(cap=cap).select_related("created_by"))
        actions = list(self.visible(CapAction).filter(cap=cap).select_related("created_by"))
        evidence = list(
            self.visible(Evidence).filter(cap=cap).select_related("action", "uploaded_by")
        )
        comments = list(
            self.visible(Comment)
            .filter(cap=cap)
            .select_related("author", "organization")
            .order_by("created_at", "pk")
        )
        extensions = list(
            self.visible(ExtensionRequest)
            .filter(cap=cap)
            .select_related("requested_by", "decided_by")
        )
        participants = list(
            self.visible(CapParticipant)
            .filter(cap=cap, removed_at__isnull=True)
            .select_related("organization", "added_by")
        )
        events = (
            self.visible(CapEvent)
            .filter(cap=cap)
            .select_related("actor", "actor_organization")
            .order_by("created_at")
        )
        pending = next((e for e in extensions if e.status == ExtensionRequest.Status.PENDING), None)

        transitions = {
            name: (can_work if transition.may is is_worker else can_manage)
            and cap.status in transition.sources
            for name, transition in TRANSITIONS.items()
        }
        finding = cap.finding
        references = SCHEME_REFERENCES.get(finding.category, {})
        context: dict[str, Any] = {
            "cap": cap,
            "finding": finding,
            "today": today,
            "can_manage": can_manage,
            "can_work": can_work,
            "can_comment": can_comment,
            "work": work,
            "root_causes": root_causes,
            "actions": actions,
            "action_statuses": CapAction.Status.choices,
            "evidence": evidence,
            "comments": comments,
            "extensions": extensions,
            "pending_extension": pending,
            "participants": participants,
            "timeline": timeline_rows(events),
            "transitions": transitions,
            "submit_blockers": submit_blockers(cap) if transitions["submit"] else [],
            # Partners see the finding's basics here, never the audit.
            "finding_visible": not membership.is_partner
            and Finding.objects.visible_to(membership).filter(pk=finding.pk).exists(),
            "owner": membership.is_brand and cap.brand_id == membership.organization_id,
            "scheme_references": [
                (label, references[key]) for key, label in SCHEME_NAMES if references.get(key)
            ],
            "next_url": self.next_url(),
        }
        blank: dict[str, Callable[[], Any]] = {}
        if work:
            blank["root_cause_form"] = lambda: RootCauseForm(prefix="root-cause")
            blank["action_form"] = lambda: ActionForm(prefix="action")
            blank["evidence_form"] = lambda: EvidenceUploadForm(prefix="evidence", actions=actions)
        if can_comment:
            blank["comment_form"] = lambda: CommentForm(prefix="comment", brand=membership.is_brand)
        if work and pending is None:
            blank["extension_form"] = lambda: ExtensionRequestForm(prefix="extension")
        if can_manage and pending is not None:
            blank["decision_form"] = lambda: ExtensionDecisionForm(prefix="decision")
        if can_manage and cap.is_open:
            blank["participant_form"] = lambda: ParticipantForm(prefix="participant")
            blank["due_date_form"] = lambda: DueDateForm(prefix="due")
        if transitions["verify"]:
            choices = self.follow_up_choices(cap)
            blank["verify_form"] = lambda: VerifyForm(prefix="verify", follow_up_audits=choices)
        if transitions["return"]:
            blank["return_form"] = lambda: ReturnForm(prefix="return")
        if transitions["cancel"]:
            blank["cancel_form"] = lambda: CancelForm(prefix="cancel")
        for key, make in blank.items():
            bound = forms.get(key)
            context[key] = bound if bound is not None else make()
        return context

    def follow_up_choices(self, cap: CorrectiveActionPlan) -> list[tuple[str, str]] | None:
        """For a follow-up-audit verification, the facility's final audits after the
        original one that the brand sees; None for a desk review."""
        if cap.verification_method != CorrectiveActionPlan.Verification.FOLLOW_UP_AUDIT:
            return None
        original = cap.finding.audit
        audits = (
            self.visible(Audit)
            .filter(
                facility_id=cap.facility_id,
                status=Audit.Status.FINAL,
                start_date__gt=original.start_date,
            )
            .exclude(pk=original.pk)
            .order_by("-start_date", "pk")
        )
        return [
            (
                str(audit.pk),
                f"{audit.start_date:%Y-%m-%d} · {audit.get_scheme_display()} · "
                f"{audit.get_audit_type_display()}",
            )
            for audit in audits
        ]

    # Rendering --------------------------------------------------------------------

    def next_url(self) -> str:
        """Where a plain form post returns to: a safe ``next`` (another page that
        shows these sections), else the CAP page."""
        target = self.request.POST.get("next", "") if self.request.method == "POST" else ""
        if target and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        ):
            return target
        return ""

    def page(self, cap: CorrectiveActionPlan, status: int = 200, **extra: Any) -> HttpResponse:
        return render(
            self.request, self.template_name, self.cap_context(cap, **extra), status=status
        )

    def fragment(
        self,
        cap: CorrectiveActionPlan,
        status: int = 200,
        errors: list[str] | None = None,
        **forms: Any,
    ) -> HttpResponse:
        """The changed section, with the header and the timeline (and any section
        showing what it changed) swapped out of band."""
        context = self.cap_context(cap, **forms)
        context.update(
            section_template=SECTIONS[self.section][0],
            error_section=self.section,
            section_errors=errors or [],
            oob_templates=[SECTIONS[name][0] for name in ALSO_CHANGES.get(self.section, ())],
        )
        return render(self.request, "remediation/_cap_fragment.html", context, status=status)

    def refused(
        self, cap: CorrectiveActionPlan, error: DomainError | ValidationError, **forms: Any
    ) -> HttpResponse:
        """The service's refusal with its status (400/403/409)."""
        if is_htmx(self.request):
            if isinstance(error, ValidationError):
                return self.fragment(cap, status=400, errors=error.messages, **forms)
            return self.fragment(cap, status=error.status_code, errors=[error.message], **forms)
        return domain_error_response(
            self.request, error, self.template_name, self.cap_context(cap, **forms)
        )

    def invalid(self, cap: CorrectiveActionPlan, **forms: Any) -> HttpResponse:
        """A form's own errors: 400 with the form shown again, as typed."""
        if is_htmx(self.request):
            return self.fragment(cap, status=400, **forms)
        return self.page(cap, status=400, **forms)

    def done(self, cap: CorrectiveActionPlan, message: str) -> HttpResponse:
        """Success: the refreshed section for htmx, else back where the form was."""
        if is_htmx(self.request):
            return self.fragment(cap)
        messages.success(self.request, message)
        anchor = SECTIONS[self.section][1] if self.section else "cap-header"
        target = self.next_url() or reverse("cap_detail", args=[cap.pk])
        return redirect(f"{target}#{anchor}")


class CapDetailPage(CapPageMixin, View):
    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        return self.page(self.get_cap(pk))


# --- Transitions and the due date ------------------------------------------------------

TRANSITION_DONE: dict[str, Any] = {
    "start": gettext_lazy("Work on the CAP has started."),
    "submit": gettext_lazy("The CAP was submitted for verification."),
    "verify": gettext_lazy("The CAP was verified; its finding is resolved."),
    "return": gettext_lazy("The CAP was returned to the supplier."),
    "cancel": gettext_lazy("The CAP was cancelled."),
}


class CapTransitionView(CapPageMixin, View):
    """start, submit (the supplier or a consultant), verify, return, cancel (the
    owner brand's CSR staff). Who may is checked before the form is read, so a post
    from the wrong role is a 403 whatever it contains."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any, action: str) -> HttpResponse:
        if action not in TRANSITIONS:
            raise Http404
        cap = self.get_cap(pk)
        membership = self.membership
        try:
            TRANSITIONS[action].require(cap, membership)
        except DomainError as exc:
            return self.refused(cap, exc)
        form: Any = None
        form_key = f"{action}_form"
        follow_ups: dict[str, Audit] = {}
        if action == "verify":
            choices = self.follow_up_choices(cap)
            form = VerifyForm(request.POST, prefix="verify", follow_up_audits=choices)
            if choices is not None:
                follow_ups = {
                    str(audit.pk): audit
                    for audit in self.visible(Audit).filter(
                        pk__in=[value for value, _label in choices]
                    )
                }
        elif action == "return":
            form = ReturnForm(request.POST, prefix="return")
        elif action == "cancel":
            form = CancelForm(request.POST, prefix="cancel")
        forms = {form_key: form} if form is not None else {}
        if form is not None and not form.is_valid():
            return self.page(cap, status=400, **forms)
        try:
            if action == "start":
                cap_start(cap=cap, by=membership)
            elif action == "submit":
                cap_submit(cap=cap, by=membership)
            elif action == "verify":
                data = form.cleaned_data
                cap_verify(
                    cap=cap,
                    by=membership,
                    note=data["note"],
                    follow_up_audit=follow_ups.get(data.get("follow_up_audit") or ""),
                )
            elif action == "return":
                cap_return(cap=cap, by=membership, reason=form.cleaned_data["reason"])
            else:
                cap_cancel(cap=cap, by=membership, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if form is None:
                return self.refused(cap, exc)
            form.add_service_errors(exc)
            return self.page(cap, status=400, **forms)
        except DomainError as exc:
            return self.refused(cap, exc, **forms)
        messages.success(request, str(TRANSITION_DONE[action]))
        return redirect("cap_detail", pk=cap.pk)


class CapDueDateView(CapPageMixin, View):
    """The owner brand's CSR staff set a new due date, with the reason."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        try:
            require_manager(cap, self.membership)
        except DomainError as exc:
            return self.refused(cap, exc)
        form = DueDateForm(request.POST, prefix="due")
        if not form.is_valid():
            return self.page(cap, status=400, due_date_form=form)
        try:
            cap_set_due_date(
                cap=cap,
                by=self.membership,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return self.page(cap, status=400, due_date_form=form)
        except DomainError as exc:
            return self.refused(cap, exc, due_date_form=form)
        messages.success(
            request,
            _("The CAP is now due on %(date)s.")
            % {"date": form.cleaned_data["due_date"].isoformat()},
        )
        return redirect("cap_detail", pk=cap.pk)


# --- The list --------------------------------------------------------------------------


def by_urgency(caps: QuerySet[CorrectiveActionPlan], today: date) -> QuerySet[Any]:
    """Overdue first, then due soonest; closed plans (verified, cancelled) last."""
    open_states = list(CorrectiveActionPlan.OPEN_STATES)
    urgency = Case(
        When(status__in=open_states, due_date__lt=today, then=Value(0)),
        When(status__in=open_states, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return caps.annotate(urgency=urgency).order_by(
        "urgency", F("due_date").asc(nulls_last=True), "created_at", "pk"
    )


class CapListPage(TenantPageMixin, View):
    """Brands: the CAPs they own or joined. Suppliers: every brand's CAPs on their
    facilities. Partners: the CAPs they are on. Filtered, by urgency, a fixed number
    of queries whatever the page size."""

    template_name = "remediation/cap_list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        today = timezone.localdate()
        caps = self.visible(CorrectiveActionPlan)
        visible_ids = caps.values("pk")
        facilities = [
            (str(pk), name)
            for pk, name in Facility.objects.filter(pk__in=caps.values("facility_id"))
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        owners = [
            (str(pk), name)
            for pk, name in Organization.objects.filter(pk__in=caps.values("brand_id"))
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        participants = [
            (str(pk), name)
            for pk, name in Organization.objects.filter(
                pk__in=CapParticipant.objects.filter(
                    cap_id__in=visible_ids, removed_at__isnull=True
                ).values("organization_id")
            )
            .order_by("name", "pk")
            .values_list("pk", "name")
        ]
        form = CapListFilterForm(
            request.GET or None,
            facilities=facilities,
            owners=owners,
            participants=participants,
        )
        rows = by_urgency(self.filtered(caps, form, today), today).select_related(
            "finding", "facility", "brand"
        )
        page = page_of(request, rows)
        page.object_list = list(page.object_list)
        with_overdue_days(page.object_list, today)
        context = {
            "form": form,
            "page": page,
            "filtered": form.filtered,
            # The owner filter matters when the list holds more than one brand's CAPs.
            "show_owner": not membership.is_brand or len(owners) > 1,
            "can_verify": membership.is_brand and membership.can(Capability.MANAGE_CAP),
        }
        return render(request, self.template_name, context)

    def filtered(
        self,
        caps: QuerySet[CorrectiveActionPlan],
        form: CapListFilterForm,
        today: date,
    ) -> QuerySet[CorrectiveActionPlan]:
        for name, lookup in (
            ("facility", "facility_id"),
            ("status", "status"),
            ("severity", "finding__severity"),
            ("category", "finding__category"),
            ("owner", "brand_id"),
        ):
            if form.value(name):
                caps = caps.filter(**{lookup: form.value(name)})
        if form.value("open") == YES:
            caps = caps.filter(status__in=CorrectiveActionPlan.OPEN_STATES)
        if form.value("overdue") == YES:
            caps = caps.filter(status__in=CorrectiveActionPlan.OPEN_STATES, due_date__lt=today)
        due_after = form.cleaned("due_after")
        if due_after:
            caps = caps.filter(due_date__gte=due_after)
        due_before = form.cleaned("due_before")
        if due_before:
            caps = caps.filter(due_date__lt=due_before)
        if form.value("participant"):
            caps = caps.filter(
                Exists(
                    CapParticipant.objects.filter(
                        cap_id=OuterRef("pk"),
                        organization_id=form.value("participant"),
                        removed_at__isnull=True,
                    )
                )
            )
        if form.value("not_sustained") == YES:
            caps = caps.filter(not_sustained_at__isnull=False)
        return caps


# --- The verification queue ------------------------------------------------------------


class VerificationQueuePage(TenantPageMixin, View):
    """The brand's submitted CAPs, oldest submission first, for its CSR staff.

    Other brand roles see that the page exists but may not use it (403); suppliers
    and partners have no such page (404)."""

    template_name = "remediation/verification_queue.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        membership = self.membership
        if not membership.is_brand:
            raise Http404
        if not membership.can(Capability.MANAGE_CAP):
            return forbidden(request)
        rows = (
            self.visible(CorrectiveActionPlan)
            .filter(brand_id=membership.organization_id, status=Status.SUBMITTED)
            .select_related("finding", "facility")
            .annotate(evidence_count=Count("evidence"))
            .order_by(F("submitted_at").asc(nulls_last=True), "pk")
        )
        return render(request, self.template_name, {"page": page_of(request, rows)})
