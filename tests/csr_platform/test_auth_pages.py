"""Signing in and out, lockout, password reset, switching organization, language, time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client

from csr_platform.models import Membership, SecurityEvent
from csr_platform.services.security import security_event_record
from csr_platform.tenancy import SESSION_KEY
from tests.factories import PASSWORD, UserFactory, member

LOGIN_URL = "/accounts/login/"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password-reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Which hasher is used is not under test here; a fast one keeps sign-ins quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(kind: str, role: str, **user_fields: Any) -> Membership:
    """A member whose password (PASSWORD) is hashed with the fast test hasher."""
    return member(kind, role, password=make_password(PASSWORD), **user_fields)


def _signed_in(membership: Membership) -> Client:
    browser = Client()
    browser.force_login(membership.user)
    return browser


def _active_membership_id(browser: Client) -> str | None:
    response = browser.get("/")
    request: Any = response.wsgi_request
    return str(request.membership.pk) if response.status_code == 200 else None


# --- Signing in -------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_in_ignores_the_case_of_the_email_and_is_recorded() -> None:
    analyst = person("brand", "csr", email="rosa.diaz@example.com")
    browser = Client()

    assert browser.get(LOGIN_URL).status_code == 200
    response = browser.post(LOGIN_URL, {"username": "Rosa.Diaz@EXAMPLE.com", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = browser.get("/")
    assert home.status_code == 200
    assert analyst.organization.name in home.content.decode()
    login = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN)
    assert login.subject == analyst.user
    assert login.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_repeated_wrong_passwords_lock_the_account_from_that_address() -> None:
    analyst = person("brand", "csr", email="target@example.com")
    browser = Client()
    limit = settings.AXES_FAILURE_LIMIT

    for _attempt in range(limit - 1):
        refused = browser.post(LOGIN_URL, {"username": "target@example.com", "password": "guess"})
        assert refused.status_code == 200
        assert "Wrong e-mail or password" in refused.content.decode()
    browser.post(LOGIN_URL, {"username": "target@example.com", "password": "guess"})
    # The failure that reaches the limit is recorded as the lockout, not as one more failure.
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() == limit - 1
    lockout = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT)
    assert (lockout.subject, lockout.subject_email) == (analyst.user, "target@example.com")

    # Even the right password is refused now.
    response = browser.post(LOGIN_URL, {"username": "target@example.com", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert browser.get("/").status_code == 302  # still signed out
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() == limit - 1


@pytest.mark.django_db
def test_a_failed_sign_in_with_an_unknown_address_is_recorded() -> None:
    response = Client().post(LOGIN_URL, {"username": "nobody@example.com", "password": "guess"})

    assert response.status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN_FAILED)
    assert event.subject is None
    assert event.subject_email == "nobody@example.com"


# --- Password reset ---------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_mails_a_link_that_sets_a_new_password(mailoutbox: list[Any]) -> None:
    analyst = person("brand", "csr", email="forgetful@example.com")
    browser = Client()

    sent = browser.post(
        "/accounts/password-reset/", {"email": "forgetful@example.com"}, follow=True
    )

    assert "Check your e-mail" in sent.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["forgetful@example.com"]
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.PASSWORD_RESET_REQUESTED)
    assert event.subject == analyst.user
    link = RESET_LINK.search(mailoutbox[0].body)
    assert link, mailoutbox[0].body

    form = browser.get(link.group(1), follow=True)
    assert "Choose a new password" in form.content.decode()
    saved = browser.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Marmalade-Otter-2290", "new_password2": "Marmalade-Otter-2290"},
        follow=True,
    )
    assert "Password saved" in saved.content.decode()

    fresh = Client()
    old = fresh.post(LOGIN_URL, {"username": "forgetful@example.com", "password": PASSWORD})
    new = fresh.post(
        LOGIN_URL, {"username": "forgetful@example.com", "password": "Marmalade-Otter-2290"}
    )
    assert old.status_code == 200  # the old password no longer works
    assert new.status_code == 302


@pytest.mark.django_db
def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    mailoutbox: list[Any],
) -> None:
    response = Client().post(
        "/accounts/password-reset/", {"email": "stranger@example.com"}, follow=True
    )

    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    assert mailoutbox == []


# --- Signing out ------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_out_takes_a_post() -> None:
    analyst = member("brand", "csr")
    browser = _signed_in(analyst)

    by_link = browser.get("/accounts/logout/")
    assert by_link.status_code == 405
    assert browser.get("/").status_code == 200  # a GET did not sign out

    by_form = browser.post("/accounts/logout/")
    assert by_form.status_code == 302
    assert browser.get("/").status_code == 302
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.LOGOUT, subject=analyst.user
    ).exists()


# --- Organization switcher --------------------------------------------------------------


@pytest.mark.django_db
def test_the_switcher_moves_between_the_users_own_memberships_only() -> None:
    at_brand = member("brand", "viewer")
    at_partner = member("partner", "member", email=at_brand.user.email)
    assert at_partner.user == at_brand.user
    someone_elses = member("supplier", "admin")
    browser = _signed_in(at_brand)
    start = _active_membership_id(browser)
    other = at_partner if start == str(at_brand.pk) else at_brand

    switched = browser.post("/switch/", {"membership": str(other.pk)}, follow=True)

    assert f"You now act for {other.organization.name}" in switched.content.decode()
    assert _active_membership_id(browser) == str(other.pk)
    assert browser.session[SESSION_KEY] == str(other.pk)

    refused = browser.post("/switch/", {"membership": str(someone_elses.pk)}, follow=True)

    assert "You are not a member of that organization" in refused.content.decode()
    assert _active_membership_id(browser) == str(other.pk)

    # A membership the user was removed from cannot be switched to either.
    start_membership = at_brand if other == at_partner else at_partner
    Membership.objects.filter(pk=start_membership.pk).update(is_active=False)
    gone = browser.post("/switch/", {"membership": str(start_membership.pk)}, follow=True)
    assert "You are not a member of that organization" in gone.content.decode()
    assert _active_membership_id(browser) == str(other.pk)


# --- Language and time zone -------------------------------------------------------------


@pytest.mark.django_db
def test_the_chosen_language_is_saved_and_used_on_the_next_page() -> None:
    analyst = member("brand", "csr")
    browser = _signed_in(analyst)
    assert '<html lang="en">' in browser.get("/").content.decode()

    response = browser.post("/language/", {"language": "es", "next": "/settings/profile/"})

    assert response.status_code == 302
    assert response["Location"] == "/settings/profile/"
    analyst.user.refresh_from_db()
    assert analyst.user.language == "es"
    assert '<html lang="es">' in browser.get("/settings/profile/").content.decode()
    # Another device, without the language cookie, follows the saved choice too.
    assert '<html lang="es">' in _signed_in(analyst).get("/").content.decode()


@pytest.mark.django_db
def test_the_language_chooser_does_not_redirect_to_another_site() -> None:
    browser = _signed_in(member("brand", "csr"))

    response = browser.post("/language/", {"language": "es", "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_times_are_shown_in_the_users_time_zone() -> None:
    admin = member("brand", "admin", time_zone="Asia/Dhaka")
    event = security_event_record(
        kind=SecurityEvent.Kind.ROLE_CHANGED,
        organization=admin.organization,
        actor=admin.user,
        subject=admin.user,
    )
    SecurityEvent.objects.filter(pk=event.pk).update(
        created_at=datetime(2025, 3, 1, 18, 30, 5, tzinfo=UTC)
    )

    page = _signed_in(admin).get("/settings/security/", {"kind": "role_changed"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "2025-03-02 00:30:05" in html  # UTC+6
    assert "2025-03-01 18:30:05" not in html
    assert "Asia/Dhaka" in html


# --- Who may see pages at all -----------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in() -> None:
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


@pytest.mark.django_db
def test_a_user_without_an_organization_is_told_so() -> None:
    loner: Any = UserFactory()
    browser = Client()
    browser.force_login(loner)

    response = browser.get("/")

    assert response.status_code == 403
    assert "You are not a member of any organization" in response.content.decode()
