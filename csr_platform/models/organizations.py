from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from csr_platform.permissions import Capability, is_granted
from csr_platform.querysets import MembershipQuerySet, OrganizationQuerySet
from csr_platform.roles import OrganizationKind, PartnerType, Role

if TYPE_CHECKING:
    from csr_platform.models.users import User


class Organization(models.Model):
    """A tenant: a brand, a supplier (factory management) or a partner."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganizationKind.choices)
    partner_type = models.CharField(
        _("partner type"), max_length=20, choices=PartnerType.choices, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects: ClassVar[OrganizationQuerySet] = OrganizationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            # A partner says what kind of partner it is; brands and suppliers do not.
            models.CheckConstraint(
                condition=(
                    models.Q(kind=OrganizationKind.PARTNER, partner_type__in=PartnerType.values)
                    | (~models.Q(kind=OrganizationKind.PARTNER) & models.Q(partner_type=""))
                ),
                name="organization_partner_type_iff_partner",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's seat in an organization, with one role. The unit of visibility."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("joined"), auto_now_add=True)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    if TYPE_CHECKING:
        user: models.ForeignKey[User]  # type: ignore[no-redef]

    class Meta:
        ordering = ["organization__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"

    @property
    def kind(self) -> str:
        return self.organization.kind

    @property
    def is_brand(self) -> bool:
        return self.organization.kind == OrganizationKind.BRAND

    @property
    def is_supplier(self) -> bool:
        return self.organization.kind == OrganizationKind.SUPPLIER

    @property
    def is_partner(self) -> bool:
        return self.organization.kind == OrganizationKind.PARTNER

    def can(self, capability: Capability) -> bool:
        return self.is_active and is_granted(
            capability, kind=self.organization.kind, role=self.role
        )
