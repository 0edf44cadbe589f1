# Every target installs what it needs into .venv first; only python3 (3.11+), git and
# make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := out

.PHONY: demo test test-fast lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $@

## demo: bake the default project into out/ and run its pipeline end to end
demo: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" bash scripts/demo.sh "$(DEMO_DIR)"

## test: run the whole suite (slow bake-and-run tests included)
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## test-fast: the quick loop, without the bake-and-run tests
test-fast: $(VENV)/.installed
	$(BIN)/python -m pytest -m "not slow"

## lint: the kit's own pre-commit hooks (ruff, mypy, ...) on every file
lint: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/pre-commit run --all-files

## bench: print start-up, bake, audit and add-stage timings
bench: $(VENV)/.installed
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO_DIR)
