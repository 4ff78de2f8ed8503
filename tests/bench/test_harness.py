"""The benchmark harness's own pieces: percentiles, the results table, nesting a raw
row, the endpoint URLs — and, on PostgreSQL, that each baseline's one statement
returns the rows its endpoint returns, in the same order, on a tiny generated data
set (a baseline that drifted from its endpoint would make its ratio meaningless)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bench.actors import CSR, SUPPLIER, Actors, actors_sign_in
from bench.baselines import BASELINES, nest
from bench.endpoints import ENDPOINTS, Endpoint, select, values_of
from bench.manifest import Manifest
from bench.results import Row, table
from bench.stats import Latency, percentile
from remediation.views.portal import CARDS_PER_PAGE
from reports.scale import ScaleOptions, generate_scale_data

# --- Pure pieces --------------------------------------------------------------------------------


def test_percentiles_interpolate_between_the_nearest_ranks() -> None:
    samples = [0.4, 0.1, 0.3, 0.2]

    assert percentile(samples, 0.5) == pytest.approx(0.25)
    assert percentile(samples, 0.0) == pytest.approx(0.1)
    assert percentile(samples, 1.0) == pytest.approx(0.4)
    assert percentile(list(range(1, 101)), 0.95) == pytest.approx(95.05)
    assert Latency.of([0.2] * 50) == Latency(p50=0.2, p95=0.2, count=50)


def test_a_percentile_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="No samples"):
        percentile([], 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        percentile([1.0], 95)


def test_the_table_names_each_miss_and_escapes_pipes() -> None:
    rows = [
        Row(name="api.fast", target="p95 ≤ 250 ms", measured="p50 9 ms", queries="3/3"),
        Row(
            name="api.slow",
            target="p95 ≤ 250 ms",
            measured="p50 900 ms",
            ratio=12.34,
            misses=["p95 1200 ms > 250 ms", "a|b"],
        ),
        Row(name="job.snapshots", target="(none)", measured="1.00 s", checked=False),
    ]

    lines = table(rows).splitlines()

    assert lines[0].startswith("| Benchmark | Target | Measured | Queries |")
    assert lines[2].endswith("| pass |")
    assert "| 12.3× | miss: p95 1200 ms > 250 ms; a\\|b |" in lines[3]
    assert lines[4].endswith("| — |")


def test_a_raw_row_is_nested_like_the_api_and_a_missing_relation_is_null() -> None:
    columns = ["id", "brand__id", "brand__name", "owner__id", "owner__user__email", "total"]

    row = nest(columns, ["c1", "b1", "Brand", None, None, 7])

    assert row == {"id": "c1", "brand": {"id": "b1", "name": "Brand"}, "owner": None, "total": 7}


def test_endpoint_urls_add_the_page_size_to_api_lists_only() -> None:
    api = Endpoint("api.x", "/api/v1/findings/?severity=major", CSR, api=True)
    page = Endpoint("page.x", "/caps/{cap}/", CSR, api=False)

    assert api.url({}, page_size=25) == "/api/v1/findings/?severity=major&page_size=25"
    assert page.url({"cap": "abc"}, page_size=25) == "/caps/abc/"
    assert [e.name for e in select(["page.dashboard_*"])] == [
        "page.dashboard_csr",
        "page.dashboard_sourcing",
    ]
    assert len(select([])) == len(ENDPOINTS)


# --- Baselines against their endpoints (PostgreSQL) ----------------------------------------


@pytest.fixture
def generated(tmp_path: Path, settings: Any) -> Iterator[tuple[Manifest, Actors]]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    path = tmp_path / "manifest.json"
    generate_scale_data(options=ScaleOptions(scale=0.002, seed=5, manifest=path))
    manifest = Manifest.read(path)
    actors = actors_sign_in(manifest)
    yield manifest, actors
    actors.revoke()


def _baseline(name: str, params: dict[str, str]) -> dict[str, Any]:
    with connection.cursor() as cursor:
        return BASELINES[name].fetch(cursor, params)


def _api(actors: Actors, path: str) -> dict[str, Any]:
    response = actors[CSR].client(api=True).get(path)
    assert response.status_code == 200, response.content[:300]
    body: dict[str, Any] = response.json()
    return body


def _page_rows(actors: Actors, who: str, path: str) -> list[Any]:
    response = actors[who].client(api=False).get(path)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def _ids(rows: list[dict[str, Any]], key: str = "id") -> list[str]:
    return [str(row[key]) for row in rows]


@pytest.mark.postgres
@pytest.mark.django_db
def test_each_baseline_returns_its_endpoints_rows_in_the_same_order(
    generated: tuple[Manifest, Actors],
) -> None:
    manifest, actors = generated
    values = values_of(manifest, actors)
    brand, today = values["brand"], values["today"]

    # Two pages of five: the order holds across a page boundary.
    for page, offset in ((1, "0"), (2, "5")):
        paged = f"page_size=5&page={page}"
        facilities = _api(actors, f"/api/v1/facilities/?{paged}")
        raw = _baseline("facilities", {"brand": brand, "limit": "5", "offset": offset})
        assert raw["count"] == facilities["count"]
        assert _ids(raw["results"]) == _ids(facilities["results"])

        overdue = _api(actors, f"/api/v1/caps/?overdue=true&{paged}")
        raw = _baseline(
            "overdue_caps", {"brand": brand, "today": today, "limit": "5", "offset": offset}
        )
        assert overdue["count"] > 5
        assert (raw["count"], _ids(raw["results"])) == (overdue["count"], _ids(overdue["results"]))

        cards = _api(actors, f"/api/v1/scorecards/?{paged}")
        raw = _baseline("scorecards", {"brand": brand, "on": today, "limit": "5", "offset": offset})
        assert raw["count"] == cards["count"]
        assert [(str(row["facility"]["id"]), row["score"]) for row in raw["results"]] == [
            (row["id"], row["score"]) for row in cards["results"]
        ]
        # The API has filled the stored rows the second baseline reads.
        stored = _baseline("stored_scorecards", {"brand": brand, "limit": "5", "offset": offset})
        assert stored["count"] == cards["count"]
        assert [(str(row["facility"]["id"]), row["score"]) for row in stored["results"]] == [
            (row["id"], row["score"]) for row in cards["results"]
        ]

    filters = {"severity": "minor", "category": "OSH", "country": "BD"}
    findings = _api(actors, "/api/v1/findings/?severity=minor&category=OSH&country=BD")
    raw = _baseline("findings", {"brand": brand, **filters})
    assert findings["count"] > 0
    assert (raw["count"], _ids(raw["results"])) == (findings["count"], _ids(findings["results"]))

    cap = _api(actors, f"/api/v1/caps/{manifest.sample_cap_id}/")
    raw = _baseline("cap_detail", {"brand": brand, "today": today, "cap": cap["id"]})
    assert _ids(raw["results"]) == [cap["id"]]
    assert raw["results"][0]["root_cause_count"] == cap["root_cause_count"]

    # Equal ranks may come in either order: the same rows, the same count.
    laws = _api(actors, "/api/v1/laws/requirements/?search=overtime&page_size=100")
    raw = _baseline("law_search", {"search": "overtime", "limit": "100"})
    assert laws["count"] > 0
    assert raw["count"] == laws["count"]
    assert sorted(_ids(raw["results"])) == sorted(_ids(laws["results"]))
    in_force = _page_rows(actors, CSR, "/laws/?q=overtime")
    raw = _baseline("law_search", {"search": "overtime", "on": values["local_today"]})
    assert sorted(_ids(raw["results"])) == sorted(str(r.pk) for r in in_force)

    scored = _page_rows(actors, CSR, "/reports/scorecards/")
    raw = _baseline("scorecards", {"brand": brand, "on": values["local_today"]})
    assert [(str(row["facility"]["id"]), row["score"]) for row in raw["results"]] == [
        (str(card.relationship.facility_id), card.score) for card in scored
    ]

    relationships = _page_rows(actors, CSR, "/suppliers/")
    raw = _baseline("facilities", {"brand": brand})
    assert _ids(raw["results"]) == [str(r.facility_id) for r in relationships]

    supplier = values["supplier"]
    caps = _page_rows(actors, SUPPLIER, "/caps/mine/")
    raw = _baseline("my_caps", {"supplier": supplier, "limit": str(CARDS_PER_PAGE)})
    assert caps
    assert _ids(raw["results"]) == [str(cap.pk) for cap in caps]
