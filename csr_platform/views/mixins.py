"""The page counterpart of ``TenantViewSet``: every tenant page reads through it."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from csr_platform.errors import DomainError
from csr_platform.models import Membership
from csr_platform.permissions import Capability

# Rows per page on every list page.
PAGE_SIZE = 50


def page_of(request: HttpRequest, rows: Any) -> Page[Any]:
    """The page of ``rows`` the request asks for (``?page=``), ``PAGE_SIZE`` per page."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


class TenantPageMixin(LoginRequiredMixin):
    """Signed in, acting for a membership, and (optionally) holding a capability.

    ``visible(Model)`` is the only way a page reads tenant rows, so an object outside
    the membership's visibility is a 404 exactly as in the API.
    """

    required_capability: ClassVar[Capability | None] = None
    request: HttpRequest

    @property
    def membership(self) -> Membership:
        return self.request.membership  # type: ignore[attr-defined]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "membership", None) is None:
            return render(request, "no_organization.html", status=403)
        if self.required_capability and not request.membership.can(  # type: ignore[attr-defined]
            self.required_capability
        ):
            return render(request, "forbidden.html", status=403)
        return super().dispatch(request, *args, **kwargs)

    def visible(self, model: type[models.Model]) -> models.QuerySet[Any]:
        return model.objects.visible_to(self.membership)  # type: ignore[attr-defined]


def domain_error_response(
    request: HttpRequest,
    error: DomainError | ValidationError,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Re-render a page with the service's refusal and its HTTP status (400/403/409)."""
    if isinstance(error, ValidationError):
        messages = error.messages
        status = 400
    else:
        messages = [error.message]
        status = error.status_code
    return render(request, template, {**context, "action_errors": messages}, status=status)
