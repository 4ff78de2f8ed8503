"""Organization settings: profile, members and invitations, API keys, security events."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import UpdateView

from csr_platform.errors import DomainError
from csr_platform.forms import ApiTokenForm, InvitationForm, ProfileForm, RoleForm
from csr_platform.models import ApiToken, Invitation, Membership, SecurityEvent, User
from csr_platform.permissions import Capability
from csr_platform.roles import Role
from csr_platform.services.invitations import invitation_create, invitation_revoke
from csr_platform.services.members import membership_change_role, membership_remove
from csr_platform.services.tokens import api_token_issue, api_token_revoke
from csr_platform.views.mixins import PAGE_SIZE, TenantPageMixin, page_of


class ProfileView(TenantPageMixin, UpdateView):  # type: ignore[type-arg,unused-ignore]
    template_name = "settings/profile.html"
    form_class = ProfileForm

    def get_object(self, queryset: Any = None) -> User:
        return self.request.user  # type: ignore[return-value]

    def get_success_url(self) -> str:
        messages.success(self.request, _("Your profile was saved."))
        return reverse("settings_profile")


class MembersPage(TenantPageMixin, View):
    """Members of the organization; admins also invite, change roles and remove."""

    template_name = "settings/members.html"

    def context(self, **extra: Any) -> dict[str, Any]:
        membership = self.membership
        rows = Membership.objects.visible_to(membership).select_related("user")
        query = self.request.GET.get("q", "").strip()
        if query:
            rows = rows.filter(
                Q(user__email__icontains=query) | Q(user__full_name__icontains=query)
            )
        role = self.request.GET.get("role", "")
        if role in Role.values:
            rows = rows.filter(role=role)
        context: dict[str, Any] = {
            "page": page_of(self.request, rows.order_by("-is_active", "user__email")),
            "q": query,
            "role_filter": role,
            "roles": Membership._meta.get_field("role").choices,
            "kind": membership.organization.kind,
        }
        if membership.can(Capability.MANAGE_MEMBERS):
            kind = membership.organization.kind
            context["invite_form"] = extra.pop("invite_form", None) or InvitationForm(kind=kind)
            context["role_form"] = RoleForm(kind=kind)
            context["invitations"] = (
                Invitation.objects.visible_to(membership)
                .filter(accepted_at__isnull=True, revoked_at__isnull=True)
                .select_related("invited_by")[:PAGE_SIZE]
            )
        return {**context, **extra}

    def page(self, status: int = 200, **extra: Any) -> HttpResponse:
        return render(self.request, self.template_name, self.context(**extra), status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def refused(self, error: DomainError | ValidationError, **extra: Any) -> HttpResponse:
        if isinstance(error, ValidationError):
            return self.page(status=400, action_errors=error.messages, **extra)
        return self.page(status=error.status_code, action_errors=[error.message], **extra)


class InviteView(MembersPage):
    required_capability = Capability.MANAGE_MEMBERS

    def post(self, request: HttpRequest) -> HttpResponse:
        form = InvitationForm(request.POST, kind=self.membership.organization.kind)
        if not form.is_valid():
            return self.page(status=400, invite_form=form)
        try:
            invitation, _secret = invitation_create(
                by=self.membership,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except (DomainError, ValidationError) as exc:
            return self.refused(exc, invite_form=form)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("settings_members")


class InvitationRevokeView(MembersPage):
    required_capability = Capability.MANAGE_MEMBERS

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        invitation = get_object_or_404(self.visible(Invitation), pk=pk)
        try:
            invitation_revoke(invitation=invitation, by=self.membership, request=request)
        except DomainError as exc:
            return self.refused(exc)
        messages.success(
            request, _("Invitation to %(email)s revoked.") % {"email": invitation.email}
        )
        return redirect("settings_members")


class MemberRoleView(MembersPage):
    required_capability = Capability.MANAGE_MEMBERS

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        member = get_object_or_404(self.visible(Membership).select_related("user"), pk=pk)
        form = RoleForm(request.POST, kind=self.membership.organization.kind)
        if not form.is_valid():
            return self.page(status=400, action_errors=[_("Choose a valid role.")])
        try:
            membership_change_role(
                membership=member,
                role=form.cleaned_data["role"],
                by=self.membership,
                request=request,
            )
        except (DomainError, ValidationError) as exc:
            return self.refused(exc)
        messages.success(request, _("%(email)s's role was changed.") % {"email": member.user.email})
        return redirect("settings_members")


class MemberRemoveView(MembersPage):
    required_capability = Capability.MANAGE_MEMBERS

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        member = get_object_or_404(self.visible(Membership).select_related("user"), pk=pk)
        try:
            membership_remove(membership=member, by=self.membership, request=request)
        except DomainError as exc:
            return self.refused(exc)
        messages.success(request, _("%(email)s was removed.") % {"email": member.user.email})
        return redirect("settings_members")


class TokensPage(TenantPageMixin, View):
    """API keys: issue (the key is shown once), see when each was last used, revoke."""

    template_name = "settings/tokens.html"

    def _members(self) -> Any:
        if not self.membership.can(Capability.MANAGE_API_TOKENS):
            return None
        return self.visible(Membership).filter(is_active=True).select_related("user")

    def page(self, status: int = 200, **extra: Any) -> HttpResponse:
        rows = self.visible(ApiToken).select_related("membership__user")
        context = {
            "page": page_of(self.request, rows),
            "form": extra.pop("form", None) or ApiTokenForm(members=self._members()),
            "oversees_all": self.membership.can(Capability.MANAGE_API_TOKENS),
            **extra,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page()

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ApiTokenForm(request.POST, members=self._members())
        if not form.is_valid():
            return self.page(status=400, form=form)
        try:
            token, key = api_token_issue(
                membership=form.cleaned_data.get("membership") or self.membership,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data.get("expires_at"),
                by=self.membership,
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.page(status=400, form=form)
        except DomainError as exc:
            return self.page(status=exc.status_code, form=form, action_errors=[exc.message])
        return self.page(status=201, new_token=token, new_key=key)


class TokenRevokeView(TokensPage):
    def post(self, request: HttpRequest, pk: str) -> HttpResponse:  # type: ignore[override]
        token = get_object_or_404(self.visible(ApiToken).select_related("membership"), pk=pk)
        try:
            api_token_revoke(token=token, by=self.membership, request=request)
        except DomainError as exc:
            return self.page(status=exc.status_code, action_errors=[exc.message])
        messages.success(request, _("The key “%(name)s” was revoked.") % {"name": token.name})
        return redirect("settings_tokens")


class SecurityEventsPage(TenantPageMixin, View):
    required_capability = Capability.VIEW_SECURITY_EVENTS
    template_name = "settings/security.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = self.visible(SecurityEvent).select_related("actor")
        kind = request.GET.get("kind", "")
        if kind in SecurityEvent.Kind.values:
            rows = rows.filter(kind=kind)
        account = request.GET.get("account", "").strip()
        if account:
            rows = rows.filter(subject_email__icontains=account)
        context = {
            "page": page_of(request, rows),
            "kinds": SecurityEvent.Kind.choices,
            "kind_filter": kind,
            "account": account,
        }
        return render(request, self.template_name, context)
