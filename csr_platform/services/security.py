"""Recording security events. Every other service calls :func:`security_event_record`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from csr_platform.models import Organization, SecurityEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The caller's address as django-axes resolved it (honours TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request)
    return address or None


def security_event_record(
    *,
    kind: str,
    request: HttpRequest | None = None,
    organization: Organization | None = None,
    actor: User | None = None,
    subject: User | None = None,
    subject_email: str = "",
    detail: dict[str, Any] | None = None,
) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=kind,
        organization=organization,
        actor=actor,
        subject=subject,
        subject_email=subject_email or (subject.email if subject else ""),
        ip_address=client_ip(request),
        detail=detail or {},
    )
