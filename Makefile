# redres: `make run` serves the demo catalogue, `make test` runs the suite.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# `make test` runs the suite in JOBS processes (pytest-xdist; 0 is one process in all). One more
# than the cores: a test often waits on PostgreSQL, Chromium or the disk, and a third process
# on 2 cores took the suite from 306 to 276 s. PYTEST_ARGS adds pytest options: --runslow (CI),
# -k WORDS, a test path.
JOBS ?= $(shell echo $$(( $$(nproc) + 1 )))
PYTEST_ARGS ?=

.PHONY: install run test prereqs lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(VENV)/bin/redres demo --if-empty
	$(VENV)/bin/redres serve --host $(HOST) --port $(PORT)

# Debian packages and a running PostgreSQL with PostGIS: installed or started when it can,
# else it stops at once with the command to run (scripts/test-prereqs.sh).
prereqs:
	@bash scripts/test-prereqs.sh

# PYTHONDONTWRITEBYTECODE is emptied for the run: with it set, every worker compiles the package
# and pytest rewrites the asserts of every test module again on each run (~10 s of CPU a worker).
test: prereqs install
	PYTHONDONTWRITEBYTECODE= $(PY) -m pytest -n $(JOBS) --dist worksteal $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check redres tests bench
	$(VENV)/bin/ruff format --check redres tests bench
	$(VENV)/bin/mypy redres

bench: install
	$(PY) bench/catalog_queries.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
