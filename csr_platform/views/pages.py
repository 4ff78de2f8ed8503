"""The home page, the organization switcher, the language chooser and /healthz."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from csr_platform.models import ApiToken, Invitation, Membership, SecurityEvent
from csr_platform.permissions import Capability
from csr_platform.tenancy import switch_membership
from csr_platform.views.mixins import TenantPageMixin


def _next_url(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


class HomeView(TenantPageMixin, TemplateView):
    """The signed-in start page: who you act as, and what needs an admin's eye."""

    template_name = "home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.membership
        now = timezone.now()
        context["my_keys"] = (
            ApiToken.objects.visible_to(membership)
            .filter(membership=membership, revoked_at__isnull=True)
            .count()
        )
        if membership.can(Capability.MANAGE_MEMBERS):
            context["member_count"] = (
                Membership.objects.visible_to(membership).filter(is_active=True).count()
            )
            context["pending_invitations"] = (
                Invitation.objects.visible_to(membership)
                .filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
                .count()
            )
        if membership.can(Capability.VIEW_SECURITY_EVENTS):
            context["recent_events"] = list(
                SecurityEvent.objects.visible_to(membership).select_related("actor")[:5]
            )
        return context


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    membership = switch_membership(request, request.POST.get("membership", ""))
    if membership is None:
        messages.error(request, _("You are not a member of that organization."))
    else:
        messages.success(
            request, _("You now act for %(name)s.") % {"name": membership.organization.name}
        )
    # The previous page may belong to the other organization: start from home.
    return redirect("home")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Choose the interface language; saved on the account when signed in."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_next_url(request))
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and broker reachability, for load balancers. 503 when either fails."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — any failure means "not healthy"
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        from csr_platform.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)
