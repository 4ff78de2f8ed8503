"""API keys: obtaining one with a password, using it, and who may issue or revoke which."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from csr_platform.models import ApiToken, Membership
from csr_platform.services.tokens import api_token_issue
from tests.conftest import api_error, token_client
from tests.factories import PASSWORD, member

OBTAIN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/tokens/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Which hasher is used is not under test here; a fast one keeps these tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def person(kind: str, role: str) -> Membership:
    """A member whose password (PASSWORD) is hashed with the fast test hasher."""
    return member(kind, role, password=make_password(PASSWORD))


def _client_with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _issue(membership: Membership, **kwargs: Any) -> tuple[ApiToken, str]:
    return api_token_issue(membership=membership, name="nightly export", by=membership, **kwargs)


# --- Obtaining a key with e-mail, password and organization --------------------------


@pytest.mark.django_db
def test_good_credentials_give_a_key_that_is_shown_once_and_stored_only_as_a_hash() -> None:
    analyst = person("brand", "csr")

    response = APIClient().post(
        OBTAIN_URL,
        {
            "email": analyst.user.email,
            "password": PASSWORD,
            "organization": analyst.organization.slug,
            "name": "BI export",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    key = body["key"]
    assert key.startswith("csr_")
    assert body["name"] == "BI export"
    assert body["role"] == "csr"

    # The key works, and reading the token back never shows it again.
    client = _client_with_key(key)
    detail = client.get(f"{TOKENS_URL}{body['id']}/")
    listing = client.get(TOKENS_URL)
    assert detail.status_code == 200
    assert "key" not in detail.json()
    assert key not in detail.content.decode()
    assert key not in listing.content.decode()

    # The database holds the SHA-256 of the key, never the key itself.
    token = ApiToken.objects.get(pk=body["id"])
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert all(key not in str(value) for value in stored.values())


@pytest.mark.django_db
def test_wrong_password_is_401_in_the_oneapi_error() -> None:
    analyst = person("brand", "csr")

    response = APIClient().post(
        OBTAIN_URL,
        {
            "email": analyst.user.email,
            "password": "not-the-password",
            "organization": analyst.organization.slug,
        },
    )

    body = api_error(response, 401)
    assert set(body) == {"status", "code", "detail"}
    assert "Wrong e-mail or password" in body["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_an_organization_the_user_is_not_a_member_of_is_a_field_error() -> None:
    analyst = person("brand", "csr")
    other_brand = member("brand", "admin").organization

    response = APIClient().post(
        OBTAIN_URL,
        {
            "email": analyst.user.email,
            "password": PASSWORD,
            "organization": other_brand.slug,
        },
    )

    body = api_error(response, 400)
    assert "organization" in body["fields"]
    assert "not a member" in body["fields"]["organization"][0]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_locked_out_account_gets_the_json_error_shape_from_the_api() -> None:
    analyst = person("brand", "csr")
    client = APIClient()
    guess = {
        "email": analyst.user.email,
        "password": "guess",
        "organization": analyst.organization.slug,
    }
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(OBTAIN_URL, guess)

    response = client.post(OBTAIN_URL, {**guess, "password": PASSWORD})

    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = api_error(response, response.status_code)
    assert "Too many failed sign-ins" in body["detail"]
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_eleventh_request_within_a_minute_is_throttled() -> None:
    rates: Any = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["token_obtain"] == "10/minute"
    analyst = person("brand", "csr")
    client = APIClient()

    # Ten requests are answered (incomplete ones, so no password is checked) ...
    for _attempt in range(10):
        assert client.post(OBTAIN_URL, {}).status_code == 400
    # ... the eleventh is refused even with good credentials.
    response = client.post(
        OBTAIN_URL,
        {
            "email": analyst.user.email,
            "password": PASSWORD,
            "organization": analyst.organization.slug,
        },
    )

    body = api_error(response, 429)
    assert body["code"] == "throttled"
    assert not ApiToken.objects.exists()


# --- Using a key -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_revoked_key_is_refused_with_401() -> None:
    analyst = member("brand", "csr")
    token, key = _issue(analyst)
    client = _client_with_key(key)
    assert client.get("/api/v1/whoami/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    response = client.get("/api/v1/whoami/")

    body = api_error(response, 401)
    assert "revoked" in body["detail"]


@pytest.mark.django_db
def test_an_expired_key_is_refused_with_401() -> None:
    analyst = member("brand", "csr")
    token, key = _issue(analyst, expires_at=timezone.now() + timedelta(days=1))
    client = _client_with_key(key)
    assert client.get("/api/v1/whoami/").status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/whoami/")

    api_error(response, 401)


@pytest.mark.django_db
def test_the_key_of_a_deactivated_account_is_refused_with_401() -> None:
    analyst = member("brand", "csr")
    _token, key = _issue(analyst)
    client = _client_with_key(key)
    assert client.get("/api/v1/whoami/").status_code == 200

    analyst.user.is_active = False
    analyst.user.save(update_fields=["is_active"])

    api_error(client.get("/api/v1/whoami/"), 401)


@pytest.mark.django_db
def test_a_key_cannot_be_issued_already_expired() -> None:
    analyst = member("brand", "csr")

    response = token_client(analyst).post(
        TOKENS_URL,
        {"name": "yesterday", "expires_at": (timezone.now() - timedelta(days=1)).isoformat()},
    )

    body = api_error(response, 400)
    assert "expires_at" in body["fields"]
    assert not ApiToken.objects.filter(name="yesterday").exists()


@pytest.mark.django_db
def test_removing_a_member_revokes_their_keys() -> None:
    admin = member("brand", "admin")
    analyst = member("brand", "csr", organization=admin.organization)
    token, key = _issue(analyst)
    analyst_client = _client_with_key(key)
    assert analyst_client.get("/api/v1/whoami/").status_code == 200

    removed = token_client(admin).delete(f"/api/v1/members/{analyst.pk}/")

    assert removed.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    api_error(analyst_client.get("/api/v1/whoami/"), 401)


@pytest.mark.django_db
def test_last_used_is_recorded_but_not_rewritten_on_every_request_within_a_minute() -> None:
    analyst = member("brand", "csr")
    token, key = _issue(analyst)
    client = _client_with_key(key)
    assert token.last_used_at is None

    client.get("/api/v1/whoami/")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/whoami/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first_use
    table = ApiToken._meta.db_table
    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and table in q["sql"]]
    assert writes == []

    # Once the minute has passed, the next use is recorded again.
    a_while_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_while_ago)
    client.get("/api/v1/whoami/")
    token.refresh_from_db()
    assert token.last_used_at > a_while_ago + timedelta(minutes=1)


# --- Issuing keys through /api/v1/tokens/ ---------------------------------------------


@pytest.mark.django_db
def test_a_csr_may_create_a_key_for_itself() -> None:
    analyst = member("brand", "csr")

    response = token_client(analyst).post(TOKENS_URL, {"name": "spreadsheet sync"})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["key"].startswith("csr_")
    assert body["membership"] == str(analyst.pk)
    whoami = _client_with_key(body["key"]).get("/api/v1/whoami/").json()
    assert whoami["membership"]["id"] == str(analyst.pk)


@pytest.mark.django_db
def test_a_csr_may_not_create_a_key_for_a_colleague() -> None:
    analyst = member("brand", "csr")
    colleague = member("brand", "viewer", organization=analyst.organization)

    response = token_client(analyst).post(
        TOKENS_URL, {"name": "on their behalf", "membership": str(colleague.pk)}
    )

    api_error(response, 403)
    assert not ApiToken.objects.filter(membership=colleague).exists()


@pytest.mark.django_db
def test_a_brand_admin_issues_a_key_that_acts_with_the_colleagues_role() -> None:
    admin = member("brand", "admin")
    sourcing = member("brand", "sourcing", organization=admin.organization)

    response = token_client(admin).post(
        TOKENS_URL, {"name": "sourcing robot", "membership": str(sourcing.pk)}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["role"] == "sourcing"
    assert body["member_email"] == sourcing.user.email
    whoami = _client_with_key(body["key"]).get("/api/v1/whoami/").json()
    assert whoami["user"]["email"] == sourcing.user.email
    assert whoami["membership"]["role"] == "sourcing"
    assert whoami["authenticated_by"] == "token"
    assert "manage_members" not in whoami["capabilities"]  # none of the admin's powers


@pytest.mark.django_db
def test_a_supplier_admin_may_not_issue_a_key_for_a_colleague() -> None:
    admin = member("supplier", "admin")
    colleague = member("supplier", "member", organization=admin.organization)

    response = token_client(admin).post(
        TOKENS_URL, {"name": "line manager", "membership": str(colleague.pk)}
    )

    api_error(response, 403)
    assert not ApiToken.objects.filter(membership=colleague).exists()


@pytest.mark.django_db
def test_revoking_a_key_twice_is_a_conflict() -> None:
    analyst = member("brand", "csr")
    token, _key = _issue(analyst)
    client = token_client(analyst)

    first = client.delete(f"{TOKENS_URL}{token.pk}/")
    second = client.delete(f"{TOKENS_URL}{token.pk}/")

    assert first.status_code == 204
    body = api_error(second, 409)
    assert body["code"] == "conflict"
    assert "already revoked" in body["detail"]


@pytest.mark.django_db
def test_a_csr_lists_only_its_own_keys_an_admin_lists_all_of_the_organization() -> None:
    admin = member("brand", "admin")
    analyst = member("brand", "csr", organization=admin.organization)
    viewer = member("brand", "viewer", organization=admin.organization)
    stranger = member("brand", "admin")
    analyst_key, _ = _issue(analyst)
    viewer_key, _ = _issue(viewer)
    stranger_key, _ = _issue(stranger)
    analyst_client = token_client(analyst)  # issues one more key, for the analyst
    admin_client = token_client(admin)  # and one for the admin

    analyst_ids = {row["id"] for row in analyst_client.get(TOKENS_URL).json()["results"]}
    admin_ids = {row["id"] for row in admin_client.get(TOKENS_URL).json()["results"]}

    analysts_own = {str(t.pk) for t in ApiToken.objects.filter(membership=analyst)}
    organizations = {
        str(t.pk) for t in ApiToken.objects.filter(membership__organization=admin.organization)
    }
    assert analyst_ids == analysts_own
    assert str(analyst_key.pk) in analyst_ids
    assert str(viewer_key.pk) not in analyst_ids
    assert admin_ids == organizations
    assert {str(analyst_key.pk), str(viewer_key.pk)} <= admin_ids
    assert str(stranger_key.pk) not in admin_ids
