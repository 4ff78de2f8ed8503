"""A whole run once Django is set up: the HTTP benchmarks with both servers up, then
each job in a child process, then the table."""

from __future__ import annotations

import fnmatch
import json
import os
import platform
import resource
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.actors import actors_sign_in
from bench.child import RESULT_PREFIX
from bench.endpoints import ENDPOINTS, LoadOptions, run_endpoint, values_of
from bench.endpoints import select as select_endpoints
from bench.environment import OUTPUT, REPOSITORY
from bench.jobs import JOBS
from bench.load import RequestFailed
from bench.manifest import Manifest
from bench.results import Row, ratio_text, seconds_text, table, write
from bench.servers import gunicorn

MEMORY_TARGET_MB = 500


@dataclass(frozen=True)
class RunOptions:
    only: Sequence[str]
    load: LoadOptions
    workers: int
    output: str


def names() -> list[str]:
    return [endpoint.name for endpoint in ENDPOINTS] + list(JOBS)


def _jobs(only: Sequence[str]) -> list[str]:
    if not only:
        return list(JOBS)
    return [name for name in JOBS if any(fnmatch.fnmatchcase(name, n) for n in only)]


def run(manifest: Manifest, options: RunOptions, *, environment: Mapping[str, str]) -> list[Row]:
    endpoints = select_endpoints(options.only)
    jobs = _jobs(options.only)
    if not endpoints and not jobs:
        raise SystemExit(f"Nothing matches {list(options.only)}; see --list.")
    rows: list[Row] = []
    if endpoints:
        rows += _http(manifest, options, endpoints=endpoints, environment=environment)
    job_rows: list[Row] = []
    for name in jobs:
        print(f"  {name} …", flush=True)
        job_rows += run_job(name, manifest=manifest, environment=environment)
        _echo(job_rows[-1])
    if job_rows:
        rows += job_rows
        rows.append(_memory_row(job_rows))
    return rows


def _echo(row: Row) -> None:
    print(f"    {row.measured}  {row.queries and row.queries + ' queries'}  {row.result}")


def _http(
    manifest: Manifest,
    options: RunOptions,
    *,
    endpoints: Sequence[Any],
    environment: Mapping[str, str],
) -> list[Row]:
    rows = []
    actors = actors_sign_in(manifest)
    try:
        values = values_of(manifest, actors)
        with (
            gunicorn(
                "csr_platform.wsgi:application",
                name="gunicorn",
                health_path="/healthz",
                environment=environment,
                workers=options.workers,
            ) as app,
            gunicorn(
                "bench.raw_app:application",
                name="baseline",
                health_path="/healthz",
                environment=environment,
                workers=options.workers,
            ) as raw,
        ):
            for endpoint in endpoints:
                print(f"  {endpoint.name} …", flush=True)
                try:
                    row = run_endpoint(
                        endpoint, actors=actors, values=values, app=app, raw=raw, load=options.load
                    )
                except (RequestFailed, RuntimeError, OSError) as exc:
                    # One endpoint failing says nothing about the others: carry on.
                    row = Row(name=endpoint.name, target="", measured="failed", misses=[str(exc)])
                rows.append(row)
                _echo(row)
    finally:
        actors.revoke()
    return rows


# --- Jobs in child processes ------------------------------------------------------------------


