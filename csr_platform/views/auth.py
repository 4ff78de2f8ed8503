"""Signing in and out, lockout, password reset and accepting invitations."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from csr_platform.errors import DomainError
from csr_platform.forms import AcceptInvitationForm, EmailAuthenticationForm
from csr_platform.models import SecurityEvent, User
from csr_platform.services.invitations import invitation_accept, invitation_for_secret
from csr_platform.services.security import security_event_record
from csr_platform.tenancy import SESSION_KEY


class LoginView(auth_views.LoginView):
    template_name = "auth/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def locked_out(request: HttpRequest, response: Any = None, credentials: Any = None) -> HttpResponse:
    """What django-axes answers once an account is locked from an address."""
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if request.path.startswith("/api/"):
        # API clients get the API's one error shape, not the sign-in page.
        detail = _(
            "Too many failed sign-ins: this account is locked from your address for "
            "%(minutes)s minutes."
        ) % {"minutes": minutes}
        return JsonResponse({"status": 429, "code": "locked_out", "detail": detail}, status=429)
    return render(request, "auth/locked_out.html", {"minutes": minutes}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "auth/password_reset.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].lower()
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_RESET_REQUESTED,
            request=self.request,
            subject=User.objects.filter(email=email).first(),
            subject_email=email,
        )
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "settings/password.html"

    def get_success_url(self) -> str:
        return reverse("settings_profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED,
            request=self.request,
            actor=self.request.user,  # type: ignore[arg-type]
            subject=self.request.user,  # type: ignore[arg-type]
        )
        messages.success(self.request, _("Your password was changed."))
        return response


class InvitationAcceptView(View):
    """The link in an invitation e-mail: create an account or join with the one you have."""

    template_name = "auth/invitation_accept.html"

    def _context(self, secret: str) -> dict[str, Any]:
        invitation = invitation_for_secret(secret)
        account_exists = bool(invitation and User.objects.filter(email=invitation.email).exists())
        return {"invitation": invitation, "account_exists": account_exists}

    def get(self, request: HttpRequest, secret: str) -> HttpResponse:
        context = self._context(secret)
        if context["invitation"] is None:
            return render(request, self.template_name, context, status=404)
        return render(request, self.template_name, {**context, "form": AcceptInvitationForm()})

    def post(self, request: HttpRequest, secret: str) -> HttpResponse:
        context = self._context(secret)
        if context["invitation"] is None:
            return render(request, self.template_name, context, status=404)
        signed_in = cast(User, request.user) if request.user.is_authenticated else None
        form = AcceptInvitationForm(request.POST)
        if signed_in is None and not form.is_valid():
            return render(request, self.template_name, {**context, "form": form}, status=400)
        try:
            membership = invitation_accept(
                secret=secret,
                user=signed_in,
                password=form.cleaned_data.get("password", "") if signed_in is None else "",
                full_name=form.cleaned_data.get("full_name", "") if signed_in is None else "",
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return render(request, self.template_name, {**context, "form": form}, status=400)
        except DomainError as exc:
            return render(
                request,
                self.template_name,
                {**context, "form": form, "action_errors": [exc.message]},
                status=exc.status_code,
            )
        if signed_in is None:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        request.session[SESSION_KEY] = str(membership.pk)
        messages.success(
            request,
            _("Welcome to %(organization)s.") % {"organization": membership.organization.name},
        )
        return redirect("home")
