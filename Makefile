# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast bench lint fmt system-deps clean screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: start the edge node on its embedded default (http://127.0.0.1:8080, kiosk /kiosk, POS /pos)
run: $(STAMP)
	$(BIN)/store-edge serve

## system-deps: Debian packages the tests use (real Mosquitto, headless Chromium, systemd-analyze)
system-deps:
	@bash scripts/system-deps.sh

## test: install everything the tests need, then run unit, integration and e2e tests
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

## test-fast: unit tests only
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

## screenshots: refresh the README's screenshots (docs/screenshots/) from the browser tests
screenshots: $(STAMP) system-deps
	STORE_EDGE_SCREENSHOTS=docs $(BIN)/python -m pytest -q tests/e2e

## bench: run the benchmarks; figures go to stdout and var/bench/results.json
bench: $(STAMP) system-deps
	$(BIN)/python -m bench

## lint: ruff (style, errors) and mypy --strict over the product's packages
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
