"""Inviting people into an organization and accepting those invitations."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.keys import digest, new_link_secret
from csr_platform.models import Invitation, Membership, Organization, SecurityEvent, User
from csr_platform.permissions import Capability
from csr_platform.services.members import validate_role_for
from csr_platform.services.security import client_ip, security_event_record


@transaction.atomic
def invitation_create(
    *, by: Membership, email: str, role: str, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """Invite ``email`` into ``by``'s organization and e-mail the link after commit.

    Returns the invitation and the link secret (only its hash is stored). Inviting an
    address that already has an open invitation replaces it.
    """
    if not by.can(Capability.MANAGE_MEMBERS):
        raise ActionForbidden(_("Only an administrator can invite people."))
    return invitation_send(
        organization=by.organization, email=email, role=role, invited_by=by.user, request=request
    )


def invitation_send(
    *,
    organization: Organization,
    email: str,
    role: str,
    invited_by: User,
    request: HttpRequest | None = None,
) -> tuple[Invitation, str]:
    """Invite without the caller's permission check. For services that decided the
    invitation is theirs to send: a brand inviting the admin of a supplier
    organization it has just created. Call inside a transaction."""
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    validate_role_for(kind=organization.kind, role=role)
    if Membership.objects.filter(
        organization=organization, user__email=email, is_active=True
    ).exists():
        raise StateConflict(_("%(email)s is already a member.") % {"email": email})
    Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    secret = new_link_secret()
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=digest(secret),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    security_event_record(
        kind=SecurityEvent.Kind.INVITATION_SENT,
        request=request,
        organization=organization,
        actor=invited_by,
        subject_email=email,
        detail={"role": role},
    )
    from csr_platform.tasks import send_invitation_email

    invitation_id = str(invitation.pk)
    transaction.on_commit(
        lambda: send_invitation_email.delay(invitation_id=invitation_id, secret=secret)
    )
    return invitation, secret


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, by: Membership, request: HttpRequest | None = None
) -> Invitation:
    if by.organization_id != invitation.organization_id or not by.can(Capability.MANAGE_MEMBERS):
        raise ActionForbidden(_("Only an administrator can revoke invitations."))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise StateConflict(
            _("This invitation is %(status)s.") % {"status": invitation.get_status_display()}
        )
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    security_event_record(
        kind=SecurityEvent.Kind.INVITATION_REVOKED,
        request=request,
        organization=invitation.organization,
        actor=by.user,
        subject_email=invitation.email,
    )
    return invitation


def invitation_for_secret(secret: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=digest(secret))
        .first()
    )


@transaction.atomic
def invitation_accept(
    *,
    secret: str,
    user: User | None = None,
    password: str = "",
    full_name: str = "",
    request: HttpRequest | None = None,
) -> Membership:
    """Turn an invitation into a membership, once.

    A signed-in ``user`` accepts for themself (the address must match). Otherwise a new
    account is created with ``password``; an address that already has an account must
    sign in first.
    """
    found = invitation_for_secret(secret)
    if found is None:
        raise StateConflict(_("This invitation link is not valid."))
    invitation = Invitation.objects.select_for_update().get(pk=found.pk)
    if not invitation.is_pending:
        raise StateConflict(
            _("This invitation is %(status)s.") % {"status": invitation.get_status_display()}
        )
    if user is not None:
        if user.email != invitation.email:
            raise StateConflict(
                _("This invitation is for %(email)s; sign in with that address.")
                % {"email": invitation.email}
            )
    else:
        if User.objects.filter(email=invitation.email).exists():
            raise StateConflict(_("An account with this address exists: sign in to accept."))
        candidate = User(email=invitation.email, full_name=full_name.strip())
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from None
        user = User.objects.create_user(
            invitation.email, password=password, full_name=full_name.strip()
        )
    membership, _created = Membership.objects.update_or_create(
        user=user,
        organization=invitation.organization,
        defaults={"role": invitation.role, "is_active": True},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    security_event_record(
        kind=SecurityEvent.Kind.INVITATION_ACCEPTED,
        request=request,
        organization=invitation.organization,
        actor=user,
        subject=user,
        detail={"role": invitation.role},
    )
    return membership


def invitations_send_to_new_organizations(
    *,
    invitations: list[tuple[Organization, str]],
    role: str,
    invited_by: User,
    request: HttpRequest | None = None,
) -> list[Invitation]:
    """``invitation_send`` for many organizations just created (bulk imports).

    Nobody is a member of these organizations yet and no invitation is open, so two of
    its checks have nothing to do; the rest is the same — a hashed link secret, the
    expiry, the security event, one e-mail task per invitation enqueued after commit —
    in a few queries instead of five per invitation. Addresses must be normalised and
    valid. Call inside a transaction.
    """
    if not invitations:
        return []
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    rows: list[Invitation] = []
    secrets: list[str] = []
    for organization, email in invitations:
        secret = new_link_secret()
        secrets.append(secret)
        rows.append(
            Invitation(
                organization=organization,
                email=email,
                role=role,
                token_hash=digest(secret),
                invited_by=invited_by,
                expires_at=expires_at,
            )
        )
    Invitation.objects.bulk_create(rows, batch_size=1000)
    ip_address = client_ip(request)
    SecurityEvent.objects.bulk_create(
        [
            SecurityEvent(
                kind=SecurityEvent.Kind.INVITATION_SENT,
                organization=invitation.organization,
                actor=invited_by,
                subject_email=invitation.email,
                ip_address=ip_address,
                detail={"role": role},
            )
            for invitation in rows
        ],
        batch_size=1000,
    )
    from csr_platform.tasks import send_invitation_email

    messages = [
        {"invitation_id": str(invitation.pk), "secret": secret}
        for invitation, secret in zip(rows, secrets, strict=True)
    ]

    def enqueue() -> None:
        for message in messages:
            send_invitation_email.delay(**message)

    transaction.on_commit(enqueue)
    return rows
