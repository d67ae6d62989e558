"""Airflow DAG ``clinical_trials_warehouse``: the whole pipeline, on a schedule.

    extract (every source, one task each) -> validate (dbt source tests)
        -> transform (every dbt model as a task, via astronomer-cosmos)
        -> statistics (monitoring monthly statistics) -> quality_report (model + HTML report)

One run at a time (``max_active_runs=1``) and one task at a time (``max_active_tasks=1``, plus
the optional pool ``CTW_AIRFLOW_POOL``), because a DuckDB file has a single writer. Tasks retry
twice, 5 minutes apart (``CTW_AIRFLOW_RETRY_DELAY_SECONDS``); a failure callback logs the
task, run and error and appends them to ``<warehouse>/reports/airflow_failures.log``.

The warehouse paths come from the ``CTW_*`` environment variables, as for ``ctw``. Needs the
``airflow`` extra: ``pip install -e '.[airflow]'``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# cosmos caches dbt ls output keyed on a hash of every file under the project directory, which
# here includes the virtualenv; listing afresh is faster. Set before cosmos reads its settings.
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS", "False")
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
# Each model is its own `dbt build` task: tests that also read a model another task has not
# built yet (relationships, dates_are_shifted, the identity-resolution check) are left to the
# full `dbt build` of CI instead of failing here (dbt reads DBT_INDIRECT_SELECTION).
os.environ.setdefault("DBT_INDIRECT_SELECTION", "cautious")

from airflow.providers.standard.operators.python import PythonOperator  # noqa: E402
from airflow.sdk import DAG, TaskGroup  # noqa: E402
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig  # noqa: E402
from cosmos.constants import InvocationMode, LoadMode, TestBehavior  # noqa: E402

from extract import settings  # noqa: E402
from extract.dbt import run_dbt  # noqa: E402
from extract.registry import discover  # noqa: E402
from extract.report import reports_dir  # noqa: E402

DAG_ID = "clinical_trials_warehouse"
PROJECT_DIR = settings.project_dir()
STATISTICS_MODELS = ["rpt_monitoring_monthly_statistics"]
REPORT_MODELS = ["rpt_monitoring_quality"]
POOL = os.environ.get("CTW_AIRFLOW_POOL", "default_pool")
log = logging.getLogger(__name__)


def _run_folder(context: dict[str, Any]) -> Path:
    """Where this DAG run keeps the dbt results the report reads."""
    run_id = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(context["run_id"]))
    return reports_dir() / "dbt_results" / run_id


def keep_run_results(project_dir: str, context: dict[str, Any] | None = None, **_: Any) -> None:
    """cosmos callback: copy the task's run_results.json into the run's folder."""
    results = Path(project_dir) / "target" / "run_results.json"
    if context and results.is_file():
        folder = _run_folder(context)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results, folder / f"{context['ti'].task_id}.json")


def on_failure(context: dict[str, Any]) -> None:
    """Say which task of which run failed and why, in the log and in a file beside the reports."""
    ti = context.get("ti") or context.get("task_instance")
    record = {
        "dag_id": DAG_ID,
        "task_id": getattr(ti, "task_id", None),
        "run_id": context.get("run_id"),
        "try_number": getattr(ti, "try_number", None),
        "error": str(context.get("exception")),
        "at": datetime.now().isoformat(timespec="seconds"),
    }
    log.error("clinical_trials_warehouse task failed: %s", record)
    folder = reports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "airflow_failures.log").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")


def extract_source(name: str) -> str:
    """Load one source's bundled data (the ``ctw extract NAME`` step)."""
    settings.export_environment()
    summary = discover()[name].module.run(progress=None)
    log.info(summary.describe())
    return summary.describe()


def validate(**context: Any) -> None:
    """dbt's tests on every source: what landed in the raw schemas is what the models expect."""
    run_dbt(["test", "--select", "source:*"])
    keep_run_results(str(PROJECT_DIR), context)


def quality_report(**context: Any) -> None:
    """``ctw report`` over this run's dbt results, in a child process: dbt's in-process runner
    keeps its DuckDB connection open, and DuckDB refuses a second one with other settings."""
    command = [
        sys.executable,
        "-m",
        "extract.cli",
        "report",
        "--dbt-results",
        str(_run_folder(context)),
    ]
    subprocess.run(command, check=True, env={**os.environ, **settings.export_environment()})


environment = settings.export_environment()
profile_config = ProfileConfig(
    profile_name="clinical_trials_warehouse",
    target_name="duckdb",
    profiles_yml_filepath=PROJECT_DIR / "profiles.yml",
)
project_config = ProjectConfig(PROJECT_DIR, install_dbt_deps=False, env_vars=environment)
# dbt in a child process per task: dbt-duckdb holds its DuckDB connection for the life of the
# process, which would lock the warehouse file against the next task in the same worker.
execution_config = ExecutionConfig(
    dbt_executable_path=str(Path(sys.executable).parent / "dbt"),
    invocation_mode=InvocationMode.SUBPROCESS,
)
operator_args = {"callback": keep_run_results, "pool": POOL, "install_deps": False}


def _dbt_group(
    group_id: str, select: list[str] | None = None, exclude: list[str] | None = None
) -> DbtTaskGroup:
    return DbtTaskGroup(
        group_id=group_id,
        project_config=project_config,
        profile_config=profile_config,
        execution_config=execution_config,
        render_config=RenderConfig(
            load_method=LoadMode.DBT_LS,
            select=select or [],
            exclude=exclude or [],
            test_behavior=TestBehavior.BUILD,
        ),
        operator_args=operator_args,
    )


with DAG(
    dag_id=DAG_ID,
    description="Extract every source, validate, dbt build, monthly statistics, quality report",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=False,
    max_active_runs=1,
    max_active_tasks=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(
            seconds=int(os.environ.get("CTW_AIRFLOW_RETRY_DELAY_SECONDS", "300"))
        ),
        "on_failure_callback": on_failure,
        "pool": POOL,
    },
    tags=["warehouse", "dbt", "dlt"],
    doc_md=__doc__,
) as dag:
    with TaskGroup(group_id="extract") as extract:
        previous = None
        for source_name in discover():
            task = PythonOperator(
                task_id=f"extract_{source_name}",
                python_callable=extract_source,
                op_kwargs={"name": source_name},
            )
            if previous is not None:
                previous >> task
            previous = task

    validate_task = PythonOperator(task_id="validate", python_callable=validate)
    transform = _dbt_group("transform", exclude=STATISTICS_MODELS + REPORT_MODELS)
    statistics = _dbt_group("statistics", select=STATISTICS_MODELS)
    with TaskGroup(group_id="quality_report") as report:
        report_models = _dbt_group("models", select=REPORT_MODELS)
        render_report = PythonOperator(task_id="render", python_callable=quality_report)
        report_models >> render_report

    extract >> validate_task >> transform >> statistics >> report
