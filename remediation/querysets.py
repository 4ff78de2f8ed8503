"""Who sees which CAPs (DESIGN.md §2).

- A brand: the CAPs it owns, and those it joined as collaborating brand.
- A supplier: every CAP on its facilities, of any brand.
- A partner: only the CAPs it is a participant of.

Children (root causes, actions, evidence, extensions, participants) are scoped
through their CAP with the same rule. Internal comments, and the timeline events
about them, are seen only by the organization that wrote them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, QuerySet

from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


def cap_rule(membership: Membership, prefix: str = "") -> Q:
    """The CAP visibility rule as one ``Q`` over ``prefix`` (``""`` on the CAP,
    ``"cap__"`` on its children), applied in one filter."""
    from remediation.models import CapParticipant

    org = membership.organization_id
    joined = _one_of(
        f"{prefix}pk",
        CapParticipant.objects.filter(organization_id=org, removed_at__isnull=True).values(
            "cap_id"
        ),
    )
    if membership.is_brand:
        return Q(**{f"{prefix}brand_id": org}) | joined
    if membership.is_supplier:
        return Q(**{f"{prefix}facility__supplier_id": org})
    return joined


def _one_of(field: str, ids: QuerySet[Any]) -> Q:
    """``field`` is one of ``ids``. On PostgreSQL as ``= ANY(ARRAY(subquery))``: the
    subquery runs once and the primary key index answers it, so beside
    ``brand_id = …`` in an OR both sides are read from indexes (a BitmapOr); an
    EXISTS there is a filter over every brand's rows (the overdue count read 24,000
    plans for 12,600; BENCHMARKS.md)."""
    ids = ids.order_by()
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(_EqualsAny(F(field), ArraySubquery(ids)))


class _EqualsAny(Func):
    """``value = ANY(array)``."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


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
