"""What every API resource shares: the error shape, pagination, CSRF, the schema and docs,
whoami, and query counts that do not grow with the number of rows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from csr_platform.api.pagination import PageNumberPagination
from csr_platform.models import Membership, SecurityEvent
from csr_platform.services.invitations import invitation_create
from csr_platform.services.security import security_event_record
from csr_platform.services.tokens import api_token_issue, api_token_revoke
from tests.conftest import api_error, session_client, token_client
from tests.factories import member

# --- One error shape ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_400_names_the_invalid_fields() -> None:
    admin = member("brand", "admin")

    response = token_client(admin).post(
        "/api/v1/invitations/", {"email": "not-an-address", "role": "emperor"}
    )

    body = api_error(response, 400, "invalid")
    assert set(body["fields"]) == {"email", "role"}
    assert all(isinstance(message, str) for message in body["fields"]["email"])


@pytest.mark.django_db
def test_a_401_for_a_request_without_credentials() -> None:
    response = APIClient().get("/api/v1/members/")

    body = api_error(response, 401, "not_authenticated")
    assert "fields" not in body
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_a_403_for_an_action_the_role_does_not_allow() -> None:
    viewer = member("brand", "viewer")

    response = token_client(viewer).post(
        "/api/v1/invitations/", {"email": "x@example.com", "role": "viewer"}
    )

    body = api_error(response, 403, "permission_denied")
    assert "role does not allow" in body["detail"]


@pytest.mark.django_db
def test_a_404_for_an_object_that_is_not_there_or_not_yours() -> None:
    admin = member("brand", "admin")
    elsewhere = member("brand", "csr")
    client = token_client(admin)

    missing = client.get(f"/api/v1/members/{uuid.uuid4()}/")
    foreign = client.get(f"/api/v1/members/{elsewhere.pk}/")

    assert api_error(missing, 404) == api_error(foreign, 404)
    assert missing.json()["detail"] == "Not found."


@pytest.mark.django_db
def test_a_409_when_the_state_forbids_the_action() -> None:
    analyst = member("brand", "csr")
    token, _key = api_token_issue(membership=analyst, name="old", by=analyst)
    api_token_revoke(token=token, by=analyst)

    response = token_client(analyst).delete(f"/api/v1/tokens/{token.pk}/")

    api_error(response, 409, "conflict")


# --- Pagination ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_lists_are_paginated_with_a_next_link() -> None:
    admin = member("brand", "admin")
    for role in ("csr", "sourcing", "viewer"):
        member("brand", role, organization=admin.organization)
    client = token_client(admin)

    first = client.get("/api/v1/members/", {"page_size": 2}).json()
    rest = client.get(first["next"]).json()

    assert first["count"] == 4
    assert len(first["results"]) == 2
    assert first["next"] is not None
    assert "page=2" in first["next"]
    assert first["previous"] is None
    assert len(rest["results"]) == 2
    assert rest["next"] is None
    ids = [row["id"] for row in first["results"] + rest["results"]]
    assert len(set(ids)) == 4


@pytest.mark.django_db
def test_a_huge_page_size_is_capped_not_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert settings.REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"] == (
        "csr_platform.api.pagination.PageNumberPagination"
    )
    assert PageNumberPagination.max_page_size == 500
    admin = member("brand", "admin")
    for role in ("csr", "sourcing"):
        member("brand", role, organization=admin.organization)
    client = token_client(admin)

    everything = client.get("/api/v1/members/", {"page_size": 100000})

    assert everything.status_code == 200
    assert len(everything.json()["results"]) == 3
    assert everything.json()["next"] is None

    # The cap is what limits the page: with a cap of 2, the same request gets 2 rows.
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 2)
    capped = client.get("/api/v1/members/", {"page_size": 100000}).json()
    assert len(capped["results"]) == 2
    assert capped["next"] is not None


# --- CSRF on session-authenticated writes -------------------------------------------------


@pytest.mark.django_db
def test_a_session_write_without_the_csrf_token_is_refused() -> None:
    analyst = member("brand", "csr")
    browser = session_client(analyst, enforce_csrf=True)

    assert browser.get("/api/v1/tokens/").status_code == 200  # reads need no token
    refused = browser.post("/api/v1/tokens/", {"name": "from a forged form"})

    body = api_error(refused, 403)
    assert "CSRF" in body["detail"]
    assert not analyst.api_tokens.exists()

    # The same write with the token from a page of the site goes through.
    browser.get("/settings/tokens/")
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/tokens/", {"name": "from my own page"}, HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.json()


# --- Schema, docs and whoami ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_is_openapi_3_with_our_paths_and_the_token_scheme() -> None:
    admin = member("brand", "admin")

    response = token_client(admin).get("/api/v1/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in ("/api/v1/members/", "/api/v1/tokens/", "/api/v1/whoami/"):
        assert path in schema["paths"], sorted(schema["paths"])
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": scheme["description"],
    }


@pytest.mark.django_db
def test_the_docs_load_swagger_ui_from_our_own_static_files() -> None:
    admin = member("brand", "admin")
    browser = Client()
    browser.force_login(admin.user)

    response = browser.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    assert any(
        src.startswith("/static/") and src.endswith("swagger-ui-bundle.js") for src in scripts
    ), scripts
    foreign = [
        url
        for url in re.findall(r"(?:https?:)?//[^\s\"'<>]+", html)
        if not re.match(r"(?:https?:)?//testserver(?:[/:]|$)", url)
    ]
    assert foreign == []
    init_script = browser.get("/api/v1/docs/", {"script": ""})
    assert init_script.status_code == 200
    assert "SwaggerUIBundle" in init_script.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "role", "capabilities"),
    [
        (
            "brand",
            "admin",
            [
                "add_facility",
                "comment_on_cap",
                "decide_vetting",
                "edit_facility",
                "manage_api_tokens",
                "manage_cap",
                "manage_code_of_conduct",
                "manage_members",
                "manage_report_branding",
                "manage_severity_policy",
                "record_audit",
                "request_report",
                "share_audit",
                "sign_off_sourcing",
                "view_security_events",
            ],
        ),
        (
            "supplier",
            "admin",
            [
                "answer_screening",
                "comment_on_cap",
                "consent_audit_share",
                "edit_facility",
                "manage_members",
                "request_report",
                "view_security_events",
                "work_on_cap",
            ],
        ),
        (
            "brand",
            "csr",
            [
                "add_facility",
                "comment_on_cap",
                "decide_vetting",
                "edit_facility",
                "manage_cap",
                "manage_code_of_conduct",
                "record_audit",
                "request_report",
                "share_audit",
            ],
        ),
        ("brand", "sourcing", ["comment_on_cap", "request_report", "sign_off_sourcing"]),
        ("brand", "viewer", ["request_report"]),
    ],
)
def test_whoami_lists_the_callers_capabilities(
    kind: str, role: str, capabilities: list[str]
) -> None:
    caller = member(kind, role)

    body = token_client(caller).get("/api/v1/whoami/").json()

    assert body["capabilities"] == capabilities
    assert body["user"]["email"] == caller.user.email
    assert body["membership"] == {
        "id": str(caller.pk),
        "role": role,
        "organization": {
            "id": str(caller.organization.pk),
            "name": caller.organization.name,
            "slug": caller.organization.slug,
            "kind": kind,
            "partner_type": "",
        },
    }


# --- Query counts do not grow with the rows -------------------------------------------------

Grow = Callable[[Membership, int], None]


def _colleague(admin: Membership) -> Membership:
    return member("brand", "csr", organization=admin.organization)


def _grow_members(admin: Membership, n: int) -> None:
    for _ in range(n):
        _colleague(admin)


def _grow_invitations(admin: Membership, n: int) -> None:
    for _ in range(n):
        invitation_create(by=admin, email=f"{uuid.uuid4().hex[:12]}@example.com", role="viewer")


def _grow_tokens(admin: Membership, n: int) -> None:
    for _ in range(n):
        api_token_issue(membership=_colleague(admin), name="export", by=admin)


def _grow_events(admin: Membership, n: int) -> None:
    for i in range(n):
        colleague = _colleague(admin)
        if i % 2:
            security_event_record(
                kind=SecurityEvent.Kind.LOGIN, actor=colleague.user, subject=colleague.user
            )
        else:
            security_event_record(
                kind=SecurityEvent.Kind.ROLE_CHANGED,
                organization=admin.organization,
                actor=colleague.user,
                subject=colleague.user,
            )


def _grow_members_and_invitations(admin: Membership, n: int) -> None:
    _grow_members(admin, n)
    _grow_invitations(admin, n)


def _count(client: Any, url: str) -> tuple[int, Any]:
    client.get(url)  # the first request may do one-off work (sessions, last use)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(queries), response


def _api_rows(response: Any) -> int:
    return int(response.json()["count"])


def _page_rows(response: Any) -> int:
    found = re.search(r"(\d+) in all", response.content.decode())
    assert found, "the page shows no row count"
    return int(found.group(1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "grow", "rows_before"),
    [
        ("/api/v1/members/", _grow_members, 1),
        ("/api/v1/invitations/", _grow_invitations, 0),
        ("/api/v1/tokens/", _grow_tokens, 0),
        ("/api/v1/security-events/", _grow_events, 1),  # the admin's own sign-in
    ],
    ids=["members", "invitations", "tokens", "security-events"],
)
def test_api_lists_use_as_many_queries_for_30_rows_as_for_3(
    url: str, grow: Grow, rows_before: int
) -> None:
    admin = member("brand", "admin")
    client = session_client(admin)
    grow(admin, 3 - rows_before)
    few, response = _count(client, url)
    assert _api_rows(response) == 3

    grow(admin, 27)
    many, response = _count(client, url)

    assert _api_rows(response) == 30
    assert many == few


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "grow", "rows_before"),
    [
        ("/settings/members/", _grow_members_and_invitations, 1),
        ("/settings/tokens/", _grow_tokens, 0),
        ("/settings/security/", _grow_events, 1),  # the admin's own sign-in
    ],
    ids=["members", "tokens", "security"],
)
def test_settings_pages_use_as_many_queries_for_30_rows_as_for_3(
    url: str, grow: Grow, rows_before: int
) -> None:
    admin = member("brand", "admin")
    browser = Client()
    browser.force_login(admin.user)
    grow(admin, 3 - rows_before)
    few, response = _count(browser, url)
    assert _page_rows(response) == 3

    grow(admin, 27)
    many, response = _count(browser, url)

    assert _page_rows(response) == 30
    assert many == few
