"""Getting the benchmark database ready from a fresh clone: create it, migrate it,
collect the static files (``DEBUG`` off serves hashed names) and generate the scale
data — only when the manifest is missing, does not describe this database's data, or
was made at another scale — then vacuum what was generated. Every command's output
goes to ``var/bench/``."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from bench.environment import OUTPUT, REPOSITORY, Options
from bench.manifest import Manifest

SCALE_SLUG_PREFIX = "scale-"


def _server_url(database_url: str) -> str:
    """The same server, its maintenance database ``postgres``."""
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path="/postgres"))


def database_create(options: Options) -> bool:
    """Create the database unless it exists; whether it was created."""
    connection = psycopg2.connect(_server_url(options.database_url))
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [options.database_name])
            if cursor.fetchone():
                return False
            cursor.execute(
                sql.SQL("CREATE DATABASE {}").format(sql.Identifier(options.database_name))
            )
            return True
    finally:
        connection.close()


def manage(arguments: list[str], *, environment: Mapping[str, str], log_name: str) -> None:
    """Run ``manage.py`` with ``arguments``; its output is appended to
    ``var/bench/<log_name>.log``. Stops the run when the command fails."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = OUTPUT / f"{log_name}.log"
    with log.open("ab") as output:
        output.write(f"\n$ manage.py {' '.join(arguments)}\n".encode())
        output.flush()
        finished = subprocess.run(  # noqa: S603 — our own interpreter and arguments
            [sys.executable, "manage.py", *arguments],
            cwd=REPOSITORY,
            env=dict(environment),
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if finished.returncode != 0:
        raise SystemExit(f"manage.py {arguments[0]} failed ({finished.returncode}); see {log}")


def _scale_data_present(options: Options) -> tuple[bool, Manifest | None]:
    """Whether generated data is in the database, and the manifest if it describes
    that data at the scale asked for."""
    connection = psycopg2.connect(options.database_url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT slug, id::text FROM csr_platform_organization WHERE slug LIKE %s",
                [SCALE_SLUG_PREFIX + "%"],
            )
            organizations = dict(cursor.fetchall())
    finally:
        connection.close()
    if not organizations:
        return False, None
    try:
        manifest = Manifest.read(options.manifest)
    except ValueError:
        return True, None
    matches = (
        organizations.get(manifest.brand_slug) == manifest.brand_id
        and manifest.scale == options.scale
    )
    return True, manifest if matches else None


def database_prepare(options: Options, *, environment: Mapping[str, str]) -> Manifest:
    """Create, migrate and fill the database as needed; the manifest of its data."""
    if database_create(options):
        print(f"Created database {options.database_name}.")
    manage(["migrate", "--noinput"], environment=environment, log_name="migrate")
    manage(
        ["collectstatic", "--noinput", "--verbosity", "0"],
        environment=environment,
        log_name="collectstatic",
    )
    present, manifest = _scale_data_present(options)
    if manifest is not None:
        return manifest
    why = "describes other data or another scale" if present else "has no scale data"
    print(
        f"{options.database_name} {why}: generating it at scale {options.scale:g} "
        f"(the full scale takes several minutes; progress in {OUTPUT / 'generate.log'})."
    )
    started = time.monotonic()
    arguments = [
        "generate_scale_data",
        "--scale",
        f"{options.scale:g}",
        "--manifest",
        str(options.manifest),
    ]
    if present:
        arguments.append("--reset")
    manage(arguments, environment=environment, log_name="generate")
    print(f"Generated in {time.monotonic() - started:.0f} s; manifest {options.manifest}.")
    database_vacuum(options)
    return Manifest.read(options.manifest)


def database_vacuum(options: Options) -> None:
    """``VACUUM (ANALYZE)`` the freshly loaded data, as autovacuum would have done to a
    live database: rows written by COPY have no visibility map yet, so without it no
    index-only scan is possible and the first reads of every page write hint bits."""
    connection = psycopg2.connect(options.database_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    finally:
        connection.close()
