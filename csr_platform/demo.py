"""Demo organizations and one login for every role (the core part of ``seed_demo``)."""

from __future__ import annotations

import os
from typing import TextIO

from csr_platform.models import Membership, Organization, User
from csr_platform.roles import ROLES_BY_KIND, OrganizationKind, PartnerType

DEFAULT_PASSWORD = "demo-password-2026"

ORGANIZATIONS = [
    ("Northwind Apparel", "northwind", OrganizationKind.BRAND, ""),
    ("Bluefjord Outdoor", "bluefjord", OrganizationKind.BRAND, ""),
    ("Dhaka Knitwear Ltd", "dhaka-knitwear", OrganizationKind.SUPPLIER, ""),
    ("Saigon Stitch Co", "saigon-stitch", OrganizationKind.SUPPLIER, ""),
    ("Fairwork Remediation", "fairwork", OrganizationKind.PARTNER, PartnerType.CONSULTANT),
]


def seed(stdout: TextIO) -> None:
    password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    logins: list[tuple[str, str, str]] = []
    for name, slug, kind, partner_type in ORGANIZATIONS:
        organization, _ = Organization.objects.get_or_create(
            slug=slug, defaults={"name": name, "kind": kind, "partner_type": partner_type}
        )
        for role in ROLES_BY_KIND[kind]:
            email = f"{role}@{slug}.example"
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email, password=password, full_name=f"{role.title()} at {name}"
                )
            Membership.objects.get_or_create(
                user=user, organization=organization, defaults={"role": role}
            )
            logins.append((email, name, role))
    # One consultant also works for a second organization, to show the switcher.
    consultant = User.objects.get(email="member@fairwork.example")
    Membership.objects.get_or_create(
        user=consultant,
        organization=Organization.objects.get(slug="bluefjord"),
        defaults={"role": "viewer"},
    )
    # Platform staff curate reference data (the law library) in the admin.
    if not User.objects.filter(email="staff@platform.example").exists():
        User.objects.create_superuser(
            "staff@platform.example", password=password, full_name="Platform staff"
        )
    logins.append(("staff@platform.example", "(admin site, no tenant)", "staff"))
    stdout.write(f"Demo logins (password: {password})\n")
    for email, name, role in logins:
        stdout.write(f"  {email:<34} {role:<9} {name}\n")
    stdout.write("  member@fairwork.example also has the viewer role at Bluefjord Outdoor.\n")
