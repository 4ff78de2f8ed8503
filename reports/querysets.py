"""Who sees which reports data (DESIGN.md §2).

Scorecards are brand-internal: a brand sees the snapshots of its own scorecards;
suppliers and partners see none (not even of their own facilities). Reports are
their organization's: a brand's, or a supplier's own facility progress reports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from csr_platform.permissions import Capability
from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


class ScorecardSnapshotQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        if membership.is_brand:
            return self.filter(brand_id=membership.organization_id)
        return self.none()


class CurrentScorecardQuerySet(TenantQuerySet):
    """Like the snapshots: a brand's own current scorecards, nobody else's."""

    def _visible_to(self, membership: Membership) -> Self:
        if membership.is_brand:
            return self.filter(brand_id=membership.organization_id)
        return self.none()


class ReportRequestQuerySet(TenantQuerySet):
    """A brand's reports are seen by every brand member who may ask for reports; a
    supplier's own facility reports by its admins. Nobody sees another
    organization's reports, partners none."""

    def _visible_to(self, membership: Membership) -> Self:
        if membership.can(Capability.REQUEST_REPORT):
            return self.filter(organization_id=membership.organization_id)
        return self.none()


class ReportBrandingQuerySet(TenantQuerySet):
    """A brand's report branding: seen by its members, set by its admins."""

    def _visible_to(self, membership: Membership) -> Self:
        if membership.is_brand:
            return self.filter(organization_id=membership.organization_id)
        return self.none()
