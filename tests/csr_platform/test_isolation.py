"""The isolation harness: every API route, walked by members of other tenants.

For every list and detail route found in the URL resolver, a member of another brand
(token auth), a member of an unrelated supplier (session auth) and an anonymous
client must get 404 / empty lists / 401 for every method the route accepts — while
the owner does see the object, which proves each check could fail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from tests.conftest import session_client, token_client
from tests.factories import member
from tests.isolation import BUILDERS, NOT_TENANT_DATA, REFERENCE_DATA

API_PREFIX = "api/v1/"
WRITE_METHODS = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class ApiRoute:
    name: str
    basename: str | None
    detail: bool
    kwargs: tuple[str, ...]
    methods: tuple[str, ...]


def _walk(patterns: list[Any], prefix: str = "") -> list[tuple[str, URLPattern]]:
    found: list[tuple[str, URLPattern]] = []
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_walk(pattern.url_patterns, route))
        else:
            found.append((route, pattern))
    return found


def api_routes() -> list[ApiRoute]:
    routes = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if not route.startswith(API_PREFIX) or pattern.name is None:
            continue
        callback: Any = pattern.callback
        initkwargs = getattr(callback, "initkwargs", {})
        actions = getattr(callback, "actions", None)
        if actions:
            methods = tuple(sorted(actions))
        else:
            view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
            methods = tuple(
                m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)
            )
        routes.append(
            ApiRoute(
                name=pattern.name,
                basename=initkwargs.get("basename"),
                detail=bool(initkwargs.get("detail")),
                kwargs=tuple(pattern.pattern.regex.groupindex),
                methods=methods,
            )
        )
    return routes


ROUTES = api_routes()
TENANT_ROUTES = [r for r in ROUTES if r.basename is not None and r.basename not in REFERENCE_DATA]
REFERENCE_ROUTES = [r for r in ROUTES if r.basename in REFERENCE_DATA]


def test_harness_sees_the_api() -> None:
    assert len(TENANT_ROUTES) >= 8, "the resolver walk found too few API routes"


def test_every_route_is_covered_or_explained() -> None:
    unexplained = sorted(
        r.name for r in ROUTES if r.basename is None and r.name not in NOT_TENANT_DATA
    )
    assert not unexplained, f"API routes outside the harness: {unexplained}"
    missing = sorted({str(r.basename) for r in TENANT_ROUTES if r.basename not in BUILDERS})
    both = sorted(set(BUILDERS) & set(REFERENCE_DATA))
    assert not both, f"a resource is either tenant data or reference data: {both}"
    assert not missing, f"No isolation builder in tests/isolation.py for: {missing}"


@pytest.fixture
def owner() -> Any:
    return member("brand", "admin")


@pytest.fixture
def strangers() -> dict[str, APIClient]:
    return {
        "other brand (token)": token_client(member("brand", "admin")),
        "unrelated supplier (session)": session_client(member("supplier", "admin")),
        "anonymous": APIClient(),
    }


def _ids(response: Any) -> set[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {str(row.get("id")) for row in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda r: r.name)
def test_other_tenants_get_404_and_empty_lists(
    route: ApiRoute, owner: Any, strangers: dict[str, APIClient]
) -> None:
    assert route.basename in BUILDERS, f"no builder for {route.basename}"
    # What each stranger's own list holds before the owner's data exists (its own
    # membership or key): afterwards it must hold exactly that, nothing of the owner.
    before: dict[str, set[str]] = {}
    if not route.detail and not route.kwargs and "get" in route.methods:
        url = reverse(route.name)
        before = {
            who: _ids(client.get(url)) for who, client in strangers.items() if who != "anonymous"
        }
    built = BUILDERS[route.basename](owner)
    url = reverse(route.name, kwargs={name: built[name] for name in route.kwargs})

    owner_view = token_client(owner).get(url)
    assert owner_view.status_code == 200, f"owner cannot read {url}: {owner_view.content!r}"
    if not route.detail:
        assert str(built["pk"]) in _ids(owner_view), f"owner's list {url} lacks the built object"

    for who, client in strangers.items():
        anonymous = who == "anonymous"
        for method in route.methods:
            response = getattr(client, method)(url, data={}, format="json")
            if anonymous:
                assert response.status_code == 401, f"{who} {method.upper()} {url}"
            elif route.detail or (route.kwargs and method != "get"):
                assert response.status_code == 404, (
                    f"{who} {method.upper()} {url} → {response.status_code}, expected 404"
                )
            elif method == "get":
                if route.kwargs:  # a nested list under another tenant's object
                    assert response.status_code == 404, f"{who} GET {url}"
                    continue
                assert response.status_code == 200, f"{who} GET {url}"
                assert _ids(response) == before[who], f"{who} sees rows of another tenant at {url}"


@pytest.mark.django_db
@pytest.mark.parametrize("route", REFERENCE_ROUTES, ids=lambda r: r.name)
def test_reference_data_is_read_by_members_and_written_by_staff_only(
    route: ApiRoute, owner: Any, strangers: dict[str, APIClient]
) -> None:
    built = REFERENCE_DATA[str(route.basename)](owner)
    url = reverse(route.name, kwargs={name: built[name] for name in route.kwargs})
    for who, client in strangers.items():
        for method in route.methods:
            response = getattr(client, method)(url, data={}, format="json")
            if who == "anonymous":
                assert response.status_code == 401, f"{who} {method.upper()} {url}"
            elif method == "get":
                assert response.status_code == 200, f"{who} GET {url}"
            else:
                assert response.status_code == 403, (
                    f"{who} {method.upper()} {url} → {response.status_code}, expected 403"
                )


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_hold_no_rows_of_other_tenants(
    owner: Any, strangers: dict[str, APIClient], file_format: str
) -> None:
    url = f"{reverse('api-facility-export')}?file_format={file_format}"
    before = {who: _rows(client.get(url), file_format) for who, client in strangers.items()}
    facility = BUILDERS["facility"](owner)

    owners_file = token_client(owner).get(url)

    assert owners_file.status_code == 200
    if file_format == "csv":
        assert str(_facility_name(facility["pk"])) in _body(owners_file).decode("utf-8-sig")
    for who, client in strangers.items():
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 401
        else:
            assert response.status_code == 200
            assert _rows(response, file_format) == before[who], f"{who} export changed"


def _rows(response: Any, file_format: str) -> Any:
    """The file's cells (a workbook's bytes also hold the time it was written)."""
    body = _body(response)
    if file_format != "xlsx" or response.status_code != 200:
        return body
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)] if sheet else []


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _facility_name(pk: Any) -> str:
    from suppliers.models import Facility

    return Facility.objects.get(pk=pk).name
