"""Factories that keep every object of a test inside one consistent tenant.

``member(kind, role)`` makes a user with a membership in a fresh organization of that
kind; pass ``organization=`` to add a colleague to the same tenant instead.
"""

from __future__ import annotations

from typing import Any, cast

import factory
from django.contrib.auth.hashers import make_password

from csr_platform.models import Membership, Organization, User
from csr_platform.roles import OrganizationKind, PartnerType

PASSWORD = "correct-horse-battery-staple"
# Hashing once keeps factories fast; every user still has a real Django hash.
_PASSWORD_HASH = make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = _PASSWORD_HASH


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = OrganizationKind.BRAND
    partner_type = factory.LazyAttribute(
        lambda o: PartnerType.CONSULTANT if o.kind == OrganizationKind.PARTNER else ""
    )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "admin"


def member(
    kind: str = OrganizationKind.BRAND,
    role: str = "admin",
    *,
    organization: Organization | None = None,
    **user_fields: Any,
) -> Membership:
    organization = organization or cast(Organization, OrganizationFactory(kind=kind))
    return cast(
        Membership,
        MembershipFactory(organization=organization, role=role, user=UserFactory(**user_fields)),
    )


class Brand:
    """One brand with a member of every role."""

    def __init__(self, name: str = "Acme Apparel") -> None:
        self.org = cast(Organization, OrganizationFactory(kind="brand", name=name))
        self.admin = member("brand", "admin", organization=self.org, full_name="Ada Admin")
        self.csr = member("brand", "csr", organization=self.org, full_name="Cora CSR")
        self.sourcing = member("brand", "sourcing", organization=self.org, full_name="Sam Sourcing")
        self.viewer = member("brand", "viewer", organization=self.org, full_name="Vic Viewer")
