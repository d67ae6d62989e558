"""The serving copy on a real PostgreSQL server: publish, search model, index, search function."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pytest
from typer.testing import CliRunner

from ctw import serving
from ctw.cli import _publish_step, app

NEUROBLASTOMA_TITLES = ["NCT00567567", "NCT03275402", "NCT00716976"]
NEUROBLASTOMA_CONDITION_ONLY = ["NCT01987596", "NCT01305200"]


def _duckdb_rows(warehouse, table: str, key: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(f"select * from marts.{table} order by {key}").fetchall()


def _trial_count(warehouse) -> int:
    """Trials in the DuckDB marts: every registry's, de-duplicated (hundreds on the bundled data)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute("select count(*) from marts.dim_trial").fetchone()[0]


def _hits(query: str, **filters) -> list[str]:
    return [hit.trial_id for hit in serving.search(query, **filters)]


# --------------------------------------------------------------------------------------- publish


def test_run_publishes_every_mart_and_builds_the_search_model(serving_env, pg):
    assert f"published {len(serving.mart_tables())} marts" in serving_env.run_output
    published = {row[0] for row in pg("select table_name from information_schema.tables where table_schema = 'marts'")}
    expected = {table.name for table in serving.mart_tables()}
    assert {"dim_trial", "dim_trial_description", "bridge_trial_condition", "fct_trial_status_history"} <= expected
    assert expected <= published
    trials = _trial_count(serving_env.warehouse)
    assert trials > 300  # ClinicalTrials.gov, ICTRP, EUCTR and ISRCTN samples together
    assert pg("select count(*) from serving.trial_search") == [(trials,)]


def test_repeated_publishes_hold_exactly_the_duckdb_rows(serving_env, pg):
    # The fixture published twice (the end of ctw run, then ctw publish): a full copy each time.
    for table in serving.mart_tables():
        key = ", ".join(table.primary_key)
        columns = ", ".join(f'"{column}"' for column in table.columns)
        in_duckdb = _duckdb_rows(serving_env.warehouse, table.name, key)
        in_postgres = pg(f"select {columns} from marts.{table.name} order by {key}")
        assert len(in_postgres) == len(in_duckdb), table.name
        assert in_postgres == in_duckdb, table.name


def test_primary_keys_come_from_the_manifest(serving_env):
    keys = {table.name: table.primary_key for table in serving.mart_tables()}
    assert keys["dim_trial"] == ("trial_id",)  # primary_key constraint
    assert keys["dim_sponsor"] == ("sponsor_id",)  # unique + not_null tests
    assert keys["bridge_trial_sponsor"] == ("trial_id", "sponsor_id", "sponsor_role")  # compound unique


PATIENT_LEVEL = {
    "dim_patient",
    "fct_trial_participation",
    "fct_medication_exposure",
    "rpt_days_between_consecutive_trials",
    "fct_vital_measurements",
    "fct_lab_results",
}


def _as_reader(serving_env, statement: str) -> list[tuple]:
    """Rows the read-only role (what Metabase logs in as) gets for a statement."""
    pg_settings = serving.PgSettings.from_env()
    reader = serving.PgSettings(
        pg_settings.host, pg_settings.port, serving.reader_role(), "reader", pg_settings.database
    )
    connection = serving.connect(reader)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall()
    finally:
        connection.close()


