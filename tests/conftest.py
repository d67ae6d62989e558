"""Fixtures shared by every test: an isolated warehouse, the shared sample data, dbt runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from extract import settings
from extract.dbt import run_dbt

PROJECT_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A throwaway DuckDB file and dlt pipelines directory for one test."""
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("CTW_PIPELINES_DIR", str(tmp_path / "dlt_pipelines"))
    monkeypatch.setenv("CTW_DUCKDB_TEMP_DIRECTORY", str(tmp_path / "duckdb_tmp"))
    monkeypatch.setenv("CTW_PROJECT_DIR", str(PROJECT_DIR))
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
    # `ctw run` publishes to PostgreSQL only in the tests that start a server (tests/serving).
    monkeypatch.setenv("CTW_PUBLISH", "never")
    yield tmp_path / "warehouse.duckdb"


@pytest.fixture
def query(warehouse: Path):
    """Run SQL on the test warehouse (a fresh read-only connection per call)."""

    def _query(sql: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            return connection.execute(sql, list(params)).fetchall()

    return _query


@pytest.fixture
def dbt(warehouse: Path):
    """Run a dbt command against the test warehouse, e.g. ``dbt(["build", "-s", "+dim_trial"])``."""

    def _dbt(args: list[str]) -> None:
        run_dbt(args)

    return _dbt


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Real samples that are not bundled (see ``extract.settings.shared_data_dir``)."""
    path = settings.shared_data_dir()
    if not path.is_dir():
        pytest.fail(f"shared sample data not found at {path}; set CTW_SHARED_DATA")
    return path


@pytest.fixture(scope="session")
def demo_data() -> Path:
    return settings.DEMO_DATA_DIR
