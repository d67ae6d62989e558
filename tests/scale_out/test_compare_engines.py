"""The cross-engine comparison CI runs after the Spark build must find real differences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb

from ctw.compare_engines import Table, compare_schemas, compare_tables, main

COLUMNS = ("trial_status", "trial_count", "share", "updated_at")
ROWS = [
    ("recruiting", 3, 0.1 + 0.2, dt.datetime(2024, 1, 2, 3, 4, 5)),
    ("completed", 5, 0.5, None),
]


def test_same_rows_in_another_order_with_engine_representations_agree():
    spark = Table(
        columns=("share", "updated_at", "trial_status", "trial_count"),
        rows=[
            (Decimal("0.5"), None, "completed", 5),
            (Decimal("0.3"), dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "recruiting", 3),
        ],
    )
    assert compare_tables("rpt", Table(COLUMNS, ROWS), spark) == []


def test_a_changed_value_is_reported_with_the_row():
    spark = Table(COLUMNS, [ROWS[0], ("completed", 6, 0.5, None)])
    problems = compare_tables("rpt_trials_by_status", Table(COLUMNS, ROWS), spark)
    assert problems[0] == "rpt_trials_by_status: 1 row(s) only in the first engine, e.g."
    assert "'trial_count': 5" in problems[1]
    assert problems[2] == "rpt_trials_by_status: 1 row(s) only in the second engine, e.g."
    assert "'trial_count': 6" in problems[3]


def test_a_duplicated_row_is_a_difference_in_count():
    spark = Table(COLUMNS, [*ROWS, ROWS[1]])
    problems = compare_tables("dim_trial", Table(COLUMNS, ROWS), spark)
    assert problems[0] == "dim_trial: 2 rows vs 3 rows"


def test_missing_tables_and_columns_are_reported():
    expected = {"dim_trial": Table(COLUMNS, ROWS), "dim_sponsor": Table(("sponsor_id",), [])}
    actual = {"dim_trial": Table(COLUMNS[:3], [row[:3] for row in ROWS])}
    assert compare_schemas(expected, actual) == [
        "dim_sponsor: missing from the second engine",
        "dim_trial: columns differ (missing ['updated_at'], unexpected [])",
    ]


def build_duckdb(path, statements):
    with duckdb.connect(str(path)) as connection:
        for statement in statements:
            connection.execute(statement)


def test_main_reads_duckdb_and_exported_parquet(tmp_path, capsys):
    warehouse = tmp_path / "warehouse.duckdb"
    exported = tmp_path / "exported"
    build_duckdb(
        warehouse,
        [
            "create schema marts",
            "create table marts.rpt_by_status as select * from (values ('recruiting', 3), ('completed', 5)) t(s, n)",
            "create view marts.not_a_table as select 1 as x",
        ],
    )
    (exported / "rpt_by_status").mkdir(parents=True)
    with duckdb.connect() as connection:
        connection.execute(
            "copy (select * from (values ('completed', 5::bigint), ('recruiting', 3::bigint)) t(s, n)) "
            f"to '{exported}/rpt_by_status/part-0.parquet' (format parquet)"
        )
    assert main(["--duckdb", str(warehouse), "--exported", str(exported)]) == 0
    assert "The engines agree on 1 tables of marts" in capsys.readouterr().out

    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select 'recruiting' as s, 4 as n) to '{exported}/rpt_by_status/part-1.parquet' (format parquet)"
        )
    assert main(["--duckdb", str(warehouse), "--exported", str(exported)]) == 1
    error = capsys.readouterr().err
    assert "rpt_by_status: 2 rows vs 3 rows" in error
    assert "{'s': 'recruiting', 'n': 4}" in error


def test_load_time_columns_are_left_out_but_data_columns_are_not(tmp_path, capsys):
    warehouse = tmp_path / "warehouse.duckdb"
    exported = tmp_path / "exported"
    build_duckdb(
        warehouse,
        [
            "create schema marts",
            "create table marts.fct_lab_results as select * from (values "
            "('labs_H001_2024-01.csv:10', 109.8976, timestamp '2026-11-24 06:21:52')) "
            "t(lab_result_id, standard_value, extracted_at)",
        ],
    )
    (exported / "fct_lab_results").mkdir(parents=True)
    part = exported / "fct_lab_results" / "part-0.parquet"

    def export(value: str) -> None:
        with duckdb.connect() as connection:
            connection.execute(
                f"copy (select 'labs_H001_2024-01.csv:10' as lab_result_id, {value} as standard_value, "
                f"timestamp '2026-11-24 06:30:03' as extracted_at) to '{part}' (format parquet)"
            )

    export("109.8976")
    assert main(["--duckdb", str(warehouse), "--exported", str(exported)]) == 0
    assert "fct_lab_results: 1 rows" in capsys.readouterr().out

    export("109.9")
    assert main(["--duckdb", str(warehouse), "--exported", str(exported)]) == 1
    error = capsys.readouterr().err
    assert "'standard_value': 109.9" in error
    assert "extracted_at" not in error
