"""Incremental builds give what a full refresh gives, after a ClinicalTrials.gov increment that
merges trials and after one that splits a trial.

A copy of the session's warehouse (every source's bundled data, built in full) gets two weekly
increments, written here from bundled records (real API v2 records; only their secondary IDs and
their last-update date are changed, as ``_record`` says):

- **first increment**: NCT00716976 now lists EudraCT 2015-001894-41, the EU number of
  NCT02552212's trial (which has results): the two trials become one, named NCT00716976 (the
  better NCT ID), and the rows of trial NCT02552212 must leave every model. NCT01305200 now lists
  ISRCTN20343063 (a trial only ISRCTN registers): the two merge under NCT01305200.
- **second increment**: NCT01305200 lists the ISRCTN no more: that trial splits in two again,
  while the first merge stays.

After each increment the ClinicalTrials.gov-driven models (the incremental ones and the tables
between them) are built incrementally; then a `--full-refresh` of the same models gives the same
rows (build stamps left out) in every incremental model: the merged trials' rows were written by
the first incremental build, the split trials' rows by the second. Each incremental build wrote
only the rows of the trials it changed. The extractions and the three builds run in one child
process that reads the session build's parsed project (this file run as a script).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.dbt

# What a ClinicalTrials.gov increment rebuilds: the incremental models and the tables between them.
INCREMENTAL = (
    "int_trials__normalized",
    "int_trials__registry_id_edges",
    "int_trials__identity_resolved",
    "int_trials__conditions_resolved",
    "int_trials__sponsors_resolved",
    "int_trials__locations_country_coded",
    "bridge_trial_condition",
    "bridge_trial_intervention",
    "bridge_trial_location",
    "bridge_trial_registry_id",
    "bridge_trial_sponsor",
    "dim_trial",
    "dim_result_group",
    "dim_trial_results",
    "fct_participant_flow",
    "fct_baseline_measurement",
    "fct_outcome_measurement",
    "fct_outcome_analysis",
    "fct_adverse_event",
    "int_trials__registry_identifiers",
    "int_trials__sponsors_compared",
    "int_trials__result_rows_rejected",
)
SELECT = (
    *INCREMENTAL,
    "int_trials__registry_records",
    "dim_sponsor",
)
# When a row was written, not what it holds: left out of the comparison.
STAMPS = ("built_at", "resolved_at", "linked_at")

# The merge that stays: STUDY lists the EudraCT number of OTHER_TRIAL's trial.
STUDY, OTHER_TRIAL, EUDRACT = "NCT00716976", "NCT02552212", "2015-001894-41"
# The merge the second increment undoes: SPLIT_STUDY lists, then no more, an ISRCTN-only trial.
SPLIT_STUDY, ISRCTN = "NCT01305200", "ISRCTN20343063"
EUDRACT_INFO = {"id": EUDRACT, "type": "EUDRACT_NUMBER"}
ISRCTN_INFO = {"id": ISRCTN, "type": "REGISTRY", "domain": "ISRCTN"}
# Each increment: the studies it holds, with the secondary IDs added to the bundled record's, and
# the last-update date it is posted on (after every bundled date, so the loader's cursor takes it).
INCREMENTS = (
    ("first", {STUDY: [EUDRACT_INFO], SPLIT_STUDY: [ISRCTN_INFO]}, "2026-06-01"),
    ("second", {SPLIT_STUDY: []}, "2026-06-08"),
)


def _record(project: Path, nct_id: str, added: list[dict], last_update: str) -> dict:
    """The bundled record of ``nct_id`` with ``added`` appended to its secondary IDs, posted on
    ``last_update``."""
    record = copy.deepcopy(json.loads((project / "extract/demo_data/ctgov/studies" / f"{nct_id}.json").read_text()))
    identification = record["protocolSection"]["identificationModule"]
    identification["secondaryIdInfos"] = identification.get("secondaryIdInfos", []) + added
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": last_update, "type": "ACTUAL"}
    return record


def _schema(connection: duckdb.DuckDBPyConnection, model: str) -> str:
    (schema,) = connection.execute(
        "select table_schema from information_schema.tables where table_name = ? and table_type = 'BASE TABLE'"
        " and table_schema in ('intermediate', 'marts')",
        [model],
    ).fetchone()
    return schema


def _columns(connection: duckdb.DuckDBPyConnection, model: str) -> list[str]:
    return [
        name
        for (name,) in connection.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?"
            " order by ordinal_position",
            [_schema(connection, model), model],
        ).fetchall()
    ]


def _content(connection: duckdb.DuckDBPyConnection, model: str) -> str:
    columns = [name for name in _columns(connection, model) if name not in STAMPS]
    return f"select {', '.join(columns)} from {_schema(connection, model)}.{model}"


def _keep(path: Path, step: str) -> None:
    """The rows of every incremental model, build stamps left out, kept in schema ``kept_<step>``."""
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create schema if not exists kept_{step}")
        for model in INCREMENTAL:
            connection.execute(f"create or replace table kept_{step}.{model} as {_content(connection, model)}")


def _differences(path: Path, step: str) -> dict[str, int]:
    """Rows in one of the kept incremental result and the full refresh but not the other."""
    with duckdb.connect(str(path), read_only=True) as connection:
        return {
            model: connection.execute(
                f"select count(*) from (({_content(connection, model)} except all select * from kept_{step}.{model})"
                f" union all (select * from kept_{step}.{model} except all {_content(connection, model)}))"
            ).fetchone()[0]
            for model in INCREMENTAL
        }


def _rewritten(path: Path, since: datetime) -> dict[str, list]:
    """Per model with a trial_id: the trials whose rows the build started after ``since`` wrote,
    and how many rows it wrote and holds."""
    found = {}
    with duckdb.connect(str(path), read_only=True) as connection:
        for model in INCREMENTAL:
            if not {"trial_id", "built_at"} <= set(_columns(connection, model)):
                continue
            trials, written, total = connection.execute(
                f"select list(distinct trial_id order by trial_id) filter (where built_at >= ?),"
                f" count(*) filter (where built_at >= ?), count(*) from {_schema(connection, model)}.{model}",
                [since, since],
            ).fetchone()
            found[model] = [trials or [], written, total]
    return found


def _trials_of(path: Path, *registry_ids: str) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return dict(
            connection.execute(
                "select registry_id, trial_id from marts.bridge_trial_registry_id where list_contains(?, registry_id)",
                [list(registry_ids)],
            ).fetchall()
        )


def _runner(project: Path, parsed: Path):
    """dbt with the project parsed once: the session build's parse when there is one (the copy
    differs from the session's warehouse only in its path, which no model reads), else a parse."""
    from dbt.cli.main import dbtRunner

    if parsed.is_file():
        from dbt.contracts.graph.manifest import Manifest
        from dbt.parser.manifest import extended_mashumuro_decoder

        try:
            manifest = Manifest.from_msgpack(parsed.read_bytes(), decoder=extended_mashumuro_decoder)
        except Exception:  # another dbt version's file: parse instead
            manifest = None
        if manifest is not None:
            manifest.build_flat_graph()
            return dbtRunner(manifest=manifest)
    result = dbtRunner().invoke(["parse", "--project-dir", str(project), "--profiles-dir", str(project)])
    assert result.success, result.exception
    return dbtRunner(manifest=result.result)


