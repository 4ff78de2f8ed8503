# CSR Platform — the commands a developer and CI use. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast lint format web worker beat clean bench

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

## make run: the embedded stack — SQLite, Celery worker + beat on a file broker, console e-mail.
run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true HOST=$(HOST) PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" bin/run-embedded

## make test: the whole suite, on PostgreSQL when reachable, SQLite otherwise.
test: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bin/test

## make test-fast: the suite without the browser tests.
test-fast: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bin/test -m "not browser"

## make bench: benchmarks of the hot paths against PostgreSQL at scale (see BENCHMARKS.md).
## BENCH_DATABASE_URL (default the local csr_scale), BENCH_SCALE (default 1: full scale),
## BENCH_ARGS (e.g. "--only 'api.*' --requests 200"). Results in var/bench/results.md.
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/mypy .
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The production processes, as docker-compose runs them (bin/web, bin/worker, bin/beat).
web: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bin/web

worker: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bin/worker

beat: install
	PATH="$(CURDIR)/$(BIN):$$PATH" bin/beat

clean:
	rm -rf var staticfiles .pytest_cache .mypy_cache .ruff_cache
