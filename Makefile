# Set-up is two commands: `make dev` and `make test`. Both install whatever is missing first.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
NODE_STAMP := react_ui/node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install dev test test-py test-ui bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

install: $(PY_STAMP) $(NODE_STAMP) ## install what is missing: .venv (editable) and react_ui/node_modules

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	# compat: a plain path entry; setuptools' default editable finder costs every devtool start ~13 ms
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --config-settings editable_mode=compat -e '.[test]'
	@# Bytecode as pip writes it for installed packages, even where PYTHONDONTWRITEBYTECODE is set
	$(BIN)/python -m compileall -q devtool flask_api
	@touch $@

$(NODE_STAMP): react_ui/package.json react_ui/package-lock.json
	cd react_ui && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

dev: install ## run the API and the UI together (devtool up); Ctrl-C stops it
	@$(BIN)/devtool up || test $$? -eq 130  # Ctrl-C is how a dev session ends, not a failure

test: install ## run every test: pytest (API, devtool, integration, browser) and vitest
	$(BIN)/python -m pytest
	cd react_ui && npm test --silent

bench: install ## benchmarks side by side with the peers; writes bench/results.json
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --config-settings editable_mode=compat -e '.[bench]'
	$(BIN)/python bench/run.py

clean: ## remove installs, builds and run state
	rm -rf $(VENV) react_ui/node_modules react_ui/build .devtool .pytest_cache
