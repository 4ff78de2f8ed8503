"""Organization kinds and the roles each kind's members can hold (DESIGN.md §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    BRAND = "brand", _("Brand")
    SUPPLIER = "supplier", _("Supplier")
    PARTNER = "partner", _("Partner")


class PartnerType(models.TextChoices):
    CONSULTANT = "consultant", _("Remediation consultant")
    CSO = "cso", _("Civil-society organisation")
    AUDIT_FIRM = "audit_firm", _("Audit firm")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CSR = "csr", _("CSR staff")
    SOURCING = "sourcing", _("Sourcing manager")
    VIEWER = "viewer", _("Viewer")
    MEMBER = "member", _("Member")


ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    OrganizationKind.BRAND: (Role.ADMIN, Role.CSR, Role.SOURCING, Role.VIEWER),
    OrganizationKind.SUPPLIER: (Role.ADMIN, Role.MEMBER),
    OrganizationKind.PARTNER: (Role.MEMBER,),
}


def roles_for(kind: str) -> list[tuple[str, object]]:
    """The (value, label) role choices open to members of an organization kind."""
    labels = dict(Role.choices)
    return [(role, labels[role]) for role in ROLES_BY_KIND[kind]]
