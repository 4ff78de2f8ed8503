"""A load generator from loopback: threads, each with its own ``http.client``
connection, sending GETs as fast as answers come back.

gunicorn's sync workers close the connection after each response, so a connection
is opened again for the next request, as a browser behind a proxy would see.
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass

from bench.stats import Latency


class RequestFailed(Exception):
    """The server answered something else than 200: the numbers would mean nothing."""


@dataclass(frozen=True)
class Target:
    host: str
    port: int


def _get(connection: http.client.HTTPConnection, path: str, headers: Mapping[str, str]) -> float:
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=dict(headers))
        response = connection.getresponse()
        body = response.read()
    except (ConnectionError, http.client.HTTPException):
        # The server closed the kept connection between requests: once more, anew.
        connection.close()
        started = time.perf_counter()
        connection.request("GET", path, headers=dict(headers))
        response = connection.getresponse()
        body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise RequestFailed(f"GET {path} answered {response.status}: {body[:300]!r}")
    return elapsed


def drive(
    target: Target,
    path: str,
    *,
    headers: Mapping[str, str],
    requests: int,
    concurrency: int,
    warmup: int,
    timeout: float = 120.0,
) -> Latency:
    """Send ``warmup`` requests (not measured), then ``requests`` more from
    ``concurrency`` threads at once; the latency of each measured request is from
    sending it to having read the whole body. Raises ``RequestFailed`` on any answer
    but 200."""
    if requests < 1 or concurrency < 1:
        raise ValueError("At least one request from at least one thread.")
    _run(target, path, headers, total=warmup, concurrency=concurrency, timeout=timeout)
    return Latency.of(
        _run(target, path, headers, total=requests, concurrency=concurrency, timeout=timeout)
    )


def _run(
    target: Target,
    path: str,
    headers: Mapping[str, str],
    *,
    total: int,
    concurrency: int,
    timeout: float,
) -> list[float]:
    samples: list[float] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    remaining = [total]

    def worker() -> None:
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
        try:
            while True:
                with lock:
                    if remaining[0] <= 0 or failures:
                        return
                    remaining[0] -= 1
                elapsed = _get(connection, path, headers)
                with lock:
                    samples.append(elapsed)
        except BaseException as exc:  # noqa: BLE001 — handed to the caller below
            with lock:
                failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return samples
