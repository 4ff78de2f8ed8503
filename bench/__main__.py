"""``python -m bench`` (``make bench``): see the package's docstring and BENCHMARKS.md.

Environment: ``BENCH_DATABASE_URL`` (default the local ``csr_scale``), ``BENCH_SCALE``
(default 1, the full scale), ``BENCH_MANIFEST`` (default ``var/scale/manifest.json``
for ``csr_scale``, ``var/scale/<database>.json`` otherwise).
"""

from __future__ import annotations

import argparse
import os

from bench.environment import options_from_environment, process_environment


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this benchmark (a shell pattern such as 'api.*'; repeatable)",
    )
    parser.add_argument(
        "--requests", type=int, default=100, help="measured requests per endpoint (default 100)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=2, help="requests in flight at once (default 2)"
    )
    parser.add_argument(
        "--warmup", type=int, default=10, help="unmeasured requests first (default 10)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument(
        "--output", default="results", help="file name of the results in var/bench/"
    )
    parser.add_argument(
        "--skip-prepare",
        action="store_true",
        help="use the database and manifest as they are (no migrate, collectstatic, generate)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmarks and stop")
    parsed = parser.parse_args()
    if parsed.requests < 50:
        parser.error("--requests must be at least 50: a p95 of fewer means little.")
    return parsed


def main() -> None:
    parsed = arguments()
    options = options_from_environment()
    environment = process_environment(options.database_url)
    # This process reads the same settings as the servers and the jobs.
    os.environ.update(environment)

    import django

    from bench.database import database_prepare
    from bench.manifest import Manifest

    if parsed.skip_prepare:
        manifest = Manifest.read(options.manifest)
    elif not parsed.list:
        manifest = database_prepare(options, environment=environment)
    django.setup()
    from bench import runner
    from bench.endpoints import LoadOptions

    if parsed.list:
        print("\n".join(runner.names()))
        return
    run_options = runner.RunOptions(
        only=parsed.only,
        load=LoadOptions(
            requests=parsed.requests, concurrency=parsed.concurrency, warmup=parsed.warmup
        ),
        workers=parsed.workers,
        output=parsed.output,
    )
    print(f"Benchmarks against {options.database_name} (manifest {options.manifest}):")
    rows = runner.run(manifest, run_options, environment=environment)
    runner.report(rows, manifest=manifest, options=run_options, database=options.database_name)


if __name__ == "__main__":
    main()
