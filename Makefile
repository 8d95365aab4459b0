# The two commands: `make run` and `make test`. Everything installs into .venv.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= $(or $(KITCHEN_PORT),5000)
WORKERS ?= 3
FLASK := $(BIN)/flask --app wsgi
PO := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)

.PHONY: run test test-sqlite test-postgres lint format install install-dev translations extract-messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
install-dev: $(VENV)/.installed-dev translations

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile -f -i $< -o $@

translations: $(MO)

## Serve the library on http://127.0.0.1:$(PORT) with its worker, demo data on first start.
## Ctrl-C stops both (honcho runs the Procfile's two lines).
run: install
	$(FLASK) kitchen init
	$(FLASK) kitchen demo --if-empty
	@fc-match -f '%{file}' 'WenQuanYi Micro Hei' 2>/dev/null | grep -qi wqy || echo "Note: credit stamps need a CJK font: sudo apt-get install fonts-wqy-microhei"
	@echo "Serving on http://127.0.0.1:$(PORT), with the background worker (Ctrl-C stops both)"
	KITCHEN_PORT=$(PORT) KITCHEN_WEB_WORKERS=$(WORKERS) $(BIN)/honcho start -f Procfile

## The whole suite on SQLite, then again on a throwaway PostgreSQL.
test: install-dev
	$(BIN)/python -m pytest -q
	KITCHEN_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q -m "not browser"

test-sqlite: install-dev
	$(BIN)/python -m pytest -q

test-postgres: install-dev
	KITCHEN_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q -m "not browser"

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Refresh the message catalogs after changing texts in code or templates.
extract-messages: install-dev
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

bench: install-dev
	$(BIN)/python bench/media_bench.py
	$(BIN)/python bench/search_bench.py --n 50000
	$(BIN)/python bench/import_bench.py --n 50000
	$(BIN)/python bench/load_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
