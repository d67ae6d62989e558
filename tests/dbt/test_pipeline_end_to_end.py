"""`ctw run` on the bundled data, twice: the marts hold the real records and do not change."""

from __future__ import annotations

from typer.testing import CliRunner

from extract.cli import app
from tests.fingerprints import mart_fingerprints


def test_run_twice_builds_the_same_marts(query, warehouse):
    runner = CliRunner()
    result = runner.invoke(app, ["run", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Trials" in result.output and "Headline figures" in result.output
    first = mart_fingerprints(warehouse)

    # 18 real records on file: two stubs are quarantined, one is a second snapshot of NCT02552212.
    assert query("select count(*) from marts.dim_trial where registries like '%ctgov%'") == [(15,)]
    assert first["dim_trial"][0] > 15  # the other registries add their trials
    assert query("select count(*) from raw_ctgov.quarantine") == [(4,)]
    assert query(
        "select trial_status, phase from marts.dim_trial where trial_id = 'NCT03275402'"
    ) == [("terminated", "phase_2_3")]

    result = runner.invoke(app, ["run", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert mart_fingerprints(warehouse) == first
