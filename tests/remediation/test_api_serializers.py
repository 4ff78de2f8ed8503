"""The consultant directory shows each brand's own note through one nested serializer
made for the whole list, not one per consultant (DRF builds a serializer's fields
each time one is made)."""

from __future__ import annotations

from typing import Any, cast
from unittest import mock

import pytest

from csr_platform.models import Organization
from remediation.api.serializers import ConsultantNoteSerializer
from remediation.services.consultants import consultant_note_save, consultant_profile_update
from tests.conftest import token_client
from tests.factories import OrganizationFactory, member

pytestmark = pytest.mark.django_db


def test_the_directory_makes_one_note_serializer_for_every_consultant() -> None:
    brand = member("brand", "csr")
    for rating in (2, 4, 5):
        consultant = member(
            "partner",
            "member",
            organization=cast(
                Organization, OrganizationFactory(kind="partner", partner_type="consultant")
            ),
        )
        profile = consultant_profile_update(by=consultant, specialties=["OSH"])
        consultant_note_save(by=brand, consultant=profile, rating=rating, notes=f"Rated {rating}")
    made: list[Any] = []
    original = ConsultantNoteSerializer.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    with mock.patch.object(ConsultantNoteSerializer, "__init__", counting):
        response = token_client(brand).get("/api/v1/consultants/")

    assert response.status_code == 200
    assert len(made) == 1
    notes = sorted(
        (row["my_note"] for row in response.json()["results"]), key=lambda n: n["rating"]
    )
    assert [(note["rating"], note["notes"], note["vetted"]) for note in notes] == [
        (2, "Rated 2", False),
        (4, "Rated 4", False),
        (5, "Rated 5", False),
    ]
