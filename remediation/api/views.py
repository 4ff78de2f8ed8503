"""API of the remediation app: CAPs and their state machine, the work on each CAP
(root causes, actions, evidence, comments, requests for more time, participants, the
timeline) and the consultant directory.

Every read goes through the models' ``visible_to``; every write through a service. A
CAP's own lists live under ``caps/{cap_pk}/…``: the CAP is looked up in the caller's
visibility first (invisible is 404 for every method), then the rows through their own
``visible_to`` (internal comments and their events stay with the organization that
wrote them). A write then asks whether the caller may make it (403) and whether the
CAP's state allows it (409), and only then parses the body (400). Action URLs also
answer GET: whether the action is available now and, if not, the 403 or 409 a POST
would get.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from audits.models import Audit
from csr_platform.api.base import (
    AVAILABILITY,
    DomainViewSet,
    action_availability,
)
from csr_platform.api.permissions import IsTenantMember
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.permissions import Capability
from remediation.api import filters, serializers
from remediation.models import (
    CapAction,
    CapEvent,
    CapParticipant,
    Comment,
    ConsultantNote,
    ConsultantProfile,
    CorrectiveActionPlan,
    Evidence,
    ExtensionRequest,
    RootCause,
)
from remediation.services.access import require_commenter, require_manager, require_worker
from remediation.services.consultants import consultant_note_save, consultant_profile_update
from remediation.services.participants import participant_add, participant_remove
from remediation.services.transitions import (
    cap_cancel,
    cap_return,
    cap_start,
    cap_submit,
    cap_verify,
    check_transition,
    submit_blockers,
)
from remediation.services.work import (
    EDITABLE,
    action_add,
    action_delete,
    action_update,
    cap_set_due_date,
    comment_add,
    evidence_add,
    evidence_delete,
    extension_decide,
    extension_request,
    root_cause_add,
    root_cause_delete,
)

CAP_PK = OpenApiParameter(
    "cap_pk", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The CAP's id."
)


# --- CAPs ------------------------------------------------------------------------------


def _count(model: type[Model]) -> Coalesce:
    rows = (
        model._default_manager.filter(cap_id=OuterRef("pk"))
        .order_by()
        .values("cap_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def cap_rows(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Everything ``CapSerializer`` reads, in the same query as the CAPs: the finding
    with its audit and law, and ``overdue`` and the counts as annotations."""
    pending = ExtensionRequest.objects.filter(
        cap_id=OuterRef("pk"), status=ExtensionRequest.Status.PENDING
    )
    return queryset.select_related(
        "brand", "facility", "finding__audit", "finding__requirement__instrument"
    ).annotate(
        overdue=Case(
            When(filters.overdue_condition(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        root_cause_count=_count(RootCause),
        action_count=_count(CapAction),
        evidence_count=_count(Evidence),
        extension_pending=Exists(pending),
    )


class CapViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DomainViewSet):
    """Corrective action plans you see: a brand those it owns or joined as
    collaborating brand; a supplier every CAP on its facilities, of any brand; a
    partner those it was invited onto.

    CAPs are opened by finalizing an audit (one per finding that is not an
    observation). The supplier (or an invited consultant) starts, works on and submits
    the plan; the owner brand's CSR staff verify it or return it, cancel it, and move
    its due date.
    """

    model = CorrectiveActionPlan
    serializer_class = serializers.CapSerializer
    filterset_class = filters.CapFilter
    ordering_fields = ["due_date", "created_at", "status", "submitted_at", "verified_at"]
    http_method_names = ["get", "post", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return cap_rows(queryset)

    def _transition(
        self,
        request: Request,
        name: str,
        write: Callable[[CorrectiveActionPlan], CorrectiveActionPlan],
    ) -> Response:
        cap = self.get_object()

        def done() -> Response:
            changed = write(cap)
            return Response(self.get_serializer(self.reread(changed.pk)).data)

        return self.act(request, name, lambda: check_transition(cap, name, self.membership), done)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        summary="Start work on the plan (the supplier or an invited consultant)",
        description="From open, or from returned to rework it.",
    )
    @action(detail=True, methods=["get", "post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(
            request, "start", lambda cap: cap_start(cap=cap, by=self.membership)
        )

    @extend_schema(
        methods=["GET"],
        request=None,
        responses=serializers.SubmitAvailabilitySerializer,
        description=(
            "Whether you may submit now: `allowed`, or the `status` (403 for your role, "
            "409 for the CAP's state or what is missing) and the reason; `blockers` lists "
            "what the plan still lacks."
        ),
    )
    @extend_schema(
        methods=["POST"],
        request=None,
        summary="Submit the plan for verification",
        description="Needs at least one root cause and one preventive action (409 otherwise).",
    )
    @action(detail=True, methods=["get", "post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "POST":
            return self._transition(
                request, "submit", lambda cap: cap_submit(cap=cap, by=self.membership)
            )
        cap = self.get_object()
        blockers = submit_blockers(cap)

        def check() -> None:
            check_transition(cap, "submit", self.membership)
            if blockers:
                raise StateConflict(" ".join(blockers))

        response = action_availability("submit", check)
        response.data["blockers"] = blockers
        return response

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.VerifySerializer,
        summary="Verify the fix (the owner brand's CSR staff; evidence required)",
        description=(
            "A CAP verified by follow-up audit needs `follow_up_audit`: the final audit "
            "of the facility, after the one that found the problem, that checked the fix."
        ),
    )
    @action(detail=True, methods=["get", "post"])
    def verify(self, request: Request, pk: str | None = None) -> Response:
        def write(cap: CorrectiveActionPlan) -> CorrectiveActionPlan:
            data = self.parse(serializers.VerifySerializer, request.data)
            follow_up: Audit | None = None
            if data["follow_up_audit"] is not None:
                # Looked up in the caller's visibility: one answer for "no such audit"
                # and "not yours to see".
                follow_up = (
                    Audit.objects.visible_to(self.membership)
                    .filter(pk=data["follow_up_audit"])
                    .first()
                )
                if follow_up is None:
                    raise ValidationError({"follow_up_audit": [_("No such audit.")]})
            return cap_verify(
                cap=cap, by=self.membership, note=data["note"], follow_up_audit=follow_up
            )

        return self._transition(request, "verify", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.CapReasonSerializer,
        summary="Return the plan to the supplier, saying what is missing",
    )
    @action(detail=True, methods=["get", "post"], url_path="return", url_name="return")
    def return_cap(self, request: Request, pk: str | None = None) -> Response:
        def write(cap: CorrectiveActionPlan) -> CorrectiveActionPlan:
            data = self.parse(serializers.CapReasonSerializer, request.data)
            return cap_return(cap=cap, by=self.membership, reason=data["reason"])

        return self._transition(request, "return", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.CapReasonSerializer,
        summary="Cancel an open CAP, saying why",
    )
    @action(detail=True, methods=["get", "post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        def write(cap: CorrectiveActionPlan) -> CorrectiveActionPlan:
            data = self.parse(serializers.CapReasonSerializer, request.data)
            return cap_cancel(cap=cap, by=self.membership, reason=data["reason"])

        return self._transition(request, "cancel", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.DueDateSerializer,
        summary="Move the due date (the owner brand's CSR staff), with the reason",
        description="The old date stays on the timeline.",
    )
    @action(detail=True, methods=["get", "post"], url_path="due-date", url_name="due-date")
    def due_date(self, request: Request, pk: str | None = None) -> Response:
        cap = self.get_object()

        def check() -> None:
            require_manager(cap, self.membership)
            if not cap.is_open:
                raise StateConflict(_("A closed CAP has no due date to change."))

        def write() -> Response:
            data = self.parse(serializers.DueDateSerializer, request.data)
            cap_set_due_date(
                cap=cap, by=self.membership, due_date=data["due_date"], reason=data["reason"]
            )
            return Response(self.get_serializer(self.reread(cap.pk)).data)

        return self.act(request, "due_date", check, write)


# --- The CAP's own lists ---------------------------------------------------------------


@extend_schema(parameters=[CAP_PK])
class CapChildViewSet(DomainViewSet):
    """Rows of one CAP (``caps/{cap_pk}/…``). The CAP is found in the caller's
    visibility before anything else, so a CAP outside it is a 404 for every method —
    never a 403 that would tell it exists. Who may write is the services' answer."""

    permission_classes = [IsTenantMember]
    ordering_fields = ["created_at"]
    cap: CorrectiveActionPlan

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # 401 for anonymous callers first
        try:
            cap_id = uuid.UUID(str(kwargs.get("cap_pk")))
        except ValueError:
            raise NotFound from None
        cap = (
            CorrectiveActionPlan.objects.visible_to(self.membership)
            .select_related("facility", "finding__audit")
            .filter(pk=cap_id)
            .first()
        )
        if cap is None:
            raise NotFound
        self.cap = cap

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(cap_id=self.cap.pk)

    def require_workable(self) -> None:
        """What a piece of work on the plan needs: the supplier or an invited
        consultant (403), while the plan is still being worked on (409)."""
        require_worker(self.cap, self.membership)
        if self.cap.status not in EDITABLE:
            raise StateConflict(
                _("The CAP is %(status)s; its plan can no longer be changed.")
                % {"status": self.cap.get_status_display().lower()}
            )

    def created(self, pk: Any) -> Response:
        body = self.get_serializer(self.reread(pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class RootCauseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CapChildViewSet):
    """Why the problem happened: five whys (each why and its answer) or a fishbone
    category and cause. A purchasing-practice cause names the buyer's practice (BP_…)."""

    model = RootCause
    serializer_class = serializers.RootCauseSerializer
    filterset_class = filters.RootCauseFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(
        request=serializers.RootCauseInputSerializer,
        responses={201: serializers.RootCauseSerializer},
        summary="Record a root cause (the supplier or an invited consultant)",
        description="Five whys need at least two whys answered. An open plan starts.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require_workable()
        data = self.parse(serializers.RootCauseInputSerializer, request.data)
        root_cause = root_cause_add(cap=self.cap, by=self.membership, **data)
        return self.created(root_cause.pk)

    @extend_schema(summary="Remove a root cause while the plan is worked on")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        root_cause = self.get_object()
        root_cause_delete(root_cause=root_cause, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CapActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CapChildViewSet):
    """Corrective actions (fix this occurrence) and preventive actions (keep it from
    coming back), each with an owner, a due date and a status."""

    model = CapAction
    serializer_class = serializers.CapActionSerializer
    filterset_class = filters.CapActionFilter
    ordering_fields = ["due_date", "created_at", "status"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @extend_schema(
        request=serializers.CapActionInputSerializer,
        responses={201: serializers.CapActionSerializer},
        summary="Plan an action (the supplier or an invited consultant)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require_workable()
        data = self.parse(serializers.CapActionInputSerializer, request.data)
        planned = action_add(cap=self.cap, by=self.membership, **data)
        return self.created(planned.pk)

    @extend_schema(
        request=serializers.CapActionInputSerializer,
        summary="Change an action, e.g. mark it done",
        description="A done action without `completed_on` is done today.",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        planned = self.get_object()
        self.require_workable()
        data = self.parse(serializers.CapActionInputSerializer, request.data, partial=True)
        action_update(action=planned, by=self.membership, **data)
        return Response(self.get_serializer(self.reread(planned.pk)).data)

    @extend_schema(summary="Remove an action while the plan is worked on")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        planned = self.get_object()
        action_delete(action=planned, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CapChildViewSet):
    """Files showing the fix, dated by when they are valid (a certificate's issue and
    expiry). Downloaded only through permission-checked URLs: `download_url` in the
    browser, `api_download_url` with a token."""

    model = Evidence
    serializer_class = serializers.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    ordering_fields = ["uploaded_at", "valid_until"]
    parser_classes = [MultiPartParser, FormParser]
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(
        request={"multipart/form-data": serializers.CapEvidenceUploadSerializer},
        responses={201: serializers.EvidenceSerializer},
        summary="Upload evidence (the supplier or an invited consultant)",
        description=(
            "PDF, JPEG, PNG, WebP, XLSX, DOCX or CSV, at most 20 MB, checked by content "
            "(not by name). A refused file is not stored."
        ),
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require_workable()
        data = self.parse(serializers.CapEvidenceUploadSerializer, request.data)
        shows: CapAction | None = None
        if data["action"] is not None:
            shows = CapAction.objects.filter(cap=self.cap, pk=data["action"]).first()
            if shows is None:
                raise ValidationError({"action": [_("Choose an action of this CAP.")]})
        evidence = evidence_add(
            cap=self.cap,
            by=self.membership,
            file=data["file"],
            description=data["description"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            action=shows,
        )
        return self.created(evidence.pk)

    @extend_schema(summary="Remove evidence while the plan is worked on")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        evidence = self.get_object()
        evidence_delete(evidence=evidence, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download the file",
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> FileResponse:
        evidence = self.get_object()
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise NotFound from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence.file_name,
            content_type=evidence.content_type,
        )


class CommentViewSet(mixins.ListModelMixin, CapChildViewSet):
    """Messages on the CAP. An internal comment is seen only by the organization that
    wrote it (a brand's deliberation), never by the supplier or partners."""

    model = Comment
    serializer_class = serializers.CommentSerializer
    filterset_class = filters.CommentFilter
    http_method_names = ["get", "post", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().scope(queryset).select_related("organization", "author")

    @extend_schema(
        request=serializers.CommentInputSerializer,
        responses={201: serializers.CommentSerializer},
        summary="Comment (everyone on the CAP but brand viewers)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_commenter(self.membership)
        data = self.parse(serializers.CommentInputSerializer, request.data)
        comment = comment_add(cap=self.cap, by=self.membership, **data)
        return self.created(comment.pk)


class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CapChildViewSet):
    """Requests for more time: the supplier asks with a reason; the owner brand's CSR
    staff approve (the due date moves, the old one stays on the timeline) or decline."""

    model = ExtensionRequest
    serializer_class = serializers.ExtensionRequestSerializer
    filterset_class = filters.ExtensionRequestFilter
    ordering_fields = ["requested_at"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(
        request=serializers.ExtensionAskSerializer,
        responses={201: serializers.ExtensionRequestSerializer},
        summary="Ask for more time (the supplier or an invited consultant)",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.require_workable()
        data = self.parse(serializers.ExtensionAskSerializer, request.data)
        asked = extension_request(
            cap=self.cap, by=self.membership, due_date=data["due_date"], reason=data["reason"]
        )
        return self.created(asked.pk)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        extension = self.get_object()

        def check() -> None:
            require_manager(self.cap, self.membership)
            if extension.status != ExtensionRequest.Status.PENDING:
                raise StateConflict(_("This request was already decided."))

        def write() -> Response:
            data = self.parse(serializers.DecisionNoteSerializer, request.data)
            extension_decide(
                extension=extension, by=self.membership, approve=approve, note=data["note"]
            )
            return Response(self.get_serializer(self.reread(extension.pk)).data)

        return self.act(request, "approve" if approve else "decline", check, write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.DecisionNoteSerializer,
        summary="Approve: the CAP's due date becomes the date asked for",
    )
    @action(detail=True, methods=["get", "post"])
    def approve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(request, approve=True)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.DecisionNoteSerializer,
        summary="Decline, saying why (the note is required)",
    )
    @action(detail=True, methods=["get", "post"])
    def decline(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._decide(request, approve=False)


class CapParticipantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CapChildViewSet):
    """Partners (consultants, civil-society organisations, audit firms) and
    collaborating brands on the CAP. Partners see only the CAPs they are on; one taken
    off (`removed_at`) stops seeing it at once."""

    model = CapParticipant
    serializer_class = serializers.CapParticipantSerializer
    filterset_class = filters.CapParticipantFilter
    ordering_fields = ["added_at"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().scope(queryset).select_related("organization")

    @extend_schema(
        request=serializers.ParticipantInviteSerializer,
        responses={201: serializers.CapParticipantSerializer},
        summary="Invite a partner, or a brand the audit is shared with (the owner brand)",
        description="The role follows the organization: its partner type, or collaborating brand.",
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_manager(self.cap, self.membership)
        data = self.parse(serializers.ParticipantInviteSerializer, request.data)
        participant = participant_add(
            cap=self.cap,
            by=self.membership,
            organization_slug=data["organization"],
            note=data["note"],
        )
        return self.created(participant.pk)

    @extend_schema(summary="Take the organization off the CAP (kept in the history)")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        participant = self.get_object()
        participant_remove(participant=participant, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CapEventViewSet(mixins.ListModelMixin, CapChildViewSet):
    """The CAP's timeline: every change, who made it, when, from → to. Events about an
    internal comment are seen only by the organization that wrote it."""

    model = CapEvent
    serializer_class = serializers.CapEventSerializer
    filterset_class = filters.CapEventFilter
    http_method_names = ["get", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().scope(queryset).select_related("actor", "actor_organization")


# --- Consultant directory --------------------------------------------------------------


class ConsultantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DomainViewSet):
    """The consultant directory: partners' entries with their specialties (finding
    categories), countries, languages, case studies and references.

    Brands browse every entry and keep their own private notes and rating of each
    (`note/`, also shown as `my_note`); a partner sees and edits only its own entry.
    """

    model = ConsultantProfile
    serializer_class = serializers.ConsultantProfileSerializer
    filterset_class = filters.ConsultantProfileFilter
    ordering_fields = ["organization__name", "updated_at"]
    permission_classes = [IsTenantMember]
    http_method_names = ["get", "patch", "put", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        own_notes = ConsultantNote.objects.visible_to(self.membership)
        return queryset.select_related("organization").prefetch_related(
            Prefetch("brand_notes", queryset=own_notes, to_attr="my_notes")
        )

    @extend_schema(
        request=serializers.ConsultantProfileUpdateSerializer,
        summary="Edit your own directory entry (partners)",
        description="Your organization's id starts your entry if it has none yet.",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        caller = self.membership
        own = caller.is_partner and str(kwargs.get("pk")) == str(caller.organization_id)
        if not own:
            self.get_object()  # 404 outside the caller's directory view
            raise ActionForbidden(_("Only the partner itself edits its directory entry."))
        data = self.parse(serializers.ConsultantProfileUpdateSerializer, request.data, partial=True)
        profile = consultant_profile_update(by=caller, **data)
        return Response(self.get_serializer(self.reread(profile.pk)).data)

    @extend_schema(
        methods=["GET"],
        responses=serializers.ConsultantNoteSerializer,
        summary="Your brand's own notes and rating of this consultant (empty if none)",
    )
    @extend_schema(
        methods=["PUT"],
        request=serializers.ConsultantNoteInputSerializer,
        responses=serializers.ConsultantNoteSerializer,
        summary="Write your brand's notes and rating (CSR staff; never shown to others)",
    )
    @action(detail=True, methods=["get", "put"])
    def note(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        consultant = self.get_object()
        caller = self.membership
        if not caller.is_brand:
            # Notes are a brand's own; a partner has none to read, even about itself.
            raise NotFound
        if request.method == "GET":
            note = ConsultantNote.objects.visible_to(caller).filter(consultant=consultant).first()
            body = serializers.ConsultantNoteSerializer(note or ConsultantNote()).data
            return Response(body)
        if not caller.can(Capability.MANAGE_CAP):
            raise ActionForbidden(_("Only a brand's CSR staff keep notes on consultants."))
        data = self.parse(serializers.ConsultantNoteInputSerializer, request.data)
        saved = consultant_note_save(by=caller, consultant=consultant, **data)
        return Response(serializers.ConsultantNoteSerializer(saved).data)
