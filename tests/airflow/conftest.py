"""Airflow in a throwaway home: settings first (Airflow reads them on import), then a migrated
SQLite metadata database, as ``dag.test()`` needs."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
DAGS_DIR = PROJECT_DIR / "dags"
_HOME = Path(tempfile.mkdtemp(prefix="ctw_airflow_"))

os.environ.update(
    {
        "AIRFLOW_HOME": str(_HOME),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
        # cosmos lists the dbt project three times while the DAG file is parsed.
        "AIRFLOW__CORE__DAGBAG_IMPORT_TIMEOUT": "600",
        "AIRFLOW__CORE__UNIT_TEST_MODE": "True",
        # The warehouse of these tests, fixed before the DAG file is parsed.
        "CTW_DUCKDB_PATH": str(_HOME / "warehouse" / "warehouse.duckdb"),
        "CTW_PIPELINES_DIR": str(_HOME / "warehouse" / "dlt_pipelines"),
        "CTW_DUCKDB_TEMP_DIRECTORY": str(_HOME / "warehouse" / "tmp"),
        "CTW_PROJECT_DIR": str(PROJECT_DIR),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",
        # A failing task retries at once instead of after five minutes.
        "CTW_AIRFLOW_RETRY_DELAY_SECONDS": "0",
    }
)


@pytest.fixture(scope="session")
def airflow_home() -> Path:
    airflow = Path(sys.executable).parent / "airflow"
    subprocess.run([str(airflow), "db", "migrate"], check=True, capture_output=True)
    return _HOME


@pytest.fixture(scope="session")
def dagbag(airflow_home: Path):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS_DIR))
