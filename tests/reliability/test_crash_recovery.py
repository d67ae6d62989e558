"""SIGKILL the pipeline during extraction, after normalisation, in the middle of dlt's load step
and in the middle of dbt build: the next run completes and the marts equal those of an
uninterrupted run."""

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


def half_loaded_packages(root: Path) -> list[Path]:
    """Load packages some of whose jobs dlt completed while others are new or started."""
    found = []
    for package in (root / "dlt_pipelines").glob("*/load/normalized/*"):
        completed = list((package / "completed_jobs").glob("*"))
        pending = list((package / "new_jobs").glob("*")) + list((package / "started_jobs").glob("*"))
        if completed and pending:
            found.append(package)
    return found


def test_killed_load_step_is_finished_by_the_next_run(tmp_path, uninterrupted):
    killed = ctw(tmp_path, "extract", "--no-progress", CTW_CRASH_AT="during_load")
    assert killed.returncode == -signal.SIGKILL
    (package,) = half_loaded_packages(tmp_path)

    result = ctw(tmp_path, "run", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "finishing load packages left by an interrupted run" in result.stderr + result.stdout
    assert not package.exists() and half_loaded_packages(tmp_path) == []
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
