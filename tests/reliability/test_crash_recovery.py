"""SIGKILL the pipeline during extraction, after normalisation and in the middle of dbt build:
the next run completes and the marts equal those of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fingerprints import mart_fingerprints

CTW = [sys.executable, "-m", "extract.cli"]


def environment(root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "CTW_DUCKDB_PATH": str(root / "warehouse.duckdb"),
        "CTW_PIPELINES_DIR": str(root / "dlt_pipelines"),
        "CTW_DUCKDB_TEMP_DIRECTORY": str(root / "tmp"),
        **extra,
    }


def ctw(root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CTW, *args], env=environment(root, **extra), capture_output=True, text=True)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> dict[str, tuple]:
    root = tmp_path_factory.mktemp("uninterrupted")
    result = ctw(root, "run", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    return mart_fingerprints(root / "warehouse.duckdb")


@pytest.mark.parametrize("point", ["after_extract", "after_normalize"])
def test_killed_extraction_is_finished_by_the_next_run(point, tmp_path, uninterrupted):
    killed = ctw(tmp_path, "extract", "--no-progress", CTW_CRASH_AT=point)
    assert killed.returncode == -signal.SIGKILL

    result = ctw(tmp_path, "run", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert mart_fingerprints(tmp_path / "warehouse.duckdb") == uninterrupted


def test_killed_dbt_build_is_repaired_by_the_next_build(tmp_path, uninterrupted):
    assert ctw(tmp_path, "extract", "--no-progress").returncode == 0
    build = subprocess.Popen(
        [*CTW, "build"],
        env=environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    killed_at = None
    for line in build.stdout:
        if "START snapshot" in line or "START sql table model marts.dim_trial " in line:
            killed_at = line.strip()
            os.killpg(build.pid, signal.SIGKILL)  # ctw and its dbt child
            break
    build.wait()
    assert killed_at, "dbt build never reached the marts"
    assert build.returncode == -signal.SIGKILL

    result = ctw(tmp_path, "build")
    assert result.returncode == 0, result.stdout[-3000:]
    assert mart_fingerprints(tmp_path / "warehouse.duckdb") == uninterrupted