def test_the_reader_sees_only_the_stakeholder_marts_and_the_search_model(serving_env, pg):
    visible = set(
        _as_reader(
            serving_env,
            "select table_schema, table_name from information_schema.tables "
            "where table_schema not in ('pg_catalog', 'information_schema')",
        )
    )
    published = {("marts", table.name) for table in serving.mart_tables()}
    assert visible == published | {("serving", "trial_search")}
    assert not PATIENT_LEVEL & {name for _, name in visible}
    # Nothing else in the served schema (dlt's tables live in the private load schema), and no
    # staging schema left beside it.
    in_marts = {row[0] for row in pg("select table_name from information_schema.tables where table_schema = 'marts'")}
    assert in_marts == {name for _, name in published}
    # dlt's private load schema (and its staging twin) hold no grant for the reader.
    schemas = {row[0] for row in pg("select nspname from pg_namespace where nspname like 'marts%%'")}
    assert schemas == {"marts", "marts_load", "marts_load_staging"}
    assert any(name.startswith("_dlt_") for (name,) in pg(
        "select table_name from information_schema.tables where table_schema = 'marts_load'"
    ))
    # The reader reads, and cannot write or see the private load schema.
    assert _as_reader(serving_env, "select count(*) from marts.dim_trial")[0][0] == _trial_count(serving_env.warehouse)
    with pytest.raises(Exception, match="permission denied"):
        _as_reader(serving_env, "delete from marts.dim_trial")
    with pytest.raises(Exception, match="permission denied"):
        _as_reader(serving_env, "select count(*) from marts_load._dlt_loads")
    assert _as_reader(serving_env, "select count(*) from serving.search_trials('neuroblastoma')")[0][0] == 5


def test_keys_and_comments_come_from_the_dbt_yaml(serving_env, pg):
    constraints = pg(
        "select rel.relname, con.contype, pg_get_constraintdef(con.oid) from pg_constraint con "
        "join pg_class rel on rel.oid = con.conrelid join pg_namespace ns on ns.oid = rel.relnamespace "
        "where ns.nspname = 'marts'"
    )
    primary = {table: definition for table, kind, definition in constraints if kind == "p"}
    assert set(primary) == {table.name for table in serving.mart_tables()}
    assert primary["dim_trial"] == "PRIMARY KEY (trial_id)"
    assert primary["bridge_trial_sponsor"] == "PRIMARY KEY (trial_id, sponsor_id, sponsor_role)"
    foreign = {(table, definition) for table, kind, definition in constraints if kind == "f"}
    assert ("bridge_trial_condition", "FOREIGN KEY (trial_id) REFERENCES marts.dim_trial(trial_id)") in foreign
    condition_key = "FOREIGN KEY (condition_id) REFERENCES marts.dim_condition(condition_id)"
    assert ("bridge_trial_condition", condition_key) in foreign
    comments = dict(
        pg(
            "select c.relname, obj_description(c.oid, 'pg_class') from pg_class c "
            "join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'marts' and c.relkind = 'r'"
        )
    )
    assert all(comments[table.name] for table in serving.mart_tables()), comments
    assert comments["dim_trial"].startswith("One row per")
    undocumented = pg(
        "select c.relname, a.attname from pg_attribute a join pg_class c on c.oid = a.attrelid "
        "join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('marts', 'serving') "
        "and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped and col_description(c.oid, a.attnum) is null"
    )
    assert undocumented == []
    search_comment = pg("select obj_description('serving.trial_search'::regclass, 'pg_class')")[0][0]
    assert search_comment.startswith("PostgreSQL only")


