# The words people type. Every target works on a fresh clone: the virtualenv is created
# and the project installed on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A throwaway warehouse for `make test`, so tests never touch warehouse/warehouse.duckdb.
TEST_DIR ?= warehouse/test
TEST_ENV := CTW_DUCKDB_PATH=$(TEST_DIR)/warehouse.duckdb CTW_PIPELINES_DIR=$(TEST_DIR)/dlt_pipelines \
	CTW_DUCKDB_TEMP_DIRECTORY=$(TEST_DIR)/tmp

# The Spark build of `make test` (docs/scale-out.md): its own folder, absolute paths for dbt.
SPARK_DIR ?= warehouse/test-spark
SPARK_ENV := CTW_DUCKDB_PATH=$(SPARK_DIR)/lock.duckdb CTW_RAW_PARQUET_URL=$(abspath $(SPARK_DIR))/raw_parquet \
	CTW_SPARK_WAREHOUSE=$(abspath $(SPARK_DIR))/spark
SPARK_DBT := $(BIN)/dbt --no-use-colors
SPARK_DBT_ARGS := --target spark --target-path target/spark --project-dir . --profiles-dir .

.PHONY: help install install-dev install-spark run extract build kpis test pytest dbt-test spark-test lint docs clean

help:
	@echo "make run    - install, extract every source's bundled data, dbt build, print figures"
	@echo "make test   - install dev extras, pytest, dbt build on a throwaway DuckDB, the same on Spark, lint"
	@echo "make spark-test - after dbt-test: build the portable models on Spark, compare marts with DuckDB"
	@echo "make build  - dbt build on the existing warehouse"
	@echo "make lint   - sqlfluff lint and ruff"
	@echo "make docs   - build the static dbt docs site (target/static_index.html)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-spark: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

install-spark: $(VENV)/.installed-spark

run: install
	$(BIN)/ctw run

extract: install
	$(BIN)/ctw extract

build: install
	$(BIN)/ctw build

kpis: install
	$(BIN)/ctw kpis

test: install-dev pytest dbt-test spark-test lint

pytest: install-dev
	$(BIN)/python -m pytest

dbt-test: install-dev
	rm -rf $(TEST_DIR)
	$(TEST_ENV) $(BIN)/ctw extract --no-progress
	$(TEST_ENV) $(BIN)/ctw build

# The portable selection (selectors.yml) on a local SparkSession, from Parquet written by dlt's
# filesystem destination. The bundled data is extracted twice with separate pipeline state, so
# every study is in the files twice: the raw views must keep the newest version, as DuckDB's
# merge does. Then the Spark marts are exported and compared with the DuckDB marts of dbt-test.
spark-test: $(VENV)/.installed-spark
	rm -rf $(SPARK_DIR)
	$(SPARK_ENV) CTW_PIPELINES_DIR=$(SPARK_DIR)/dlt_first $(BIN)/ctw extract --no-progress --destination filesystem
	$(SPARK_ENV) CTW_PIPELINES_DIR=$(SPARK_DIR)/dlt_second $(BIN)/ctw extract --no-progress --destination filesystem
	$(SPARK_ENV) $(SPARK_DBT) build $(SPARK_DBT_ARGS) --selector portable
	$(SPARK_ENV) $(SPARK_DBT) run-operation export_relations $(SPARK_DBT_ARGS) \
		--args '{schema: marts, to: "$(abspath $(SPARK_DIR))/marts"}'
	$(BIN)/python -m extract.compare_engines --duckdb $(TEST_DIR)/warehouse.duckdb --exported $(SPARK_DIR)/marts

lint: install-dev
	$(BIN)/sqlfluff lint models analyses snapshots macros tests/generic
	$(BIN)/ruff check extract tests

docs: install
	$(BIN)/ctw docs

clean:
	rm -rf target logs warehouse dbt_packages
