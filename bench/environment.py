"""Where a run reads its options and what environment every process of it gets.

Every process of a run — this one, gunicorn's workers, the baseline server and each
job's child — reads the product's settings from the same environment: production
settings (``DEBUG`` off, a secret key of the run's own, hosts limited to loopback)
with only what plain HTTP on loopback needs relaxed (no HTTPS redirect, no secure-only
cookies) and the run's own e-mail backend, so reminders go nowhere.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

REPOSITORY = Path(__file__).resolve().parent.parent
OUTPUT = REPOSITORY / "var" / "bench"
SCALE_FOLDER = REPOSITORY / "var" / "scale"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/csr_scale"
# The generator writes its manifest here by default; it describes the data of the
# default database. Other databases get a manifest named after them.
DEFAULT_DATABASE_NAME = "csr_scale"
DEFAULT_MANIFEST = SCALE_FOLDER / "manifest.json"


@dataclass(frozen=True)
class Options:
    """What ``make bench`` takes from the environment."""

    database_url: str
    scale: float
    manifest: Path

    @property
    def database_name(self) -> str:
        return urlsplit(self.database_url).path.lstrip("/")


def options_from_environment() -> Options:
    """``BENCH_DATABASE_URL`` (PostgreSQL only), ``BENCH_SCALE`` (1 = full scale) and
    ``BENCH_MANIFEST``; a wrong value stops the run with its name."""
    url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    if urlsplit(url).scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"BENCH_DATABASE_URL={url!r}: the benchmarks run on PostgreSQL only.")
    raw_scale = os.environ.get("BENCH_SCALE") or "1"
    try:
        scale = float(raw_scale)
    except ValueError:
        raise SystemExit(f"BENCH_SCALE={raw_scale!r} is not a number.") from None
    if scale <= 0:
        raise SystemExit(f"BENCH_SCALE={raw_scale!r} must be above zero.")
    name = urlsplit(url).path.lstrip("/")
    default_manifest = (
        DEFAULT_MANIFEST if name == DEFAULT_DATABASE_NAME else SCALE_FOLDER / f"{name}.json"
    )
    manifest = Path(os.environ.get("BENCH_MANIFEST") or default_manifest)
    return Options(database_url=url, scale=scale, manifest=manifest)


def process_environment(database_url: str, *, secret_key: str | None = None) -> dict[str, str]:
    """The environment of every process of a run (see the module's docstring)."""
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "csr_platform.settings",
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "BEHIND_TLS_PROXY": "false",
            # Collected for the run (DEBUG off serves hashed names from a manifest);
            # kept out of the repository's staticfiles/.
            "STATIC_ROOT": str(OUTPUT / "static"),
            "EMAIL_BACKEND": "bench.mail.DiscardingEmailBackend",
            # The load generator is one user sending thousands of requests a minute;
            # the throttle is still consulted on every request, it just never refuses.
            "API_THROTTLE_USER": "1000000/minute",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return environment
