"""The HTTP benchmarks: each endpoint driven over gunicorn by the load generator, its
baseline driven the same way over the baseline server, and its queries per request
counted in-process at two page sizes.

Paths and baseline parameters are templates over the run's values (``{cap}``,
``{brand}``, ``{today}`` …, see :func:`values_of`).
"""

from __future__ import annotations

import fnmatch
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.actors import CSR, SOURCING, SUPPLIER, Actor, Actors
from bench.load import Target, drive
from bench.manifest import Manifest
from bench.results import Row, latency_text, milliseconds
from csr_platform.views import mixins
from remediation.views.portal import CARDS_PER_PAGE

# Page sizes the queries are counted at: the same count at both is "constant".
PAGE_SIZES = (25, 100)
# The size the latency is measured at: the API's and the pages' default.
PAGE_SIZE = 50
P95_TARGET = 0.250
RATIO_TARGET = 3.0


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    actor: str
    api: bool
    # Lists: queries counted at each of PAGE_SIZES; others once.
    paged: bool = True
    baseline: str | None = None
    baseline_params: Mapping[str, str] = field(default_factory=dict)

    def url(self, values: Mapping[str, str], *, page_size: int | None = None) -> str:
        path = self.path.format(**values)
        if page_size is None or not self.api:
            return path
        return f"{path}{'&' if '?' in path else '?'}page_size={page_size}"

    def baseline_url(self, values: Mapping[str, str]) -> str:
        params = {key: value.format(**values) for key, value in self.baseline_params.items()}
        return f"/raw/{self.baseline}?{urlencode({**params, 'limit': PAGE_SIZE})}"


FINDING_FILTERS = "severity=major&category=HOURS&country=BD"

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint(
        "api.facilities",
        "/api/v1/facilities/",
        CSR,
        api=True,
        baseline="facilities",
        baseline_params={"brand": "{brand}"},
    ),
    Endpoint(
        "page.suppliers",
        "/suppliers/",
        CSR,
        api=False,
        baseline="facilities",
        baseline_params={"brand": "{brand}"},
    ),
    Endpoint(
        "api.findings",
        f"/api/v1/findings/?{FINDING_FILTERS}",
        CSR,
        api=True,
        baseline="findings",
        baseline_params={
            "brand": "{brand}",
            "severity": "major",
            "category": "HOURS",
            "country": "BD",
        },
    ),
    Endpoint(
        "api.caps_overdue",
        "/api/v1/caps/?overdue=true",
        CSR,
        api=True,
        baseline="overdue_caps",
        baseline_params={"brand": "{brand}", "today": "{today}"},
    ),
    Endpoint(
        "api.cap_detail",
        "/api/v1/caps/{cap}/",
        CSR,
        api=True,
        paged=False,
        baseline="cap_detail",
        baseline_params={"brand": "{brand}", "today": "{today}", "cap": "{cap}"},
    ),
    # The page shows the CAP with its root causes, actions, evidence, comments and
    # timeline: no one-row baseline compares with that.
    Endpoint("page.cap_detail", "/caps/{cap}/", CSR, api=False, paged=False),
    Endpoint(
        "api.scorecards",
        "/api/v1/scorecards/",
        CSR,
        api=True,
        baseline="stored_scorecards",
        baseline_params={"brand": "{brand}"},
    ),
    Endpoint(
        "page.scorecards",
        "/reports/scorecards/",
        CSR,
        api=False,
        baseline="stored_scorecards",
        baseline_params={"brand": "{brand}"},
    ),
    Endpoint(
        "api.law_search",
        "/api/v1/laws/requirements/?search=overtime",
        CSR,
        api=True,
        baseline="law_search",
        baseline_params={"search": "overtime"},
    ),
    Endpoint(
        "page.law_search",
        "/laws/?q=overtime",
        CSR,
        api=False,
        baseline="law_search",
        baseline_params={"search": "overtime", "on": "{local_today}"},
    ),
    # Dashboards are aggregates, not rows: no baseline.
    Endpoint("page.dashboard_csr", "/reports/dashboard/panel/", CSR, api=False, paged=False),
    Endpoint(
        "page.dashboard_sourcing", "/reports/dashboard/panel/", SOURCING, api=False, paged=False
    ),
    Endpoint(
        "page.my_caps",
        "/caps/mine/",
        SUPPLIER,
        api=False,
        baseline="my_caps",
        # The portal's page is shorter than the API's 50 rows (it is the phone page).
        baseline_params={"supplier": "{supplier}", "limit": str(CARDS_PER_PAGE)},
    ),
)


