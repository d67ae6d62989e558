"""Airflow DAG ``clinical_trials_warehouse``: the whole pipeline, on a schedule.

    extract (every source, one task each) -> validate (dbt source tests)
        -> transform (every dbt model as a task, via astronomer-cosmos)
        -> statistics (monitoring monthly statistics) -> quality_report (model + HTML report)

Runs daily without catch-up. One run at a time (``max_active_runs=1``) and one task at a time
(``max_active_tasks=1``, plus the optional pool ``CTW_AIRFLOW_POOL``), because a DuckDB file
has a single writer. Every task that writes also holds the warehouse writer lock (``ctw.lock``),
so a DAG run and a ``ctw`` command never write at once: the extract tasks take it themselves,
every dbt process (validate, the cosmos tasks) takes it in the dbt-duckdb plugin
``ctw.deid_plugin``, and the report reads under the shared lock (``ctw report``). A task that
finds the warehouse busy waits up to ``CTW_LOCK_TIMEOUT`` seconds, then fails (and retries).
Tasks retry twice, 5 minutes apart (``CTW_AIRFLOW_RETRY_DELAY_SECONDS``);
a failure callback logs the task, run and error and appends them to
``<warehouse>/reports/airflow_failures.log``.

What the DAG covers (read when the file is parsed):

- ``CTW_AIRFLOW_SOURCES``: the sources to extract, separated by commas or spaces (default:
  every source ``ctw extract`` discovers). An unknown name is an import error naming it.
- ``CTW_AIRFLOW_SELECT``: a dbt selection, as given to ``dbt --select`` (e.g.
  ``+rpt_monitoring_monthly_statistics +rpt_monitoring_quality``), that narrows the transform
  group (default: every model). ``validate`` then tests only the sources that selection reads.
  The statistics and quality report steps always run.

How the dbt graph is read: from dbt's ``manifest.json`` when one is available, otherwise with
``dbt ls``. Airflow parses this file again every 30 s by default; listing runs dbt once per
cosmos group (about 37 s on two cores), reading a manifest takes about a second and renders the
same tasks. The manifest
is ``CTW_DBT_MANIFEST`` when set (it must exist: produce it with ``dbt parse`` on the duckdb
target, e.g. when the image is built), else ``manifest.json`` in dbt's target directory
(``DBT_TARGET_PATH`` or ``target/``) if it was written for DuckDB and is newer than every file
of the dbt project; a stale or foreign manifest is ignored, so a model added since is never left
out. Each run's ``validate`` step is a dbt command, so it refreshes ``target/manifest.json``.

dlt also reads its configuration and secrets from Airflow Variables only if
``PROVIDERS__ENABLE_AIRFLOW_SECRETS`` is true. The project turns it off in
``.dlt/config.toml`` (hundreds of Variable lookups per pipeline, seconds each run); this file
sets it back to ``true`` for its tasks unless the environment already says otherwise, so
credentials kept in Airflow reach the extractors. Set it to ``false`` in the workers'
environment when credentials come from the environment.

One cosmos task per dbt node costs a dbt process start and parse each, and DuckDB allows one
writer: docs/monitoring.md says when a single ``dbt build`` task is the better production
shape.

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
from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

# cosmos caches dbt ls output keyed on a hash of every file under the project directory, which
# here includes the virtualenv; listing afresh is faster. Set before cosmos reads its settings.
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS", "False")
os.environ.setdefault("AIRFLOW__COSMOS__ENABLE_TELEMETRY", "False")
# Inside Airflow, dlt reads Variables and Connections too (see the docstring).
os.environ.setdefault("PROVIDERS__ENABLE_AIRFLOW_SECRETS", "true")

from airflow.providers.standard.operators.python import PythonOperator  # noqa: E402
from airflow.sdk import DAG, TaskGroup  # noqa: E402
from cosmos import DbtTaskGroup, ExecutionConfig, ProfileConfig, ProjectConfig, RenderConfig  # noqa: E402
from cosmos.constants import InvocationMode, LoadMode, TestBehavior  # noqa: E402

from ctw.dbt import run_dbt  # noqa: E402
from ctw.report import reports_dir  # noqa: E402
from extract import settings  # noqa: E402
from extract.registry import discover  # noqa: E402

DAG_ID = "clinical_trials_warehouse"
PROJECT_DIR = settings.project_dir()
DBT_PROFILE = "clinical_trials_warehouse"
DBT_TARGET = "duckdb"
STATISTICS_MODELS = ["rpt_monitoring_monthly_statistics"]
REPORT_MODELS = ["rpt_monitoring_quality", "rpt_monitoring_unknown_vocabulary"]
POOL = os.environ.get("CTW_AIRFLOW_POOL", "default_pool")
# Each model is its own `dbt build` task: tests that also read a model another task has not
# built yet (relationships, dates_are_shifted, the identity-resolution check) are left to the
# full `dbt build` of CI instead of failing here.
INDIRECT_SELECTION = "cautious"
# The files whose change can change dbt's graph, under the project directory.
DBT_PATHS = ["models", "seeds", "snapshots", "macros", "tests", "analyses", "docs/dbt"]
DBT_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md"}
DBT_FILES = ["dbt_project.yml", "selectors.yml", "packages.yml"]
log = logging.getLogger(__name__)


def sources_to_extract(environ: Mapping[str, str] = os.environ) -> list[str]:
    """The sources named in ``CTW_AIRFLOW_SOURCES`` (default: all), in discovery order."""
    known = list(discover())
    named = re.split(r"[\s,]+", environ.get("CTW_AIRFLOW_SOURCES", "").strip())
    named = [name for name in named if name]
    if not named:
        return known
    unknown = sorted(set(named) - set(known))
    if unknown:
        raise ValueError(f"CTW_AIRFLOW_SOURCES names unknown sources {', '.join(unknown)}; known: {', '.join(known)}")
    return [name for name in known if name in named]


def dbt_selection(environ: Mapping[str, str] = os.environ) -> list[str]:
    """``CTW_AIRFLOW_SELECT`` split into dbt selection items (empty: every model)."""
    return environ.get("CTW_AIRFLOW_SELECT", "").split()


def sources_read_by(select: list[str]) -> list[str]:
    """A dbt selection of the sources upstream of ``select``: ``source:*`` intersected with each
    item's ancestors (an item that already carries a leading graph operator keeps it)."""
    if not select:
        return ["source:*"]
    items = []
    for item in select:
        parts = [part if re.match(r"^(@|\d*\+)", part) else f"+{part}" for part in item.split(",")]
        items.append(",".join(["source:*", *parts]))
    return items


