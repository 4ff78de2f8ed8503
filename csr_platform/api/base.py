"""The one base viewset every tenant-scoped API resource uses.

``get_queryset`` goes through the model's ``visible_to`` (so an object outside the
caller's visibility is a 404), and ``action_capabilities`` says which role may take
each action (403 on a visible object). Services raise ``StateConflict`` for 409.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from csr_platform.api.permissions import IsTenantMember
from csr_platform.api.serializers import ActionAvailabilitySerializer
from csr_platform.errors import DomainError
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.tenancy import request_membership


class ActionCapability(BasePermission):
    """Checks ``view.action_capabilities``: after the object lookup for detail actions,
    so an invisible object is a 404 before it can be a 403."""

    message = _("Your role does not allow this action.")

    def _allowed(self, request: Request, view: Any) -> bool:
        capability = view.action_capabilities.get(view.action)
        if capability is None:
            return True
        membership = request_membership(request)
        return membership is not None and membership.can(capability)

    def has_permission(self, request: Request, view: Any) -> bool:
        if (view.lookup_url_kwarg or view.lookup_field) in view.kwargs:
            return True
        return self._allowed(request, view)

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        return self._allowed(request, view)


AVAILABILITY = extend_schema(
    methods=["GET"],
    request=None,
    responses=ActionAvailabilitySerializer,
    description=(
        "Whether you may take this action now: `allowed`, or the `status` (403 for your "
        "role, 409 for the object's state) and the reason a POST would get. The request "
        "body is checked only on POST."
    ),
)


class WriteCapability(ActionCapability):
    """``action_capabilities`` for writes. A GET on an action URL is open to whoever
    sees the object and answers whether the action is available (``action_availability``)."""

    def _allowed(self, request: Request, view: Any) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super()._allowed(request, view)


def action_availability(action_name: str, check: Callable[[], None]) -> Response:
    try:
        check()
    except DomainError as exc:
        body = {"action": action_name, "allowed": False, "status": exc.status_code}
        return Response({**body, "detail": exc.message})
    return Response({"action": action_name, "allowed": True, "status": None, "detail": ""})


class TenantViewSet(viewsets.GenericViewSet):
    model: ClassVar[type[models.Model]]
    action_capabilities: ClassVar[dict[str, Capability]] = {}
    permission_classes = [IsTenantMember, ActionCapability]
    lookup_value_regex = "[0-9a-f-]{36}"

    @property
    def membership(self) -> Membership:
        membership = request_membership(self.request)
        assert membership is not None, "IsTenantMember guarantees a membership"
        return membership

    def get_queryset(self) -> models.QuerySet[Any]:
        manager: Any = self.model._default_manager
        if getattr(self, "swagger_fake_view", False):  # schema generation has no tenant
            return manager.none()
        return self.scope(manager.visible_to(request_membership(self.request)))

    def scope(self, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        """Hook for ``select_related``/annotations; never widens the visible rows."""
        return queryset


Check = Callable[[], None]


class DomainViewSet(TenantViewSet):
    """The base of the domain apps' viewsets: GET on an action URL answers whether it
    is available; writes parse their body with a serializer and call a service, then
    answer with the object read again through the caller's scope."""

    permission_classes = [IsTenantMember, WriteCapability]

    @property
    def caller(self) -> Membership | None:
        """The acting membership, or None while the OpenAPI schema is generated."""
        return request_membership(self.request) if self.request is not None else None

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "membership": self.caller}

    def reread(self, pk: Any) -> Any:
        """An object after a write, read again through the caller's scope."""
        return self.get_queryset().get(pk=pk)

    def parse(self, serializer_class: type[Any], data: Any, **kwargs: Any) -> Any:
        form = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        form.is_valid(raise_exception=True)
        return dict(form.validated_data)

    def act(
        self, request: Request, name: str, check: Check, write: Callable[[], Response]
    ) -> Response:
        """GET answers whether the action is available; POST checks the same first, so
        a forbidden or impossible action is a 403 or 409 whatever the body holds."""
        if request.method == "GET":
            return action_availability(name, check)
        check()
        return write()
