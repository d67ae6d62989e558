"""Fixtures for the serving tests: a throwaway PostgreSQL cluster and one warehouse, built by
``ctw run`` and published to it, shared by every test of this folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extract.cli import app
from tests.conftest import PROJECT_DIR
from tests.serving.system import PostgresCluster, start_cluster

DATABASE = "ctw_test"


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """PostgreSQL from Debian's packages (installed when missing) on a free port of 127.0.0.1."""
    cluster = start_cluster()
    try:
        yield cluster
    finally:
        cluster.stop()


@dataclass
class Served:
    """The shared warehouse and the environment that points ctw and dbt at it and at PostgreSQL."""

    warehouse: Path
    environment: dict[str, str]
    run_output: str


def _environment(root: Path, cluster: PostgresCluster) -> dict[str, str]:
    return {
        "CTW_DUCKDB_PATH": str(root / "warehouse.duckdb"),
        "CTW_PIPELINES_DIR": str(root / "dlt_pipelines"),
        "CTW_DUCKDB_TEMP_DIRECTORY": str(root / "duckdb_tmp"),
        "CTW_PROJECT_DIR": str(PROJECT_DIR),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
        "CTW_PUBLISH": "auto",
        **cluster.environment(DATABASE),
    }


@pytest.fixture(scope="session")
def served(pg_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`ctw run` (extract, dbt build, publish, search model) then `ctw publish` again, so the
    search model has been built twice."""
    root = tmp_path_factory.mktemp("served")
    environment = _environment(root, pg_cluster)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        runner = CliRunner()
        first = runner.invoke(app, ["run", "--no-progress"])
        assert first.exit_code == 0, first.output
        second = runner.invoke(app, ["publish"])
        assert second.exit_code == 0, second.output
    yield Served(warehouse=root / "warehouse.duckdb", environment=environment, run_output=first.output)


@pytest.fixture
def serving_env(served: Served, monkeypatch: pytest.MonkeyPatch) -> Served:
    """The shared warehouse's environment, for one test."""
    for key, value in served.environment.items():
        monkeypatch.setenv(key, value)
    return served


@pytest.fixture
def pg(serving_env: Served):
    """Run SQL on the serving database; returns all rows."""
    from extract import serving

    def _pg(statement: str, *params: object) -> list[tuple]:
        connection = serving.connect()
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params or None)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    return _pg


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.serving)
