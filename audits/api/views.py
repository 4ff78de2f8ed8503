"""API of the audits app: audits, findings, observations, audit shares and the brand's
severity policy.

Every read goes through the models' ``visible_to`` (TenantViewSet), every write
through a service. A write first looks the object up in the caller's scope (invisible
is 404), then asks whether the caller may write to it (a brand reading a shared audit,
or a role without the capability: 403) and whether its state allows it (409), and only
then parses the body (400). Action URLs also answer GET: whether the action is
available now and, if not, the 403 or 409 a POST would get.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer
from rest_framework.views import APIView

from audits.api import filters, serializers
from audits.api.imports import FindingImportMixin
from audits.models import Audit, AuditShare, Finding, Observation
from audits.selectors import with_finding_counts
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
from audits.services.findings import (
    finding_amend,
    finding_create,
    finding_delete,
    finding_law_reviewed,
    finding_update,
)
from audits.services.observations import (
    observation_accept,
    observation_delete,
    observation_dismiss,
    observation_record,
)
from audits.services.policy import severity_policy_for, severity_policy_update
from audits.services.sharing import (
    _require_consenter,
    audit_share_consent,
    audit_share_decline,
    audit_share_offer,
    audit_share_revoke,
)
from csr_platform.api.base import (
    AVAILABILITY,
    Check,
    DomainViewSet,
)
from csr_platform.api.permissions import IsTenantMember
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.tenancy import request_membership
from suppliers.models import Facility


class AuditsViewSet(DomainViewSet):
    def audit_in_scope(self, audit_id: Any) -> Audit:
        """An audit named in a request body, looked up in the caller's visibility: one
        answer for "does not exist" and "not yours to see"."""
        audit = Audit.objects.visible_to(self.membership).filter(pk=audit_id).first()
        if audit is None:
            raise ValidationError({"audit": [_("No such audit.")]})
        return audit

    def changes(
        self, serializer_class: type[Serializer[Any]], changes: dict[str, Any]
    ) -> dict[str, Any]:
        """Parse the values of an amendment's known fields; unknown names go through as
        sent, so the service names them in its answer."""
        form = serializer_class(data=changes, partial=True, context=self.get_serializer_context())
        if not form.is_valid():
            raise ValidationError({"changes": dict(form.errors)})
        known = set(form.fields)
        return {
            **{name: value for name, value in changes.items() if name not in known},
            **form.validated_data,
        }


def _editable(audit: Audit, by: Membership) -> Check:
    def check() -> None:
        require_recorder(audit, by)
        require_draft(audit)

    return check


def _amendable(audit: Audit, by: Membership, draft_message: str) -> Check:
    def check() -> None:
        require_recorder(audit, by)
        if not audit.is_final:
            raise StateConflict(draft_message)

    return check


# --- Audits ----------------------------------------------------------------------------


class AuditViewSet(
    FindingImportMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, AuditsViewSet
):
    """Audits your brand commissioned, audits other brands shared with you (read-only),
    and, for a supplier, the final audits of its facilities.

    A draft is edited with PATCH/PUT and frozen by POST `finalize/`; a final audit is
    corrected only by POST `amend/` with a reason. POST `share/` offers a final audit to
    another brand sourcing from the facility; it sees it once the supplier consents.
    """

    model = Audit
    serializer_class = serializers.AuditSerializer
    filterset_class = filters.AuditFilter
    ordering_fields = ["start_date", "end_date", "created_at", "status"]
    action_capabilities = {
        "create": Capability.RECORD_AUDIT,
        "update": Capability.RECORD_AUDIT,
        "partial_update": Capability.RECORD_AUDIT,
        "destroy": Capability.RECORD_AUDIT,
        "finalize": Capability.RECORD_AUDIT,
        "amend": Capability.RECORD_AUDIT,
        "report": Capability.RECORD_AUDIT,
        "share": Capability.SHARE_AUDIT,
        "import_findings": Capability.RECORD_AUDIT,
    }
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return with_finding_counts(queryset.select_related("facility", "brand"))

    @extend_schema(
        request=serializers.AuditCreateSerializer,
        responses={201: serializers.AuditSerializer},
        summary="Record a draft audit of a facility your brand sources from",
    )
    def create(self, request: Request) -> Response:
        data = self.parse(serializers.AuditCreateSerializer, request.data)
        facility_id = data.pop("facility")
        facility = Facility.objects.visible_to(self.membership).filter(pk=facility_id).first()
        if facility is None:
            raise ValidationError({"facility": [_("Choose a facility your brand sources from.")]})
        audit = audit_create(by=self.membership, facility=facility, **data)
        return Response(
            self.get_serializer(self.reread(audit.pk)).data, status=status.HTTP_201_CREATED
        )

    def _update(self, request: Request, *, partial: bool) -> Response:
        audit = self.get_object()
        _editable(audit, self.membership)()
        data = self.parse(serializers.AuditWriteSerializer, request.data, partial=partial)
        audit_update(audit=audit, by=self.membership, **data)
        return Response(self.get_serializer(self.reread(audit.pk)).data)

    @extend_schema(
        request=serializers.AuditWriteSerializer,
        summary="Replace a draft audit's fields (409 once final)",
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        request=serializers.AuditWriteSerializer,
        summary="Change a draft audit (409 once final: amend it instead)",
        description="A new first day re-resolves the law version each finding cites.",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=True)

    @extend_schema(summary="Delete a draft audit with its findings and observations")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        audit = self.get_object()
        _editable(audit, self.membership)()
        audit_delete(audit=audit, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=serializers.AuditSerializer,
        summary="Finalize: freeze the audit and give each finding its due date",
        description=(
            "Due dates come from your brand's severity policy, counted from the last day "
            "on site; findings that repeat a fix that did not hold are linked."
        ),
    )
    @action(detail=True, methods=["get", "post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        audit = self.get_object()

        def write() -> Response:
            audit_finalize(audit=audit, by=self.membership)
            return Response(self.get_serializer(self.reread(audit.pk)).data)

        return self.act(request, "finalize", _editable(audit, self.membership), write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.ShareOfferSerializer,
        responses={201: serializers.AuditShareSerializer},
        summary="Offer a final audit to another brand sourcing from the facility",
        description="The other brand sees the audit, read-only, once the supplier consents.",
    )
    @action(detail=True, methods=["get", "post"])
    def share(self, request: Request, pk: str | None = None) -> Response:
        audit = self.get_object()
        caller = self.membership

        def check() -> None:
            if audit.brand_id != caller.organization_id or not caller.can(Capability.SHARE_AUDIT):
                raise ActionForbidden(_("Only the brand that commissioned the audit can share it."))
            if not audit.is_final:
                raise StateConflict(_("Finalize the audit before sharing it."))

        def write() -> Response:
            data = self.parse(serializers.ShareOfferSerializer, request.data)
            offered = audit_share_offer(
                audit=audit, by=caller, brand_slug=data["brand"], message=data["message"]
            )
            share = AuditShareViewSet.shares_for(caller).get(pk=offered.pk)
            return Response(
                serializers.AuditShareSerializer(share).data, status=status.HTTP_201_CREATED
            )

        return self.act(request, "share", check, write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.AmendSerializer,
        responses={201: serializers.AmendmentSerializer},
        summary="Correct a final audit, with the reason (recorded)",
        description="The dates are not amended: they fix which law version findings cite.",
    )
    @action(detail=True, methods=["get", "post"])
    def amend(self, request: Request, pk: str | None = None) -> Response:
        audit = self.get_object()
        check = _amendable(
            audit,
            self.membership,
            _("A draft audit is edited directly; amendments are for final audits."),
        )

        def write() -> Response:
            data = self.parse(serializers.AmendSerializer, request.data)
            changes = self.changes(serializers.AuditWriteSerializer, data["changes"])
            amendment = audit_amend(
                audit=audit, by=self.membership, reason=data["reason"], **changes
            )
            return Response(
                serializers.AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED
            )

        return self.act(request, "amend", check, write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": serializers.ReportUploadSerializer},
        responses=serializers.AuditSerializer,
        summary="Attach the auditor's report (PDF or Word, checked by content)",
        description="On a final audit the new report is recorded as an amendment.",
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def report(self, request: Request, pk: str | None = None) -> Response:
        audit = self.get_object()

        def write() -> Response:
            data = self.parse(serializers.ReportUploadSerializer, request.data)
            audit_attach_report(audit=audit, by=self.membership, upload=data["file"])
            return Response(self.get_serializer(self.reread(audit.pk)).data)

        return self.act(request, "report", lambda: require_recorder(audit, self.membership), write)


# --- Findings --------------------------------------------------------------------------


def finding_rows(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Everything ``FindingSerializer`` reads, in the same query as the findings."""
    return queryset.select_related("audit__facility", "requirement__instrument", "code_clause")


