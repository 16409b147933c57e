# Lifecycle Workbench — developer commands. `make run` and `make test` are all a newcomer needs.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501

.PHONY: run install test test-fast e2e bench lint format chromium postgresql clean-venv

run: install ## create .venv, install, seed the demo project, serve the app
	$(BIN)/workbench demo
	$(BIN)/workbench ui --port $(PORT) --open

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

chromium: ## Debian's chromium for the real-browser tests (installed when missing and root)
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "chromium is missing: sudo apt-get install -y chromium (browser tests need it)"; exit 1; \
		fi; \
	fi

postgresql: ## Debian's PostgreSQL binaries (no service is started: the tests start a throwaway cluster)
	@if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			if [ ! -e /usr/sbin/policy-rc.d ]; then \
				printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d; \
				trap 'rm -f /usr/sbin/policy-rc.d' EXIT; \
			fi; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
		else \
			echo "PostgreSQL is missing: sudo apt-get install -y postgresql (the tests run on it too)"; exit 1; \
		fi; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install chromium postgresql lint ## everything, end-to-end tests included, on SQLite and PostgreSQL
	WORKBENCH_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest --durations=15

test-fast: install ## skip the slow end-to-end tests
	$(BIN)/python -m pytest -m "not e2e"

e2e: install chromium
	$(BIN)/python -m pytest -m e2e

bench: install ## benchmarks: ratios against the raw libraries, measured in the same run
	$(BIN)/python -m benchmarks

clean-venv:
	rm -rf $(VENV)
