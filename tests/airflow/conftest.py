"""Airflow in a throwaway home, the dbt project in a throwaway copy, and its manifest.

Airflow reads its settings from the environment, and the DAG file reads the warehouse paths
from it when parsed, so every test module here runs inside ``airflow_environment``: it sets
the variables for the module and puts the whole environment back afterwards, including what
parsing the DAG file added. Nothing leaks into the other test modules of the session.

The DAG runs dbt in a copy of the project, so its ``target/`` is the tests' own: the checkout's
is left alone, and no other dbt command on the machine rewrites the partial-parse file the
DAG's tasks start from.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DAGS_DIR = PROJECT_DIR / "dags"
BIN = Path(sys.executable).parent
# What a checkout holds besides the project itself.
NOT_PROJECT = (".git", ".venv", "warehouse", "target", "logs", "dbt_packages", "build", "*.egg-info", "__pycache__")
NOT_PROJECT += (".pytest_cache", ".ruff_cache", ".hypothesis")


@dataclass(frozen=True)
class AirflowSetup:
    home: Path
    project: Path
    warehouse: Path
    migration: subprocess.Popen | None = field(default=None, compare=False)

    def environment(self) -> dict[str, str]:
        """Airflow's settings and the warehouse of these tests, every path absolute so the DAG's
        tasks, its dbt runs and the manifest's parse see the same dbt profile."""
        warehouse = self.warehouse
        return {
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
            "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
            "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
            # cosmos keeps dbt's partial-parse file here between tasks.
            "AIRFLOW__COSMOS__CACHE_DIR": str(self.home / "cosmos"),
            "CTW_PROJECT_DIR": str(self.project),
            "CTW_DBT_TARGET": "duckdb",
            "CTW_DUCKDB_PATH": str(warehouse / "warehouse.duckdb"),
            "CTW_PIPELINES_DIR": str(warehouse / "dlt_pipelines"),
            "CTW_DUCKDB_TEMP_DIRECTORY": str(warehouse / "tmp"),
            "CTW_RAW_PARQUET_URL": str(warehouse / "raw_parquet"),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            # A failing task retries at once instead of after five minutes.
            "CTW_AIRFLOW_RETRY_DELAY_SECONDS": "0",
        }


# Settings the tests must not inherit from the shell: a test that needs one sets it.
NOT_INHERITED = ("CTW_AIRFLOW_SOURCES", "CTW_AIRFLOW_SELECT", "CTW_AIRFLOW_POOL", "CTW_REPORTS_DIR", "DBT_TARGET_PATH")


@pytest.fixture(scope="session")
def airflow_setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AirflowSetup]:
    root = tmp_path_factory.mktemp("airflow")
    home, project, warehouse = root / "home", root / "project", root / "warehouse"
    shutil.copytree(PROJECT_DIR, project, symlinks=True, ignore=shutil.ignore_patterns(*NOT_PROJECT))
    # The SQLite metadata database dag.test() needs is migrated while dbt parses the project.
    with (root / "airflow_db_migrate.log").open("w") as log:
        migration = subprocess.Popen(
            [str(BIN / "airflow"), "db", "migrate"],
            env={**os.environ, **AirflowSetup(home, project, warehouse).environment()},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        yield AirflowSetup(home, project, warehouse, migration)
    finally:
        if migration.poll() is None:
            migration.kill()
        migration.wait()


@pytest.fixture(scope="session")
def dbt_manifest(airflow_setup: AirflowSetup) -> Path:
    """``dbt parse`` of the project copy: the DAG is rendered from this manifest
    (``CTW_DBT_MANIFEST``) instead of three runs of ``dbt ls``, and the partial-parse file it
    leaves in ``target/`` lets the DAG's dbt runs skip a full parse."""
    project = airflow_setup.project
    command = [str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)]
    # Named as the DAG's dbt commands name them: dbt reuses a partial-parse file only then.
    command += ["--profile", "clinical_trials_warehouse", "--target", "duckdb"]
    environment = {**os.environ, **airflow_setup.environment()}
    for name in NOT_INHERITED:
        environment.pop(name, None)
    parsed = subprocess.run(command, cwd=project, env=environment, capture_output=True, text=True)
    if parsed.returncode != 0:
        pytest.fail(f"dbt parse failed:\n{parsed.stdout}{parsed.stderr}")
    # A copy of its own: the DAG's dbt commands rewrite target/manifest.json as they run.
    manifest = airflow_setup.project.parent / "manifest.json"
    shutil.copyfile(project / "target" / "manifest.json", manifest)
    return manifest


@pytest.fixture(scope="module", autouse=True)
def airflow_environment(airflow_setup: AirflowSetup, dbt_manifest: Path) -> Iterator[Path]:
    """The environment of one test module; yields the warehouse file."""
    saved = os.environ.copy()
    os.environ.update({**airflow_setup.environment(), "CTW_DBT_MANIFEST": str(dbt_manifest)})
    for name in NOT_INHERITED:
        os.environ.pop(name, None)
    try:
        yield airflow_setup.warehouse / "warehouse.duckdb"
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def airflow_db(airflow_setup: AirflowSetup) -> Path:
    """The home's SQLite metadata database, once ``airflow db migrate`` has finished."""
    if airflow_setup.migration.wait() != 0:
        log = airflow_setup.home.parent / "airflow_db_migrate.log"
        pytest.fail(f"airflow db migrate failed:\n{log.read_text(errors='replace')}")
    return airflow_setup.home


@pytest.fixture(scope="session")
def parse_dags():
    """Parses ``dags/`` into a DagBag, with the environment as it is at the call (Airflow is
    imported then too: it reads ``AIRFLOW_HOME`` once)."""

    def _parse():
        from airflow.dag_processing.dagbag import DagBag

        return DagBag(dag_folder=str(DAGS_DIR))

    return _parse
