"""Shared audits: one brand's final audit read by another brand that sources from the
same facility, so the factory is not audited twice for the same thing.

pending → active (the supplier consents) | declined (the supplier refuses);
pending | active → revoked (by the offering brand or the supplier). Only an active
share makes the audit visible to the other brand, read-only.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Audit, AuditShare
from audits.services.alerts import brand_recorders
from audits.signals import audit_share_revoked
from csr_platform.errors import ActionForbidden, StateConflict
from csr_platform.models import Membership, Notification, Organization
from csr_platform.permissions import Capability
from csr_platform.roles import OrganizationKind
from csr_platform.services.notifications import notify
from suppliers.models import SourcingRelationship

Status = AuditShare.Status
# A brand that was rejected or has exited no longer sources from the facility.
NOT_SOURCING = (SourcingRelationship.Status.REJECTED, SourcingRelationship.Status.EXITED)


def _supplier_admins(audit: Audit) -> list[Membership]:
    members = Membership.objects.filter(
        organization_id=audit.facility.supplier_id, is_active=True
    ).select_related("organization")
    return [m for m in members if m.can(Capability.CONSENT_AUDIT_SHARE)]


def _locked(share: AuditShare) -> AuditShare:
    return (
        AuditShare.objects.select_for_update()
        .select_related("audit__facility", "brand")
        .get(pk=share.pk)
    )


@transaction.atomic
def audit_share_offer(
    *, audit: Audit, by: Membership, brand_slug: str, message: str = ""
) -> AuditShare:
    """Offer a final audit to another brand sourcing from the same facility. The
    supplier is asked to consent; nothing is visible to the other brand until then.

    One answer for "no such brand" and "that brand does not source here", so the
    offer form reveals no other brand's suppliers."""
    if audit.brand_id != by.organization_id or not by.can(Capability.SHARE_AUDIT):
        raise ActionForbidden(_("Only the brand that commissioned the audit can share it."))
    if not audit.is_final:
        raise StateConflict(_("Finalize the audit before sharing it."))
    target = Organization.objects.filter(
        slug=brand_slug.strip(), kind=OrganizationKind.BRAND
    ).first()
    sources_here = (
        target is not None
        and SourcingRelationship.objects.filter(brand=target, facility_id=audit.facility_id)
        .exclude(status__in=NOT_SOURCING)
        .exists()
    )
    if target is None or target.pk == audit.brand_id or not sources_here:
        raise ValidationError(
            {"brand": _("No other brand with that identifier sources from this facility.")}
        )
    try:
        with transaction.atomic():
            share = AuditShare.objects.create(
                audit=audit, brand=target, message=message, offered_by=by.user
            )
    except IntegrityError:
        raise StateConflict(
            _("This audit is already shared with that brand, or awaiting consent.")
        ) from None
    notify(
        memberships=_supplier_admins(audit),
        kind=Notification.Kind.AUDIT_SHARE,
        title=_("%(brand)s asks to share an audit of %(facility)s")
        % {"brand": by.organization.name, "facility": audit.facility.name},
        body=message,
        url=reverse("audit_share_list"),
    )
    return share


def _require_consenter(share: AuditShare, by: Membership) -> None:
    if (
        not by.is_supplier
        or share.audit.facility.supplier_id != by.organization_id
        or not by.can(Capability.CONSENT_AUDIT_SHARE)
    ):
        raise ActionForbidden(_("Only the supplier's administrator answers a sharing request."))


@transaction.atomic
def audit_share_consent(*, share: AuditShare, by: Membership) -> AuditShare:
    share = _locked(share)
    _require_consenter(share, by)
    if share.status != Status.PENDING:
        raise StateConflict(_("Only a sharing request awaiting consent can be accepted."))
    share.status = Status.ACTIVE
    share.answered_by = by.user
    share.answered_at = timezone.now()
    share.save(update_fields=["status", "answered_by", "answered_at"])
    notify(
        memberships=brand_recorders(share.brand_id),
        kind=Notification.Kind.AUDIT_SHARE,
        title=_("An audit of %(facility)s is now shared with you")
        % {"facility": share.audit.facility.name},
        url=reverse("audit_detail", args=[share.audit_id]),
    )
    return share


@transaction.atomic
def audit_share_decline(*, share: AuditShare, by: Membership, reason: str = "") -> AuditShare:
    share = _locked(share)
    _require_consenter(share, by)
    if share.status != Status.PENDING:
        raise StateConflict(_("Only a sharing request awaiting consent can be declined."))
    share.status = Status.DECLINED
    share.answered_by = by.user
    share.answered_at = timezone.now()
    share.reason = reason.strip()
    share.save(update_fields=["status", "answered_by", "answered_at", "reason"])
    return share


@transaction.atomic
def audit_share_revoke(*, share: AuditShare, by: Membership, reason: str = "") -> AuditShare:
    """The offering brand or the supplier withdraws the share; the other brand loses
    sight of the audit at once."""
    share = _locked(share)
    offering = share.audit.brand_id == by.organization_id and by.can(Capability.SHARE_AUDIT)
    supplier = share.audit.facility.supplier_id == by.organization_id and by.can(
        Capability.CONSENT_AUDIT_SHARE
    )
    if not (offering or supplier):
        raise ActionForbidden(
            _("Only the brand that shared the audit or the supplier's administrator can revoke it.")
        )
    if share.status not in (Status.PENDING, Status.ACTIVE):
        raise StateConflict(_("This share is no longer in force."))
    was_active = share.status == Status.ACTIVE
    audit_id, brand_id = str(share.audit_id), str(share.brand_id)
    transaction.on_commit(
        lambda: audit_share_revoked.send(sender=AuditShare, audit_id=audit_id, brand_id=brand_id)
    )
    share.status = Status.REVOKED
    share.revoked_by = by.user
    share.revoked_at = timezone.now()
    share.reason = reason.strip()
    share.save(update_fields=["status", "revoked_by", "revoked_at", "reason"])
    if was_active:
        notify(
            memberships=brand_recorders(share.brand_id),
            kind=Notification.Kind.AUDIT_SHARE,
            title=_("An audit of %(facility)s is no longer shared with you")
            % {"facility": share.audit.facility.name},
            email=False,
        )
    return share
