"""Security events for Django's and django-axes' authentication signals.

These are framework signals about authentication, not model saves: no business rule
hangs on them, they only keep the record an admin reads.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from csr_platform.models import SecurityEvent, User
from csr_platform.services.security import security_event_record


@receiver(user_logged_in, dispatch_uid="security_login")
def record_login(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    security_event_record(kind=SecurityEvent.Kind.LOGIN, request=request, actor=user, subject=user)


@receiver(user_logged_out, dispatch_uid="security_logout")
def record_logout(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        security_event_record(
            kind=SecurityEvent.Kind.LOGOUT, request=request, actor=user, subject=user
        )


def _account(credentials: dict[str, Any]) -> tuple[User | None, str]:
    email = str(credentials.get("username") or credentials.get("email") or "").strip().lower()
    return User.objects.filter(email=email).first() if email else None, email


@receiver(user_login_failed, dispatch_uid="security_login_failed")
def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    if request is not None and getattr(request, "axes_locked_out", False):
        return  # the lockout itself is recorded once, below
    subject, email = _account(credentials)
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED, request=request, subject=subject, subject_email=email
    )


@receiver(user_locked_out, dispatch_uid="security_lockout")
def record_lockout(sender: Any, request: Any, username: str | None, **kwargs: Any) -> None:
    subject, email = _account({"username": username})
    security_event_record(
        kind=SecurityEvent.Kind.LOCKOUT, request=request, subject=subject, subject_email=email
    )
