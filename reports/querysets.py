"""Who sees which reports data (DESIGN.md §2).

Scorecards are brand-internal: a brand sees the snapshots of its own scorecards;
suppliers and partners see none (not even of their own facilities).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


class ScorecardSnapshotQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        if membership.is_brand:
            return self.filter(brand_id=membership.organization_id)
        return self.none()
