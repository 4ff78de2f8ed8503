"""The people a run acts as, with real credentials: an API key issued through
``api_token_issue`` and a signed-in browser session each. ``revoke`` removes both
when the run ends, so runs do not pile up keys and sessions in the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from bench.manifest import Manifest
from csr_platform.models import ApiToken, Membership
from csr_platform.services.tokens import api_token_issue

# Who each benchmark acts as: the largest brand's CSR and sourcing members, and the
# admin of the supplier with the most open CAPs on that brand's facilities.
CSR, SOURCING, SUPPLIER = "csr", "sourcing", "supplier"
HOST = "127.0.0.1"


@dataclass
class Actor:
    name: str
    membership: Membership
    token: ApiToken
    token_key: str
    session_key: str

    def headers(self, *, api: bool) -> dict[str, str]:
        """What a request sends: the API key for the API, the session cookie for pages."""
        if api:
            return {"Authorization": f"Token {self.token_key}", "Accept": "application/json"}
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}"}

    def client(self, *, api: bool) -> Client:
        """An in-process client sending what ``headers`` sends, for counting queries:
        the key alone for the API (a session would add the middleware's queries)."""
        if api:
            return Client(HTTP_HOST=HOST, HTTP_AUTHORIZATION=f"Token {self.token_key}")
        client = Client(HTTP_HOST=HOST)
        client.cookies[settings.SESSION_COOKIE_NAME] = self.session_key
        return client


@dataclass
class Actors:
    by_name: dict[str, Actor] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Actor:
        return self.by_name[name]

    def revoke(self) -> None:
        """Remove this run's keys and sessions (only these: runs may overlap)."""
        for actor in self.by_name.values():
            ApiToken.objects.filter(pk=actor.token.pk).delete()
            Session.objects.filter(session_key=actor.session_key).delete()


TOKEN_NAME = "benchmark run"


def _membership(email: str, *, organization_slug: str | None = None) -> Membership:
    memberships = Membership.objects.select_related("user", "organization").filter(
        user__email=email, is_active=True
    )
    if organization_slug is not None:
        memberships = memberships.filter(organization__slug=organization_slug)
    membership = memberships.first()
    if membership is None:
        raise LookupError(f"No active membership of {email} (see the manifest).")
    return membership


def _signed_in(membership: Membership) -> str:
    client = Client(HTTP_HOST=HOST)
    client.force_login(membership.user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def actors_sign_in(manifest: Manifest) -> Actors:
    """Issue a key and open a session for each person the benchmarks act as."""
    people = {
        CSR: _membership(manifest.members["csr"], organization_slug=manifest.brand_slug),
        SOURCING: _membership(manifest.members["sourcing"], organization_slug=manifest.brand_slug),
        SUPPLIER: _membership(manifest.supplier_member_email),
    }
    actors = Actors()
    for name, membership in people.items():
        token, key = api_token_issue(membership=membership, name=TOKEN_NAME, by=membership)
        actors.by_name[name] = Actor(name, membership, token, key, _signed_in(membership))
    return actors
