# ledgerport — `make run` to serve, `make test` to run the whole suite. `make help` lists all.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP     := $(VENV)/.installed-dev
# codat-accounting 0.36.0 pins an older httpx/pydantic: its SDK test runs it from here.
ACCOUNTING_VENV  ?= .venv-accounting
ACCOUNTING_STAMP := $(ACCOUNTING_VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help run test lint format bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("ledgerport needs Python 3.11 or newer; set PYTHON=python3.11" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)

$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e .
	@touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -qq -e '.[dev]'
	@touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP) ## Create the venv, install, migrate and serve on http://127.0.0.1:8000
	$(BIN)/ledgerport serve

$(ACCOUNTING_STAMP):
	$(PYTHON) -m venv $(ACCOUNTING_VENV)
	$(ACCOUNTING_VENV)/bin/python -m pip install -qq codat-accounting==0.36.0
	@touch $@

# The browser tests drive Debian's chromium through Playwright (no browser download).
# Installed when missing and apt is usable; otherwise those tests are skipped, and said so.
CHROMIUM ?= /usr/bin/chromium
$(CHROMIUM):
	@if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null \
	    || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
	    || echo "could not install chromium: the browser tests will be skipped"; \
	else echo "chromium is not installed (needs root and apt-get): the browser tests will be skipped"; fi

test: $(DEV_STAMP) $(ACCOUNTING_STAMP) | $(CHROMIUM) ## Install dev dependencies and run the whole test suite
	$(BIN)/python -m pytest -n auto

lint: $(DEV_STAMP) ## ruff, mypy and import-linter (also run inside `make test`)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(DEV_STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(DEV_STAMP) ## Run the benchmarks in bench/ (not part of `make test`)
	$(BIN)/python bench/api_list.py

clean: ## Remove the venv and caches (keeps ./data)
	rm -rf $(VENV) $(ACCOUNTING_VENV) .pytest_cache .mypy_cache .ruff_cache
