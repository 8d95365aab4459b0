# The two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= $(or $(KITCHEN_PORT),5000)
# 0.0.0.0 serves a pilot on the office network; the default keeps it on this machine.
HOST ?= $(or $(KITCHEN_HOST),127.0.0.1)
WORKERS ?= 3
FLASK := $(BIN)/flask --app wsgi
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
ECHARTS_VERSION := 6.1.0
ECHARTS_SHA256 := b66b25aeb4df84e33199dc21694014d336d222cbd9deb0e5a7c14bd6aa0d0fd0
ECHARTS := static/vendor/echarts/VERSION-$(ECHARTS_VERSION)

.PHONY: run test test-fast test-sqlite test-postgres lint format install install-dev translations extract-messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations $(ECHARTS)
install-dev: $(VENV)/.installed-dev translations $(ECHARTS)

## The report page's chart library, Apache ECharts, from the npm registry at a pinned version and
## checksum, served from static/vendor (never from a CDN). Without npm the pages show the tables.
$(ECHARTS):
	@if ! command -v npm >/dev/null; then \
		echo "Note: npm is missing, so the report page shows tables without charts (apt-get install npm)"; \
	else \
		set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
		(cd "$$tmp" && npm pack --silent --no-fund --no-audit echarts@$(ECHARTS_VERSION) >/dev/null); \
		tar -xzf "$$tmp/echarts-$(ECHARTS_VERSION).tgz" -C "$$tmp" package/dist/echarts.min.js package/LICENSE; \
		echo "$(ECHARTS_SHA256)  $$tmp/package/dist/echarts.min.js" | sha256sum -c --quiet; \
		mkdir -p $(@D); cp "$$tmp/package/dist/echarts.min.js" $(@D)/echarts.min.js; \
		cp "$$tmp/package/LICENSE" $(@D)/LICENSE; touch $@; \
		echo "ECharts $(ECHARTS_VERSION) installed in $(@D)"; \
	fi

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -f -i $< -o $@

translations: $(MO)

## Serve the library on http://127.0.0.1:$(PORT) with its worker, demo data on first start.
## Ctrl-C stops both (honcho runs the Procfile's two lines).
run: install
	$(FLASK) kitchen init
	$(FLASK) kitchen demo --if-empty
	@fc-match -f '%{file}' 'WenQuanYi Micro Hei' 2>/dev/null | grep -qi wqy || echo "Note: credit stamps need a CJK font: sudo apt-get install fonts-wqy-microhei"
	@echo "Serving on http://$(HOST):$(PORT), with the background worker (Ctrl-C stops both)"
	KITCHEN_HOST=$(HOST) KITCHEN_PORT=$(PORT) KITCHEN_WEB_WORKERS=$(WORKERS) $(BIN)/honcho start -f Procfile

## The whole suite on SQLite with files in a folder, then again as in production: a throwaway
## PostgreSQL (database and search) and files in a bucket of moto's S3 server; then the coverage
## of kitchen/ over both runs (the least covered modules, and the total).
test: install-dev
	$(BIN)/python -m pytest -q --cov=kitchen --cov-report=
	KITCHEN_TEST_DATABASE=postgresql KITCHEN_TEST_STORAGE=s3 KITCHEN_TEST_SEARCH=postgresql $(BIN)/python -m pytest -q -m "not browser" --cov=kitchen --cov-append --cov-report=
	@$(BIN)/coverage report --skip-covered --sort=cover | sed -n '1,12p'
	@echo "Coverage of kitchen/ over both runs: $$($(BIN)/coverage report --format=total)%"

## The fast layer (units and the search engine, under a minute): what pre-commit runs.
test-fast: install-dev
	$(BIN)/python -m pytest -q -x -p no:cacheprovider tests/unit tests/search

test-sqlite: install-dev
	$(BIN)/python -m pytest -q

test-postgres: install-dev
	KITCHEN_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q -m "not browser"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pre-commit validate-config .pre-commit-config.yaml

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the message catalogs after changing texts in code or templates.
extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

bench: install-dev
	$(BIN)/python bench/media_bench.py
	$(BIN)/python bench/search_bench.py --n 50000
	$(BIN)/python bench/import_bench.py --n 50000
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