def _dbt_project_changed_at(project_dir: Path) -> float:
    """The newest modification time of the files dbt parses into its graph."""
    paths = [project_dir / name for name in DBT_FILES]
    for folder in DBT_PATHS:
        paths.extend(p for p in (project_dir / folder).rglob("*") if p.suffix in DBT_SUFFIXES)
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def dbt_target_dir(project_dir: Path, environ: Mapping[str, str] = os.environ) -> Path:
    """Where dbt writes its artifacts for ``project_dir``: dbt's own ``DBT_TARGET_PATH`` (relative
    to the project) or ``target/``."""
    target = Path(environ.get("DBT_TARGET_PATH") or "target")
    return target if target.is_absolute() else project_dir / target


def find_manifest(project_dir: Path, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The manifest.json to render the DAG from, or None to list the project with ``dbt ls``."""
    configured = environ.get("CTW_DBT_MANIFEST")
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise FileNotFoundError(
                f"CTW_DBT_MANIFEST={configured} does not exist; write it with `dbt parse --target {DBT_TARGET}`"
                " or unset the variable to list the project with dbt ls"
            )
        return path
    path = dbt_target_dir(project_dir, environ) / "manifest.json"
    if not path.is_file() or path.stat().st_mtime < _dbt_project_changed_at(project_dir):
        return None
    try:
        adapter = json.loads(path.read_bytes()).get("metadata", {}).get("adapter_type")
    except (OSError, ValueError):
        return None  # being rewritten by a dbt command at this moment
    return path if adapter == DBT_TARGET else None


def _run_folder(context: dict[str, Any]) -> Path:
    """Where this DAG run keeps the dbt results the report reads."""
    run_id = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(context["run_id"]))
    return reports_dir() / "dbt_results" / run_id


def keep_run_results(project_dir: str, context: dict[str, Any] | None = None, **_: Any) -> None:
    """cosmos callback (and validate's): copy the task's run_results.json into the run's folder."""
    results = dbt_target_dir(Path(project_dir)) / "run_results.json"
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
    """Load one source (the ``ctw extract NAME`` step): from the paths in the
    ``CTW_INPUT_<NAME>`` variable (``os.pathsep``-separated, as ``--input``), else its bundled data."""
    from ctw.lock import lock_timeout, warehouse_lock
    from extract.runner import extract_source as run_extraction

    settings.export_environment()
    configured = os.environ.get(f"CTW_INPUT_{name.upper()}")
    inputs = [part for part in configured.split(os.pathsep) if part] if configured else None
    with warehouse_lock(settings.duckdb_path(), f"airflow extract_{name}", timeout_s=lock_timeout(), notify=log.info):
        summary = run_extraction(name, inputs, progress=None)
    log.info(summary.describe())
    return summary.describe()


def validate(select: list[str], **context: Any) -> None:
    """dbt's tests on the sources ``select`` reads: what landed in the raw schemas is what the
    models expect. Profile and target are named as cosmos names them, so the partial-parse file
    this run leaves in ``target/`` serves the cosmos tasks after it (dbt parses everything
    again when they differ)."""
    command = ["test", "--profile", DBT_PROFILE, "--target", DBT_TARGET]
    run_dbt([*command, "--indirect-selection", INDIRECT_SELECTION, "--select", *select])
    keep_run_results(str(PROJECT_DIR), context)


def quality_report(**context: Any) -> None:
    """``ctw report`` over this run's dbt results, in a child process: dbt's in-process runner
    keeps its DuckDB connection open, and DuckDB refuses a second one with other settings."""
    command = [
        sys.executable,
        "-m",
        "ctw.cli",
        "report",
        "--dbt-results",
        str(_run_folder(context)),
    ]
    subprocess.run(command, check=True, env={**os.environ, **settings.export_environment()})


SOURCES = sources_to_extract()
SELECT = dbt_selection()
MANIFEST = find_manifest(PROJECT_DIR)
environment = {**settings.export_environment(), "DBT_INDIRECT_SELECTION": INDIRECT_SELECTION}
profile_config = ProfileConfig(
    profile_name=DBT_PROFILE,
    target_name=DBT_TARGET,
    profiles_yml_filepath=PROJECT_DIR / "profiles.yml",
)
project_config = ProjectConfig(
    PROJECT_DIR,
    manifest_path=MANIFEST,
    install_dbt_deps=False,
    env_vars=environment,
)
# dbt in a child process per task: dbt-duckdb holds its DuckDB connection for the life of the
# process, which would lock the warehouse file against the next task in the same worker.
execution_config = ExecutionConfig(
    dbt_executable_path=str(Path(sys.executable).parent / "dbt"),
    invocation_mode=InvocationMode.SUBPROCESS,
)
operator_args = {"callback": keep_run_results, "pool": POOL}


def _dbt_group(group_id: str, select: list[str], exclude: list[str] | None = None) -> DbtTaskGroup:
    return DbtTaskGroup(
        group_id=group_id,
        project_config=project_config,
        profile_config=profile_config,
        execution_config=execution_config,
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST if MANIFEST else LoadMode.DBT_LS,
            select=select,
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
        "retry_delay": timedelta(seconds=int(os.environ.get("CTW_AIRFLOW_RETRY_DELAY_SECONDS", "300"))),
        "on_failure_callback": on_failure,
        "pool": POOL,
    },
    tags=["warehouse", "dbt", "dlt"],
    doc_md=__doc__,
) as dag:
    with TaskGroup(group_id="extract") as extract:
        previous = None
        for source_name in SOURCES:
            task = PythonOperator(
                task_id=f"extract_{source_name}",
                python_callable=extract_source,
                op_kwargs={"name": source_name},
            )
            if previous is not None:
                previous >> task
            previous = task

    validate_task = PythonOperator(
        task_id="validate", python_callable=validate, op_kwargs={"select": sources_read_by(SELECT)}
    )
    transform = _dbt_group("transform", select=SELECT, exclude=STATISTICS_MODELS + REPORT_MODELS)
    statistics = _dbt_group("statistics", select=STATISTICS_MODELS)
    with TaskGroup(group_id="quality_report") as report:
        report_models = _dbt_group("models", select=REPORT_MODELS)
        render_report = PythonOperator(task_id="render", python_callable=quality_report)
        report_models >> render_report

    extract >> validate_task >> transform >> statistics >> report
