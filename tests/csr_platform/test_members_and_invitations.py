"""Inviting people, accepting invitations, changing roles and removing members."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from csr_platform.models import ApiToken, Invitation, Membership, SecurityEvent, User
from csr_platform.services.invitations import invitation_create
from csr_platform.services.tokens import api_token_issue
from csr_platform.tasks import send_invitation_email
from tests.conftest import token_client
from tests.factories import member

INVITATIONS_URL = "/api/v1/invitations/"
NEW_PASSWORD = "Tangerine-Quokka-4817"
ACCEPT_LINK = re.compile(r"https?://\S+(/accounts/invitations/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Which hasher is used is not under test here; a fast one keeps sign-ups quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _error(response: Any, status: int) -> dict[str, Any]:
    body = response.json()
    assert response.status_code == status, body
    assert body["status"] == status
    assert body["code"]
    assert body["detail"]
    return body


def _invite(admin: Membership, email: str, role: str = "csr") -> tuple[Invitation, str]:
    return invitation_create(by=admin, email=email, role=role)


def _signup(**overrides: str) -> dict[str, str]:
    return {
        "full_name": "Nadia Rahman",
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        **overrides,
    }


# --- Inviting through the API --------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_invites_and_one_email_with_an_accept_link_is_sent(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    admin = member("brand", "admin", full_name="Ana Admin")
    client = token_client(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(INVITATIONS_URL, {"email": "New.Person@Example.com", "role": "csr"})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["email"] == "new.person@example.com"
    assert body["role"] == "csr"
    assert body["status"] == "pending"
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert sent.to == ["new.person@example.com"]
    assert admin.organization.name in sent.subject
    assert "Ana Admin" in sent.body
    link = ACCEPT_LINK.search(sent.body)
    assert link, sent.body
    # The link in the e-mail opens the invitation.
    page = Client().get(link.group(1))
    assert page.status_code == 200
    assert f"Join {admin.organization.name}" in page.content.decode()
    assert Invitation.objects.get(pk=body["id"]).email_sent_at is not None
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.INVITATION_SENT, organization=admin.organization
    ).exists()


@pytest.mark.django_db
def test_reinviting_an_address_revokes_the_earlier_open_invitation() -> None:
    admin = member("brand", "admin")
    client = token_client(admin)

    first = client.post(INVITATIONS_URL, {"email": "sam@example.com", "role": "csr"})
    second = client.post(INVITATIONS_URL, {"email": "sam@example.com", "role": "viewer"})

    assert first.status_code == 201, first.json()
    assert second.status_code == 201, second.json()
    assert client.get(f"{INVITATIONS_URL}{first.json()['id']}/").json()["status"] == "revoked"
    assert client.get(f"{INVITATIONS_URL}{second.json()['id']}/").json()["status"] == "pending"
    pending = client.get(INVITATIONS_URL, {"status": "pending"}).json()["results"]
    assert [row["role"] for row in pending] == ["viewer"]


@pytest.mark.django_db
def test_inviting_an_active_member_is_a_conflict() -> None:
    admin = member("brand", "admin")
    colleague = member("brand", "csr", organization=admin.organization)

    response = token_client(admin).post(
        INVITATIONS_URL, {"email": colleague.user.email.upper(), "role": "viewer"}
    )

    body = _error(response, 409)
    assert "already a member" in body["detail"]
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_role_the_organization_kind_does_not_have_is_a_field_error() -> None:
    supplier_admin = member("supplier", "admin")

    response = token_client(supplier_admin).post(
        INVITATIONS_URL, {"email": "line.lead@example.com", "role": "csr"}
    )

    body = _error(response, 400)
    assert "role" in body["fields"]
    message = body["fields"]["role"][0]
    assert "admin" in message
    assert "member" in message
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_sending_the_invitation_email_twice_sends_it_once(mailoutbox: list[Any]) -> None:
    admin = member("brand", "admin")
    invitation, secret = _invite(admin, "once@example.com")  # on_commit never runs here
    assert mailoutbox == []

    first = send_invitation_email(invitation_id=str(invitation.pk), secret=secret)
    second = send_invitation_email(invitation_id=str(invitation.pk), secret=secret)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1
    assert secret in mailoutbox[0].body


@pytest.mark.django_db
def test_a_failed_send_is_released_so_the_retry_sends_the_email(
    mailoutbox: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = member("brand", "admin")
    invitation, secret = _invite(admin, "flaky@example.com")

    def mail_server_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("mail server down")

    with monkeypatch.context() as patched:
        patched.setattr("csr_platform.tasks.send_mail", mail_server_down)
        with pytest.raises(OSError, match="mail server down"):
            send_invitation_email(invitation_id=str(invitation.pk), secret=secret)
    invitation.refresh_from_db()
    assert invitation.email_sent_at is None
    assert mailoutbox == []

    assert send_invitation_email(invitation_id=str(invitation.pk), secret=secret) is True
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_no_email_goes_out_for_an_invitation_revoked_before_sending(
    mailoutbox: list[Any],
) -> None:
    admin = member("brand", "admin")
    invitation, secret = _invite(admin, "changed.mind@example.com")
    assert token_client(admin).delete(f"{INVITATIONS_URL}{invitation.pk}/").status_code == 204

    sent = send_invitation_email(invitation_id=str(invitation.pk), secret=secret)

    assert sent is False
    assert mailoutbox == []


@pytest.mark.django_db
def test_revoking_a_pending_invitation_then_again_is_a_conflict() -> None:
    admin = member("brand", "admin")
    invitation, _secret = _invite(admin, "maybe@example.com")
    client = token_client(admin)

    first = client.delete(f"{INVITATIONS_URL}{invitation.pk}/")
    second = client.delete(f"{INVITATIONS_URL}{invitation.pk}/")

    assert first.status_code == 204
    body = _error(second, 409)
    assert "Revoked" in body["detail"]
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


# --- Accepting in the browser ----------------------------------------------------------


@pytest.mark.django_db
def test_accepting_with_a_new_account_creates_it_joins_and_signs_in() -> None:
    admin = member("brand", "admin")
    _invitation, secret = _invite(admin, "nadia@example.com", role="sourcing")
    browser = Client()

    response = browser.post(f"/accounts/invitations/{secret}/", _signup())

    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(email="nadia@example.com")
    assert user.full_name == "Nadia Rahman"
    assert user.check_password(NEW_PASSWORD)
    joined = Membership.objects.get(user=user)
    assert (joined.organization, joined.role, joined.is_active) == (
        admin.organization,
        "sourcing",
        True,
    )
    home = browser.get("/")
    assert home.status_code == 200
    assert f"Welcome to {admin.organization.name}" in home.content.decode()


@pytest.mark.django_db
def test_an_expired_invitation_can_no_longer_be_used() -> None:
    admin = member("brand", "admin")
    invitation, secret = _invite(admin, "late@example.com")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    browser = Client()

    page = browser.get(f"/accounts/invitations/{secret}/")
    attempt = browser.post(f"/accounts/invitations/{secret}/", _signup())

    assert "This invitation can no longer be used" in page.content.decode()
    assert "Expired" in page.content.decode()
    assert attempt.status_code == 409
    assert not User.objects.filter(email="late@example.com").exists()


@pytest.mark.django_db
def test_an_invitation_link_works_only_once() -> None:
    admin = member("brand", "admin")
    _invitation, secret = _invite(admin, "twice@example.com")
    assert Client().post(f"/accounts/invitations/{secret}/", _signup()).status_code == 302

    again = Client().post(f"/accounts/invitations/{secret}/", _signup())

    assert again.status_code == 409
    assert "This invitation is Accepted" in again.content.decode()
    assert Membership.objects.filter(user__email="twice@example.com").count() == 1


@pytest.mark.django_db
def test_a_wrong_secret_is_404() -> None:
    admin = member("brand", "admin")
    _invite(admin, "someone@example.com")

    response = Client().get("/accounts/invitations/not-the-secret/")

    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


@pytest.mark.django_db
def test_an_existing_account_must_sign_in_to_accept() -> None:
    admin = member("brand", "admin")
    consultant = member("partner", "member")
    _invitation, secret = _invite(admin, consultant.user.email, role="viewer")
    browser = Client()

    page = browser.get(f"/accounts/invitations/{secret}/")
    attempt = browser.post(f"/accounts/invitations/{secret}/", _signup())

    assert "You already have an account" in page.content.decode()
    assert "Sign in to accept" in page.content.decode()
    assert attempt.status_code == 409
    assert "sign in to accept" in attempt.content.decode()
    assert not Membership.objects.filter(
        user=consultant.user, organization=admin.organization
    ).exists()

    # Signed in as that account, accepting adds the membership.
    browser.force_login(consultant.user)
    accepted = browser.post(f"/accounts/invitations/{secret}/")
    assert accepted.status_code == 302
    assert (
        Membership.objects.get(user=consultant.user, organization=admin.organization).role
        == "viewer"
    )


@pytest.mark.django_db
def test_a_removed_member_can_be_invited_back_and_rejoins_with_the_new_role(
    django_capture_on_commit_callbacks: Any, mailoutbox: list[Any]
) -> None:
    admin = member("brand", "admin")
    returning = member("brand", "csr", organization=admin.organization)
    client = token_client(admin)
    assert client.delete(f"/api/v1/members/{returning.pk}/").status_code == 204

    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(INVITATIONS_URL, {"email": returning.user.email, "role": "viewer"})
    assert invited.status_code == 201, invited.json()
    link = ACCEPT_LINK.search(mailoutbox[0].body)
    assert link
    browser = Client()
    browser.force_login(returning.user)
    accepted = browser.post(link.group(1))

    assert accepted.status_code == 302
    returning.refresh_from_db()
    assert (returning.is_active, returning.role) == (True, "viewer")
    assert Membership.objects.filter(user=returning.user).count() == 1


@pytest.mark.django_db
def test_signed_in_with_another_address_is_a_conflict_with_a_message() -> None:
    admin = member("brand", "admin")
    _invitation, secret = _invite(admin, "intended@example.com")
    someone_else = member("supplier", "admin")
    browser = Client()
    browser.force_login(someone_else.user)

    page = browser.get(f"/accounts/invitations/{secret}/")
    response = browser.post(f"/accounts/invitations/{secret}/")

    assert "You are signed in with another address" in page.content.decode()
    assert response.status_code == 409
    assert "This invitation is for intended@example.com" in response.content.decode()
    assert (
        not Membership.objects.filter(organization=admin.organization).exclude(pk=admin.pk).exists()
    )


# --- Roles and removal -------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_changes_a_role_and_the_change_is_recorded() -> None:
    admin = member("brand", "admin")
    colleague = member("brand", "viewer", organization=admin.organization)

    response = token_client(admin).patch(f"/api/v1/members/{colleague.pk}/", {"role": "csr"})

    assert response.status_code == 200, response.json()
    assert response.json()["role"] == "csr"
    colleague.refresh_from_db()
    assert colleague.role == "csr"
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ROLE_CHANGED)
    assert event.organization == admin.organization
    assert event.actor == admin.user
    assert event.subject == colleague.user
    assert event.detail == {"from": "viewer", "to": "csr"}


@pytest.mark.django_db
def test_a_csr_may_not_change_roles() -> None:
    analyst = member("brand", "csr")
    colleague = member("brand", "viewer", organization=analyst.organization)

    response = token_client(analyst).patch(f"/api/v1/members/{colleague.pk}/", {"role": "admin"})

    _error(response, 403)
    colleague.refresh_from_db()
    assert colleague.role == "viewer"
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.ROLE_CHANGED).exists()


@pytest.mark.django_db
def test_the_last_admin_cannot_be_demoted() -> None:
    admin = member("brand", "admin")
    member("brand", "csr", organization=admin.organization)

    response = token_client(admin).patch(f"/api/v1/members/{admin.pk}/", {"role": "csr"})

    body = _error(response, 409)
    assert "at least one administrator" in body["detail"]
    admin.refresh_from_db()
    assert admin.role == "admin"


@pytest.mark.django_db
def test_removing_a_member_deactivates_it_and_revokes_its_keys() -> None:
    admin = member("brand", "admin")
    colleague = member("brand", "csr", organization=admin.organization)
    token, _key = api_token_issue(membership=colleague, name="script", by=colleague)

    response = token_client(admin).delete(f"/api/v1/members/{colleague.pk}/")

    assert response.status_code == 204
    colleague.refresh_from_db()
    token.refresh_from_db()
    assert colleague.is_active is False
    assert token.revoked_at is not None
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.MEMBER_REMOVED)
    assert event.detail == {"role": "csr", "tokens_revoked": 1}
    assert not ApiToken.objects.filter(membership=colleague, revoked_at__isnull=True).exists()


@pytest.mark.django_db
def test_the_last_admin_cannot_be_removed() -> None:
    admin = member("supplier", "admin")
    member("supplier", "member", organization=admin.organization)

    response = token_client(admin).delete(f"/api/v1/members/{admin.pk}/")

    body = _error(response, 409)
    assert "at least one administrator" in body["detail"]
    admin.refresh_from_db()
    assert admin.is_active is True


# --- The members page ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_members_page_offers_invitations_to_admins_only() -> None:
    admin = member("brand", "admin")
    analyst = member("brand", "csr", organization=admin.organization)
    admin_browser, analyst_browser = Client(), Client()
    admin_browser.force_login(admin.user)
    analyst_browser.force_login(analyst.user)

    as_admin = admin_browser.get("/settings/members/")
    as_analyst = analyst_browser.get("/settings/members/")
    invite_attempt = analyst_browser.post(
        "/settings/members/invite/", {"email": "sneaky@example.com", "role": "admin"}
    )

    assert as_admin.status_code == 200
    assert "Invite someone" in as_admin.content.decode()
    assert 'action="/settings/members/invite/"' in as_admin.content.decode()
    assert as_analyst.status_code == 200
    assert analyst.user.email in as_analyst.content.decode()
    assert "Invite someone" not in as_analyst.content.decode()
    assert 'action="/settings/members/invite/"' not in as_analyst.content.decode()
    assert invite_attempt.status_code == 403
    assert not Invitation.objects.exists()
    assert len(mail.outbox) == 0
