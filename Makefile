# The words people type. Every target works on a fresh clone: the virtualenv is created
# and the project installed on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A throwaway warehouse for `make test`, so tests never touch warehouse/warehouse.duckdb.
TEST_DIR ?= warehouse/test
TEST_ENV := CTW_DUCKDB_PATH=$(TEST_DIR)/warehouse.duckdb CTW_PIPELINES_DIR=$(TEST_DIR)/dlt_pipelines \
	CTW_DUCKDB_TEMP_DIRECTORY=$(TEST_DIR)/tmp

.PHONY: help install install-dev run extract build kpis test pytest dbt-test lint docs clean bench

help:
	@echo "make run    - install, extract every source's bundled data, dbt build, print figures"
	@echo "make test   - install dev extras, pytest, dbt build on a throwaway DuckDB, sqlfluff lint"
	@echo "make build  - dbt build on the existing warehouse"
	@echo "make lint   - sqlfluff lint and ruff"
	@echo "make docs   - build the static dbt docs site (target/static_index.html)"
	@echo "make bench  - generate BENCH_N studies and time extract, dbt build, increment, queries"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/ctw run

extract: install
	$(BIN)/ctw extract

build: install
	$(BIN)/ctw build

kpis: install
	$(BIN)/ctw kpis

test: install-dev pytest dbt-test lint

pytest: install-dev
	$(BIN)/python -m pytest

dbt-test: install-dev
	rm -rf $(TEST_DIR)
	$(TEST_ENV) $(BIN)/ctw extract --no-progress
	$(TEST_ENV) $(BIN)/ctw build

lint: install-dev
	$(BIN)/sqlfluff lint models analyses snapshots macros tests/generic
	$(BIN)/ruff check extract tests

docs: install
	$(BIN)/ctw docs

# Benchmark (docs/performance.md): BENCH_N studies, default about a minute on a laptop.
BENCH_N ?= 5000

bench: install-dev
	BENCH_N=$(BENCH_N) $(BIN)/python -m benchmarks.bench --n $(BENCH_N)

clean:
	rm -rf target logs warehouse dbt_packages
