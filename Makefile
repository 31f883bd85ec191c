# redres: `make run` serves the demo catalogue, `make test` runs the suite.
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

run: install
	$(VENV)/bin/redres demo --if-empty
	$(VENV)/bin/redres serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest

lint: install
	$(VENV)/bin/ruff check redres tests bench
	$(VENV)/bin/mypy redres

bench: install
	$(PY) bench/catalog_queries.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
