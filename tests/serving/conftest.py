"""Fixtures for the serving tests: a throwaway PostgreSQL cluster and a copy of the session's
warehouse published to it, shared by every test of this folder."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ctw.cli import _guarded, _publish_step, app
from tests.conftest import Warehouse
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


@pytest.fixture(scope="session")
def served(pg_cluster: PostgresCluster, built_warehouse: Warehouse) -> Iterator[Served]:
    """A copy of the session's warehouse published the way `ctw run` ends (publish, then the
    search model), then `ctw publish` again, so the search model has been built twice."""
    copy = Warehouse("served").copy_from(built_warehouse)
    copy.target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built_warehouse.target / "manifest.json", copy.target / "manifest.json")
    environment = {
        **copy.environment(),
        "CTW_PUBLISH": "auto",
        # A login role for the read-only tests (the test cluster trusts local connections).
        "CTW_PG_READER_PASSWORD": "reader",
        **pg_cluster.environment(DATABASE),
    }
    with pytest.MonkeyPatch.context() as patch:
        for key, value in environment.items():
            patch.setenv(key, value)
        output = io.StringIO()
        with contextlib.redirect_stderr(output):
            _guarded(_publish_step, "auto")  # the last step of `ctw run`
        second = CliRunner().invoke(app, ["publish"])
        assert second.exit_code == 0, second.output
    yield Served(warehouse=copy.path, environment=environment, run_output=output.getvalue())


@pytest.fixture
def serving_env(served: Served, monkeypatch: pytest.MonkeyPatch) -> Served:
    """The shared warehouse's environment, for one test."""
    for key, value in served.environment.items():
        monkeypatch.setenv(key, value)
    return served


@pytest.fixture
def pg(serving_env: Served):
    """Run SQL on the serving database; returns all rows."""
    from ctw import serving

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
