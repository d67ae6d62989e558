"""DAG integrity, as a production warehouse checks its DAGs before deploying them: every DAG
file imports, has no cycle, runs on its schedule with its retries and failure callback, and
each cosmos group renders the dbt selection it is meant to. Nothing here runs a task; the
end-to-end run on a small selection is in ``test_dag_run.py``."""

from __future__ import annotations

import inspect
import json
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from extract.registry import discover

pytestmark = pytest.mark.airflow

DAGS_DIR = Path(__file__).resolve().parents[2] / "dags"
DAG_ID = "clinical_trials_warehouse"
STATISTICS_TASK = "statistics.rpt_monitoring_monthly_statistics_model_build"
REPORT_MODEL_TASK = "quality_report.models.rpt_monitoring_quality_model_build"


@pytest.fixture(scope="module")
def dagbag(parse_dags):
    return parse_dags()


@pytest.fixture(scope="module")
def dag(dagbag):
    return dagbag.dags[DAG_ID]


@pytest.fixture(scope="module")
def dag_module(dag):
    """The parsed DAG file as a module, for its helper functions."""
    return inspect.getmodule(dag.task_dict["validate"].python_callable)


def dbt_task_ids(manifest: Path, group: str, exclude: set[str] = frozenset()) -> set[str]:
    """The task cosmos renders for every model, seed and snapshot of the manifest."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    return {
        f"{group}.{node['name']}_{node['resource_type']}_build"
        for node in nodes
        if node["resource_type"] in ("model", "seed", "snapshot") and node["name"] not in exclude
    }


def in_group(dag, group: str) -> set[str]:
    return {task_id for task_id in dag.task_dict if task_id.startswith(f"{group}.")}


def test_every_dag_imports_without_cycles(dagbag) -> None:
    assert dagbag.import_errors == {}
    assert DAG_ID in dagbag.dags
    # Discovery skips a file without the words "airflow" and "dag" silently: every file counts.
    assert {Path(dag.fileloc) for dag in dagbag.dags.values()} == set(DAGS_DIR.glob("*.py"))
    for dag in dagbag.dags.values():
        dag.check_cycle()  # raises AirflowDagCycleException on a cycle


def test_daily_without_catchup_one_run_and_one_task_at_a_time(dag) -> None:
    assert dag.schedule == "@daily"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.max_active_tasks == 1
    assert dag.doc_md and "CTW_AIRFLOW_SELECT" in dag.doc_md


def test_every_task_retries_and_reports_its_failure(dag, dag_module, airflow_environment: Path) -> None:
    for task in dag.tasks:
        assert task.retries == 2
        # CTW_AIRFLOW_RETRY_DELAY_SECONDS=0 in these tests; five minutes otherwise.
        assert task.retry_delay == timedelta(0)
        assert task.on_failure_callback == [dag_module.on_failure]
        assert task.pool == "default_pool"

    class TaskInstance:
        task_id = "transform.dim_trial_model_build"
        try_number = 3

    dag_module.on_failure({"ti": TaskInstance(), "run_id": "manual__1", "exception": RuntimeError("boom")})
    log = airflow_environment.parent / "reports" / "airflow_failures.log"
    record = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])
    assert record["dag_id"] == DAG_ID
    assert (record["task_id"], record["run_id"], record["try_number"], record["error"]) == (
        "transform.dim_trial_model_build",
        "manual__1",
        3,
        "boom",
    )


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
    assert set(transform) <= upstream(STATISTICS_TASK)
    assert STATISTICS_TASK in upstream(REPORT_MODEL_TASK)
    assert REPORT_MODEL_TASK in upstream("quality_report.render")
    assert not tasks["quality_report.render"].downstream_task_ids


def test_each_dbt_group_renders_its_selection_from_the_manifest(dag, dbt_manifest: Path) -> None:
    from cosmos.constants import InvocationMode, LoadMode

    groups = dag.task_group.children
    report_models = groups["quality_report"].children["quality_report.models"]
    for group in (groups["transform"], groups["statistics"], report_models):
        assert group.dbt_graph.load_method == LoadMode.DBT_MANIFEST
    # transform: every model, seed and snapshot but the two that come after it.
    assert in_group(dag, "transform") == dbt_task_ids(
        dbt_manifest,
        "transform",
        exclude={"rpt_monitoring_monthly_statistics", "rpt_monitoring_quality", "rpt_monitoring_unknown_vocabulary"},
    )
    assert in_group(dag, "statistics") == {STATISTICS_TASK}
    assert in_group(dag, "quality_report") == {
        REPORT_MODEL_TASK,
        "quality_report.models.rpt_monitoring_unknown_vocabulary_model_build",
        "quality_report.render",
    }
    # validate tests every source when the selection is the whole project.
    assert dag.task_dict["validate"].op_kwargs == {"select": ["source:*"]}
    task = dag.task_dict["transform.dim_trial_model_build"]
    # One `dbt build` of one node per task, in a child process, with the warehouse of this
    # environment and cautious indirect selection; its run_results.json is kept for the report.
    assert task.select == "fqn:clinical_trials_warehouse.marts.trials.dim_trial"
    assert task.invocation_mode == InvocationMode.SUBPROCESS
    assert task.env["CTW_DUCKDB_PATH"] == os.environ["CTW_DUCKDB_PATH"]
    assert task.env["DBT_INDIRECT_SELECTION"] == "cautious"
    assert task.callback.__name__ == "keep_run_results"


def test_sources_and_selection_come_from_the_environment(dag_module) -> None:
    known = list(discover())
    assert dag_module.sources_to_extract({}) == known
    # Discovery order, whatever order they are named in.
    assert dag_module.sources_to_extract({"CTW_AIRFLOW_SOURCES": "monitoring, ctgov"}) == [
        name for name in known if name in ("ctgov", "monitoring")
    ]
    with pytest.raises(ValueError, match="unknown sources nope"):
        dag_module.sources_to_extract({"CTW_AIRFLOW_SOURCES": "monitoring nope"})
    select = dag_module.dbt_selection({"CTW_AIRFLOW_SELECT": " +rpt_a  tag:b,path:models/c @d "})
    assert select == ["+rpt_a", "tag:b,path:models/c", "@d"]
    assert dag_module.sources_read_by(select) == [
        "source:*,+rpt_a",
        "source:*,+tag:b,+path:models/c",
        "source:*,@d",
    ]
    assert dag_module.dbt_selection({}) == []


def test_the_manifest_is_the_configured_one_or_a_fresh_duckdb_one(dag_module, tmp_path: Path) -> None:
    find = dag_module.find_manifest
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "dbt_project.yml").write_text("name: p\n", encoding="utf-8")
    (project / "models" / "a.sql").write_text("select 1\n", encoding="utf-8")
    manifest = project / "target" / "manifest.json"
    manifest.parent.mkdir()
    # No manifest yet: list the project with dbt ls.
    assert find(project, {}) is None
    manifest.write_text(json.dumps({"metadata": {"adapter_type": "duckdb"}}), encoding="utf-8")
    assert find(project, {}) == manifest
    # A model changed after the manifest was written: stale, so dbt ls.
    later = time.time() + 60
    os.utime(project / "models" / "a.sql", (later, later))
    assert find(project, {}) is None
    os.utime(manifest, (later + 1, later + 1))
    assert find(project, {}) == manifest
    # Written by another target (the serving models are enabled on postgres only), or being
    # rewritten right now: dbt ls.
    for content in (json.dumps({"metadata": {"adapter_type": "postgres"}}), '{"metadata": {"adap'):
        manifest.write_text(content, encoding="utf-8")
        os.utime(manifest, (later + 1, later + 1))
        assert find(project, {}) is None
    # dbt's own DBT_TARGET_PATH moves the default.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "manifest.json").write_text(json.dumps({"metadata": {"adapter_type": "duckdb"}}), encoding="utf-8")
    os.utime(elsewhere / "manifest.json", (later + 1, later + 1))
    assert find(project, {"DBT_TARGET_PATH": str(elsewhere)}) == elsewhere / "manifest.json"
    # CTW_DBT_MANIFEST wins, and must exist.
    assert find(project, {"CTW_DBT_MANIFEST": str(manifest)}) == manifest
    with pytest.raises(FileNotFoundError, match="CTW_DBT_MANIFEST="):
        find(project, {"CTW_DBT_MANIFEST": str(tmp_path / "missing.json")})


def test_run_results_are_kept_per_task_wherever_dbt_writes_them(
    dag_module, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class TaskInstance:
        task_id = "transform.dim_trial_model_build"

    context = {"ti": TaskInstance(), "run_id": "scheduled__2024-01-02T00:00:00+00:00"}
    folder = dag_module.reports_dir() / "dbt_results" / "scheduled__2024-01-02T00_00_00_00_00"
    kept = folder / "transform.dim_trial_model_build.json"
    project = tmp_path / "project"
    (project / "target").mkdir(parents=True)
    (project / "target" / "run_results.json").write_text('{"results": ["in target"]}', encoding="utf-8")
    dag_module.keep_run_results(str(project), context)
    assert kept.read_text(encoding="utf-8") == '{"results": ["in target"]}'
    # dbt writes elsewhere when DBT_TARGET_PATH is set; the callback reads it there.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "run_results.json").write_text('{"results": ["elsewhere"]}', encoding="utf-8")
    monkeypatch.setenv("DBT_TARGET_PATH", str(elsewhere))
    dag_module.keep_run_results(str(project), context)
    assert kept.read_text(encoding="utf-8") == '{"results": ["elsewhere"]}'


def test_a_missing_configured_manifest_is_an_import_error(
    parse_dags, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CTW_DBT_MANIFEST", str(tmp_path / "missing.json"))
    errors = parse_dags().import_errors
    assert len(errors) == 1
    assert "CTW_DBT_MANIFEST=" in next(iter(errors.values()))


def test_an_extract_task_reads_the_files_named_in_its_input_variable(dag_module, demo_data, tmp_path, monkeypatch):
    """``CTW_INPUT_<SOURCE>`` is the DAG's ``--input``: here a renamed EU register download."""
    import duckdb

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    download = demo_data / "euctr" / "euctr_download_text_ctrdata_test.txt"
    (inbox / "delivered.txt").write_bytes(download.read_bytes())
    monkeypatch.setenv("CTW_INPUT_EUCTR", str(inbox))
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("CTW_PIPELINES_DIR", str(tmp_path / "dlt_pipelines"))

    described = dag_module.extract_source("euctr")

    assert "rows loaded" in described
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as connection:
        locations = {row[0] for row in connection.execute("select source_location from raw_euctr.protocols").fetchall()}
    assert locations and all(location.startswith("delivered.txt") for location in locations)
