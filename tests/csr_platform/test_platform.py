"""Running the platform: health check, configuration from the environment, production
settings, demo data and security headers."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client

from csr_platform.demo import DEFAULT_PASSWORD, ORGANIZATIONS
from csr_platform.environment import env_bool, env_choice, env_int
from csr_platform.models import Membership, Organization, User
from csr_platform.roles import ROLES_BY_KIND, OrganizationKind
from csr_platform.views import pages
from tests.factories import member

PROJECT_DIR = Path(settings.BASE_DIR)


# --- /healthz ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_ok_when_database_and_broker_answer() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


class _UnreachableDatabase:
    def cursor(self) -> Any:
        raise OperationalError("could not connect to server")


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "connection", _UnreachableDatabase())

    response = Client().get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "error: OperationalError"
    assert body["broker"] == "ok"


# --- Settings from the environment -------------------------------------------------------------


def test_env_bool_reads_booleans_and_names_the_variable_it_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FEATURE_FLAG", "Yes")
    assert env_bool("FEATURE_FLAG", False) is True
    monkeypatch.setenv("FEATURE_FLAG", "off")
    assert env_bool("FEATURE_FLAG", True) is False
    monkeypatch.delenv("FEATURE_FLAG")
    assert env_bool("FEATURE_FLAG", True) is True

    monkeypatch.setenv("FEATURE_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match=r"FEATURE_FLAG='maybe' is not a boolean"):
        env_bool("FEATURE_FLAG", False)


def test_env_int_refuses_text_and_values_below_the_minimum(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WORKERS", "4")
    assert env_int("WORKERS", 1, minimum=1) == 4

    monkeypatch.setenv("WORKERS", "abc")
    with pytest.raises(ImproperlyConfigured, match=r"WORKERS='abc' is not an integer"):
        env_int("WORKERS", 1)

    monkeypatch.setenv("WORKERS", "0")
    with pytest.raises(ImproperlyConfigured, match=r"WORKERS=0 is below the minimum of 1"):
        env_int("WORKERS", 1, minimum=1)


def test_env_choice_refuses_a_value_outside_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL_UNDER_TEST", "ERROR")
    assert env_choice("LOG_LEVEL_UNDER_TEST", "INFO", ("INFO", "ERROR")) == "ERROR"

    monkeypatch.setenv("LOG_LEVEL_UNDER_TEST", "LOUD")
    with pytest.raises(ImproperlyConfigured, match=r"LOG_LEVEL_UNDER_TEST='LOUD' must be one of"):
        env_choice("LOG_LEVEL_UNDER_TEST", "INFO", ("INFO", "ERROR"))


# --- Production settings, in a fresh process ---------------------------------------------------


def _manage(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run manage.py with only ``env`` (no test defaults leak in)."""
    base = {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _production_env(tmp_path: Path) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "ALLOWED_HOSTS": "example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }


def test_the_deployment_check_passes_with_production_settings(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    assert len(env["SECRET_KEY"]) == 64

    result = _manage(["check", "--deploy", "--fail-level", "WARNING"], env)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert "WARNING" not in output


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]

    result = _manage(["check"], env)

    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


# --- Demo data -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seed_demo_can_run_twice_and_gives_every_role_a_login(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Which hasher is used is not under test here; a fast one keeps the seeding quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)

    call_command("seed_demo", stdout=StringIO())
    counts = (User.objects.count(), Organization.objects.count(), Membership.objects.count())
    call_command("seed_demo", stdout=StringIO())

    assert (User.objects.count(), Organization.objects.count(), Membership.objects.count()) == (
        counts
    )
    assert {kind for _name, _slug, kind, _type in ORGANIZATIONS} == set(OrganizationKind.values)
    for _name, slug, kind, _partner_type in ORGANIZATIONS:
        for role in ROLES_BY_KIND[kind]:
            login = Membership.objects.select_related("user", "organization").get(
                user__email=f"{role}@{slug}.example", organization__slug=slug
            )
            assert login.role == role
            assert login.is_active
            assert login.user.check_password(DEFAULT_PASSWORD), login.user.email


# --- Security headers ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["sign-in page", "home page"])
def test_pages_carry_a_content_security_policy_and_refuse_framing(signed_in: bool) -> None:
    browser = Client()
    url = "/accounts/login/"
    if signed_in:
        browser.force_login(member("brand", "csr").user)
        url = "/"

    response = browser.get(url)

    assert response.status_code == 200
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
