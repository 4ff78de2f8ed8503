"""API of the suppliers app: facilities, sourcing relationships and their state
machine, exit plans, questionnaires and screenings.

Every read goes through the models' ``visible_to`` (TenantViewSet), every write through
a service. Action URLs (``relationships/{id}/decide/`` …) also answer GET: whether the
caller may take the action now and, if not, the 403 or 409 reason a POST would get.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from csr_platform.api.base import (
    AVAILABILITY,
    DomainViewSet,
    action_availability,
)
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from suppliers.api import filters, serializers
from suppliers.models import (
    Certification,
    ExitPlan,
    Facility,
    FacilityEvent,
    Question,
    Questionnaire,
    Screening,
    Section,
    SourcingRelationship,
)
from suppliers.services.exits import (
    exit_complete,
    exit_plan_start,
    exit_plan_update,
    exit_step_add,
    exit_step_done,
)
from suppliers.services.facilities import (
    certification_add,
    certification_remove,
    facility_add,
    facility_merge,
    facility_set_lifecycle,
    facility_update,
)
from suppliers.services.questionnaires import (
    questionnaire_create,
    questionnaire_new_version,
    questionnaire_publish,
    questionnaire_replace,
)
from suppliers.services.relationships import (
    check_transition,
    relationship_decide,
    relationship_reinstate,
    relationship_sign_off,
    relationship_suspend,
)
from suppliers.services.risk import relationship_refresh_risk
from suppliers.services.screenings import screening_answer, screening_send
from suppliers.services.screenings_evidence import evidence_download_name, screening_evidence_add

UUID_PATTERN = "[0-9a-f-]{36}"


class SuppliersViewSet(DomainViewSet):
    @property
    def for_supplier(self) -> bool:
        caller = self.caller
        return caller is not None and caller.is_supplier

    def require(self, capability: Capability) -> None:
        if not self.membership.can(capability):
            raise ActionForbidden(_("Your role does not allow this action."))


# --- Facilities ------------------------------------------------------------------------


class FacilityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SuppliersViewSet):
    """Facilities you source from (brands) or run (suppliers).

    A brand adds one with POST: matched by its Open Supply Hub id when it is already on
    the platform (only your own relationship is created; nothing of another brand is
    shown), otherwise created with a new supplier organization whose admin is invited.
    """

    model = Facility
    filterset_class = filters.FacilityFilter
    ordering_fields = ["name", "country", "created_at", "worker_count"]
    action_capabilities = {
        "create": Capability.ADD_FACILITY,
        "partial_update": Capability.EDIT_FACILITY,
        "lifecycle": Capability.EDIT_FACILITY,
        "merge": Capability.EDIT_FACILITY,
    }
    # DELETE serves only certificates/<id>/; the facility itself is never deleted.
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.for_supplier:
            return serializers.SupplierFacilitySerializer
        return serializers.BrandFacilitySerializer

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        relationships = SourcingRelationship.objects.visible_to(self.membership).select_related(
            "brand", "sourcing_owner__user", "decided_by", "signed_off_by"
        )
        return queryset.select_related("supplier").prefetch_related(
            "certifications",
            Prefetch("relationships", queryset=relationships, to_attr="visible_relationships"),
        )

    @extend_schema(
        request=serializers.FacilityCreateSerializer,
        responses={201: serializers.BrandFacilitySerializer},
        summary="Add a facility (matched by Open Supply Hub id) as a prospect",
    )
    def create(self, request: Request) -> Response:
        form = serializers.FacilityCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        form.is_valid(raise_exception=True)
        relationship = facility_add(by=self.membership, **form.validated_data)
        facility = self.reread(relationship.facility_id)
        return Response(self.get_serializer(facility).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.FacilityUpdateSerializer, summary="Edit the facility's profile"
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        facility = self.get_object()
        form = serializers.FacilityUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        facility_update(facility=facility, by=self.membership, **form.validated_data)
        return Response(self.get_serializer(self.reread(facility.pk)).data)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.FacilityLifecycleSerializer,
        summary="Mark the facility closed, moved (with the new address) or active",
    )
    @action(detail=True, methods=["get", "post"])
    def lifecycle(self, request: Request, pk: str | None = None) -> Response:
        facility = self.get_object()

        def check() -> None:
            self.require(Capability.EDIT_FACILITY)
            if facility.lifecycle == Facility.Lifecycle.MERGED:
                raise StateConflict(_("This record was merged into another facility."))

        if request.method == "GET":
            return action_availability("lifecycle", check)
        form = serializers.FacilityLifecycleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        facility_set_lifecycle(facility=facility, by=self.membership, **form.validated_data)
        return Response(self.get_serializer(self.reread(facility.pk)).data)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.FacilityMergeSerializer,
        summary="Merge this duplicate into another of your facilities (suppliers)",
        description="History, relationships, screenings and certificates move to `into`.",
    )
    @action(detail=True, methods=["get", "post"])
    def merge(self, request: Request, pk: str | None = None) -> Response:
        duplicate = self.get_object()

        def check() -> None:
            if not (self.membership.is_supplier and self.membership.can(Capability.EDIT_FACILITY)):
                raise ActionForbidden(_("Duplicates are merged by the supplier that runs them."))
            if duplicate.lifecycle == Facility.Lifecycle.MERGED:
                raise StateConflict(_("This record was merged already."))

        if request.method == "GET":
            return action_availability("merge", check)
        check()
        form = serializers.FacilityMergeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        into = self.get_queryset().filter(pk=form.validated_data["into"]).first()
        if into is None:
            raise ValidationError({"into": [_("Choose one of your facilities.")]})
        kept = facility_merge(duplicate=duplicate, into=into, by=self.membership)
        return Response(self.get_serializer(self.reread(kept.pk)).data)

    @extend_schema(
        methods=["GET"],
        responses=serializers.CertificationSerializer(many=True),
        summary="The facility's certificates",
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.CertificationSerializer,
        responses={201: serializers.CertificationSerializer},
        summary="Record a certificate (with its validity period)",
    )
    @action(detail=True, methods=["get", "post"])
    def certifications(self, request: Request, pk: str | None = None) -> Response:
        facility = self.get_object()
        if request.method == "GET":
            rows = Certification.objects.filter(facility=facility).order_by("name")
            return Response(serializers.CertificationSerializer(rows, many=True).data)
        form = serializers.CertificationSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        certification = certification_add(
            facility=facility, by=self.membership, **form.validated_data
        )
        return Response(
            serializers.CertificationSerializer(certification).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["GET"],
        responses=serializers.CertificationSerializer,
        summary="One certificate of the facility",
    )
    @extend_schema(methods=["DELETE"], summary="Remove a certificate")
    @action(
        detail=True,
        methods=["get", "delete"],
        url_path="certifications/(?P<certification_id>[0-9a-f-]{36})",
    )
    def certification(
        self, request: Request, pk: str | None = None, certification_id: str = ""
    ) -> Response:
        facility = self.get_object()
        certification = get_object_or_404(
            Certification.objects.filter(facility=facility), pk=certification_id
        )
        if request.method == "GET":
            return Response(serializers.CertificationSerializer(certification).data)
        certification_remove(certification=certification, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses=serializers.FacilityEventSerializer(many=True),
        summary="The facility's timeline: who changed what, when",
        description=(
            "Facility events, and the events of the relationships you see (a brand: its "
            "own only). Someone outside your organization is shown as `actor: null` to "
            "brands; suppliers do not see the notes of a brand's relationship events."
        ),
    )
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str | None = None) -> Response:
        facility = self.get_object()
        caller = self.membership
        colleague = Membership.objects.filter(
            user_id=OuterRef("actor_id"), organization_id=caller.organization_id
        )
        rows = (
            FacilityEvent.objects.visible_to(caller)
            .filter(facility=facility)
            .select_related("actor", "relationship__brand")
            .annotate(actor_is_colleague=Exists(colleague))
        )
        serializer_class = (
            serializers.SupplierFacilityEventSerializer
            if caller.is_supplier
            else serializers.FacilityEventSerializer
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializer_class(page, many=True).data)


class FacilityStatusCountViewSet(SuppliersViewSet):
    """How many of your relationships are in each status (one aggregate query)."""

    model = SourcingRelationship
    pagination_class = None
    filter_backends: list[Any] = []
    serializer_class = serializers.StatusCountSerializer

    @extend_schema(
        responses=serializers.StatusCountSerializer(many=True),
        summary="Your relationships counted by status",
        description="One row per status, zero included; `id` is the status.",
    )
    def list(self, request: Request) -> Response:
        counts = dict(self.get_queryset().order_by().values_list("status").annotate(n=Count("pk")))
        rows = [
            {
                "id": value,
                "status": value,
                "status_label": str(label),
                "count": counts.get(value, 0),
            }
            for value, label in SourcingRelationship.Status.choices
        ]
        return Response(rows)


# --- Sourcing relationships ----------------------------------------------------------------


class RelationshipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SuppliersViewSet):
    """Sourcing relationships and their state machine (DESIGN.md §3).

    A supplier sees the relationships on its facilities without the brand's risk notes,
    risk assessment, rationale or pending decisions.
    """

    model = SourcingRelationship
    filterset_class = filters.RelationshipFilter
    action_capabilities = {
        "send_questionnaire": Capability.ADD_FACILITY,
        "decide": Capability.DECIDE_VETTING,
        "sign_off": Capability.SIGN_OFF_SOURCING,
        "suspend": Capability.DECIDE_VETTING,
        "reinstate": Capability.DECIDE_VETTING,
        "exit_plan": Capability.DECIDE_VETTING,
        "complete_exit": Capability.DECIDE_VETTING,
        "refresh_risk": Capability.DECIDE_VETTING,
    }

    @property
    def ordering_fields(self) -> list[str]:
        fields = ["created_at", "updated_at", "status", "facility__name"]
        caller = self.caller
        # Ordering by a brand-internal value would leak it to a supplier.
        return [*fields, "risk_score"] if caller is not None and caller.is_brand else fields

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.for_supplier:
            return serializers.SupplierRelationshipSerializer
        return serializers.BrandRelationshipSerializer

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related(
            "facility__supplier", "brand", "sourcing_owner__user", "decided_by", "signed_off_by"
        )

    def _transition(
        self, request: Request, transition: str, write: Callable[[SourcingRelationship], Any]
    ) -> Response:
        relationship = self.get_object()
        if request.method == "GET":
            return action_availability(
                transition, lambda: check_transition(relationship, transition, self.membership)
            )
        result = write(relationship)
        return Response(self.get_serializer(self.reread(result.pk)).data)

    def _form(self, serializer_class: type[BaseSerializer[Any]], request: Request) -> Any:
        form = serializer_class(data=request.data)
        form.is_valid(raise_exception=True)
        return form.validated_data

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.SendQuestionnaireSerializer,
        responses={201: serializers.ScreeningDetailSerializer},
        summary="Send the screening questionnaire (the relationship moves to screening)",
        description="Answers 200 with the open screening when one was sent already.",
    )
    @action(detail=True, methods=["get", "post"], url_path="send-questionnaire")
    def send_questionnaire(self, request: Request, pk: str | None = None) -> Response:
        relationship = self.get_object()
        if request.method == "GET":
            return action_availability(
                "send_questionnaire",
                lambda: check_transition(relationship, "send_questionnaire", self.membership),
            )
        data = self._form(serializers.SendQuestionnaireSerializer, request)
        questionnaire = None
        if data.get("questionnaire"):
            questionnaire = (
                Questionnaire.objects.visible_to(self.membership)
                .filter(pk=data["questionnaire"])
                .first()
            )
            if questionnaire is None:
                raise ValidationError({"questionnaire": [_("Choose one of your questionnaires.")]})
        already_open = set(
            Screening.objects.filter(
                relationship=relationship, status=Screening.Status.DRAFT
            ).values_list("pk", flat=True)
        )
        screening = screening_send(
            relationship=relationship, by=self.membership, questionnaire=questionnaire
        )
        screening = ScreeningViewSet.detail_queryset(
            Screening.objects.visible_to(self.membership)
        ).get(pk=screening.pk)
        body = serializers.ScreeningDetailSerializer(
            screening, context=self.get_serializer_context()
        ).data
        code = status.HTTP_200_OK if screening.pk in already_open else status.HTTP_201_CREATED
        return Response(body, status=code)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.DecideSerializer,
        responses=serializers.BrandRelationshipSerializer,
        summary="Vetting decision: approve, approve with conditions, or reject",
        description=(
            "A rejection takes effect at once; an approval waits for a sourcing sign-off "
            "by someone else."
        ),
    )
    @action(detail=True, methods=["get", "post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        def write(relationship: SourcingRelationship) -> SourcingRelationship:
            data = self._form(serializers.DecideSerializer, request)
            return relationship_decide(relationship=relationship, by=self.membership, **data)

        return self._transition(request, "decide", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.SignOffSerializer,
        responses=serializers.BrandRelationshipSerializer,
        summary="Sourcing sign-off of the pending approval or exit (never by its decider)",
    )
    @action(detail=True, methods=["get", "post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        def write(relationship: SourcingRelationship) -> SourcingRelationship:
            data = self._form(serializers.SignOffSerializer, request)
            return relationship_sign_off(relationship=relationship, by=self.membership, **data)

        return self._transition(request, "sign_off", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.SuspendSerializer,
        responses=serializers.BrandRelationshipSerializer,
        summary="Suspend an approved relationship, with the reason",
    )
    @action(detail=True, methods=["get", "post"])
    def suspend(self, request: Request, pk: str | None = None) -> Response:
        def write(relationship: SourcingRelationship) -> SourcingRelationship:
            data = self._form(serializers.SuspendSerializer, request)
            return relationship_suspend(relationship=relationship, by=self.membership, **data)

        return self._transition(request, "suspend", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.NoteSerializer,
        responses=serializers.BrandRelationshipSerializer,
        summary="Reinstate a suspended relationship",
    )
    @action(detail=True, methods=["get", "post"])
    def reinstate(self, request: Request, pk: str | None = None) -> Response:
        def write(relationship: SourcingRelationship) -> SourcingRelationship:
            data = self._form(serializers.NoteSerializer, request)
            return relationship_reinstate(relationship=relationship, by=self.membership, **data)

        return self._transition(request, "reinstate", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.NoteSerializer,
        responses=serializers.BrandRelationshipSerializer,
        summary="Complete the exit once every step of the plan is done",
    )
    @action(detail=True, methods=["get", "post"], url_path="complete-exit")
    def complete_exit(self, request: Request, pk: str | None = None) -> Response:
        def write(relationship: SourcingRelationship) -> SourcingRelationship:
            data = self._form(serializers.NoteSerializer, request)
            return exit_complete(relationship=relationship, by=self.membership, **data)

        return self._transition(request, "complete_exit", write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=serializers.BrandRelationshipSerializer,
        summary="Recompute the risk score and its breakdown",
    )
    @action(detail=True, methods=["get", "post"], url_path="refresh-risk")
    def refresh_risk(self, request: Request, pk: str | None = None) -> Response:
        relationship = self.get_object()
        if request.method == "GET":
            return action_availability(
                "refresh_risk", lambda: self.require(Capability.DECIDE_VETTING)
            )
        relationship_refresh_risk(relationship=relationship)
        return Response(self.get_serializer(self.reread(relationship.pk)).data)

    @extend_schema(
        methods=["GET"],
        responses={200: serializers.ExitPlanSerializer, 404: OpenApiResponse(description="None")},
        summary="The current (or last) exit plan (brands)",
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.ExitPlanStartSerializer,
        responses={201: serializers.ExitPlanSerializer},
        summary="Propose a responsible exit (starts once a sourcing user signs it off)",
    )
    @action(detail=True, methods=["get", "post"], url_path="exit-plan")
    def exit_plan(self, request: Request, pk: str | None = None) -> Response:
        relationship = self.get_object()
        if request.method == "GET":
            plan = (
                ExitPlanViewSet.plans_for(self.membership)
                .filter(relationship=relationship)
                .order_by("-created_at")
                .first()
            )
            if plan is None:
                raise NotFound(_("No exit plan."))
            return Response(serializers.ExitPlanSerializer(plan).data)
        data = self._form(serializers.ExitPlanStartSerializer, request)
        steps = data.pop("steps", [])
        plan = exit_plan_start(relationship=relationship, by=self.membership, steps=steps, **data)
        plan = ExitPlanViewSet.plans_for(self.membership).get(pk=plan.pk)
        return Response(serializers.ExitPlanSerializer(plan).data, status=status.HTTP_201_CREATED)


# --- Exit plans ------------------------------------------------------------------------


class ExitPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SuppliersViewSet):
    """Responsible exits of your brand: the plan, its steps, and their progress.

    Steps: POST `exit-plans/{id}/steps/` adds one; POST
    `exit-plans/{id}/steps/{step_id}/done/` marks it done (once the exit is signed off).
    """

    model = ExitPlan
    serializer_class = serializers.ExitPlanSerializer
    filterset_class = filters.ExitPlanFilter
    ordering_fields = ["created_at", "status"]
    action_capabilities = {
        "partial_update": Capability.DECIDE_VETTING,
        "steps": Capability.DECIDE_VETTING,
        "step_done": Capability.DECIDE_VETTING,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    @staticmethod
    def plans_for(membership: Membership) -> QuerySet[ExitPlan]:
        return (
            ExitPlan.objects.visible_to(membership)
            .select_related("relationship__facility", "created_by")
            .prefetch_related("steps")
        )

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("relationship__facility", "created_by").prefetch_related(
            "steps"
        )

    @extend_schema(
        request=serializers.ExitPlanUpdateSerializer,
        summary="Edit an open exit plan (reason, worker impact, phase-down…)",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self.get_object()
        form = serializers.ExitPlanUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        exit_plan_update(plan=plan, by=self.membership, **form.validated_data)
        return Response(self.get_serializer(self.reread(plan.pk)).data)

    @extend_schema(
        methods=["GET"], responses=serializers.ExitStepSerializer(many=True), summary="Steps"
    )
    @extend_schema(
        methods=["POST"],
        request=serializers.ExitStepInputSerializer,
        responses={201: serializers.ExitStepSerializer},
        summary="Add a step to an open exit plan",
    )
    @action(detail=True, methods=["get", "post"])
    def steps(self, request: Request, pk: str | None = None) -> Response:
        plan = self.get_object()
        if request.method == "GET":
            return Response(serializers.ExitStepSerializer(plan.steps.all(), many=True).data)
        form = serializers.ExitStepInputSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        step = exit_step_add(
            plan=plan, by=self.membership, order=plan.steps.count(), **form.validated_data
        )
        return Response(serializers.ExitStepSerializer(step).data, status=status.HTTP_201_CREATED)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=serializers.ExitStepSerializer,
        summary="Mark a step of an exit in progress done",
    )
    @extend_schema(parameters=[OpenApiParameter("step_id", OpenApiTypes.UUID, "path")])
    @action(
        detail=True,
        methods=["get", "post"],
        url_path=rf"steps/(?P<step_id>{UUID_PATTERN})/done",
        url_name="step-done",
    )
    def step_done(self, request: Request, pk: str | None = None, step_id: str = "") -> Response:
        plan = self.get_object()
        step = plan.steps.filter(pk=step_id).first()
        if step is None:
            raise NotFound

        def check() -> None:
            self.require(Capability.DECIDE_VETTING)
            if plan.status != ExitPlan.Status.IN_PROGRESS:
                raise StateConflict(_("Steps are done once the exit is signed off."))

        if request.method == "GET":
            return action_availability("step_done", check)
        done = exit_step_done(step=step, by=self.membership)
        return Response(serializers.ExitStepSerializer(done).data)


# --- Questionnaires ----------------------------------------------------------------------


class QuestionnaireViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SuppliersViewSet):
    """Your brand's screening questionnaires, versioned. Drafts are edited with PUT of
    the whole document; published versions are frozen (409): make a new version.

    A supplier sees the questionnaires it was sent, without the scoring key.
    """

    model = Questionnaire
    filterset_class = filters.QuestionnaireFilter
    ordering_fields = ["name", "version", "created_at"]
    parser_classes = [JSONParser]
    action_capabilities = {
        "create": Capability.ADD_FACILITY,
        "update": Capability.ADD_FACILITY,
        "publish": Capability.ADD_FACILITY,
        "new_version": Capability.ADD_FACILITY,
    }
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.for_supplier:
            return serializers.SupplierQuestionnaireSerializer
        return serializers.QuestionnaireSerializer

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        sections = Section.objects.prefetch_related("questions")
        return queryset.prefetch_related(Prefetch("sections", queryset=sections))

    def _document(self, request: Request) -> dict[str, Any]:
        if not isinstance(request.data, dict):
            raise ValidationError(_("Send the questionnaire as a JSON object."))
        return dict(request.data)

    @extend_schema(
        request=serializers.QuestionnaireCreateSerializer,
        responses={201: serializers.QuestionnaireSerializer},
        summary='Create a draft: a full document, or {"from_template": true}',
        description=(
            "Errors name the place in the document, e.g. `sections.1.questions.0.weight`."
        ),
    )
    def create(self, request: Request) -> Response:
        questionnaire = questionnaire_create(by=self.membership, document=self._document(request))
        body = self.get_serializer(self.reread(questionnaire.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.QuestionnaireDocumentSerializer,
        summary="Replace a draft's name, sections and questions (409 once published)",
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        questionnaire = self.get_object()
        questionnaire_replace(
            questionnaire=questionnaire, by=self.membership, document=self._document(request)
        )
        return Response(self.get_serializer(self.reread(questionnaire.pk)).data)

    def _check_draft(self, questionnaire: Questionnaire, *, draft: bool) -> Callable[[], None]:
        def check() -> None:
            self.require(Capability.ADD_FACILITY)
            if (questionnaire.status == Questionnaire.Status.DRAFT) != draft:
                raise StateConflict(
                    _("Version %(v)s is %(status)s.")
                    % {
                        "v": questionnaire.version,
                        "status": questionnaire.get_status_display().lower(),
                    }
                )

        return check

    @AVAILABILITY
    @extend_schema(methods=["POST"], request=None, summary="Publish a draft (it is then frozen)")
    @action(detail=True, methods=["get", "post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        questionnaire = self.get_object()
        if request.method == "GET":
            return action_availability("publish", self._check_draft(questionnaire, draft=True))
        questionnaire_publish(questionnaire=questionnaire, by=self.membership)
        return Response(self.get_serializer(self.reread(questionnaire.pk)).data)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        responses={201: serializers.QuestionnaireSerializer},
        summary="Copy a published version into a new draft version",
    )
    @action(detail=True, methods=["get", "post"], url_path="new-version")
    def new_version(self, request: Request, pk: str | None = None) -> Response:
        questionnaire = self.get_object()
        if request.method == "GET":
            return action_availability("new_version", self._check_draft(questionnaire, draft=False))
        new = questionnaire_new_version(questionnaire=questionnaire, by=self.membership)
        return Response(
            self.get_serializer(self.reread(new.pk)).data, status=status.HTTP_201_CREATED
        )


# --- Screenings --------------------------------------------------------------------------


class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, SuppliersViewSet):
    """Screenings: a brand's questionnaire sent to a facility, and the supplier's answers.

    The supplier saves a draft with PATCH and submits with POST `submit/`; answer
    errors come back in `fields`, keyed by question id. Evidence files are uploaded
    (multipart) to `evidence/` and downloaded from the `download_url` of each.
    """

    model = Screening
    filterset_class = filters.ScreeningFilter
    ordering_fields = ["sent_at", "submitted_at", "status"]
    action_capabilities = {
        "partial_update": Capability.ANSWER_SCREENING,
        "submit": Capability.ANSWER_SCREENING,
        "evidence": Capability.ANSWER_SCREENING,
    }
    http_method_names = ["get", "post", "patch", "head", "options"]

    @staticmethod
    def detail_queryset(queryset: QuerySet[Any]) -> QuerySet[Any]:
        sections = Section.objects.prefetch_related("questions")
        return queryset.select_related(
            "relationship__facility", "relationship__brand", "questionnaire"
        ).prefetch_related(Prefetch("questionnaire__sections", queryset=sections), "evidence")

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "list":
            return serializers.ScreeningSerializer
        if self.for_supplier:
            return serializers.SupplierScreeningDetailSerializer
        return serializers.ScreeningDetailSerializer

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.action == "list":
            return queryset.select_related(
                "relationship__facility", "relationship__brand", "questionnaire"
            )
        return self.detail_queryset(queryset)

    def _answer(self, request: Request, *, submit: bool) -> Response:
        screening = self.get_object()
        form = serializers.ScreeningAnswersSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        screening_answer(
            screening=screening,
            by=self.membership,
            answers=form.validated_data["answers"],
            submit=submit,
        )
        return Response(self.get_serializer(self.reread(screening.pk)).data)

    @extend_schema(
        request=serializers.ScreeningAnswersSerializer,
        summary="Save answers as a draft (suppliers)",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._answer(request, submit=False)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.ScreeningAnswersSerializer,
        responses=serializers.ScreeningDetailSerializer,
        summary="Submit the answers (every required question answered)",
        description="The relationship moves to in review with a fresh risk score.",
    )
    @action(detail=True, methods=["get", "post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        if request.method == "GET":
            screening = self.get_object()

            def check() -> None:
                self.require(Capability.ANSWER_SCREENING)
                if screening.status != Screening.Status.DRAFT:
                    raise StateConflict(_("This screening was submitted already."))

            return action_availability("submit", check)
        return self._answer(request, submit=True)

    @extend_schema(
        methods=["GET"],
        responses=serializers.ScreeningEvidenceSerializer(many=True),
        summary="Evidence attached to this screening",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses={201: serializers.ScreeningEvidenceSerializer},
        summary="Attach a file to an answer (suppliers; checked by content, at most 10 MB)",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
    )
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        screening = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            rows = screening.evidence.all()
            return Response(
                serializers.ScreeningEvidenceSerializer(rows, many=True, context=context).data
            )
        form = serializers.EvidenceUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        question = Question.objects.filter(
            pk=form.validated_data["question"],
            section__questionnaire_id=screening.questionnaire_id,
        ).first()
        if question is None:
            raise ValidationError({"question": [_("Not a question of this questionnaire.")]})
        evidence = screening_evidence_add(
            screening=screening,
            by=self.membership,
            question=question,
            file=form.validated_data["file"],
        )
        body = serializers.ScreeningEvidenceSerializer(evidence, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("evidence_id", OpenApiTypes.UUID, "path")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
        summary="Download an evidence file",
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=rf"evidence/(?P<evidence_id>{UUID_PATTERN})",
        url_name="evidence-download",
    )
    def evidence_download(
        self, request: Request, pk: str | None = None, evidence_id: str = ""
    ) -> FileResponse:
        screening = self.get_object()
        evidence = screening.evidence.filter(pk=evidence_id).first()
        if evidence is None:
            raise NotFound
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise NotFound from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=evidence_download_name(evidence),
            content_type=evidence.content_type,
        )
