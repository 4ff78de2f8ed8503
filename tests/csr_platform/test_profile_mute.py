"""Muting reminders on the profile page: due-soon and overdue reminders can be muted,
escalations cannot, and the choice is saved and shown again."""

from __future__ import annotations

import re

import pytest

from csr_platform.models import Membership
from tests.conftest import signed_in, text_of
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier() -> Membership:
    return member("supplier", "member", full_name="Rahim Uddin", time_zone="Asia/Dhaka")


def profile_post(supplier: Membership, **fields: object) -> dict[str, object]:
    return {"full_name": "Rahim Uddin", "language": "en", "time_zone": "Asia/Dhaka", **fields}


def checked(page: str) -> set[str]:
    """The values of the ticked reminder checkboxes."""
    boxes = re.findall(r'<input type="checkbox" name="muted_notifications"[^>]*>', page)
    return {
        re.search(r'value="([^"]+)"', box).group(1)  # type: ignore[union-attr]
        for box in boxes
        if " checked" in box
    }


def test_the_profile_offers_muting_due_soon_and_overdue_but_not_escalations(
    supplier: Membership,
) -> None:
    page = text_of(signed_in(supplier).get("/settings/profile/"))

    assert "Mute these reminders" in page
    assert "Corrective action plans due within a week" in page
    assert "Overdue corrective action plans (weekly)" in page
    assert 'value="cap_due_soon"' in page
    assert 'value="cap_overdue"' in page
    assert "always sent: they cannot be muted" in page
    assert page.count('name="muted_notifications"') == 2
    assert checked(page) == set()


def test_muting_is_saved_shown_and_undone(supplier: Membership) -> None:
    browser = signed_in(supplier)

    saved = browser.post(
        "/settings/profile/", profile_post(supplier, muted_notifications=["cap_overdue"])
    )

    assert saved.status_code == 302
    supplier.user.refresh_from_db()
    assert supplier.user.muted_notifications == ["cap_overdue"]
    assert supplier.user.has_muted("cap_overdue")
    assert not supplier.user.has_muted("cap_due_soon")
    assert checked(text_of(browser.get("/settings/profile/"))) == {"cap_overdue"}

    browser.post("/settings/profile/", profile_post(supplier))

    supplier.user.refresh_from_db()
    assert supplier.user.muted_notifications == []
    assert checked(text_of(browser.get("/settings/profile/"))) == set()


def test_escalations_cannot_be_muted_by_a_crafted_post(supplier: Membership) -> None:
    response = signed_in(supplier).post(
        "/settings/profile/",
        profile_post(supplier, muted_notifications=["cap_due_soon", "escalation"]),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response)
    supplier.user.refresh_from_db()
    assert supplier.user.muted_notifications == []