def run_job(name: str, *, manifest: Manifest, environment: Mapping[str, str]) -> list[Row]:
    """Run one job in a child process; its output is appended to var/bench/jobs.log."""
    finished = subprocess.run(  # noqa: S603 — our own interpreter and arguments
        [sys.executable, "-m", "bench.child", name, str(manifest.path)],
        cwd=REPOSITORY,
        env=dict(environment),
        capture_output=True,
        text=True,
        check=False,
    )
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with (OUTPUT / "jobs.log").open("a", encoding="utf-8") as log:
        log.write(f"\n=== {name} {datetime.now().isoformat(timespec='seconds')}\n")
        log.write(finished.stdout)
        log.write(finished.stderr)
    lines = [line for line in finished.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    if finished.returncode != 0 or not lines:
        tail = finished.stderr.strip().splitlines()[-1:] or ["no output"]
        return [
            Row(
                name=name,
                target="",
                measured="failed",
                misses=[f"exit {finished.returncode}: {tail[0]} (see var/bench/jobs.log)"],
            )
        ]
    document = json.loads(lines[-1].removeprefix(RESULT_PREFIX))
    peak_mb = document["peak_rss_bytes"] / 1024 / 1024
    return [_job_row(m, peak_mb=peak_mb) for m in document["measurements"]]


def _job_row(measurement: dict[str, Any], *, peak_mb: float) -> Row:
    target = measurement["target"]
    seconds = measurement["seconds"]
    baseline = measurement["baseline"]
    row = Row(
        name=measurement["name"],
        target=f"≤ {target:g} s" if target is not None else "(none)",
        measured=f"{seconds_text(seconds)} · peak {peak_mb:.0f} MB",
        queries=str(measurement["queries"]),
        baseline=seconds_text(baseline) if baseline is not None else "",
        ratio=seconds / baseline if baseline else None,
        misses=list(measurement["problems"]),
        checked=target is not None or bool(measurement["problems"]),
        data={**measurement, "peak_rss_mb": peak_mb},
    )
    if target is not None and seconds > target:
        row.misses.insert(0, f"{seconds_text(seconds)} > {target:g} s")
    return row


def _memory_row(job_rows: Sequence[Row]) -> Row:
    measured = [row for row in job_rows if "peak_rss_mb" in row.data]
    if not measured:
        return Row(name="job.peak_memory", target=f"≤ {MEMORY_TARGET_MB} MB", measured="n/a")
    worst = max(measured, key=lambda row: row.data["peak_rss_mb"])
    peak = worst.data["peak_rss_mb"]
    # The kernel's own account of every child waited for, as a cross-check.
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    row = Row(
        name="job.peak_memory",
        target=f"≤ {MEMORY_TARGET_MB} MB per worker process",
        measured=f"{peak:.0f} MB ({worst.name})",
        data={"peak_rss_mb": peak, "job": worst.name, "children_max_rss_mb": children_mb},
    )
    if peak > MEMORY_TARGET_MB:
        row.misses.append(f"{peak:.0f} MB > {MEMORY_TARGET_MB} MB")
    return row


# --- The report ---------------------------------------------------------------------------------


def _commit() -> str:
    try:
        described = subprocess.run(
            ["git", "describe", "--always", "--dirty"],  # noqa: S607 — git from PATH
            cwd=REPOSITORY,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return described.stdout.strip()


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f}/{five:.1f}/{fifteen:.1f} (1/5/15 min)"


def header(manifest: Manifest, options: RunOptions, *, database: str) -> str:
    counts = manifest.counts
    caps = counts.get("remediation.CorrectiveActionPlan", 0)
    findings = counts.get("audits.Finding", 0)
    facilities = counts.get("suppliers.Facility", 0)
    load = options.load
    return "\n".join(
        [
            f"# Benchmark results — {datetime.now().isoformat(timespec='minutes')}",
            "",
            f"- Code: `{_commit()}`; database `{database}`, scale {manifest.scale:g} "
            f"(generated for {manifest.today}): {facilities:,} facilities, "
            f"{findings:,} findings, {caps:,} CAPs in all brands.",
            f"- Machine: {os.cpu_count()} CPUs ({_cpu()}), Python {platform.python_version()}; "
            f"load average at the end {_load()} (other work on the machine slows every "
            "number alike).",
            f"- HTTP: gunicorn, {options.workers} sync workers, loopback; "
            f"{load.warmup} warm-up then {load.requests} requests per endpoint at "
            f"concurrency {load.concurrency}. Baselines served by the same gunicorn setup.",
            "- Queries: per request in-process, at page sizes 25/100 (one number: not paged).",
        ]
    )


def report(rows: Sequence[Row], *, manifest: Manifest, options: RunOptions, database: str) -> str:
    text = header(manifest, options, database=database)
    markdown, data = write(rows, folder=OUTPUT, stem=options.output, header=text)
    misses = [row for row in rows if row.misses]
    summary = f"{len(rows) - len(misses)} of {len(rows)} met their targets"
    print()
    print(table(rows))
    print()
    print(f"{summary}. Written to {markdown} and {data}.")
    for row in misses:
        print(f"  miss: {row.name}: {'; '.join(row.misses)} {ratio_text(row.ratio)}")
    return summary
