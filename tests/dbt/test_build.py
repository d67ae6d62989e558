"""The session's warehouse: `ctw run` on the bundled data built every node of the project, every
data test and unit test passed, and a second `ctw run` changes no mart."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Warehouse
from tests.fingerprints import mart_fingerprints, raw_fingerprints

pytestmark = pytest.mark.dbt

EXPECTED_STATUS = {"model": "success", "seed": "success", "snapshot": "success", "test": "pass", "unit_test": "pass"}


def test_every_node_of_the_project_is_built_and_passes(built_warehouse: Warehouse) -> None:
    manifest = json.loads((built_warehouse.target / "manifest.json").read_text())
    results = json.loads((built_warehouse.target / "run_results.json").read_text())["results"]
    status = {result["unique_id"]: result["status"] for result in results}
    expected = {
        unique_id: node
        for nodes in (manifest["nodes"], manifest["unit_tests"])
        for unique_id, node in nodes.items()
        # (tests of the PostgreSQL-only search model are disabled on DuckDB)
        if node["resource_type"] in EXPECTED_STATUS and node["config"].get("enabled", True)
    }
    assert len([u for u in expected if u.startswith("model.")]) > 100
    assert set(expected) - set(status) == set(), "nodes dbt build did not run"
    for unique_id, node in expected.items():
        kind = node["resource_type"]
        allowed = {EXPECTED_STATUS[kind]}
        if kind == "test" and node["config"]["severity"].lower() == "warn":
            allowed.add("warn")
        assert status[unique_id] in allowed, f"{unique_id}: {status[unique_id]}"


def test_run_prints_the_headline_figures_and_writes_the_quality_report(built_warehouse: Warehouse) -> None:
    (output,) = built_warehouse.output
    assert "Headline figures" in output
    figures = built_warehouse.query("select figure_label, figure_value from marts.rpt_headline_figures")
    assert len(figures) == 21
    for label, value in figures:
        assert f"{label}: {value if value is not None else 'no data'}" in output, label
    # The figures are the marts' own counts (computed here from the marts, not read from the figure).
    values = dict(built_warehouse.query("select figure_id, figure_number from marts.rpt_headline_figures"))
    query = built_warehouse.query
    assert values["trials"] == query("select count(*) from marts.dim_trial")[0][0]
    assert values["trials_recruiting"] == query(
        "select count(*) from marts.dim_trial where trial_status in ('recruiting', 'not_yet_recruiting')"
    )[0][0]
    countries = {row[0] for row in query("select country_code from marts.dim_location")} - {None}
    assert values["countries_with_sites"] == len(countries)
    assert (built_warehouse.root / "reports" / "monitoring_quality_latest.html").stat().st_size > 0


def test_a_cold_extraction_logs_no_column_hint_conflict(built_warehouse: Warehouse) -> None:
    """The session build extracts every source into an empty warehouse. Arrow batches (the
    ClinicalTrials.gov bulk path, OMOP) carry the nullability and types their resources declare,
    so dlt has no hint to override: its "several column hints were different" warning, and any
    other dlt warning, is absent from the log."""
    (output,) = built_warehouse.output
    assert "rows loaded" in output
    assert "column hints were different" not in output
    assert [line for line in output.splitlines() if "[WARNING]" in line and "|dlt|" in line] == []


def test_the_marts_hold_the_real_records(built_warehouse: Warehouse) -> None:
    query = built_warehouse.query
    # 18 real records on file: two stubs are quarantined, one is a second snapshot of NCT02552212.
    assert query(
        "select count(distinct trial_id) from marts.bridge_trial_registry_id where record_registry = 'ctgov'"
    ) == [(15,)]
    assert query("select count(*) from marts.dim_trial")[0][0] > 15  # the other registries add their trials
    assert query("select count(*) from raw_ctgov.quarantine") == [(4,)]
    assert query("select trial_status, phase from marts.dim_trial where trial_id = 'NCT03275402'") == [
        ("terminated", "phase_2_3")
    ]


def test_run_twice_builds_the_same_marts(built_warehouse: Warehouse, built_copy: Warehouse) -> None:
    # (the session build ran the unit tests; they test fixtures, not what a second run loads)
    result = built_copy.ctw("run", "--no-progress", "--no-unit-tests")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Headline figures" in result.stdout
    assert mart_fingerprints(built_copy.path) == mart_fingerprints(built_warehouse.path)
    assert mart_fingerprints(built_copy.path, "omop") == mart_fingerprints(built_warehouse.path, "omop")
    # The second extraction merged what the first had loaded: no raw row is duplicated or lost.
    assert raw_fingerprints(built_copy.path) == raw_fingerprints(built_warehouse.path)
    results = json.loads((built_copy.target / "run_results.json").read_text())["results"]
    assert results and not [r for r in results if r["unique_id"].startswith("unit_test.")]
