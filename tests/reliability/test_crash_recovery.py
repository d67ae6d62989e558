"""SIGKILL the pipeline during extraction, after normalisation and in the middle of dlt's load
step: the next extraction completes and the raw schemas equal those of the session's
uninterrupted run. SIGKILL dbt in the middle of a build on a copy of the built warehouse: the
next build of the same selection repairs it and the marts equal the session's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CTW, Warehouse
from tests.fingerprints import mart_fingerprints, raw_fingerprints


@pytest.fixture(scope="module")
def uninterrupted(built_warehouse: Warehouse) -> dict[str, dict[str, tuple]]:
    return raw_fingerprints(built_warehouse.path)


@pytest.fixture
def empty(warehouse: Path) -> Warehouse:
    return Warehouse("scratch")


def killed_extract(warehouse: Warehouse, point: str) -> subprocess.CompletedProcess:
    """``ctw extract`` through the test-only crash hooks (tests/crash_hooks.py)."""
    return subprocess.run(
        [sys.executable, "-m", "tests.crash_hooks", "extract", "--no-progress"],
        env={**os.environ, **warehouse.environment(), "CTW_CRASH_AT": point},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("point", ["after_extract", "after_normalize"])
def test_killed_extraction_is_finished_by_the_next_run(point, empty, uninterrupted):
    killed = killed_extract(empty, point)
    assert killed.returncode == -signal.SIGKILL

    result = empty.ctw("extract", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert raw_fingerprints(empty.path) == uninterrupted


def half_loaded_packages(root: Path) -> list[Path]:
    """Load packages some of whose jobs dlt completed while others are new or started."""
    found = []
    for package in (root / "dlt_pipelines").glob("*/load/normalized/*"):
        completed = list((package / "completed_jobs").glob("*"))
        pending = list((package / "new_jobs").glob("*")) + list((package / "started_jobs").glob("*"))
        if completed and pending:
            found.append(package)
    return found


def test_killed_load_step_is_finished_by_the_next_run(empty, uninterrupted):
    killed = killed_extract(empty, "during_load")
    assert killed.returncode == -signal.SIGKILL
    (package,) = half_loaded_packages(empty.root)

    result = empty.ctw("extract", "--no-progress")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "finishing load packages left by an interrupted run" in result.stderr + result.stdout
    assert not package.exists() and half_loaded_packages(empty.root) == []
    assert raw_fingerprints(empty.path) == uninterrupted


# The trial marts and what they feed: the table models, the snapshot and their tests.
SELECTION = "dim_trial+"


def test_killed_dbt_build_is_repaired_by_the_next_build(built_warehouse, built_copy):
    build = subprocess.Popen(
        [*CTW, "build", "--select", SELECTION],
        env={**os.environ, **built_copy.environment()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    killed_at = None
    for line in build.stdout:
        # Killed once dbt has replaced dim_trial and started on what reads it.
        if "START snapshot" in line or "START sql table model marts.bridge_trial" in line:
            killed_at = line.strip()
            os.killpg(build.pid, signal.SIGKILL)  # ctw and its dbt child
            break
    build.wait()
    assert killed_at, "dbt build never reached the models after dim_trial"
    assert build.returncode == -signal.SIGKILL

    result = built_copy.ctw("build", "--select", SELECTION)
    assert result.returncode == 0, result.stdout[-3000:]
    assert mart_fingerprints(built_copy.path) == mart_fingerprints(built_warehouse.path)
