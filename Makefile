# Castrop-Rauxel portal. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate pyproject.toml requirements.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/vendor/.copied: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/kern static/vendor/htmx static/vendor/leaflet static/vendor/uplot static/vendor/axe
	cp -r node_modules/@kern-ux/native/dist/kern.min.css node_modules/@kern-ux/native/dist/fonts static/vendor/kern/
	cp node_modules/@kern-ux/native/LICENSE.md static/vendor/kern/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE static/vendor/htmx/
	cp -r node_modules/leaflet/dist/* node_modules/leaflet/LICENSE static/vendor/leaflet/
	cp node_modules/uplot/dist/uPlot.iife.min.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE static/vendor/uplot/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE static/vendor/axe/
	touch $@

.PHONY: install
install: $(VENV)/.installed static/vendor/.copied messages ## Install Python and npm packages, copy front-end assets, compile translations

.PHONY: messages
messages: $(VENV)/.installed ## Compile the .po translation files
	$(MANAGE) compilemessages --ignore '.venv' --ignore 'node_modules' -v 0

.PHONY: makemessages
makemessages: $(VENV)/.installed ## Extract translatable strings into locale/*/LC_MESSAGES/django.po
	$(MANAGE) makemessages -l de -l en --no-obsolete --no-wrap --no-location --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'static/vendor/*' --ignore 'tests/*' --ignore 'bench/*'
	# English is the source language: only the site-wide catalog keeps an (empty) English file.
	rm -rf */locale/en

.PHONY: migrate
migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

.PHONY: demo
demo: migrate ## Load the demo data (idempotent)
	$(MANAGE) load_demo

.PHONY: run
run: demo ## Install, migrate, load demo data, serve on http://127.0.0.1:8000 with a worker and beat
	$(MANAGE) rundev 127.0.0.1:8000

.PHONY: lint
lint: $(VENV)/.installed ## ruff, mypy, the import contracts and the migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache
	$(MANAGE) makemigrations --check --dry-run

# The suite in two runs that together select every test: all but the browser tests on two
# xdist workers (each with its own test database), then the browser tests in one process.
# Each run must collect tests (pytest's exit code 5 fails the target); to run a part of the
# suite, call .venv/bin/pytest directly or use `make test-fast`.
.PHONY: test
test: install lint ## Lint, migrations check and the whole pytest suite (browser tests included)
	$(BIN)/pytest -m "not e2e" -n 2 $(PYTEST_ARGS)
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

.PHONY: test-fast
test-fast: install ## Everything but the browser tests, in parallel (one worker per core)
	$(BIN)/pytest -m "not e2e" -n auto $(PYTEST_ARGS)

.PHONY: bench
bench: install ## Run the benchmarks under bench/
	@if ls bench/*/run.py >/dev/null 2>&1; then for b in bench/*/run.py; do $(PY) $$b || exit 1; done; else echo "No benchmarks yet."; fi

.PHONY: clean
clean: ## Remove the virtualenv, node_modules, vendored assets and local data
	rm -rf $(VENV) node_modules static/vendor var staticfiles
