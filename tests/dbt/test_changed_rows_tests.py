"""Data tests read the rows a build changed (macros/testing/changed_rows.sql).

A copy of the session's warehouse (built in full, every ClinicalTrials.gov staging test passed,
so the build stored the source's latest load in `dbt_tested_loads`) gets a ClinicalTrials.gov
increment of one bundled record posted later (a real API v2 record; only its last-update date
changes). Then, in one child process reading the session build's parsed project:

1. The brief title of the new study and of a study loaded earlier are blanked in the raw table.
   The tests of `stg_ctgov__studies` read only the study loaded since the tested load: its
   `not_null_columns` test fails with one row, the earlier study's row is not read (it passed when it
   was loaded), and the stored load does not move (a test failed).
2. The new study's title is put back: every ClinicalTrials.gov staging test passes, and the
   stored load moves to the increment's.
3. Tested again with nothing loaded since: the tests read no row.

An incremental model stored without a row (`int_trials__result_rows_rejected`, emptied) still
reads only the changed studies: its watermark is when the build that wrote it ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.dbt

NEW_STUDY, EARLIER_STUDY = "NCT00716976", "NCT00465816"
# The model's not-null test (`not_null_columns`, brief_title among its columns).
TEST = ("not_null_columns", "model.clinical_trials_warehouse.stg_ctgov__studies")
EMPTY_MODEL = "int_trials__result_rows_rejected"


def _is_tested(node) -> bool:
    metadata = getattr(node, "test_metadata", None)  # unit tests have none
    return metadata is not None and (metadata.name, node.attached_node) == TEST


def _tested_load(path: Path) -> str | None:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute(
            "select max(load_id) from main.dbt_tested_loads where source_name = 'ctgov'"
        ).fetchone()[0]


def _latest_load(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select max(load_id) from raw_ctgov._dlt_loads where status = 0").fetchone()[0]


def _blank_titles(path: Path, *nct_ids: str) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("update raw_ctgov.studies set brief_title = null where list_contains(?, nct_id)", [nct_ids])


def _restore_title(path: Path, nct_id: str) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("update raw_ctgov.studies set brief_title = 'Restored' where nct_id = ?", [nct_id])


def _tests(path: Path, project: Path, scratch: Path, parsed: Path) -> dict:
    """In the child process: the increment, then the three test runs."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    from extract.runner import extract_source
    from tests.dbt.test_incremental_identity import _record, _runner

    folders = ["--project-dir", str(project), "--profiles-dir", str(project)]
    runner = _runner(project, parsed)
    report: dict = {"before": _tested_load(path)}
    folder = scratch / "increment"
    folder.mkdir(parents=True)
    (folder / f"{NEW_STUDY}.json").write_text(json.dumps(_record(project, NEW_STUDY, [], "2026-07-01")))
    extract_source("ctgov", [folder])
    report["increment"] = _latest_load(path)

    def tests(select: str) -> dict:
        result = runner.invoke(["test", "--select", select, *folders])
        DuckDBConnectionManager.close_all_connections()
        (tested,) = [r for r in result.result.results if _is_tested(r.node)]
        compiled = tested.node.compiled_code
        return {
            "success": result.success,
            "failures": tested.failures,
            "filter": compiled[compiled.index("where") : compiled.index(") dbt_subquery")],
            "tested_load": _tested_load(path),
        }

    # An incremental model stored without a row keeps a watermark: the build noted when it ran.
    with duckdb.connect(str(path)) as connection:
        (schema,) = connection.execute(
            "select table_schema from information_schema.tables where table_name = ?", [EMPTY_MODEL]
        ).fetchone()
        connection.execute(f'delete from "{schema}"."{EMPTY_MODEL}"')
    compiled = runner.invoke(["compile", "--select", EMPTY_MODEL, *folders])
    DuckDBConnectionManager.close_all_connections()
    report["empty_model_sql"] = compiled.result.results[0].node.compiled_code

    _blank_titles(path, NEW_STUDY, EARLIER_STUDY)
    report["blanked"] = tests("stg_ctgov__studies")
    _restore_title(path, NEW_STUDY)
    report["restored"] = tests("stg_ctgov__*")
    report["again"] = tests("stg_ctgov__*")
    return report


def test_data_tests_read_the_studies_loaded_since_the_last_tested_load(built_warehouse) -> None:
    from tests.conftest import PROJECT_DIR, Warehouse

    scratch = Warehouse("changed-rows").copy_from(built_warehouse)
    # The session build ran every ClinicalTrials.gov staging test and they passed.
    assert _tested_load(scratch.path) == _latest_load(scratch.path)
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.dbt.test_changed_rows_tests",
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
    before, increment = report["before"], report["increment"]
    assert increment > before

    blanked = report["blanked"]
    assert not blanked["success"]
    assert blanked["failures"] == 1  # the new study only
    assert blanked["filter"] == f"where nct_id in ('{NEW_STUDY}')"
    assert blanked["tested_load"] == before

    restored = report["restored"]
    assert restored["success"] and restored["failures"] == 0
    assert restored["filter"] == f"where nct_id in ('{NEW_STUDY}')"
    assert restored["tested_load"] == increment

    # Its staging reads keep the changed studies only (none had been built since: `1 = 0`), where
    # a table without a watermark read every study.
    empty_model_sql = report["empty_model_sql"]
    assert "stg_ctgov__adverse_events" in empty_model_sql
    assert empty_model_sql.count("1 = 0") + empty_model_sql.count("nct_id in ('") >= 6

    again = report["again"]
    assert again["success"] and again["filter"] == "where 1 = 0"
    assert again["tested_load"] == increment


if __name__ == "__main__":
    print(json.dumps(_tests(Path(sys.argv[1]), Path.cwd(), Path(sys.argv[2]), Path(sys.argv[3])), default=str))
