# The words people type. Every target works on a fresh clone: the virtualenv is created
# and the project installed on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The warehouses of `make test`, so tests never touch warehouse/warehouse.duckdb. pytest builds
# the whole project once, in $(TEST_DIR)/session (tests/conftest.py); the Spark comparison and
# lint reuse that build.
TEST_DIR ?= warehouse/test
SESSION_DIR := $(TEST_DIR)/session
TEST_ENV := CTW_TEST_DIR=$(abspath $(TEST_DIR)) CTW_DUCKDB_PATH=$(SESSION_DIR)/warehouse.duckdb \
	CTW_PIPELINES_DIR=$(SESSION_DIR)/dlt_pipelines CTW_DUCKDB_TEMP_DIRECTORY=$(SESSION_DIR)/tmp
# The phases of `make test`, each timed; their durations are printed at the end.
TEST_PHASES := install-spark pytest spark-test lint
PHASES_LOG := $(TEST_DIR)/phases.txt

# The Spark build of `make test` (docs/scale-out.md): its own folder, absolute paths for dbt.
SPARK_DIR ?= warehouse/test-spark
# Spark queries of the build wait on the JVM more than on the CPU: 4 dbt threads finish the
# project in about half the time on 2 cores (docs/scale-out.md).
SPARK_THREADS ?= 4
SPARK_ENV := CTW_DUCKDB_PATH=$(SPARK_DIR)/lock.duckdb CTW_RAW_PARQUET_URL=$(abspath $(SPARK_DIR))/raw_parquet \
	CTW_SPARK_WAREHOUSE=$(abspath $(SPARK_DIR))/spark CTW_DBT_THREADS=$(SPARK_THREADS)
SPARK_DBT := $(BIN)/dbt --no-use-colors
SPARK_DBT_ARGS := --target spark --target-path target/spark --project-dir . --profiles-dir .
# The unit tests check the models' SQL on fixtures and run in the DuckDB session build; on Spark
# they were a quarter of the build's node time, and the engines' agreement is checked on the
# marts. `make spark-test SPARK_UNIT_TESTS=1` runs them on Spark too.
SPARK_UNIT_TESTS ?=
SPARK_BUILD_EXCLUDE := $(if $(SPARK_UNIT_TESTS),,--exclude-resource-type unit_test)
# The schemas whose tables both engines must agree on.
COMPARED_SCHEMAS := marts omop
comma := ,

.PHONY: help install install-dev install-spark run extract build kpis test pytest dbt-test spark-test lint docs clean \
	publish search metabase-up metabase-sync metabase-dashboards bench

help:
	@echo "make run    - install, extract every source's bundled data, dbt build, print figures"
	@echo "make test   - install, pytest (one dbt build of the whole project), the same on Spark, lint; phase times"
	@echo "make dbt-test   - only the session build of make test: extract, dbt build, every node passes"
	@echo "make spark-test - after pytest or dbt-test: build the portable models on Spark, compare marts with DuckDB"
	@echo "make build  - dbt build on the existing warehouse"
	@echo "make lint   - sqlfluff lint and ruff"
	@echo "make docs   - build the static dbt docs site (target/static_index.html)"
	@echo "make bench  - generate BENCH_N studies and time extract, dbt build, increment, queries"
	@echo "make publish       - copy the marts to PostgreSQL (CTW_PG_*) and build the search model"
	@echo "make search Q=...  - ranked trials from the PostgreSQL search model"
	@echo "make metabase-up   - start Metabase and the serving PostgreSQL (docker-compose)"
	@echo "make metabase-sync - push dbt descriptions and semantic types into Metabase (dbt-metabase)"
	@echo "make metabase-dashboards - create or update the dashboards of dashboards/dashboards.yml in Metabase"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# The dev install includes the airflow extra, so `make test` runs the DAG tests (about 430 MB).
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,airflow]'
	$(BIN)/python -m pip check
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-spark: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,airflow,spark]'
	$(BIN)/python -m pip check
	@touch $@ $(VENV)/.installed-dev $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

install-spark: $(VENV)/.installed-spark

# The serving extra (PostgreSQL driver, dbt-postgres) installs without a server: `ctw run`
# publishes when PostgreSQL answers and says how to enable it when not.
run: $(VENV)/.installed-serving
	$(BIN)/ctw run

extract: install
	$(BIN)/ctw extract

build: install
	$(BIN)/ctw build

kpis: install
	$(BIN)/ctw kpis

test:
	@mkdir -p $(TEST_DIR); rm -f $(PHASES_LOG); status=0; \
	for phase in $(TEST_PHASES); do \
		start=$$(date +%s); \
		$(MAKE) --no-print-directory $$phase || status=$$?; \
		echo "  $$phase: $$(( $$(date +%s) - start )) s$$([ $$status -eq 0 ] || echo ', FAILED')" >> $(PHASES_LOG); \
		[ $$status -eq 0 ] || break; \
	done; \
	echo "make test, wall time per phase:"; cat $(PHASES_LOG); exit $$status

# Every test, with the session build (extract the bundled data, the whole `dbt build`) first.
# Two pytest-xdist workers, a test module on one worker: most tests wait on a child process
# (dlt, dbt, a JVM, a server) part of the time, so two keep both cores busy.
PYTEST_WORKERS ?= 2

