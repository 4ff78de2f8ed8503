"""Benchmarks of the product's hot paths against PostgreSQL at scale (``make bench``).

``python -m bench`` prepares the database (creates, migrates and fills it with
``generate_scale_data`` when the data is missing), serves the real WSGI application
with gunicorn on loopback, drives every endpoint with a load generator, measures the
same rows fetched by one hand-written SQL query (the baseline, served over the same
HTTP stack), counts queries per request in-process, times the background jobs in
child processes, and writes the table to ``var/bench/results.md`` and ``.json``.

These are benchmarks, not tests: nothing here runs in ``make test`` but the pure
pieces checked by ``tests/bench``.
"""
