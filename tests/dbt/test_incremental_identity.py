"""Incremental identity resolution gives what a full refresh gives, after an increment that
merges two trials and after one that splits a trial.

The two identity models build on their own warehouse: the test writes their inputs (the records
and the identifiers they state, in the columns `int_trials__registry_records` and
`int_trials__registry_identifiers` give) as tables, and `dbt build` builds and tests only the
edges and the components. The four builds run in one child process that parses the project once
(this file run as a script), so the test costs one dbt start-up. The expected trials are computed
here from the same records (connected components, named by the best ID), never read from the
pipeline.
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

SELECT = "int_trials__registry_id_edges int_trials__identity_resolved"

# Records of the registries (registry, own ID, IDs it lists), written by hand in the shapes the
# identifier grammar reads; three versions of the same registries.
FIRST = {
    ("ctgov", "NCT00000001"): ["2020-000001-01"],
    ("ctgov", "NCT00000002"): ["ISRCTN12345678"],
    ("ctgov", "NCT00000003"): ["2021-000002-02"],
    ("ctgov", "NCT00000004"): ["2021-000002-02", "ISRCTN87654321"],
    ("ctgov", "NCT00000009"): [],
    ("euctr", "2020-000001-01"): [],
}
# NCT00000002 now lists the EudraCT number of NCT00000001's trial: the two trials merge.
MERGED = {**FIRST, ("ctgov", "NCT00000002"): ["ISRCTN12345678", "2020-000001-01"]}
# NCT00000004 no longer lists the EudraCT number nor the ISRCTN: its trial splits, and the
# ISRCTN, which no record names any more, leaves the graph.
SPLIT = {**MERGED, ("ctgov", "NCT00000004"): []}


def _precedence(registry_id: str) -> tuple[int, str]:
    if registry_id.startswith("NCT"):
        return (1, registry_id)
    if registry_id.startswith("ISRCTN"):
        return (3, registry_id)
    return (2, registry_id)


def _expected_trials(records: dict[tuple[str, str], list[str]]) -> dict[str, str]:
    """Every ID with its trial: the connected component, named by its best ID."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            node = parent[node]
        return node

    for (_, own_id), listed in records.items():
        root(own_id)
        for other in listed:
            parent[root(other)] = root(own_id)
    members: dict[str, list[str]] = {}
    for node in parent:
        members.setdefault(root(node), []).append(node)
    return {node: min(group, key=_precedence) for group in members.values() for node in group}


def _write_inputs(path: Path, records: dict[tuple[str, str], list[str]]) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema if not exists intermediate")
        connection.execute(
            "create or replace table intermediate.int_trials__registry_records"
            " (registry varchar, registry_id varchar, registry_record_id varchar)"
        )
        connection.execute(
            "create or replace table intermediate.int_trials__registry_identifiers (stated_by varchar,"
            " record_id varchar, identifier_role varchar, raw_identifier varchar, canonical_id varchar)"
        )
        for (registry, own_id), listed in records.items():
            connection.execute(
                "insert into intermediate.int_trials__registry_records values (?, ?, ?)", [registry, own_id, own_id]
            )
            rows = [("own", own_id)] + [("listed", other) for other in listed]
            for role, identifier in rows:
                connection.execute(
                    "insert into intermediate.int_trials__registry_identifiers values (?, ?, ?, ?, ?)",
                    [registry, own_id, role, identifier, identifier],
                )


def _resolved(path: Path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute(
            "select registry_id, trial_id, cast(resolved_at as varchar) from intermediate.int_trials__identity_resolved"
        ).fetchall()
    return {registry_id: [trial_id, resolved_at] for registry_id, trial_id, resolved_at in rows}


def _builds(path: Path, project: Path) -> dict[str, dict[str, list]]:
    """In the child process: the four builds, and the components after each."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.cli.main import dbtRunner

    folders = ["--project-dir", str(project), "--profiles-dir", str(project)]
    parsed = dbtRunner().invoke(["parse", *folders])
    assert parsed.success, parsed.exception
    runner = dbtRunner(manifest=parsed.result)
    results = {}
    for name, records, extra in (
        ("first", FIRST, []),
        ("merged", MERGED, []),
        ("split", SPLIT, []),
        ("full_refresh", SPLIT, ["--full-refresh"]),
    ):
        _write_inputs(path, records)
        built = runner.invoke(["build", "--select", SELECT, *extra, *folders])
        # dbt-duckdb keeps its connection for the life of the process: release the file.
        DuckDBConnectionManager.close_all_connections()
        assert built.success, f"{name}: {built.exception}"
        results[name] = _resolved(path)
    return results


def _trials(resolved: dict[str, list]) -> dict[str, str]:
    return {registry_id: trial_id for registry_id, (trial_id, _) in resolved.items()}


def test_incremental_identity_resolution_matches_a_full_refresh() -> None:
    from tests.conftest import PROJECT_DIR, Warehouse

    warehouse = Warehouse("incremental_identity").reset()
    child = subprocess.run(
        [sys.executable, __file__, str(warehouse.path)],
        env={**os.environ, **warehouse.environment()},
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-3000:]
    builds = json.loads(child.stdout.strip().splitlines()[-1])
    first, merged, split = builds["first"], builds["merged"], builds["split"]
    assert _trials(first) == _expected_trials(FIRST)

    # A merge: the two trials become one, named by the better NCT ID; the trials no changed
    # link touches keep the rows of the first build.
    assert _trials(merged) == _expected_trials(MERGED)
    assert merged["NCT00000002"][0] == merged["ISRCTN12345678"][0] == "NCT00000001"
    for untouched in ("NCT00000009", "NCT00000003", "NCT00000004", "2021-000002-02"):
        assert merged[untouched][1] == first[untouched][1], untouched
    assert merged["NCT00000002"][1] > first["NCT00000002"][1]

    # A split: NCT00000004 leaves its trial, the ISRCTN only it listed leaves the graph.
    assert _trials(split) == _expected_trials(SPLIT)
    assert "ISRCTN87654321" not in split
    assert split["NCT00000004"][0] == "NCT00000004"
    assert split["NCT00000009"][1] == first["NCT00000009"][1]

    # A full refresh of the same inputs gives the same trials.
    assert _trials(builds["full_refresh"]) == _trials(split)


if __name__ == "__main__":
    print(json.dumps(_builds(Path(sys.argv[1]), Path.cwd())))
