"""The warehouse DAG run end to end in-process (``dag.test()``) on a small selection: the
monitoring source and the models the monitoring statistics and quality report read, chosen
through the DAG's own settings ``CTW_AIRFLOW_SOURCES`` and ``CTW_AIRFLOW_SELECT``. The whole
DAG's shape is checked without running it in ``test_dags.py``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.airflow

DAG_ID = "clinical_trials_warehouse"
SOURCES = "monitoring"
SELECTED = ["rpt_monitoring_monthly_statistics", "rpt_monitoring_quality", "rpt_monitoring_unknown_vocabulary"]


@pytest.fixture(scope="module")
def dag(parse_dags, airflow_db: Path) -> Iterator:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CTW_AIRFLOW_SOURCES", SOURCES)
        patch.setenv("CTW_AIRFLOW_SELECT", " ".join(f"+{name}" for name in SELECTED))
        dagbag = parse_dags()
        assert dagbag.import_errors == {}
        yield dagbag.dags[DAG_ID]


def upstream_nodes(manifest: Path, names: list[str]) -> dict[str, str]:
    """Every model, seed and snapshot the named models read, directly or not: name -> type."""
    content = json.loads(manifest.read_text(encoding="utf-8"))
    nodes = content["nodes"]
    pending = [uid for uid, node in nodes.items() if node["name"] in names]
    seen: set[str] = set()
    while pending:
        uid = pending.pop()
        if uid not in seen:
            seen.add(uid)
            pending.extend(content["parent_map"].get(uid, []))
    return {
        nodes[uid]["name"]: nodes[uid]["resource_type"]
        for uid in seen
        if uid in nodes and nodes[uid]["resource_type"] in ("model", "seed", "snapshot")
    }


def test_the_selection_renders_its_sources_and_models_only(dag, dbt_manifest: Path) -> None:
    tasks = dag.task_dict
    assert [t for t in tasks if t.startswith("extract.")] == ["extract.extract_monitoring"]
    expected = {
        f"transform.{name}_{kind}_build"
        for name, kind in upstream_nodes(dbt_manifest, SELECTED).items()
        if name not in SELECTED
    }
    assert "transform.fct_vital_measurements_model_build" in expected
    assert {t for t in tasks if t.startswith("transform.")} == expected
    assert tasks["validate"].op_kwargs == {"select": [f"source:*,+{name}" for name in SELECTED]}
    assert "statistics.rpt_monitoring_monthly_statistics_model_build" in tasks
    assert "quality_report.models.rpt_monitoring_quality_model_build" in tasks


def test_dag_runs_end_to_end_on_the_monitoring_selection(dag, airflow_environment: Path, dbt_manifest: Path) -> None:
    run = dag.test()
    assert str(run.state) in ("success", "DagRunState.SUCCESS")
    warehouse = airflow_environment
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute("select count(*) from marts.fct_vital_measurements").fetchone() == (5990,)
        assert connection.execute("select count(*) from marts.rpt_monitoring_monthly_statistics").fetchone() == (54,)
        # Only the selection was extracted and built.
        raw = connection.execute(
            "select distinct table_schema from information_schema.tables"
            " where table_schema like 'raw%' and table_schema not like '%_staging'"
        ).fetchall()
        assert raw == [("raw_monitoring",)]
        assert connection.execute(
            "select count(*) from information_schema.tables where table_name = 'dim_trial'"
        ).fetchone() == (0,)
    reports = warehouse.parent / "reports"
    report = (reports / "monitoring_quality_latest.html").read_text(encoding="utf-8")
    assert "Rows received: <b>12418</b>; accepted: <b>11990</b>" in report
    assert 'id="dbt-tests">pass: ' in report
    # The run_results.json of validate and of every cosmos task, kept for the report.
    dbt_tasks = {task_id for task_id in dag.task_dict if task_id.endswith("_build")}
    kept = {path.stem for path in (reports / "dbt_results").glob("*/*.json")}
    assert kept == dbt_tasks | {"validate"}
    # One per model, seed and snapshot of the selection, and validate's.
    assert len(kept) == len(upstream_nodes(dbt_manifest, SELECTED)) + 1
