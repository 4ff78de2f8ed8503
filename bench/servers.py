"""gunicorn processes of a run: the product's WSGI application and the baseline server,
each on a free loopback port, with their logs under ``var/bench/``."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bench.environment import OUTPUT, REPOSITORY
from bench.load import Target

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _answers(target: Target, path: str) -> bool:
    connection = http.client.HTTPConnection(target.host, target.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status == 200
    except OSError:
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(
    application: str,
    *,
    name: str,
    environment: Mapping[str, str],
    workers: int,
    health_path: str,
    startup_seconds: float = 90.0,
) -> Iterator[Target]:
    """Serve ``application`` ("module:callable") with ``workers`` sync workers until
    the block ends; yields once ``health_path`` answers 200. The access and error
    logs go to ``var/bench/<name>-access.log`` and ``<name>.log``."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    target = Target(HOST, free_port())
    log: Path = OUTPUT / f"{name}.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        application,
        "--bind",
        f"{target.host}:{target.port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "120",
        "--access-logfile",
        str(OUTPUT / f"{name}-access.log"),
        "--error-logfile",
        str(log),
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(  # noqa: S603 — our own interpreter and arguments
            command, cwd=REPOSITORY, env=dict(environment), stdout=output, stderr=output
        )
    try:
        deadline = time.monotonic() + startup_seconds
        while not _answers(target, health_path):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer {health_path} in time; see {log}")
            time.sleep(0.25)
        yield target
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
