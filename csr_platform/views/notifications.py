"""The notification centre: the acting membership's own notifications, newest first.

Notifications belong to a membership, so someone who belongs to two organizations sees
each organization's alerts only while acting for it; another person's notification is
a 404 like any object outside the caller's visibility.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from csr_platform.models import Notification
from csr_platform.services.notifications import (
    notification_mark_read,
    notifications_mark_all_read,
)
from csr_platform.views.mixins import TenantPageMixin, page_of


class NotificationListPage(TenantPageMixin, View):
    template_name = "notifications/list.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = self.visible(Notification).order_by("-created_at", "-pk")
        only_unread = request.GET.get("unread") == "1"
        if only_unread:
            rows = rows.filter(read_at__isnull=True)
        context = {"page": page_of(request, rows), "only_unread": only_unread}
        return render(request, self.template_name, context)


class NotificationReadView(TenantPageMixin, View):
    """Mark one notification read. With ``open`` it then goes where the notification
    points, so following a link and reading it are one click."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: str) -> HttpResponse:
        notification = get_object_or_404(self.visible(Notification), pk=pk)
        notification_mark_read(notification=notification)
        target = notification.url
        # The link is written by the product, but it is stored data: never follow it
        # off the site.
        if (
            "open" in request.POST
            and target
            and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            return redirect(target)
        return redirect(_back_to_list(request))


class NotificationsReadAllView(TenantPageMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        count = notifications_mark_all_read(membership=self.membership)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)s notification marked read.",
                    "%(count)s notifications marked read.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, _("Nothing was unread."))
        return redirect("notification_list")


def _back_to_list(request: HttpRequest) -> str:
    """The list page the button was pressed on (its page and filter), else the first."""
    home = reverse("notification_list")
    target = request.POST.get("next", "")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return home
