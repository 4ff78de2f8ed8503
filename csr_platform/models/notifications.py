from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from csr_platform.models.organizations import Membership
from csr_platform.querysets import NotificationQuerySet


class Notification(models.Model):
    """Something a person must know, shown in the in-app notification centre.

    Addressed to a membership, so it belongs to one organization and disappears with
    the seat: a person who leaves a brand stops seeing that brand's alerts.
    """

    class Kind(models.TextChoices):
        ZERO_TOLERANCE = "zero_tolerance", _("Zero-tolerance finding")
        AUDIT_SHARE = "audit_share", _("Audit sharing")
        LAW_CHANGE = "law_change", _("Law change affects findings")
        CAP_UPDATE = "cap_update", _("Corrective action plan")
        REMINDER = "reminder", _("Deadline reminders")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    # A path inside the product ("/audits/…/"); e-mails prefix SITE_URL.
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects: ClassVar[NotificationQuerySet] = NotificationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["membership", "read_at"])]

    def __str__(self) -> str:
        return self.title