pytest: install-dev
	CTW_TEST_DIR=$(abspath $(TEST_DIR)) $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope

# Only the session build and the test that every node passed (the build `make test` reuses).
dbt-test: install-dev
	CTW_TEST_DIR=$(abspath $(TEST_DIR)) $(BIN)/python -m pytest tests/dbt/test_build.py

# The portable selection (selectors.yml) on a local SparkSession, from Parquet written by dlt's
# filesystem destination. The bundled data is extracted twice with separate pipeline state, so
# every study is in the files twice: the raw views must keep the newest version, as DuckDB's
# merge does. The two extracts run at once (each holds its own warehouse lock file; dlt names
# every file by its load id). Then the Spark marts are exported and compared with the DuckDB
# marts of dbt-test.
spark-test: $(VENV)/.installed-spark
	test -f $(SESSION_DIR)/warehouse.duckdb || $(MAKE) --no-print-directory dbt-test
	rm -rf $(SPARK_DIR) && mkdir -p $(SPARK_DIR)
	$(SPARK_ENV) CTW_PIPELINES_DIR=$(SPARK_DIR)/dlt_first $(BIN)/ctw extract --no-progress --destination filesystem \
		> $(SPARK_DIR)/extract_first.log 2>&1 & first=$$!; \
	$(SPARK_ENV) CTW_PIPELINES_DIR=$(SPARK_DIR)/dlt_second CTW_DUCKDB_PATH=$(SPARK_DIR)/lock_second.duckdb \
		$(BIN)/ctw extract --no-progress --destination filesystem \
		> $(SPARK_DIR)/extract_second.log 2>&1; second=$$?; \
	wait $$first; first=$$?; cat $(SPARK_DIR)/extract_first.log $(SPARK_DIR)/extract_second.log; \
	[ $$first -eq 0 ] && [ $$second -eq 0 ]
	$(SPARK_ENV) $(SPARK_DBT) build $(SPARK_DBT_ARGS) --selector portable $(SPARK_BUILD_EXCLUDE)
	$(SPARK_ENV) $(SPARK_DBT) run-operation export_relations $(SPARK_DBT_ARGS) \
		--args '{schemas: [$(subst $(eval) ,$(comma) ,$(COMPARED_SCHEMAS))], to: "$(abspath $(SPARK_DIR))/exported"}'
	for schema in $(COMPARED_SCHEMAS); do \
		$(BIN)/python -m ctw.compare_engines --duckdb $(SESSION_DIR)/warehouse.duckdb \
			--schema $$schema --exported $(SPARK_DIR)/exported/$$schema || exit 1; \
	done

# The dbt templater compiles the project, and some macros look relations up: give it the
# session's warehouse (an empty one on a fresh clone works too). Two processes: linting is
# CPU-bound, about 40% faster on 2 cores.
LINT_PROCESSES ?= 2

lint: install-dev
	mkdir -p $(SESSION_DIR)
	$(TEST_ENV) $(BIN)/sqlfluff lint models analyses snapshots --processes $(LINT_PROCESSES)
	$(BIN)/ruff check extract ctw sample_data tests dags benchmarks

docs: install
	$(BIN)/ctw docs

$(VENV)/.installed-serving: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serving]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-metabase: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[serving,metabase]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-serving

publish: $(VENV)/.installed-serving
	$(BIN)/ctw publish

search: $(VENV)/.installed-serving
	$(BIN)/ctw search "$(Q)"

COMPOSE_FILE := deploy/metabase/docker-compose.yml

metabase-up:
	docker-compose -f $(COMPOSE_FILE) up -d

# Needs a running Metabase (METABASE_URL, METABASE_API_KEY or METABASE_USERNAME/PASSWORD) whose
# database METABASE_DATABASE (default "ctw") is the serving PostgreSQL. The manifest is parsed
# with the pg target so that database and schema names match what Metabase sees.
METABASE_CREDENTIALS_CHECK = @[ -n "$${METABASE_API_KEY}$${METABASE_USERNAME}" ] || \
	{ echo "error: set METABASE_API_KEY (or METABASE_USERNAME and METABASE_PASSWORD) to reach Metabase" >&2; exit 1; }

metabase-sync: $(VENV)/.installed-metabase
	$(METABASE_CREDENTIALS_CHECK)
	CTW_DBT_TARGET=pg $(BIN)/dbt parse --project-dir . --profiles-dir .
	$(BIN)/dbt-metabase models --manifest-path target/manifest.json \
		--metabase-url "$${METABASE_URL:-http://localhost:3000}" \
		--metabase-database "$${METABASE_DATABASE:-ctw}" \
		--include-schemas "$${CTW_SCHEMA_PREFIX}marts,$${CTW_SCHEMA_PREFIX}serving"

# Dashboards as code (docs/serving.md): idempotent; writes dashboards/metabase_ids.json.
metabase-dashboards: $(VENV)/.installed
	$(METABASE_CREDENTIALS_CHECK)
	$(BIN)/python -m ctw.dashboards sync

# Benchmark (docs/performance.md): BENCH_N studies, default about a minute on a laptop.
BENCH_N ?= 5000

bench: install-dev
	BENCH_N=$(BENCH_N) $(BIN)/python -m benchmarks.bench --n $(BENCH_N)

clean:
	rm -rf target logs warehouse dbt_packages
