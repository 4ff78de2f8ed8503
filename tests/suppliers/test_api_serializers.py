"""The facility list and timeline show each row's relationship, actor and brand through
one nested serializer made for the whole list: DRF builds a serializer's fields each
time one is made, which cost 13 ms a facility when one was made per row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest

from csr_platform.api.serializers import UserSummarySerializer
from csr_platform.models import Membership
from suppliers.api.serializers import OrganizationSummarySerializer, _RelationshipBrandFields
from suppliers.models import SourcingRelationship
from suppliers.services.facilities import facility_add
from tests.conftest import session_client, token_client
from tests.factories import member

pytestmark = pytest.mark.django_db

API = "/api/v1"


@contextmanager
def made(serializer_class: type[Any]) -> Iterator[list[Any]]:
    """The ``serializer_class`` instances made meanwhile (not those of its subclasses)."""
    instances: list[Any] = []
    original = serializer_class.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        if type(self) is serializer_class:
            instances.append(self)
        original(self, *args, **kwargs)

    with mock.patch.object(serializer_class, "__init__", counting):
        yield instances


def add(by: Membership, **values: Any) -> SourcingRelationship:
    return facility_add(by=by, country="BD", supplier_name="Lotus Knit Ltd", **values)


def test_the_facility_list_makes_one_relationship_serializer_for_every_row() -> None:
    admin = member("brand", "admin")
    owner = member("brand", "sourcing", organization=admin.organization)
    added = [add(admin, name=f"Lotus Knit {n}", sourcing_owner=owner) for n in range(3)]

    with made(_RelationshipBrandFields) as relationship_serializers:
        response = token_client(admin).get(f"{API}/facilities/")

    assert response.status_code == 200
    assert len(relationship_serializers) == 1
    rows = {row["id"]: row["relationship"] for row in response.json()["results"]}
    for relationship in added:
        shown = rows[str(relationship.facility_id)]
        assert shown["id"] == str(relationship.pk)
        assert shown["brand"] == {"id": str(admin.organization_id), "name": admin.organization.name}
        assert shown["status_label"] == "Prospective"
        assert shown["sourcing_owner"]["user"]["email"] == owner.user.email
        assert "risk_notes" in shown  # the brand's own view of its relationship


def test_the_brand_timeline_makes_one_actor_serializer_for_every_event() -> None:
    admin = member("brand", "admin")
    relationship = add(admin, name="Lotus Knit")

    with made(UserSummarySerializer) as actor_serializers:
        response = token_client(admin).get(f"{API}/facilities/{relationship.facility_id}/events/")

    events = response.json()["results"]
    assert len(events) >= 2
    assert len(actor_serializers) == 1
    assert {event["actor"]["email"] for event in events} == {admin.user.email}


def test_the_supplier_timeline_makes_one_actor_and_one_brand_serializer_for_every_event() -> None:
    first = member("brand", "admin")
    second = member("brand", "admin")
    relationship = add(first, name="Lotus Knit", os_id="BD2026LOTUS")
    add(second, name="Lotus Knit", os_id="BD2026LOTUS")
    supplier = member("supplier", "admin", organization=relationship.facility.supplier)

    with (
        made(UserSummarySerializer) as actor_serializers,
        made(OrganizationSummarySerializer) as brand_serializers,
    ):
        response = session_client(supplier).get(
            f"{API}/facilities/{relationship.facility_id}/events/"
        )

    events = response.json()["results"]
    assert len(actor_serializers) == 1
    assert len(brand_serializers) == 1
    brands = {event["brand"]["name"] for event in events if event["brand"]}
    assert brands == {first.organization.name, second.organization.name}
    assert {event["actor"]["email"] for event in events} == {
        first.user.email,
        second.user.email,
    }
