"""Background work of the core: invitation and notification e-mails, security-event
housekeeping."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from csr_platform.models import Invitation, Notification, SecurityEvent

PRUNE_BATCH = 5_000


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(*, invitation_id: str, secret: str) -> bool:
    """Send the invitation once. Returns whether this call sent it.

    The send is claimed with a conditional update, so a retried or duplicated message
    sends nothing twice; a failed send releases the claim for the retry.
    """
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        email_sent_at__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(email_sent_at=timezone.now())
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("organization", "invited_by").get(
        pk=invitation_id
    )
    inviter_language = invitation.invited_by.language if invitation.invited_by else None
    context = {
        "invitation": invitation,
        "accept_url": settings.SITE_URL + reverse("invitation_accept", args=[secret]),
    }
    try:
        with translation.override(inviter_language or settings.LANGUAGE_CODE):
            subject = render_to_string("emails/invitation_subject.txt", context).strip()
            body = render_to_string("emails/invitation.txt", context)
        send_mail(subject, body, None, [invitation.email])
    except Exception:
        Invitation.objects.filter(pk=invitation_id).update(email_sent_at=None)
        raise
    return True


@shared_task
def prune_security_events() -> int:
    """Delete security events past the retention period, in bounded batches."""
    cutoff = timezone.now() - timedelta(days=settings.SECURITY_EVENT_RETENTION_DAYS)
    deleted = 0
    while True:
        batch = list(
            SecurityEvent.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[
                :PRUNE_BATCH
            ]
        )
        if not batch:
            return deleted
        deleted += SecurityEvent.objects.filter(pk__in=batch).delete()[0]


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(*, notification_id: str) -> bool:
    """E-mail a notification to its person once, in their language. Returns whether
    this call sent it (claimed like ``send_invitation_email``)."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related(
        "membership__user", "membership__organization"
    ).get(pk=notification_id)
    user = notification.membership.user
    context = {
        "notification": notification,
        "organization": notification.membership.organization,
        "link": settings.SITE_URL + notification.url if notification.url else "",
    }
    try:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject = render_to_string("emails/notification_subject.txt", context).strip()
            body = render_to_string("emails/notification.txt", context)
        send_mail(subject, body, None, [user.email])
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
