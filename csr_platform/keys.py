"""Random secrets for links and API keys, and the digests stored in their place."""

from __future__ import annotations

import hashlib
import secrets

API_KEY_PREFIX = "csr_"


def new_link_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
