"""Every documented `ctw` error case (docs/reliability.md): one line on stderr, a non-zero exit
code, no traceback; `--debug` lets the traceback through. In-process (``run_cli``), so cheap."""

from __future__ import annotations

import os
from importlib.metadata import version
from pathlib import Path

import pytest

from ctw.cli import run_cli


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = run_cli(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_error_line(err: str) -> str:
    """The error is one line, the last on stderr (a command may have said what it was doing
    before it failed, e.g. `extract ctgov: ...`), and no traceback."""
    lines = err.strip("\n").splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and lines[-1] == errors[0], err
    assert "Traceback" not in err
    return errors[0]


@pytest.fixture
def no_server(monkeypatch):
    from tests.serving.system import free_port

    monkeypatch.setenv("CTW_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("CTW_PG_PORT", str(free_port()))


@pytest.fixture
def empty_warehouse(tmp_path, monkeypatch) -> Path:
    """A warehouse file that exists but holds no marts (a fresh install before `ctw run`)."""
    import duckdb

    path = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(path))
    return path


CASES = {
    "unknown command": (["bogus"], 2, "No such command 'bogus'"),
    "unknown option": (["kpis", "--bogus"], 2, "No such option: --bogus"),
    "bad format": (["kpis", "--format", "xml"], 2, "'table', 'csv', 'json'"),
    "unknown source": (["extract", "nosuch"], 1, "unknown source(s) nosuch; known: "),
    "bad date": (["search", "x", "--start-from", "yesterday"], 1, "--start-from must be a date like 2020-01-31"),
    "bad limit": (["search", "x", "--limit", "0"], 1, "--limit must be 1 or more"),
    # checked before anything is extracted
    "bad publish mode": (["run", "--publish", "sometimes", "--no-progress"], 1, "--publish must be auto"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_usage_and_argument_errors_are_one_line(case, capsys):
    argv, code, message = CASES[case]
    exit_code, _, err = _run(capsys, *argv)
    assert exit_code == code, err
    assert message in _one_error_line(err)


def test_a_missing_input_file_is_one_line(capsys, tmp_path):
    missing = tmp_path / "nowhere" / "studies.json"
    code, _, err = _run(capsys, "extract", "ctgov", "--input", str(missing), "--no-progress")
    assert code == 1
    assert str(missing) in _one_error_line(err)


def test_a_warehouse_path_in_a_missing_folder_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(tmp_path / "no" / "such" / "folder" / "warehouse.duckdb"))
    code, _, err = _run(capsys, "kpis")
    assert code == 1
    assert "no/such/folder" in _one_error_line(err)


def test_a_warehouse_path_that_is_a_folder_is_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(tmp_path))
    code, _, err = _run(capsys, "kpis")
    assert code == 1
    _one_error_line(err)


def test_kpis_before_a_build_is_one_line(capsys, empty_warehouse):
    code, _, err = _run(capsys, "kpis")
    assert code == 1
    assert "try `ctw build`" in _one_error_line(err)


def test_search_without_a_server_is_one_line(capsys, no_server):
    code, _, err = _run(capsys, "search", "neuroblastoma")
    assert code == 1
    line = _one_error_line(err)
    assert "cannot connect to PostgreSQL" in line and "run `ctw publish`" in line


def test_publish_without_a_server_is_one_line(capsys, no_server, empty_warehouse):
    code, _, err = _run(capsys, "publish")
    assert code == 1
    assert "cannot connect to PostgreSQL" in _one_error_line(err)


def test_debug_shows_the_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(tmp_path))
    # Set, not deleted: monkeypatch then takes back the CTW_DEBUG=1 that --debug writes, which
    # would otherwise let tracebacks through in every later test of this worker.
    monkeypatch.setenv("CTW_DEBUG", "0")
    with pytest.raises(Exception):  # noqa: B017 - whatever DuckDB raises, it is not swallowed
        run_cli(["--debug", "kpis"])


def test_version_and_help(capsys):
    code, out, _ = _run(capsys, "--version")
    assert code == 0 and out.strip() == f"ctw {version('clinical-trials-warehouse')}"
    code, out, _ = _run(capsys, "--help")
    assert code == 0 and "--version" in out and "--debug" in out


def test_dotenv_is_read_and_the_environment_wins(tmp_path, monkeypatch, capsys):
    (tmp_path / ".env").write_text(f"CTW_DUCKDB_PATH={tmp_path / 'from_dotenv.duckdb'}\nCTW_LOCK_TIMEOUT=soon\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CTW_LOCK_TIMEOUT", "unset below; restored after the test")
    monkeypatch.delenv("CTW_LOCK_TIMEOUT")
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(tmp_path / "from_environment.duckdb"))
    code, _, err = _run(capsys, "kpis")
    assert code == 1
    assert "CTW_LOCK_TIMEOUT must be a number of seconds, not 'soon'" in _one_error_line(err)  # from .env
    assert os.environ["CTW_DUCKDB_PATH"].endswith("from_environment.duckdb")
