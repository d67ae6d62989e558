"""Fixtures shared by every test.

The suite builds the warehouse once: ``built_warehouse`` extracts the bundled data and runs the
whole ``dbt build`` (every model, snapshot, data test and unit test) at the start of the session.
Tests that only read use it as it is; a test that writes asks for ``built_copy``, a copy of it,
or for ``warehouse``, an empty one. Every kind of warehouse has a stable path and its own dbt
target folder, so dbt's profile does not change between calls and dbt parses partially.

``make test`` runs the suite in two pytest-xdist workers (a module stays on one worker, and so
does each folder of ``_ONE_WORKER_FOLDERS``). The session build is made once per run, by
whichever worker asks first, under a file lock; every other warehouse folder is the worker's own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from ctw.dbt import run_dbt
from extract import settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
CTW = [sys.executable, "-m", "ctw.cli"]


def test_dir() -> Path:
    """Where the session's warehouses live: ``CTW_TEST_DIR`` (``make test`` sets it), else
    ``warehouse/test`` in the project."""
    configured = Path(os.environ.get("CTW_TEST_DIR", "warehouse/test"))
    return configured if configured.is_absolute() else PROJECT_DIR / configured


def _worker_suffix() -> str:
    """``-gw0``, ``-gw1``, ... in a pytest-xdist worker; empty in a plain run."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"-{worker}" if worker else ""


@dataclass(frozen=True)
class Warehouse:
    """One warehouse folder of the test session: the DuckDB file, dlt's pipeline state, DuckDB's
    spill folder, the reports, and dbt's target folder (kept outside the warehouse folder, so
    that dbt's partial parse survives a reset)."""

    name: str
    output: list[str] = field(default_factory=list, compare=False)

    @property
    def folder(self) -> str:
        """The session build is shared by the workers; every other warehouse is one worker's."""
        return self.name if self.name == "session" else self.name + _worker_suffix()

    @property
    def root(self) -> Path:
        return test_dir() / self.folder

    @property
    def path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def target(self) -> Path:
        return test_dir() / "targets" / self.folder

    def environment(self) -> dict[str, str]:
        return {
            "CTW_PROJECT_DIR": str(PROJECT_DIR),
            "CTW_DUCKDB_PATH": str(self.path),
            "CTW_PIPELINES_DIR": str(self.root / "dlt_pipelines"),
            "CTW_DUCKDB_TEMP_DIRECTORY": str(self.root / "tmp"),
            "CTW_REPORTS_DIR": str(self.root / "reports"),
            "DBT_TARGET_PATH": str(self.target),
            "RUNTIME__DLTHUB_TELEMETRY": "false",
            # `ctw run` publishes to PostgreSQL only in the tests that start a server (tests/serving).
            "CTW_PUBLISH": "never",
        }

    def reset(self) -> Warehouse:
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        return self

    def copy_from(self, other: Warehouse) -> Warehouse:
        """This folder becomes a copy of ``other``'s warehouse file and dlt state. The file keeps
        its name, so the catalog name that dbt's views refer to stays the same."""
        self.reset()
        shutil.copyfile(other.path, self.path)
        shutil.copytree(other.root / "dlt_pipelines", self.root / "dlt_pipelines")
        return self

    def ctw(self, *args: str, **extra: str) -> subprocess.CompletedProcess:
        """``ctw`` in a child process against this warehouse."""
        return subprocess.run(
            [*CTW, *args], env={**os.environ, **self.environment(), **extra}, capture_output=True, text=True
        )

    def query(self, sql: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(self.path), read_only=True) as connection:
            return connection.execute(sql, list(params)).fetchall()


# Folders whose conftest holds session fixtures that cost minutes (a published PostgreSQL, an
# Airflow home): under pytest-xdist each folder runs on one worker, so the fixture is made once.
_ONE_WORKER_FOLDERS = ("tests/serving/", "tests/airflow/")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """``--dist loadscope`` with the folders above as one scope each; other modes as xdist has them."""
    if config.getoption("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FolderScopeScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            folder = next((f for f in _ONE_WORKER_FOLDERS if nodeid.startswith(f)), None)
            return folder or super()._split_scope(nodeid)

    return FolderScopeScheduling(config, log)


def _use(target: Warehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in target.environment().items():
        monkeypatch.setenv(key, value)


@pytest.fixture(scope="session", autouse=True)
def _no_test_writes_the_users_warehouse() -> Iterator[None]:
    """A test that names no warehouse gets one of the session's, never warehouse/warehouse.duckdb
    or whatever the caller's environment points at."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in Warehouse("default").environment().items():
            patch.setenv(key, value)
        yield


@pytest.fixture(scope="session")
def built_warehouse() -> Warehouse:
    """The bundled data of every source extracted and the whole project built, once per session
    (``ctw run``: extract, ``dbt build``, the quality report, the headline figures). Read it;
    never write to it (use ``built_copy``)."""
    built = Warehouse("session")
    log = built.root / "ctw_run.log"
    if os.environ.get("CTW_TEST_REUSE_BUILD") == "1" and log.is_file():
        # While iterating on tests: the previous session's build, when its code has not changed.
        built.output.append(log.read_text())
        return built
    # Under pytest-xdist every worker asks: the first builds, the others wait and read its build.
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    stamp = test_dir() / "session.run"
    test_dir().mkdir(parents=True, exist_ok=True)
    with FileLock(test_dir() / "session.lock"):
        if run_id and log.is_file() and stamp.is_file() and stamp.read_text() == run_id:
            built.output.append(log.read_text())
            return built
        stamp.unlink(missing_ok=True)
        built.reset()
        result = built.ctw("run", "--no-progress")
        if result.returncode != 0:
            pytest.fail(f"`ctw run` of the session warehouse failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
        built.output.append(result.stdout + result.stderr)
        log.write_text(built.output[0])
        stamp.write_text(run_id)
    return built


@pytest.fixture
def warehouse(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty warehouse for one test, at the session's scratch path (reset for every test)."""
    scratch = Warehouse("scratch").reset()
    _use(scratch, monkeypatch)
    yield scratch.path


@pytest.fixture
def built_copy(built_warehouse: Warehouse, warehouse: Path) -> Warehouse:
    """A copy of the session's built warehouse, for a test that loads data or builds models."""
    return Warehouse("scratch").copy_from(built_warehouse)


@pytest.fixture
def query(warehouse: Path):
    """Run SQL on the test's warehouse (a fresh read-only connection per call)."""

    def _query(sql: str, *params: object) -> list[tuple]:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            return connection.execute(sql, list(params)).fetchall()

    return _query


@pytest.fixture
def dbt(warehouse: Path):
    """Run a dbt command against the test's warehouse, e.g. ``dbt(["build", "-s", "+dim_trial"])``."""

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