def test_a_failed_publish_is_rolled_back_and_a_deleted_row_is_gone_after_the_next(
    serving_env, pg, tmp_path, monkeypatch
):
    # A copy of the warehouse and its own database, so the shared copy stays as built.
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(serving_env.warehouse, warehouse)
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(warehouse))
    monkeypatch.setenv("CTW_PIPELINES_DIR", str(tmp_path / "dlt_pipelines"))
    monkeypatch.setenv("CTW_PG_DATABASE", "ctw_failed_publish")
    serving.publish()
    before = pg("select trial_id, brief_title from marts.dim_trial order by trial_id")
    assert len(before) == _trial_count(warehouse)
    assert ("NCT03275402",) in [(trial,) for trial, _ in before]

    # The trial is removed from dim_trial but its conditions still point at it: the foreign key
    # refuses the new copy inside the swap transaction, after every table was copied.
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("delete from marts.dim_trial where trial_id = 'NCT03275402'")
    with pytest.raises(serving.ServingError, match="rolled back.*violates foreign key constraint"):
        serving.publish()
    assert pg("select trial_id, brief_title from marts.dim_trial order by trial_id") == before
    assert {row[0] for row in pg("select nspname from pg_namespace where nspname like 'marts%%'")} == {
        "marts",
        "marts_load",
        "marts_load_staging",
    }

    # Once every mart has let go of it, the next publish swaps in a copy without the trial.
    with duckdb.connect(str(warehouse)) as connection:
        for table in serving.mart_tables():
            if "trial_id" in table.columns:
                connection.execute(f"delete from marts.{table.name} where trial_id = 'NCT03275402'")
    serving.publish()
    after = pg("select trial_id, brief_title from marts.dim_trial order by trial_id")
    assert after == [row for row in before if row[0] != "NCT03275402"]
    assert pg("select count(*) from marts.bridge_trial_condition where trial_id = 'NCT03275402'") == [(0,)]


