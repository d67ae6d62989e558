"""Source freshness is measured on load time (docs/developers.md): it holds right after a run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_DIR, Warehouse

pytestmark = pytest.mark.dbt


def test_every_source_is_fresh_right_after_a_run(built_copy: Warehouse, tmp_path) -> None:
    """Freshness is measured on when we loaded the rows (extracted_at, the OMOP loader's
    watermark), so it holds right after `ctw run` on the bundled data, however old the data."""
    environment = {**os.environ, **built_copy.environment(), "DBT_TARGET_PATH": str(tmp_path / "target")}
    dbt = [sys.executable, "-c", "from dbt.cli.main import cli; cli()"]
    result = subprocess.run(
        [*dbt, "source", "freshness", "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    results = json.loads((tmp_path / "target" / "sources.json").read_text())["results"]
    assert len(results) > 15
    assert {entry["status"] for entry in results} == {"pass"}
    assert "source.clinical_trials_warehouse.omop.person" in {entry["unique_id"] for entry in results}