class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuditsViewSet):
    """Findings of the audits you see. Recorded on a draft audit (POST with `audit`),
    edited while it is a draft, and corrected with POST `amend/` once it is final."""

    model = Finding
    serializer_class = serializers.FindingSerializer
    filterset_class = filters.FindingFilter
    ordering_fields = ["number", "severity", "category", "due_date", "created_at"]
    action_capabilities = {
        "create": Capability.RECORD_AUDIT,
        "update": Capability.RECORD_AUDIT,
        "partial_update": Capability.RECORD_AUDIT,
        "destroy": Capability.RECORD_AUDIT,
        "amend": Capability.RECORD_AUDIT,
        "law_reviewed": Capability.RECORD_AUDIT,
    }
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return finding_rows(queryset)

    @extend_schema(
        request=serializers.FindingCreateSerializer,
        responses={201: serializers.FindingSerializer},
        summary="Record a finding on a draft audit",
        description=(
            "`requirement` may name any version of the rule: the finding keeps the version "
            "in force on the audit's first day in the facility's country. A zero-tolerance "
            "finding alerts your brand's CSR staff at once."
        ),
    )
    def create(self, request: Request) -> Response:
        data = self.parse(serializers.FindingCreateSerializer, request.data)
        audit = self.audit_in_scope(data.pop("audit"))
        finding = finding_create(audit=audit, by=self.membership, **data)
        return Response(
            self.get_serializer(self.reread(finding.pk)).data, status=status.HTTP_201_CREATED
        )

    def _update(self, request: Request, *, partial: bool) -> Response:
        finding = self.get_object()
        _editable(finding.audit, self.membership)()
        data = self.parse(serializers.FindingWriteSerializer, request.data, partial=partial)
        finding_update(finding=finding, by=self.membership, **data)
        return Response(self.get_serializer(self.reread(finding.pk)).data)

    @extend_schema(
        request=serializers.FindingWriteSerializer,
        summary="Replace a finding of a draft audit (409 once final)",
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        request=serializers.FindingWriteSerializer,
        summary="Change a finding of a draft audit (409 once final: amend it instead)",
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._update(request, partial=True)

    @extend_schema(summary="Remove a finding from a draft audit")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        finding = self.get_object()
        _editable(finding.audit, self.membership)()
        finding_delete(finding=finding, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.AmendSerializer,
        responses={201: serializers.AmendmentSerializer},
        summary="Correct a finding of a final audit, with the reason (recorded)",
        description="A new severity gets the due date your severity policy gives it.",
    )
    @action(detail=True, methods=["get", "post"])
    def amend(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()
        check = _amendable(
            finding.audit, self.membership, _("A finding of a draft audit is edited directly.")
        )

        def write() -> Response:
            data = self.parse(serializers.AmendSerializer, request.data)
            changes = self.changes(serializers.FindingWriteSerializer, data["changes"])
            amendment = finding_amend(
                finding=finding, by=self.membership, reason=data["reason"], **changes
            )
            return Response(
                serializers.AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED
            )

        return self.act(request, "amend", check, write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.LawReviewedSerializer,
        responses=serializers.FindingSerializer,
        summary="Record that the finding was checked against the new version of its law",
    )
    @action(detail=True, methods=["get", "post"], url_path="law-reviewed")
    def law_reviewed(self, request: Request, pk: str | None = None) -> Response:
        finding = self.get_object()

        def check() -> None:
            require_recorder(finding.audit, self.membership)
            if not finding.law_review_needed:
                raise StateConflict(_("This finding is not waiting for a law review."))

        def write() -> Response:
            data = self.parse(serializers.LawReviewedSerializer, request.data)
            finding_law_reviewed(finding=finding, by=self.membership, note=data["note"])
            return Response(self.get_serializer(self.reread(finding.pk)).data)

        return self.act(request, "law_reviewed", check, write)


# --- Observations ----------------------------------------------------------------------


class ObservationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuditsViewSet):
    """What auditors measured, checked against the law in force on the audit date. A
    breach is a suggested finding (`suggestion: pending`): POST `accept/` makes it a
    finding, POST `dismiss/` sets it aside with a reason."""

    model = Observation
    serializer_class = serializers.ObservationSerializer
    filterset_class = filters.ObservationFilter
    ordering_fields = ["created_at", "metric"]
    action_capabilities = {
        "create": Capability.RECORD_AUDIT,
        "destroy": Capability.RECORD_AUDIT,
        "accept": Capability.RECORD_AUDIT,
        "dismiss": Capability.RECORD_AUDIT,
    }
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("audit", "requirement__instrument", "code_clause")

    @extend_schema(
        request=serializers.ObservationCreateSerializer,
        responses={
            201: serializers.ObservationSerializer,
            200: OpenApiResponse(
                serializers.ObservationSerializer, description="The measure was recorded again."
            ),
        },
        summary="Record a measured value on a draft audit and check it against the law",
        description="One value per measure and audit: recording it again replaces it.",
    )
    def create(self, request: Request) -> Response:
        data = self.parse(serializers.ObservationCreateSerializer, request.data)
        audit = self.audit_in_scope(data.pop("audit"))
        again = Observation.objects.filter(audit=audit, metric=data["metric"]).exists()
        observation = observation_record(audit=audit, by=self.membership, **data)
        return Response(
            self.get_serializer(self.reread(observation.pk)).data,
            status=status.HTTP_200_OK if again else status.HTTP_201_CREATED,
        )

    @extend_schema(summary="Delete an observation of a draft audit")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        observation = self.get_object()
        _editable(observation.audit, self.membership)()
        observation_delete(observation=observation, by=self.membership)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _pending(self, observation: Observation) -> Check:
        def check() -> None:
            _editable(observation.audit, self.membership)()
            if observation.suggestion != Observation.Suggestion.PENDING:
                raise StateConflict(_("There is no suggested finding waiting for a decision."))

        return check

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.ObservationAcceptSerializer,
        responses={201: serializers.FindingSerializer},
        summary="Accept the suggested finding (optionally changing its severity or text)",
    )
    @action(detail=True, methods=["get", "post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        observation = self.get_object()

        def write() -> Response:
            data = self.parse(serializers.ObservationAcceptSerializer, request.data)
            made = observation_accept(observation=observation, by=self.membership, **data)
            finding = finding_rows(Finding.objects.visible_to(self.membership)).get(pk=made.pk)
            body = serializers.FindingSerializer(finding, context=self.get_serializer_context())
            return Response(body.data, status=status.HTTP_201_CREATED)

        return self.act(request, "accept", self._pending(observation), write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.ReasonSerializer,
        responses=serializers.ObservationSerializer,
        summary="Dismiss the suggested finding, saying why",
    )
    @action(detail=True, methods=["get", "post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        observation = self.get_object()

        def write() -> Response:
            data = self.parse(serializers.ReasonSerializer, request.data)
            observation_dismiss(observation=observation, by=self.membership, reason=data["reason"])
            return Response(self.get_serializer(self.reread(observation.pk)).data)

        return self.act(request, "dismiss", self._pending(observation), write)


# --- Audit shares ----------------------------------------------------------------------


class AuditShareViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, AuditsViewSet):
    """Shares of final audits between brands sourcing from the same facility.

    The offering brand sees all its offers; the receiving brand only a share in force;
    the supplier every share of its facilities' audits, and consents or declines.
    Either the offering brand or the supplier revokes.
    """

    model = AuditShare
    serializer_class = serializers.AuditShareSerializer
    filterset_class = filters.AuditShareFilter
    ordering_fields = ["offered_at", "status"]
    action_capabilities = {
        "consent": Capability.CONSENT_AUDIT_SHARE,
        "decline": Capability.CONSENT_AUDIT_SHARE,
    }
    http_method_names = ["get", "post", "head", "options"]

    @staticmethod
    def shares_for(membership: Membership) -> QuerySet[AuditShare]:
        return AuditShare.objects.visible_to(membership).select_related(
            "audit__facility", "audit__brand", "brand"
        )

    def scope(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("audit__facility", "audit__brand", "brand")

    def _answerable(self, share: AuditShare) -> Check:
        def check() -> None:
            _require_consenter(share, self.membership)
            if share.status != AuditShare.Status.PENDING:
                raise StateConflict(_("Only a sharing request awaiting consent can be answered."))

        return check

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=serializers.AuditShareSerializer,
        summary="Consent to the share (the supplier's administrator)",
    )
    @action(detail=True, methods=["get", "post"])
    def consent(self, request: Request, pk: str | None = None) -> Response:
        share = self.get_object()

        def write() -> Response:
            audit_share_consent(share=share, by=self.membership)
            return Response(self.get_serializer(self.reread(share.pk)).data)

        return self.act(request, "consent", self._answerable(share), write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.ReasonSerializer,
        responses=serializers.AuditShareSerializer,
        summary="Decline the share (the supplier's administrator)",
    )
    @action(detail=True, methods=["get", "post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        share = self.get_object()

        def write() -> Response:
            data = self.parse(serializers.ReasonSerializer, request.data)
            audit_share_decline(share=share, by=self.membership, reason=data["reason"])
            return Response(self.get_serializer(self.reread(share.pk)).data)

        return self.act(request, "decline", self._answerable(share), write)

    @AVAILABILITY
    @extend_schema(
        methods=["POST"],
        request=serializers.ReasonSerializer,
        responses=serializers.AuditShareSerializer,
        summary="Revoke the share (the offering brand or the supplier)",
        description="The other brand loses sight of the audit at once.",
    )
    @action(detail=True, methods=["get", "post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        share = self.get_object()
        caller = self.membership

        def check() -> None:
            offering = share.audit.brand_id == caller.organization_id and caller.can(
                Capability.SHARE_AUDIT
            )
            supplier = share.audit.facility.supplier_id == caller.organization_id and caller.can(
                Capability.CONSENT_AUDIT_SHARE
            )
            if not (offering or supplier):
                raise ActionForbidden(
                    _(
                        "Only the brand that shared the audit or the supplier's administrator "
                        "can revoke it."
                    )
                )
            if share.status not in (AuditShare.Status.PENDING, AuditShare.Status.ACTIVE):
                raise StateConflict(_("This share is no longer in force."))

        def write() -> Response:
            data = self.parse(serializers.ReasonSerializer, request.data)
            audit_share_revoke(share=share, by=caller, reason=data["reason"])
            # Both who may revoke (offering brand, supplier) still see a revoked share.
            return Response(self.get_serializer(self.reread(share.pk)).data)

        return self.act(request, "revoke", check, write)


# --- Severity policy -------------------------------------------------------------------


class SeverityPolicyView(APIView):
    """Your brand's deadlines per severity, applied when an audit is finalized.

    Every brand member reads it; administrators change it. Suppliers and partners have
    no severity policy: 404.
    """

    permission_classes = [IsTenantMember]

    def _brand_member(self, request: Request) -> Membership:
        membership = request_membership(request)
        if membership is None or not membership.is_brand:
            raise NotFound
        return membership

    @extend_schema(responses=serializers.SeverityPolicySerializer, summary="Your severity policy")
    def get(self, request: Request) -> Response:
        membership = self._brand_member(request)
        policy = severity_policy_for(membership.organization_id)
        return Response(serializers.SeverityPolicySerializer(policy).data)

    def _write(self, request: Request, *, partial: bool) -> Response:
        membership = self._brand_member(request)
        if not membership.can(Capability.MANAGE_SEVERITY_POLICY):
            raise ActionForbidden(_("Only an administrator can change the severity policy."))
        form = serializers.SeverityPolicyWriteSerializer(data=request.data, partial=partial)
        form.is_valid(raise_exception=True)
        policy = severity_policy_update(by=membership, **form.validated_data)
        return Response(serializers.SeverityPolicySerializer(policy).data)

    @extend_schema(
        request=serializers.SeverityPolicyWriteSerializer,
        responses=serializers.SeverityPolicySerializer,
        summary="Set every deadline of your severity policy (administrators)",
    )
    def put(self, request: Request) -> Response:
        return self._write(request, partial=False)

    @extend_schema(
        request=serializers.SeverityPolicyWriteSerializer,
        responses=serializers.SeverityPolicySerializer,
        summary="Change some deadlines of your severity policy (administrators)",
        description="Applies to audits finalized from now on.",
    )
    def patch(self, request: Request) -> Response:
        return self._write(request, partial=True)
