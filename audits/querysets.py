"""Who sees which audits data (DESIGN.md §2).

- A brand: audits it commissioned (draft or final), and final audits another brand
  shared with it once the supplier consented (read-only; writes answer 403). A
  pending, declined or revoked share shows nothing.
- A supplier: the final audits on its own facilities, of any brand, with their
  findings and observations; drafts are the brand's work in progress.
- A partner: nothing here (partners see the finding basics of the CAPs they are
  assigned to, through remediation).

Findings and observations are scoped through their audit, with the same rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db.models import Exists, OuterRef, Q

from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


def audit_rule(membership: Membership, prefix: str = "") -> Q:
    """The audit visibility rule as one ``Q`` over ``prefix`` (``""`` on Audit,
    ``"audit__"`` on its children), so every model applies it in one filter."""
    from audits.models import AuditShare

    org = membership.organization_id
    if membership.is_brand:
        audit_pk = OuterRef(f"{prefix}pk")
        shared = Exists(
            AuditShare.objects.filter(
                audit_id=audit_pk, brand_id=org, status=AuditShare.Status.ACTIVE
            )
        )
        return Q(**{f"{prefix}brand_id": org}) | Q(shared, **{f"{prefix}status": "final"})
    if membership.is_supplier:
        return Q(**{f"{prefix}facility__supplier_id": org, f"{prefix}status": "final"})
    return Q(pk__in=[])


class AuditQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(audit_rule(membership))

    def final(self) -> Self:
        return self.filter(status="final")


class FindingQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(audit_rule(membership, "audit__"))

    def in_final_audits(self) -> Self:
        return self.filter(audit__status="final")

    def non_conformities(self) -> Self:
        """Findings that call for a corrective action (not observations)."""
        return self.exclude(severity="observation")


class ObservationQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(audit_rule(membership, "audit__"))


class AuditShareQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """The offering brand sees all its offers; the receiving brand only a share in
        force; the supplier every share of audits on its facilities (it consents)."""
        org = membership.organization_id
        if membership.is_brand:
            return self.filter(Q(audit__brand_id=org) | Q(brand_id=org, status="active"))
        if membership.is_supplier:
            return self.filter(audit__facility__supplier_id=org)
        return self.none()


class SeverityPolicyQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        if membership.is_brand:
            return self.filter(brand_id=membership.organization_id)
        return self.none()
