"""Issuing, revoking and checking REST API keys."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.keys import digest, new_api_key
from csr_platform.models import ApiToken, Membership, SecurityEvent
from csr_platform.permissions import Capability
from csr_platform.services.security import security_event_record

# Recording every use would turn each API read into a write; a minute is precise enough
# for "is this key still used?".
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def api_token_issue(
    *,
    membership: Membership,
    name: str,
    by: Membership,
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a key for ``membership`` and return it with the key, which is never stored.

    A member may issue keys for their own membership; an admin with the
    ``manage_api_tokens`` capability also for any member of the organization.
    """
    if membership.pk != by.pk and not (
        by.organization_id == membership.organization_id and by.can(Capability.MANAGE_API_TOKENS)
    ):
        raise ActionForbidden(_("Only an administrator can issue keys for other members."))
    if not membership.is_active:
        raise StateConflict(_("Keys cannot be issued for a removed member."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the key a name that says where it is used.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry date must be in the future.")})
    key = new_api_key()
    token = ApiToken.objects.create(
        membership=membership,
        name=name,
        prefix=key[:12],
        key_hash=digest(key),
        created_by=by.user,
        expires_at=expires_at,
    )
    security_event_record(
        kind=SecurityEvent.Kind.TOKEN_CREATED,
        request=request,
        organization=membership.organization,
        actor=by.user,
        subject=membership.user,
        detail={"token": token.prefix, "name": name, "role": membership.role},
    )
    return token, key


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, by: Membership, request: HttpRequest | None = None
) -> ApiToken:
    if token.membership_id != by.pk and not (
        by.organization_id == token.membership.organization_id
        and by.can(Capability.MANAGE_API_TOKENS)
    ):
        raise ActionForbidden(_("Only an administrator can revoke other members' keys."))
    claimed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not claimed:
        raise StateConflict(_("This key is already revoked."))
    token.refresh_from_db()
    security_event_record(
        kind=SecurityEvent.Kind.TOKEN_REVOKED,
        request=request,
        organization=token.membership.organization,
        actor=by.user,
        subject=token.membership.user,
        detail={"token": token.prefix, "name": token.name},
    )
    return token


def api_token_authenticate(key: str) -> ApiToken | None:
    """The usable token for ``key`` with its membership loaded, or ``None``."""
    token = (
        ApiToken.objects.select_related("membership__organization", "membership__user")
        .filter(key_hash=digest(key))
        .first()
    )
    if (
        token is None
        or not token.is_usable
        or not token.membership.is_active
        or not token.membership.user.is_active
    ):
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
