"""The work on a CAP, posted from the sections of the CAP page: root causes, actions,
evidence (upload, download, delete), comments, requests for more time and their
decision, participants.

Each view finds the CAP (or the part) inside the caller's visibility (404 otherwise),
checks the role on this CAP before reading the form (403 whatever the post holds),
then calls the one service that makes the change. htmx posts get the section back;
plain posts are redirected to the CAP page (or a safe ``next``) with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from csr_platform.errors import DomainError
from csr_platform.models import Membership
from remediation.forms import (
    ActionForm,
    ActionStatusForm,
    CommentForm,
    EvidenceUploadForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ParticipantForm,
    RootCauseForm,
)
from remediation.models import (
    CapAction,
    CapParticipant,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.services.access import require_commenter, require_manager, require_worker
from remediation.services.participants import participant_add, participant_remove
from remediation.services.work import (
    action_add,
    action_delete,
    action_update,
    comment_add,
    evidence_add,
    evidence_delete,
    extension_decide,
    extension_request,
    root_cause_add,
    root_cause_delete,
)
from remediation.views.cap_pages import CapPageMixin
from suppliers.forms import ServiceForm

Guard = Callable[[CorrectiveActionPlan, Membership], None]


def as_commenter(cap: CorrectiveActionPlan, by: Membership) -> None:
    require_commenter(by)


class CapWorkView(CapPageMixin, View):
    """One piece of work: guard, form, service, answer."""

    http_method_names = ["post"]

    def run(
        self,
        cap: CorrectiveActionPlan,
        *,
        guard: Guard,
        perform: Callable[[], str],
        form: ServiceForm | None = None,
        form_key: str = "",
    ) -> HttpResponse:
        try:
            guard(cap, self.membership)
        except DomainError as exc:
            return self.refused(cap, exc)
        forms = {form_key: form} if form is not None and form_key else {}
        if form is not None and not form.is_valid():
            if not form_key:  # a form the page does not show (an inline control)
                return self.refused(cap, ValidationError(_form_messages(form)))
            return self.invalid(cap, **forms)
        try:
            message = perform()
        except ValidationError as exc:
            if form is None or not form_key:
                return self.refused(cap, exc)
            form.add_service_errors(exc)
            return self.invalid(cap, **forms)
        except DomainError as exc:
            return self.refused(cap, exc, **forms)
        return self.done(cap, message)


def _form_messages(form: ServiceForm) -> list[str]:
    return [str(message) for errors in form.errors.values() for message in errors]


# --- Root causes -----------------------------------------------------------------------


class RootCauseAddView(CapWorkView):
    section = "root_causes"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        form = RootCauseForm(request.POST, prefix="root-cause")

        def perform() -> str:
            root_cause_add(cap=cap, by=self.membership, **form.service_values())
            return _("The root cause was recorded.")

        return self.run(
            cap, guard=require_worker, form=form, form_key="root_cause_form", perform=perform
        )


class RootCauseDeleteView(CapWorkView):
    section = "root_causes"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        root_cause: RootCause = self.get_part(RootCause, pk)

        def perform() -> str:
            root_cause_delete(root_cause=root_cause, by=self.membership)
            return _("The root cause was removed.")

        return self.run(root_cause.cap, guard=require_worker, perform=perform)


# --- Actions ---------------------------------------------------------------------------


class ActionAddView(CapWorkView):
    section = "actions"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        form = ActionForm(request.POST, prefix="action")

        def perform() -> str:
            action = action_add(cap=cap, by=self.membership, **form.service_values())
            return _("The %(kind)s action was added.") % {"kind": action.get_kind_display().lower()}

        return self.run(
            cap, guard=require_worker, form=form, form_key="action_form", perform=perform
        )


class ActionEditView(CapWorkView):
    """The inline status change of one action."""

    section = "actions"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        action: CapAction = self.get_part(CapAction, pk)
        form = ActionStatusForm(request.POST)

        def perform() -> str:
            updated = action_update(
                action=action, by=self.membership, status=form.cleaned_data["status"]
            )
            return _("The action is now %(status)s.") % {
                "status": updated.get_status_display().lower()
            }

        return self.run(action.cap, guard=require_worker, form=form, perform=perform)


class ActionDeleteView(CapWorkView):
    section = "actions"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        action: CapAction = self.get_part(CapAction, pk)

        def perform() -> str:
            action_delete(action=action, by=self.membership)
            return _("The action was removed.")

        return self.run(action.cap, guard=require_worker, perform=perform)


# --- Evidence --------------------------------------------------------------------------


class EvidenceUploadView(CapWorkView):
    """One or several files at once: all are checked before any is stored, and if
    storing one fails none is kept."""

    section = "evidence"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        actions = list(CapAction.objects.visible_to(self.membership).filter(cap=cap))
        form = EvidenceUploadForm(request.POST, request.FILES, prefix="evidence", actions=actions)

        def perform() -> str:
            values = form.service_values()
            stored: list[Evidence] = []
            try:
                with transaction.atomic():
                    for upload in form.cleaned_data["file"]:
                        stored.append(
                            evidence_add(cap=cap, by=self.membership, file=upload, **values)
                        )
            except BaseException:
                # The rows are rolled back; the files already written are not.
                for evidence in stored:
                    evidence.file.delete(save=False)
                raise
            return ngettext(
                "%(count)s file was uploaded.", "%(count)s files were uploaded.", len(stored)
            ) % {"count": len(stored)}

        return self.run(
            cap, guard=require_worker, form=form, form_key="evidence_form", perform=perform
        )


class EvidenceDownloadView(CapPageMixin, View):
    """The stored file, as an attachment, only to those who see the CAP."""

    def get(self, request: HttpRequest, pk: Any) -> FileResponse:
        evidence: Evidence = self.get_part(Evidence, pk)
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.file_name,
            content_type=evidence.content_type,
        )


class EvidenceDeleteView(CapWorkView):
    section = "evidence"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        evidence: Evidence = self.get_part(Evidence, pk)

        def perform() -> str:
            evidence_delete(evidence=evidence, by=self.membership)
            return _("%(name)s was removed.") % {"name": evidence.file_name}

        return self.run(evidence.cap, guard=require_worker, perform=perform)


# --- Comments --------------------------------------------------------------------------


class CommentAddView(CapWorkView):
    section = "comments"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        form = CommentForm(request.POST, prefix="comment", brand=self.membership.is_brand)

        def perform() -> str:
            comment = comment_add(cap=cap, by=self.membership, **form.service_values())
            if comment.internal:
                return _("Your internal comment was added; only your brand sees it.")
            return _("Your comment was added.")

        return self.run(
            cap, guard=as_commenter, form=form, form_key="comment_form", perform=perform
        )


# --- More time -------------------------------------------------------------------------


class ExtensionRequestView(CapWorkView):
    section = "extensions"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        form = ExtensionRequestForm(request.POST, prefix="extension")

        def perform() -> str:
            extension_request(
                cap=cap,
                by=self.membership,
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
            )
            return _("Your request for more time was sent to the brand.")

        return self.run(
            cap, guard=require_worker, form=form, form_key="extension_form", perform=perform
        )


class ExtensionDecideView(CapWorkView):
    section = "extensions"
    DECISIONS = ("approve", "decline")

    def post(self, request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
        if decision not in self.DECISIONS:
            raise Http404
        extension: ExtensionRequest = self.get_part(ExtensionRequest, pk)
        form = ExtensionDecisionForm(request.POST, prefix="decision")

        def perform() -> str:
            decided = extension_decide(
                extension=extension,
                by=self.membership,
                approve=decision == "approve",
                note=form.cleaned_data["note"],
            )
            if decided.status == ExtensionRequest.Status.APPROVED:
                return _("More time was given: the CAP is now due on %(date)s.") % {
                    "date": decided.requested_due_date.isoformat()
                }
            return _("The request for more time was declined.")

        return self.run(
            extension.cap,
            guard=require_manager,
            form=form,
            form_key="decision_form",
            perform=perform,
        )


# --- Participants ----------------------------------------------------------------------


class ParticipantAddView(CapWorkView):
    section = "participants"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        cap = self.get_cap(pk)
        form = ParticipantForm(request.POST, prefix="participant")

        def perform() -> str:
            participant = participant_add(
                cap=cap,
                by=self.membership,
                organization_slug=form.cleaned_data["organization"],
                note=form.cleaned_data["note"],
            )
            return _("%(name)s was added as %(role)s.") % {
                "name": participant.organization.name,
                "role": participant.get_role_display().lower(),
            }

        return self.run(
            cap, guard=require_manager, form=form, form_key="participant_form", perform=perform
        )


class ParticipantRemoveView(CapWorkView):
    section = "participants"

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        participant: CapParticipant = self.get_part(CapParticipant, pk)

        def perform() -> str:
            participant_remove(participant=participant, by=self.membership)
            return _("%(name)s was taken off the CAP.") % {"name": participant.organization.name}

        return self.run(participant.cap, guard=require_manager, perform=perform)
