"""Security events: who sees which, filtering them, and pruning old ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from csr_platform.models import Membership, SecurityEvent, User
from csr_platform.services.security import security_event_record
from csr_platform.tasks import prune_security_events
from tests.conftest import token_client
from tests.factories import member

EVENTS_URL = "/api/v1/security-events/"


def _role_changed(membership: Membership) -> SecurityEvent:
    return security_event_record(
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        organization=membership.organization,
        actor=membership.user,
        subject=membership.user,
        detail={"from": "viewer", "to": "csr"},
    )


def _signed_in(user: User) -> SecurityEvent:
    """A sign-in: an account event, with no organization."""
    return security_event_record(kind=SecurityEvent.Kind.LOGIN, actor=user, subject=user)


def _ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def _at(event: SecurityEvent, when: Any) -> SecurityEvent:
    SecurityEvent.objects.filter(pk=event.pk).update(created_at=when)
    event.refresh_from_db()
    return event


@pytest.mark.django_db
def test_a_brand_admin_sees_its_organizations_events_and_its_members_sign_ins_only() -> None:
    admin = member("brand", "admin")
    analyst = member("brand", "csr", organization=admin.organization)
    other_admin = member("brand", "admin")
    outsider = member("supplier", "member")
    own_event = _role_changed(admin)
    member_sign_in = _signed_in(analyst.user)
    other_org_event = _role_changed(other_admin)
    outsider_sign_in = _signed_in(outsider.user)
    unknown_account = security_event_record(
        kind=SecurityEvent.Kind.LOGIN_FAILED, subject_email="nobody@example.com"
    )

    seen = _ids(token_client(admin).get(EVENTS_URL))

    assert str(own_event.pk) in seen
    assert str(member_sign_in.pk) in seen
    assert str(other_org_event.pk) not in seen
    assert str(outsider_sign_in.pk) not in seen
    assert str(unknown_account.pk) not in seen
    # The other brand's admin sees its own event, not the first brand's.
    other_seen = _ids(token_client(other_admin).get(EVENTS_URL))
    assert str(other_org_event.pk) in other_seen
    assert not {str(own_event.pk), str(member_sign_in.pk)} & other_seen


@pytest.mark.django_db
def test_a_person_in_two_organizations_has_sign_ins_seen_by_both_admins() -> None:
    brand_admin = member("brand", "admin")
    supplier_admin = member("supplier", "admin")
    consultant = member("partner", "member")
    member("brand", "viewer", organization=brand_admin.organization, email=consultant.user.email)
    sign_in = _signed_in(consultant.user)

    assert str(sign_in.pk) in _ids(token_client(brand_admin).get(EVENTS_URL))
    assert str(sign_in.pk) not in _ids(token_client(supplier_admin).get(EVENTS_URL))


@pytest.mark.django_db
def test_sign_ins_after_a_member_was_removed_are_no_longer_shown() -> None:
    admin = member("brand", "admin")
    leaver = member("brand", "csr", organization=admin.organization)
    Membership.objects.filter(pk=leaver.pk).update(is_active=False)
    member("brand", "admin", email=leaver.user.email)  # now works for another brand

    sign_in = _signed_in(leaver.user)

    assert str(sign_in.pk) not in _ids(token_client(admin).get(EVENTS_URL))


@pytest.mark.django_db
def test_a_csr_gets_no_events_from_the_api_and_no_security_page() -> None:
    admin = member("brand", "admin")
    analyst = member("brand", "csr", organization=admin.organization)
    _role_changed(admin)
    _signed_in(analyst.user)
    browser = Client()
    browser.force_login(analyst.user)

    listing = token_client(analyst).get(EVENTS_URL)
    page = browser.get("/settings/security/")

    assert listing.status_code == 200
    assert listing.json()["count"] == 0
    assert listing.json()["results"] == []
    assert page.status_code == 403
    assert "Not allowed" in page.content.decode()
    # The admin of the same organization does see them.
    assert len(_ids(token_client(admin).get(EVENTS_URL))) >= 2


@pytest.mark.django_db
def test_events_filter_by_kind_since_and_account() -> None:
    admin = member("supplier", "admin", email="boss@dhaka.example")
    worker = member(
        "supplier", "member", organization=admin.organization, email="rina@dhaka.example"
    )
    client = token_client(admin)  # records a TOKEN_CREATED event
    now = timezone.now()
    old_sign_in = _at(_signed_in(worker.user), now - timedelta(days=10))
    recent_sign_in = _at(_signed_in(worker.user), now - timedelta(hours=1))
    role_change = _at(_role_changed(admin), now - timedelta(hours=2))

    by_kind = client.get(EVENTS_URL, {"kind": "login"})
    by_kinds = client.get(f"{EVENTS_URL}?kind=login&kind=role_changed")
    since = client.get(EVENTS_URL, {"since": (now - timedelta(days=1)).isoformat()})
    by_account = client.get(EVENTS_URL, {"account": "RINA@"})
    bad_kind = client.get(EVENTS_URL, {"kind": "coffee_break"})

    assert _ids(by_kind) == {str(old_sign_in.pk), str(recent_sign_in.pk)}
    assert _ids(by_kinds) == {str(old_sign_in.pk), str(recent_sign_in.pk), str(role_change.pk)}
    assert str(old_sign_in.pk) not in _ids(since)
    assert {str(recent_sign_in.pk), str(role_change.pk)} <= _ids(since)
    assert _ids(by_account) == {str(old_sign_in.pk), str(recent_sign_in.pk)}
    assert bad_kind.status_code == 400
    assert "kind" in bad_kind.json()["fields"]


@pytest.mark.django_db
def test_pruning_deletes_events_past_the_retention_period_and_keeps_newer_ones() -> None:
    admin = member("brand", "admin")
    retention = timedelta(days=settings.SECURITY_EVENT_RETENTION_DAYS)
    now = timezone.now()
    expired = [_at(_role_changed(admin), now - retention - timedelta(days=d)) for d in (1, 30)]
    kept = [_at(_role_changed(admin), now - retention + timedelta(days=1)), _role_changed(admin)]

    deleted = prune_security_events()

    assert deleted == len(expired)
    remaining = set(SecurityEvent.objects.values_list("pk", flat=True))
    assert remaining == {event.pk for event in kept}
