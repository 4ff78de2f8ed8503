"""The baseline server: a bare WSGI application that answers ``GET /raw/<baseline>?…``
with the baseline's one statement serialized by ``json.dumps`` — no Django, no
framework. gunicorn serves it like the product, so a ratio compares the product with
the same rows over the same HTTP stack and load generator, not with a bare query.

Each worker keeps one PostgreSQL connection for its whole life, as the product's
workers do with ``CONN_MAX_AGE``, opened with the product's own connection settings
(``DATABASES["default"]``, its ``OPTIONS`` included), so both run under the same
session settings. Reading the settings module loads no application.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

import psycopg2

from bench.baselines import BASELINES

_connection: Any = None

StartResponse = Callable[..., Any]


def _connect() -> Any:
    from django.conf import settings

    database = settings.DATABASES["default"]
    given = {
        "dbname": database["NAME"],
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    parameters = {key: value for key, value in given.items() if value}
    return psycopg2.connect(**parameters, **database.get("OPTIONS", {}))


def _cursor() -> Any:
    # One connection per worker process, opened on its first request.
    global _connection
    if _connection is None or _connection.closed:
        _connection = _connect()
        # Reads only: no transaction left open between requests.
        _connection.autocommit = True
    return _connection.cursor()


def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path: str = environ.get("PATH_INFO", "")
    if path == "/healthz":
        return _answer(start_response, "200 OK", b"ok", "text/plain")
    baseline = BASELINES.get(path.removeprefix("/raw/").strip("/"))
    if baseline is None:
        return _answer(start_response, "404 Not Found", b"no such baseline", "text/plain")
    params = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    try:
        with _cursor() as cursor:
            body = baseline.render(cursor, params)
    except ValueError as exc:
        return _answer(start_response, "400 Bad Request", str(exc).encode(), "text/plain")
    return _answer(start_response, "200 OK", body, "application/json")


def _answer(
    start_response: StartResponse, status: str, body: bytes, content_type: str
) -> list[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
