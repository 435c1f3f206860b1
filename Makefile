# Every target works on a fresh machine with Python 3.11: the first one creates .venv.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP) ## Create .venv with the locked dependencies

run: $(STAMP) ## Start the LRS on 127.0.0.1:8000 (embedded PostgreSQL unless LRS_DATABASE_URL is set)
	$(BIN)/lrs serve

test: $(STAMP) ## Run the test suite against a real PostgreSQL
	$(BIN)/pytest -n 2

test-pg15: $(STAMP) ## Run the tests against PostgreSQL 15 from the system packages
	bash .ci/test-pg15

lint: $(STAMP) ## Ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP) ## Format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP) ## mypy (strict)
	$(BIN)/mypy

migrate: $(STAMP) ## Apply migrations to the configured database
	$(BIN)/lrs db upgrade

check-migrations: $(STAMP) ## Fail when the models and the migrations differ
	bash .ci/alembic-check

openapi: $(STAMP) ## Export openapi/openapi.json from the app
	$(BIN)/lrs openapi > openapi/openapi.json

bench: $(STAMP) ## Benchmark a fresh LRS over HTTP (SCALE=20000 by default; see bench/README.md)
	$(BIN)/python -m bench --scale $(or $(SCALE),20000)

fuzz: $(STAMP) ## Fuzz the whole HTTP API with schemathesis on loopback (FUZZ_EXAMPLES, FUZZ_SECONDS bound it)
	LRS_FUZZ_ALL=1 LRS_FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),100) LRS_FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600) \
		$(BIN)/pytest tests/test_fuzz.py

lock: ## Re-resolve requirements*.lock from pyproject.toml
	bash .ci/lock

.PHONY: help install run test test-pg15 lint fmt typecheck migrate check-migrations openapi bench fuzz lock
