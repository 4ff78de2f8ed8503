"""Who sees which suppliers data (DESIGN.md §2).

- A brand: facilities it has a relationship with, and only its own relationships,
  screenings, exit plans and their timeline events — never another brand's, even on a
  facility both source from.
- A supplier: its own facilities, every relationship and screening on them (their
  brand-internal notes are left out by the serializers and pages), not exit plans.
- A partner: nothing here yet (partners see only the CAPs they are assigned to).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db.models import Exists, OuterRef, Q

from csr_platform.querysets import TenantQuerySet

if TYPE_CHECKING:
    from csr_platform.models import Membership


class FacilityQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        org = membership.organization_id
        if membership.is_brand:
            from suppliers.models import SourcingRelationship

            return self.filter(
                Exists(SourcingRelationship.objects.filter(facility=OuterRef("pk"), brand_id=org))
            )
        if membership.is_supplier:
            return self.filter(supplier_id=org)
        return self.none()


class RelationshipQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        org = membership.organization_id
        if membership.is_brand:
            return self.filter(brand_id=org)
        if membership.is_supplier:
            return self.filter(facility__supplier_id=org)
        return self.none()


class FacilityEventQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        org = membership.organization_id
        if membership.is_brand:
            from suppliers.models import SourcingRelationship

            sources_it = Exists(
                SourcingRelationship.objects.filter(facility=OuterRef("facility_id"), brand_id=org)
            )
            return self.filter(
                Q(relationship__brand_id=org) | (Q(relationship__isnull=True) & sources_it)
            )
        if membership.is_supplier:
            # A brand's proposals and declined sign-offs are its internal deliberation.
            internal = Q(action__startswith="decided_") | Q(action__startswith="sign_off_declined_")
            return self.filter(facility__supplier_id=org).exclude(
                Q(relationship__isnull=False) & internal
            )
        return self.none()


class QuestionnaireQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        org = membership.organization_id
        if membership.is_brand:
            return self.filter(brand_id=org)
        if membership.is_supplier:
            from suppliers.models import Screening

            return self.filter(
                Exists(
                    Screening.objects.filter(
                        questionnaire=OuterRef("pk"), relationship__facility__supplier_id=org
                    )
                )
            )
        return self.none()


class ScreeningQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        org = membership.organization_id
        if membership.is_brand:
            return self.filter(relationship__brand_id=org)
        if membership.is_supplier:
            return self.filter(relationship__facility__supplier_id=org)
        return self.none()


class ExitPlanQuerySet(TenantQuerySet):
    def _visible_to(self, membership: Membership) -> Self:
        if membership.is_brand:
            return self.filter(relationship__brand_id=membership.organization_id)
        return self.none()