def _builds(path: Path, project: Path, scratch: Path, parsed: Path) -> dict:
    """In the child process: each increment extracted and built incrementally, then a full refresh."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    from extract.runner import extract_source

    folders = ["--project-dir", str(project), "--profiles-dir", str(project)]
    runner = _runner(project, parsed)
    report: dict = {}
    for step, studies, last_update in INCREMENTS:
        folder = scratch / step
        folder.mkdir(parents=True)
        for nct_id, added in studies.items():
            (folder / f"{nct_id}.json").write_text(json.dumps(_record(project, nct_id, added, last_update)))
        extract_source("ctgov", [folder])
        since = datetime.now(UTC).replace(tzinfo=None)
        started = time.perf_counter()
        built = runner.invoke(["run", "--select", *SELECT, *folders])
        # dbt-duckdb keeps its connection for the life of the process: release the file.
        DuckDBConnectionManager.close_all_connections()
        assert built.success, f"{step}: {built.exception}"
        report[step] = {
            "nodes": len(built.result.results),
            "seconds": round(time.perf_counter() - started, 1),
            "rewritten": _rewritten(path, since),
            "trials": _trials_of(path, STUDY, OTHER_TRIAL, EUDRACT, SPLIT_STUDY, ISRCTN),
        }
    _keep(path, "incremental")
    refreshed = runner.invoke(["run", "--select", *INCREMENTAL, "--full-refresh", *folders])
    DuckDBConnectionManager.close_all_connections()
    assert refreshed.success, f"--full-refresh: {refreshed.exception}"
    report["differences"] = _differences(path, "incremental")
    return report


def test_incremental_builds_match_a_full_refresh_after_a_merge_and_a_split(built_warehouse) -> None:
    from tests.conftest import PROJECT_DIR, Warehouse

    scratch = Warehouse("incremental").copy_from(built_warehouse)
    child = subprocess.run(
        [
            sys.executable,
            __file__,
            str(scratch.path),
            str(scratch.root / "increments"),
            str(built_warehouse.target / "partial_parse.msgpack"),
        ],
        env={**os.environ, **scratch.environment()},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-3000:]
    report = json.loads(child.stdout.strip().splitlines()[-1])
    first, second = report["first"], report["second"]

    # The first increment merges: the EudraCT number joins the two trials under the better NCT
    # ID, the ISRCTN joins NCT01305200's trial.
    assert first["trials"] == {
        STUDY: STUDY,
        EUDRACT: STUDY,
        OTHER_TRIAL: STUDY,
        SPLIT_STUDY: SPLIT_STUDY,
        ISRCTN: SPLIT_STUDY,
    }
    # The second splits the ISRCTN off again; the first merge stays.
    assert second["trials"] == {
        STUDY: STUDY,
        EUDRACT: STUDY,
        OTHER_TRIAL: STUDY,
        SPLIT_STUDY: SPLIT_STUDY,
        ISRCTN: ISRCTN,
    }

    # Each incremental build wrote only the rows of the trials it changed, in every model keyed
    # on the trial (the losing trials' rows went, and nothing else was written).
    for step, changed in ((first, [STUDY, SPLIT_STUDY]), (second, [ISRCTN, SPLIT_STUDY])):
        assert step["rewritten"]["dim_trial"][0] == changed
        for model, (trials, written, total) in step["rewritten"].items():
            assert set(trials) <= set(changed), (model, trials)
            assert written < total, model
    # NCT02552212's results follow its trial into NCT00716976's; NCT01305200's are rewritten twice.
    assert first["rewritten"]["dim_result_group"][0] == [STUDY, SPLIT_STUDY]
    assert second["rewritten"]["dim_result_group"][0] == [SPLIT_STUDY]

    # The full refresh gives the same rows in every incremental model.
    assert report["differences"] == dict.fromkeys(INCREMENTAL, 0)
    print(
        json.dumps(
            {step: {"nodes": report[step]["nodes"], "seconds": report[step]["seconds"]} for step in ("first", "second")}
        )
    )


if __name__ == "__main__":
    print(json.dumps(_builds(Path(sys.argv[1]), Path.cwd(), Path(sys.argv[2]), Path(sys.argv[3])), default=str))
