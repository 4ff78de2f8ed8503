"""The notification centre over the API: a person reads their own notifications in the
organization they act for, marks them read one by one or all at once, and never sees a
colleague's or another organization's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from csr_platform.models import Membership, Notification
from csr_platform.services.notifications import notify
from tests.conftest import api_error, token_client
from tests.factories import member

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"
Kind = Notification.Kind


def tell(membership: Membership, title: str, kind: str = Kind.ZERO_TOLERANCE) -> Notification:
    [notification] = notify(memberships=[membership], kind=kind, title=title, email=False)
    return notification


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.content[:500]
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def person() -> Membership:
    return member("brand", "csr")


@pytest.fixture
def client(person: Membership) -> APIClient:
    return token_client(person)


def test_a_person_sees_only_their_own_notifications_in_the_organization_they_act_for(
    person: Membership, client: APIClient
) -> None:
    tell(person, "Zero-tolerance finding at Dhaka Knit")
    colleague = member("brand", "admin", organization=person.organization)
    theirs = tell(colleague, "For the colleague")
    elsewhere = member("supplier", "admin", email=person.user.email)
    assert elsewhere.user_id == person.user_id
    other_seat = tell(elsewhere, "For the same person at the supplier", Kind.AUDIT_SHARE)

    assert titles(client.get(URL)) == ["Zero-tolerance finding at Dhaka Knit"]
    for notification in (theirs, other_seat):
        api_error(client.get(f"{URL}{notification.pk}/"), 404)
        api_error(client.get(f"{URL}{notification.pk}/read/"), 404)
        api_error(client.post(f"{URL}{notification.pk}/read/"), 404)
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    api_error(APIClient().get(URL), 401)


def test_one_notification_is_marked_read(person: Membership, client: APIClient) -> None:
    notification = tell(person, "An audit of Dhaka Knit is now shared with you", Kind.AUDIT_SHARE)
    url = f"{URL}{notification.pk}/read/"
    assert client.get(url).json() == {
        "action": "read",
        "allowed": True,
        "status": None,
        "detail": "",
    }

    response = client.post(url)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["id"], body["kind"], body["is_read"]) == (
        str(notification.pk),
        "audit_share",
        True,
    )
    assert body["read_at"] is not None
    again = client.post(url).json()
    assert again["read_at"] == body["read_at"]


def test_filters_and_read_all(person: Membership, client: APIClient) -> None:
    first = tell(person, "First")
    tell(person, "Second", Kind.LAW_CHANGE)
    tell(person, "Third")
    client.post(f"{URL}{first.pk}/read/")
    colleague = member("brand", "admin", organization=person.organization)
    tell(colleague, "The colleague's")

    assert titles(client.get(URL, {"unread": "true"})) == ["Third", "Second"]
    assert titles(client.get(URL, {"unread": "false"})) == ["First"]
    assert titles(client.get(URL, {"kind": "law_change"})) == ["Second"]
    assert titles(client.get(f"{URL}read-all/")) == ["Third", "Second"]

    marked = client.post(f"{URL}read-all/")

    assert marked.status_code == 200, marked.json()
    assert marked.json() == {"marked": 2}
    assert titles(client.get(URL, {"unread": "true"})) == []
    assert titles(client.get(f"{URL}read-all/")) == []
    assert Notification.objects.filter(membership=colleague, read_at__isnull=True).count() == 1
    assert "kind" in api_error(client.get(URL, {"kind": "gossip"}), 400)["fields"]


def test_the_list_costs_the_same_queries_for_2_rows_as_for_20(
    person: Membership,
    client: APIClient,
    django_assert_num_queries: Callable[[int], Any],
) -> None:
    client.get(URL)  # the key's first use is recorded once
    for rows in (2, 20):
        notify(
            memberships=[person] * (rows - Notification.objects.count()),
            kind=Kind.ZERO_TOLERANCE,
            title="Zero-tolerance finding",
            email=False,
        )

        with django_assert_num_queries(3):
            response = client.get(URL)

        assert response.json()["count"] == rows
