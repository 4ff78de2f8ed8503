"""Shared audits in the browser (DESIGN.md §3, issue item 6).

- The commissioning brand offers a final audit to another brand that sources from the
  same facility (``AuditShareOfferPage``), naming it by its identifier (slug).
- The supplier's administrator consents or declines in the supplier's portal
  (``AuditShareListPage`` as the supplier sees it); until then the other brand sees
  nothing, not even the offer.
- Either the offering brand or the supplier revokes a share; the audit disappears from
  the other brand at once.

Every change goes through ``audits.services.sharing``; the pages hide the buttons a
role would be refused and show the service's refusal (400/403/409) when a stale page
posts anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from audits.models import Audit, AuditShare
from audits.services.sharing import (
    audit_share_consent,
    audit_share_decline,
    audit_share_offer,
    audit_share_revoke,
)
from csr_platform.errors import DomainError
from csr_platform.models import Membership
from csr_platform.permissions import Capability
from csr_platform.views.mixins import TenantPageMixin, domain_error_response, page_of
from suppliers.forms import ServiceForm

Status = AuditShare.Status
# Long enough for a reason, short enough that nobody pastes a report into it.
MESSAGE_MAX = 2000
# The columns every share row shows; one query for the whole page of rows.
SHARE_RELATED = ("audit__facility", "audit__brand", "brand", "offered_by")


class ShareOfferForm(ServiceForm):
    brand = forms.CharField(
        label=gettext_lazy("The other brand's identifier"),
        max_length=80,
        help_text=gettext_lazy(
            "Ask the other brand for it: it is shown on its “Shared audits” page."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    message = forms.CharField(
        label=gettext_lazy("Message to the supplier"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Why you want to share this audit; the supplier reads it."),
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "forbidden.html", status=403)


def _back(request: HttpRequest, fallback: str) -> str:
    """Where the button was pressed (a page of this app), else ``fallback``."""
    target = request.POST.get("next", "")
    if target.startswith(reverse("audit_list")) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Offering an audit -------------------------------------------------------------------


class AuditShareOfferPage(TenantPageMixin, View):
    """Offer one final audit to another brand, and see this audit's shares."""

    template_name = "audits/share_offer.html"

    def get_audit(self, pk: Any) -> Audit:
        return get_object_or_404(self.visible(Audit).select_related("facility", "brand"), pk=pk)

    def may_share(self, audit: Audit) -> bool:
        # A brand that only reads a shared audit never passes it on; the supplier
        # consents but does not offer.
        return audit.brand_id == self.membership.organization_id and self.membership.can(
            Capability.SHARE_AUDIT
        )

    def context(self, audit: Audit, form: ShareOfferForm | None = None) -> dict[str, Any]:
        shares = (
            self.visible(AuditShare)
            .filter(audit=audit)
            .select_related("brand", "offered_by", "answered_by", "revoked_by")
            .order_by("-offered_at")
        )
        return {
            "audit": audit,
            "form": form or ShareOfferForm(),
            "page": page_of(self.request, shares),
            "live_statuses": (Status.PENDING, Status.ACTIVE),
        }

    def get(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        if not self.may_share(audit):
            return _forbidden(request)
        return render(request, self.template_name, self.context(audit))

    def post(self, request: HttpRequest, pk: Any) -> HttpResponse:
        audit = self.get_audit(pk)
        if not self.may_share(audit):
            return _forbidden(request)
        form = ShareOfferForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(audit, form), status=400)
        try:
            share = audit_share_offer(
                audit=audit,
                by=self.membership,
                brand_slug=form.cleaned_data["brand"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
            return render(request, self.template_name, self.context(audit, form), status=400)
        except DomainError as exc:
            return domain_error_response(
                request, exc, self.template_name, self.context(audit, form)
            )
        messages.success(
            request,
            _(
                "The audit was offered to %(brand)s. The supplier is asked to consent; "
                "%(brand)s sees nothing until then."
            )
            % {"brand": share.brand.name},
        )
        return redirect("audit_share_offer", pk=audit.pk)


# --- The list: a brand's offers and received audits, a supplier's requests -----------------


def _tabs(membership: Membership) -> dict[str, tuple[str, Q]]:
    """The lists this organization has, each with its label and rule over the shares
    it sees (``AuditShare.objects.visible_to``); the first is the default."""
    org = membership.organization_id
    if membership.is_brand:
        return {
            "offered": (_("Offered by you"), Q(audit__brand_id=org)),
            "received": (_("Shared with you"), Q(brand_id=org, status=Status.ACTIVE)),
        }
    return {
        "awaiting": (_("Awaiting your consent"), Q(status=Status.PENDING)),
        "active": (_("Shared now"), Q(status=Status.ACTIVE)),
    }


class AuditShareListPage(TenantPageMixin, View):
    template_name = "audits/share_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        membership = getattr(request, "membership", None)
        # Partners take no part in sharing: there is nothing here for them.
        if membership is not None and membership.is_partner:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def context(self, show: str) -> dict[str, Any]:
        membership = self.membership
        tabs = _tabs(membership)
        if show not in tabs:
            show = next(iter(tabs))
        visible: QuerySet[AuditShare] = self.visible(AuditShare)
        counts = visible.aggregate(
            **{name: Count("pk", filter=rule) for name, (_label, rule) in tabs.items()}
        )
        rows = visible.filter(tabs[show][1]).select_related(*SHARE_RELATED).order_by("-offered_at")
        return {
            "show": show,
            "tabs": [
                {"name": name, "label": label, "count": counts[name], "current": name == show}
                for name, (label, _rule) in tabs.items()
            ],
            "page": page_of(self.request, rows),
            "can_share": membership.can(Capability.SHARE_AUDIT),
            "live_statuses": (Status.PENDING, Status.ACTIVE),
        }

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, self.context(request.GET.get("show", "")))


def _consent(view: AuditShareDecisionView, share: AuditShare, reason: str) -> str:
    share = audit_share_consent(share=share, by=view.membership)
    return _("You consented: %(brand)s now sees the audit of %(facility)s, read-only.") % {
        "brand": share.brand.name,
        "facility": share.audit.facility.name,
    }


def _decline(view: AuditShareDecisionView, share: AuditShare, reason: str) -> str:
    share = audit_share_decline(share=share, by=view.membership, reason=reason)
    return _("You declined to share the audit of %(facility)s with %(brand)s.") % {
        "brand": share.brand.name,
        "facility": share.audit.facility.name,
    }


def _revoke(view: AuditShareDecisionView, share: AuditShare, reason: str) -> str:
    share = audit_share_revoke(share=share, by=view.membership, reason=reason)
    return _("Sharing with %(brand)s was revoked: it no longer sees the audit of %(facility)s.") % {
        "brand": share.brand.name,
        "facility": share.audit.facility.name,
    }


DECISIONS: dict[str, Callable[[AuditShareDecisionView, AuditShare, str], str]] = {
    "consent": _consent,
    "decline": _decline,
    "revoke": _revoke,
}


class AuditShareDecisionView(AuditShareListPage):
    """POST consent | decline | revoke for one share. A share the caller does not see
    (another brand's pending offer) is a 404; a role that may not answer gets 403 and a
    share no longer in that state 409, each on the list page with the reason."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: Any, decision: str) -> HttpResponse:
        act = DECISIONS.get(decision)
        if act is None:
            raise Http404
        share = get_object_or_404(
            self.visible(AuditShare).select_related("audit__facility", "brand"), pk=pk
        )
        reason = request.POST.get("reason", "").strip()[:MESSAGE_MAX]
        try:
            message = act(self, share, reason)
        except (DomainError, ValidationError) as exc:
            return domain_error_response(
                request, exc, self.template_name, self.context(request.POST.get("show", ""))
            )
        messages.success(request, message)
        return redirect(_back(request, reverse("audit_share_list")))