def test_run_without_a_server_says_how_to_enable_publishing(monkeypatch, capsys):
    from tests.serving.system import free_port

    monkeypatch.setenv("CTW_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("CTW_PG_PORT", str(free_port()))
    _publish_step("auto")  # returns: `ctw run` still succeeds
    message = capsys.readouterr().err
    assert "publish skipped" in message and "Connection refused" in message
    assert "CTW_PG_HOST" in message and "ctw publish" in message
    assert serving.INSTALL_HINT in message  # brackets are text, not console markup
    with pytest.raises(Exception, match="cannot connect to PostgreSQL"):
        _publish_step("always")


# ------------------------------------------------------------------------------- search model


def _trial_search_indexes(pg) -> dict[str, str]:
    return dict(
        pg("select indexname, indexdef from pg_indexes where schemaname = 'serving' and tablename = 'trial_search'")
    )


def test_gin_indexes_survive_the_second_build_and_are_used(serving_env, pg):
    # The fixture built the search model twice (ctw run, then ctw publish); build a third time.
    serving.build_serving()
    indexes = _trial_search_indexes(pg)
    document_index = [name for name, sql in indexes.items() if "USING gin (search_document)" in sql]
    trigram_index = [name for name, sql in indexes.items() if "USING gin (search_names gin_trgm_ops)" in sql]
    assert len(document_index) == 1 and len(trigram_index) == 1, indexes

    connection = serving.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute("set enable_seqscan = off")
            cursor.execute(
                "explain select trial_id from serving.trial_search "
                "where search_document @@ websearch_to_tsquery('english', %s)",
                ("neuroblastoma",),
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert re.search(rf'Bitmap Index Scan on "?{document_index[0]}"?', plan), plan
            cursor.execute(
                "explain select trial_id from serving.trial_search where search_names like %s", ("%nct0056%",)
            )
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert re.search(rf'Bitmap Index Scan on "?{trigram_index[0]}"?', plan), plan
    finally:
        connection.close()


def test_search_ranks_titles_above_conditions(serving_env):
    assert _hits("neuroblastoma") == NEUROBLASTOMA_TITLES + NEUROBLASTOMA_CONDITION_ONLY


def test_search_needs_every_word_and_parses_websearch_syntax(serving_env):
    assert _hits("hearing loss cisplatin") == ["NCT00716976"]
    assert _hits("neuroblastoma -cisplatin") == ["NCT03275402", "NCT01987596", "NCT01305200"]
    assert _hits('"atopic dermatitis" or dupilumab') == ["NCT02210780"]


def test_search_by_registry_id_and_id_prefix(serving_env):
    assert _hits("NCT00716976")[0] == "NCT00716976"
    assert _hits("NCT0056") == ["NCT00567567"]
    assert _hits("nct0345") == []  # NCT03453554 is a quarantined stub: not in the marts


def test_search_by_drug_name_and_near_spelling(serving_env):
    assert _hits("thiosulfate") == ["NCT00716976"]
    assert _hits("omburtamb") == ["NCT03275402"]  # misspelt: trigram word similarity
    assert _hits("Certolizumab")[0] == "NCT02552212"


def test_search_filters(serving_env):
    assert _hits("neuroblastoma", status="terminated") == ["NCT03275402", "NCT01987596"]
    assert _hits("neuroblastoma", status="Terminated", phase="phase_2_3") == ["NCT03275402"]
    assert _hits("neuroblastoma", country="JP") == ["NCT03275402"]
    assert _hits("neuroblastoma", country="japan") == ["NCT03275402"]
    # started 2008-06-23, 2013-08-01 and 2011-03-01; NCT00567567 (2007) and NCT03275402 (2017) are out
    assert _hits("neuroblastoma", start_from=date(2008, 1, 1), start_to=date(2014, 12, 31)) == [
        "NCT00716976",
        "NCT01987596",
        "NCT01305200",
    ]


@pytest.mark.parametrize(
    "attack",
    [
        "'; drop table serving.trial_search; --",
        "' or 1=1 --",
        "')) union select trial_id, null, brief_title, null, null, null, null, null, 1 from marts.dim_trial --",
        "%",
        "_",
        "\\",
        "$search_trials$; select 1; $search_trials$",
    ],
)
def test_injection_strings_are_only_text(serving_env, pg, attack):
    assert _hits(attack) == []
    assert _hits("neuroblastoma", status=attack) == []
    assert _hits("neuroblastoma", country=attack) == []
    trials = _trial_count(serving_env.warehouse)
    assert pg("select count(*) from serving.trial_search") == [(trials,)]
    assert pg("select count(*) from marts.dim_trial") == [(trials,)]


def test_ctw_search_prints_ranked_trials(serving_env):
    result = CliRunner().invoke(app, ["search", "hearing loss cisplatin", "--status", "completed"])
    assert result.exit_code == 0, result.output
    assert "NCT00716976" in result.output and "1 trial(s)" in result.output
    result = CliRunner().invoke(app, ["search", "' or 1=1 --"])
    assert result.exit_code == 0, result.output
    assert "0 trial(s)" in result.output
    result = CliRunner().invoke(app, ["search", "x", "--start-from", "yesterday"])
    assert result.exit_code == 1 and "--start-from must be a date" in result.output


def test_ctw_search_and_kpis_print_csv_and_json(serving_env, capsys):
    import csv
    import io
    import json

    from ctw.cli import run_cli

    assert run_cli(["search", "neuroblastoma", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [hit["trial_id"] for hit in hits] == NEUROBLASTOMA_TITLES + NEUROBLASTOMA_CONDITION_ONLY
    assert "JP" in hits[1]["countries"] and hits[1]["status"] == "terminated"

    assert run_cli(["search", "neuroblastoma", "--format", "csv", "--limit", "2"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [row["trial_id"] for row in rows] == NEUROBLASTOMA_TITLES[:2]

    # Off a terminal the table is plain tab-separated lines: a long title is never cut.
    assert run_cli(["search", "hearing loss cisplatin"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1 trial(s) for 'hearing loss cisplatin'"
    assert lines[2].split("\t")[3].startswith("Sodium Thiosulfate in Preventing Hearing Loss")

    assert run_cli(["kpis", "--format", "json"]) == 0
    figures = {figure["figure_id"]: figure for figure in json.loads(capsys.readouterr().out)}
    assert figures["trials"]["number"] == _trial_count(serving_env.warehouse)


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [("--status", "bogus", "terminated"), ("--phase", "phase_9", "phase_2_3"), ("--country", "XX", "JP")],
)
def test_an_unknown_filter_value_names_the_valid_ones(serving_env, capsys, option, value, named):
    from ctw.cli import run_cli

    assert run_cli(["search", "neuroblastoma", option, value]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {option} {value!r}")
    assert named in err.split("valid: ")[1]
