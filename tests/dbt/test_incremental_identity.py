"""Incremental identity resolution gives what a full refresh gives, after an increment that
merges two trials and after one that splits a trial.

The two identity models build on their own warehouse: the test writes their inputs (the records
and the identifiers they state, in the columns `int_trials__registry_records` and
`int_trials__registry_identifiers` give) as tables, and `ctw build` builds and tests only the
edges and the components. The expected trials are computed here from the same records
(connected components, named by the best ID), never read from the pipeline.
"""

from __future__ import annotations

import duckdb
import pytest

from tests.conftest import Warehouse

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


def _write_inputs(warehouse: Warehouse, records: dict[tuple[str, str], list[str]]) -> None:
    with duckdb.connect(str(warehouse.path)) as connection:
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


def _build(warehouse: Warehouse, *extra: str) -> None:
    built = warehouse.ctw("build", "--select", SELECT, *extra)
    assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-2000:]


def _resolved(warehouse: Warehouse) -> dict[str, tuple[str, object]]:
    rows = warehouse.query("select registry_id, trial_id, resolved_at from intermediate.int_trials__identity_resolved")
    return {registry_id: (trial_id, resolved_at) for registry_id, trial_id, resolved_at in rows}


def _trials(resolved: dict[str, tuple[str, object]]) -> dict[str, str]:
    return {registry_id: trial_id for registry_id, (trial_id, _) in resolved.items()}


def test_incremental_identity_resolution_matches_a_full_refresh() -> None:
    warehouse = Warehouse("incremental_identity").reset()
    _write_inputs(warehouse, FIRST)
    _build(warehouse)
    first = _resolved(warehouse)
    assert _trials(first) == _expected_trials(FIRST)

    # A merge: the two trials become one, named by the better NCT ID; an untouched trial keeps
    # the rows of the first build.
    _write_inputs(warehouse, MERGED)
    _build(warehouse)
    merged = _resolved(warehouse)
    assert _trials(merged) == _expected_trials(MERGED)
    assert merged["NCT00000002"][0] == merged["ISRCTN12345678"][0] == "NCT00000001"
    for untouched in ("NCT00000009", "NCT00000003", "NCT00000004", "2021-000002-02"):
        assert merged[untouched][1] == first[untouched][1], untouched
    assert merged["NCT00000002"][1] > first["NCT00000002"][1]

    # A split: NCT00000004 leaves its trial, the ISRCTN only it listed leaves the graph.
    _write_inputs(warehouse, SPLIT)
    _build(warehouse)
    split = _resolved(warehouse)
    assert _trials(split) == _expected_trials(SPLIT)
    assert "ISRCTN87654321" not in split
    assert split["NCT00000004"][0] == "NCT00000004"
    assert split["NCT00000009"][1] == first["NCT00000009"][1]

    # A full refresh of the same inputs gives the same trials.
    _build(warehouse, "--full-refresh")
    assert _trials(_resolved(warehouse)) == _trials(split)
