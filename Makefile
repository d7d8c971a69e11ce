# The two commands: `make run` and `make test`. Everything else is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Register sizes for the matching benchmark (add 1000000 for the slow, full run).
BENCH_SIZES ?= 1000,10000,100000
# PAs on the register for the HTTP matches benchmark; BENCH_POSTGRES=<url> runs it on PostgreSQL too.
BENCH_HTTP_PAS ?= 100000
BENCH_POSTGRES ?=
# Without MARKET_ENV the service runs as production (and wants MARKET_SECRET_KEY). `make run`,
# `make test` and the benchmarks are a developer's: they choose development unless told otherwise.
MARKET_ENV ?= development
export MARKET_ENV

.PHONY: run test install install-test lock assets lint format bench bench-reports bench-pages clean

## run: set everything up, migrate, seed demo data when empty, and serve on $(HOST):$(PORT)
run: install assets
	$(BIN)/market migrate
	$(BIN)/market demo --if-empty
	$(BIN)/market serve --host $(HOST) --port $(PORT)

## test: lint, the layering contracts, the type checker, then the whole suite (SQLite; PostgreSQL and Chromium when available)
test: install-test assets
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The runtime dependencies come from requirements.lock: every version pinned, every file's hash
# checked (docs/security.md). The project itself then goes in without resolving anything more;
# pip check fails if pyproject.toml names a dependency the lock lacks (run `make lock`).
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "requirements.lock is out of date: run make lock"; exit 1; }
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## lock: re-pin the runtime dependencies with hashes after changing them in pyproject.toml
lock: | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check 'uv>=0.9'
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--quiet --custom-compile-command "make lock" -o requirements.lock

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

market/static/.built: node_modules/.installed scripts/build-assets.sh $(wildcard assets/*)
	./scripts/build-assets.sh
	touch $@

assets: market/static/.built

lint: install-test
	$(BIN)/ruff check .

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The HTTP benchmark runs before the engine's, whose JSON lines (one per size) are printed last.
bench: install-test
	$(BIN)/python bench/run.py
	$(BIN)/python bench/geo.py
	$(BIN)/python bench/matches_http.py --pas $(BENCH_HTTP_PAS) $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))
	$(BIN)/python bench/matching.py --sizes $(BENCH_SIZES)

## bench-reports: the monitoring return over 100k PAs and 50k needs (SQLite; BENCH_POSTGRES=<url> adds PostgreSQL; about 3 minutes with both)
bench-reports: install-test
	$(BIN)/python bench/reports.py $(if $(BENCH_POSTGRES),--postgres $(BENCH_POSTGRES))

## bench-pages: every page at national scale, SQLite and PostgreSQL (issue 22; BENCH_PAGES_ARGS="--quick" for a smoke run, "--million" adds the 1M index build; some 15 minutes)
BENCH_PAGES_ARGS ?=
BENCH_PAGES_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/postgres
bench-pages: install-test
	$(BIN)/python -m bench.pages --postgres $(BENCH_PAGES_POSTGRES) $(BENCH_PAGES_ARGS)

clean:
	rm -rf $(VENV) node_modules market/static .pytest_cache .ruff_cache
