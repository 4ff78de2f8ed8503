"""Why an endpoint is slow: ``python -m bench.explain NAME [--profile]``.

Sends the endpoint's request in-process (as the benchmark's actor), lists its queries
slowest first with ``EXPLAIN (ANALYZE, BUFFERS)`` for the slowest, and with
``--profile`` where the Python time goes (cProfile, the project's own functions
first). Everything is also written to ``var/bench/explain/NAME.txt``. Reads the same
environment as ``python -m bench`` and changes nothing in the database but the
run's key and session, which it removes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from typing import Any

from bench.environment import OUTPUT, options_from_environment, process_environment


def _explained(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument("name", help="an endpoint of python -m bench --list")
    parser.add_argument("--top", type=int, default=3, help="queries to explain (default 3)")
    parser.add_argument("--profile", action="store_true", help="also profile the Python side")
    parsed = parser.parse_args()
    options = options_from_environment()
    os.environ.update(process_environment(options.database_url))

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.actors import actors_sign_in
    from bench.endpoints import select, values_of
    from bench.manifest import Manifest

    endpoints = select([parsed.name])
    if len(endpoints) != 1:
        raise SystemExit(f"{parsed.name!r} names {len(endpoints)} endpoints; see --list.")
    endpoint = endpoints[0]
    actors = actors_sign_in(Manifest.read(options.manifest))
    out = io.StringIO()
    try:
        values = values_of(Manifest.read(options.manifest), actors)
        client = actors[endpoint.actor].client(api=endpoint.api)
        path = endpoint.url(values)
        client.get(path)
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        elapsed = time.perf_counter() - started
        print(f"GET {path} → {response.status_code} in {elapsed * 1000:.0f} ms", file=out)
        captured: list[dict[str, Any]] = list(queries.captured_queries)
        database = sum(float(q["time"]) for q in captured)
        print(f"{len(captured)} queries, {database * 1000:.0f} ms in the database\n", file=out)
        ranked = sorted(captured, key=lambda q: float(q["time"]), reverse=True)
        for number, query in enumerate(ranked, 1):
            print(f"--- {number}. {float(query['time']) * 1000:.1f} ms", file=out)
            print(query["sql"], file=out)
            if number <= parsed.top:
                print(_explained(query["sql"]), file=out)
            print(file=out)
        if parsed.profile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(3):
                client.get(path)
            profile.disable()
            stats = pstats.Stats(profile, stream=out)
            print("--- Python, 3 requests, by cumulative time", file=out)
            stats.sort_stats("cumulative").print_stats(40)
    finally:
        actors.revoke()
    folder = OUTPUT / "explain"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{endpoint.name}.txt").write_text(out.getvalue(), encoding="utf-8")
    print(out.getvalue())


if __name__ == "__main__":
    main()
