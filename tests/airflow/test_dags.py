"""The Airflow DAGs: every one imports without cycles, tasks run in the expected order, and the
warehouse DAG runs end to end in-process (``dag.test()``) on the bundled data."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from extract.registry import discover

pytestmark = pytest.mark.airflow

DAG_ID = "clinical_trials_warehouse"


def test_every_dag_imports_without_cycles(dagbag) -> None:
    from airflow.utils.dag_cycle_tester import check_cycle

    assert dagbag.import_errors == {}
    assert DAG_ID in dagbag.dags
    for dag in dagbag.dags.values():
        check_cycle(dag)


def test_tasks_run_in_the_expected_order(dagbag) -> None:
    dag = dagbag.dags[DAG_ID]
    assert dag.max_active_runs == 1 and dag.max_active_tasks == 1
    tasks = dag.task_dict
    extract = [t for t in tasks if t.startswith("extract.")]
    # One extract task per source the pipeline discovers, in run order.
    assert extract == [f"extract.extract_{name}" for name in discover()]
    for task in tasks.values():
        assert task.retries == 2
        assert task.on_failure_callback

    def upstream(task_id: str) -> set[str]:
        return {t.task_id for t in tasks[task_id].get_flat_relatives(upstream=True)}

    assert set(extract) <= upstream("validate")
    transform = [t for t in tasks if t.startswith("transform.")]
    assert "transform.fct_vital_measurements_model_build" in transform
    assert "transform.dim_trial_model_build" in transform
    for task_id in transform:
        assert "validate" in upstream(task_id)
    statistics = "statistics.rpt_monitoring_monthly_statistics_model_build"
    assert set(transform) <= upstream(statistics)
    assert statistics in upstream("quality_report.models.rpt_monitoring_quality_model_build")
    assert "quality_report.models.rpt_monitoring_quality_model_build" in upstream(
        "quality_report.render"
    )
    assert not tasks["quality_report.render"].downstream_task_ids


def test_dag_runs_end_to_end_on_the_bundled_data(dagbag) -> None:
    dag = dagbag.dags[DAG_ID]
    run = dag.test()
    assert str(run.state) in ("success", "DagRunState.SUCCESS")
    warehouse = Path(os.environ["CTW_DUCKDB_PATH"])
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        assert connection.execute(
            "select count(*) from marts.fct_vital_measurements"
        ).fetchone() == (5990,)
        assert connection.execute(
            "select count(*) from marts.rpt_monitoring_monthly_statistics"
        ).fetchone() == (54,)
        assert connection.execute("select count(*) from marts.dim_trial").fetchone()[0] > 0
    reports = warehouse.parent / "reports"
    report = (reports / "monitoring_quality_latest.html").read_text(encoding="utf-8")
    assert "Rows received: <b>12418</b>; accepted: <b>11990</b>" in report
    # The dbt results every cosmos task kept for the report.
    assert 'id="dbt-tests">pass: ' in report
    assert len(list((reports / "dbt_results").glob("*/*.json"))) > 20
