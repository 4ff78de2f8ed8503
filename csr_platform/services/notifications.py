"""Telling people what they must know: in-app notifications, e-mailed after commit."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from csr_platform.models import Membership, Notification
from csr_platform.permissions import Capability


def members_who_can(organization_id: UUID, capability: Capability) -> list[Membership]:
    """The organization's active members whose role holds ``capability``."""
    members = Membership.objects.filter(
        organization_id=organization_id, is_active=True
    ).select_related("organization")
    return [m for m in members if m.can(capability)]


def notify(
    *,
    memberships: Iterable[Membership],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one notification per active membership; e-mail each after commit.

    The e-mail task claims the notification with a conditional update, so a retry or
    a second worker sends nothing twice.
    """
    from csr_platform.tasks import send_notification_email

    rows = Notification.objects.bulk_create(
        [
            Notification(membership=m, kind=kind, title=title[:200], body=body, url=url)
            for m in memberships
            if m.is_active
        ]
    )
    if email:
        ids = [str(row.pk) for row in rows]
        transaction.on_commit(
            lambda: [send_notification_email.delay(notification_id=i) for i in ids]
        )
    return rows


def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, membership: Membership) -> int:
    return Notification.objects.filter(membership=membership, read_at__isnull=True).update(
        read_at=timezone.now()
    )
