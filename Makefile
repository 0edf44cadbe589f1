# Every target installs what it needs into .venv first; only python3 (3.11+), git and
# make are assumed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR := out

.PHONY: demo test test-fast lint bench lock lock-template clean

# The dev and test environment is pinned in locks/dev.txt (pip constraints), so a fresh
# machine gets the versions CI got; `make lock` re-pins after a dependency change.
LOCK := locks/dev.txt
PIP_VERSION := 26.3

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet "pip==$(PIP_VERSION)"

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --constraint $(LOCK) --editable . --group dev
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

## lock: re-resolve the dev and test environment from pyproject.toml and pin it in locks/dev.txt
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet "pip==$(PIP_VERSION)"
	.lock-venv/bin/python -m pip install --quiet --editable . --group dev
	{ echo "# The kit's dev and test environment, pinned: make installs with these as pip constraints."; \
	  echo "# Regenerate with \`make lock\` after changing pyproject.toml's dependencies or groups."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable; } > $(LOCK)
	rm -rf .lock-venv

## lock-template: re-resolve the lock files the template ships (uv.lock, poetry.lock, requirements.lock)
# uv and poetry at the versions cookiecutter.json pins, in a venv of their own.
TOOLS := .lock-tools
lock-template: $(VENV)/.installed
	$(eval UV := $(shell $(BIN)/python -c 'import json; print(json.load(open("cookiecutter.json"))["_uv_version"])'))
	$(eval POETRY := $(shell $(BIN)/python -c 'import json; print(json.load(open("cookiecutter.json"))["_poetry_version"])'))
	test -x $(TOOLS)/bin/python || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV)" "poetry==$(POETRY)"
	PATH="$(CURDIR)/$(TOOLS)/bin:$$PATH" $(BIN)/python scripts/lock_template.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) $(TOOLS)
