"""`ctw run` on the bundled data, twice: the marts hold the real records and do not change."""

from __future__ import annotations

from typer.testing import CliRunner

from extract.cli import app


def mart_fingerprints(query) -> dict[str, tuple]:
    """Row count and an order-independent hash of every mart table."""
    tables = [
        row[0]
        for row in query(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' and table_type = 'BASE TABLE' order by 1"
        )
    ]
    return {
        table: query(
            f"select count(*), coalesce(sum(hash(t)), 0) from marts.{table} as t"  # noqa: S608
        )[0]
        for table in tables
    }


def test_run_twice_builds_the_same_marts(query, warehouse):
    runner = CliRunner()
    result = runner.invoke(app, ["run", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "Trials" in result.output and "Headline figures" in result.output
    first = mart_fingerprints(query)

    # 18 real records on file: two stubs are quarantined, one is a second snapshot of NCT02552212.
    assert first["dim_trial"][0] == 15
    assert query("select count(*) from raw_ctgov.quarantine") == [(4,)]
    assert query(
        "select trial_status, phase from marts.dim_trial where trial_id = 'NCT03275402'"
    ) == [("terminated", "phase_2_3")]

    result = runner.invoke(app, ["run", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert mart_fingerprints(query) == first
