from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.db.models import Model
from django.test import Client
from rest_framework.test import APIClient

from csr_platform.models import Membership
from csr_platform.services.tokens import api_token_issue


def pytest_report_header(config: Any) -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "sqlite" in engine:
        return "database: SQLite (notice: PostgreSQL-only tests are skipped)"
    return "database: PostgreSQL"


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL; set DATABASE_URL to run it")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # Throttle and lockout counters live in the cache; no test inherits another's.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def token_client(membership: Membership) -> APIClient:
    """An API client authenticated with a real key issued for ``membership``."""
    _token, key = api_token_issue(membership=membership, name="test", by=membership)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def session_client(membership: Membership, *, enforce_csrf: bool = False) -> APIClient:
    """A browser-session API client; CSRF is checked only when asked (see test_csrf)."""
    client = APIClient(enforce_csrf_checks=enforce_csrf)
    client.force_login(membership.user)
    return client


def api_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert the API's one error shape and return the body."""
    body: dict[str, Any] = response.json()
    assert response.status_code == status, body
    assert body["status"] == status
    assert isinstance(body["detail"], str)
    assert body["detail"]
    assert isinstance(body["code"], str)
    assert body["code"]
    if code is not None:
        assert body["code"] == code
    assert set(body) <= {"status", "code", "detail", "fields"}
    return body


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings: Any, tmp_path: Any) -> None:
    # Uploaded files of one test never reach the project's var/ nor another test.
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(membership: Membership) -> Client:
    """A browser client signed in as the membership's user."""
    client = Client()
    client.force_login(membership.user)
    return client


def text_of(response: Any) -> str:
    return str(response.content.decode())


@contextmanager
def get_display_refused(*models: type[Model]) -> Iterator[None]:
    """``get_FOO_display`` of ``models`` (every model by default) raises inside the
    block. (Django binds each to ``Model._get_FIELD_display`` when the class is made,
    so patching that method afterwards would change nothing.) Lists read their rows'
    labels from dictionaries: ``get_FOO_display`` rebuilds the field's whole list of
    choices on every call."""

    def refused(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("get_FOO_display called")

    with ExitStack() as stack:
        for model in models or apps.get_models():
            for field in model._meta.concrete_fields:
                name = f"get_{field.name}_display"
                if field.choices and hasattr(model, name):
                    stack.enter_context(mock.patch.object(model, name, refused))
        yield
