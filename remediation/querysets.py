"""Who sees which CAPs (DESIGN.md §2).

- A brand: the CAPs it owns, and those it joined as collaborating brand.
- A supplier: every CAP on its facilities, of any brand.
- A partner: only the CAPs it is a participant of.

Children (root causes, actions, evidence, extensions, participants) are scoped
through their CAP with the same rule. Internal comments, and the timeline events
about them, are seen only by the organization that wrote them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db.models import Exists, OuterRef, Q

from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


def cap_rule(membership: Membership, prefix: str = "") -> Q:
    """The CAP visibility rule as one ``Q`` over ``prefix`` (``""`` on the CAP,
    ``"cap__"`` on its children), applied in one filter."""
    from remediation.models import CapParticipant

    org = membership.organization_id
    joined = Exists(
        CapParticipant.objects.filter(
            cap_id=OuterRef(f"{prefix}pk"), organization_id=org, removed_at__isnull=True
        )
    )
    if membership.is_brand:
        return Q(**{f"{prefix}brand_id": org}) | Q(joined)
    if membership.is_supplier:
        return Q(**{f"{prefix}facility__supplier_id": org})
    return Q(joined)


class CapQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(cap_rule(membership))

    def open(self) -> Self:
        return self.filter(status__in=["open", "in_progress", "submitted", "returned"])


class CapChildQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        return self.filter(cap_rule(membership, "cap__"))


class CapCommentQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        own = Q(organization_id=membership.organization_id)
        return self.filter(cap_rule(membership, "cap__") & (Q(internal=False) | own))


class CapEventQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        own = Q(only_for_id=membership.organization_id)
        return self.filter(cap_rule(membership, "cap__") & (Q(only_for__isnull=True) | own))


class ConsultantProfileQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """Brands browse the whole directory; a partner sees its own entry."""
        if membership.is_brand:
            return self.all()
        if membership.is_partner:
            return self.filter(organization_id=membership.organization_id)
        return self.none()


class ConsultantNoteQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        """A brand's vetting notes and ratings are its own."""
        if membership.is_brand:
            return self.filter(brand_id=membership.organization_id)
        return self.none()