def select(names: Sequence[str]) -> list[Endpoint]:
    """The endpoints matching any of ``names`` (shell patterns such as ``api.*``);
    all of them when ``names`` is empty."""
    if not names:
        return list(ENDPOINTS)
    return [e for e in ENDPOINTS if any(fnmatch.fnmatchcase(e.name, n) for n in names)]


def values_of(manifest: Manifest, actors: Actors) -> dict[str, str]:
    """What paths and baseline parameters are filled in with.

    "Today" is the server's, not the day the data was generated: the API counts it in
    the project's time zone (a key authenticates after the middleware that activates
    the user's zone), pages in the signed-in user's zone."""
    user = actors[CSR].membership.user
    with timezone.override(zoneinfo.ZoneInfo(user.time_zone)):
        local_today = timezone.localdate().isoformat()
    return {
        "brand": manifest.brand_id,
        "supplier": str(actors[SUPPLIER].membership.organization_id),
        "cap": manifest.sample_cap_id,
        "overdue_cap": manifest.sample_overdue_cap_id,
        "facility": manifest.sample_facility_id,
        "today": timezone.localdate(timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE)).isoformat(),
        "local_today": local_today,
    }


# --- Queries per request ---------------------------------------------------------------------


@contextmanager
def _pages_of(size: int) -> Iterator[None]:
    """Pages paginate by ``csr_platform.views.mixins.PAGE_SIZE``, read at each call."""
    kept = mixins.PAGE_SIZE
    mixins.PAGE_SIZE = size
    try:
        yield
    finally:
        mixins.PAGE_SIZE = kept


def count_queries(endpoint: Endpoint, actor: Actor, values: Mapping[str, str]) -> list[int]:
    """Queries of one request, in-process, at each page size (once if not paged).
    A first request is sent and not counted, as the load generator's warm-up."""
    client = actor.client(api=endpoint.api)
    sizes: Sequence[int | None] = PAGE_SIZES if endpoint.paged else (None,)
    counts = []
    _checked(client.get(endpoint.url(values)), endpoint)
    for size in sizes:
        with _pages_of(size or PAGE_SIZE), CaptureQueriesContext(connection) as queries:
            _checked(client.get(endpoint.url(values, page_size=size)), endpoint)
        counts.append(len(queries))
    return counts


def _checked(response: Any, endpoint: Endpoint) -> None:
    if response.status_code != 200:
        raise RuntimeError(f"{endpoint.name} answered {response.status_code} in-process")


# --- One endpoint ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadOptions:
    requests: int
    concurrency: int
    warmup: int


def run_endpoint(
    endpoint: Endpoint,
    *,
    actors: Actors,
    values: Mapping[str, str],
    app: Target,
    raw: Target,
    load: LoadOptions,
) -> Row:
    actor = actors[endpoint.actor]
    settings = {"requests": load.requests, "concurrency": load.concurrency, "warmup": load.warmup}
    latency = drive(app, endpoint.url(values), headers=actor.headers(api=endpoint.api), **settings)
    counts = count_queries(endpoint, actor, values)
    # The ratio is a target for lists; for one row it is shown, not judged: a request's
    # fixed cost (authentication, middleware) dwarfs a one-row query.
    judged = endpoint.baseline is not None and endpoint.paged
    row = Row(
        name=endpoint.name,
        target=f"p95 ≤ {milliseconds(P95_TARGET)}"
        + (f", ≤ {RATIO_TARGET:g}× baseline" if judged else "")
        + (", queries constant" if endpoint.paged else ""),
        measured=latency_text(latency.p50, latency.p95),
        queries="/".join(str(count) for count in counts),
        data={
            "path": endpoint.url(values),
            "actor": endpoint.actor,
            "p50": latency.p50,
            "p95": latency.p95,
            "requests": latency.count,
            "queries": dict(zip([str(s) for s in PAGE_SIZES], counts, strict=False)),
        },
    )
    if latency.p95 > P95_TARGET:
        row.misses.append(f"p95 {milliseconds(latency.p95)} > {milliseconds(P95_TARGET)}")
    if endpoint.paged and len(set(counts)) > 1:
        row.misses.append(f"queries grow with the page ({row.queries})")
    if endpoint.baseline:
        base = drive(raw, endpoint.baseline_url(values), headers={}, **settings)
        row.baseline = latency_text(base.p50, base.p95)
        row.ratio = latency.p50 / base.p50
        row.data.update(baseline_p50=base.p50, baseline_p95=base.p95, ratio=row.ratio)
        if judged and row.ratio > RATIO_TARGET:
            row.misses.append(f"{row.ratio:.1f}× baseline > {RATIO_TARGET:g}×")
    return row
