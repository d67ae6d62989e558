"""The `portable` selector CI builds on Spark: every model, seed and test but the few tagged
`duckdb_only`, and nothing it cannot build."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def list_nodes(tmp_path: Path, *args: str) -> list[dict]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    command = [dbt, "ls", *args, "--output", "json", "--output-keys", "unique_id resource_type depends_on tags",
               "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR),
               "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"), "--quiet"]
    environment = {**os.environ, "CTW_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb")}
    completed = subprocess.run(command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def test_portable_selection_is_everything_but_duckdb_only_and_closed_under_its_tests(tmp_path):
    everything = {node["unique_id"]: node for node in list_nodes(tmp_path)}
    portable = {node["unique_id"] for node in list_nodes(tmp_path, "--selector", "portable")}

    prefix = "model.clinical_trials_warehouse."
    for model in ("stg_ctgov__studies", "int_trials__normalized", "dim_trial", "fct_trial_status_history",
                  "rpt_top_sponsors", "rpt_trials_by_condition",
                  # the registries dim_trial reads, and the identity resolution over them
                  "stg_ictrp__trials", "stg_euctr__protocols", "stg_isrctn__trials", "stg_ema__documents",
                  "int_trials__registry_records", "int_trials__identity_resolved", "int_trials__deduplicated",
                  "bridge_trial_registry_id", "rpt_registry_overlap"):
        assert prefix + model in portable
    assert "seed.clinical_trials_warehouse.country_codes" in portable
    assert "source.clinical_trials_warehouse.ctgov.studies" in portable
    assert "source.clinical_trials_warehouse.ictrp.trials" in portable
    assert any(unique_id.startswith("unit_test.") for unique_id in portable)
    # A model stays out of the Spark build only by its own `duckdb_only` tag (with the reason in
    # its config and in docs/scale-out.md), never by being forgotten.
    for unique_id, node in everything.items():
        if node["resource_type"] in ("model", "seed") and unique_id not in portable:
            assert "duckdb_only" in node["tags"], f"{unique_id} is neither portable nor tagged duckdb_only"
    # Snapshots need Delta on Spark; they stay out of the Spark build.
    assert not any(unique_id.startswith("snapshot.") for unique_id in portable)
    # Every selected node reads only selected nodes (tests are chosen cautiously), so a
    # DuckDB-only model can never be pulled into the Spark build through a test or a ref.
    # The one exception is listed here on the duckdb target: fct_trial_status_history reads
    # the snapshot there, and int_trials__normalized (selected) on Spark.
    for unique_id in portable:
        parents = everything[unique_id].get("depends_on", {}).get("nodes", [])
        outside = [parent for parent in parents if parent not in portable and not parent.startswith("snapshot.")]
        assert not outside, f"{unique_id} reads {outside}, outside the portable selection"
