"""CSV exports never carry a live spreadsheet formula: text cells beginning with = + - @, a tab
or a carriage return are written with a leading apostrophe; numbers, Parquet and SQLite keep
their values."""

from __future__ import annotations

import csv
import shutil
import sqlite3

import duckdb
import pytest

from ctw.export import FORMULA_TRIGGERS, export_marts, neutralised_cell
from extract.runner import extract_source
from extract.settings import DEMO_DATA_DIR
from tests.reliability.bad_input import CORPUS

HYPERLINK = '=HYPERLINK("http://example.invalid","click")'
CELLS = [HYPERLINK, "+1 555 0100", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd", "plain", "a=b", "", None]


def read_csv(path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("cell", CELLS)
def test_neutralised_cell(cell):
    expected = "'" + cell if cell and cell[0] in "=+-@\t\r" else cell
    assert neutralised_cell(cell) == expected


def test_csv_export_neutralises_text_cells_and_keeps_numbers(warehouse, tmp_path):
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.notes (note_id integer, note varchar, delta double)")
        connection.executemany(
            "insert into marts.notes values (?, ?, ?)", [(i, cell, -1.5 * i) for i, cell in enumerate(CELLS)]
        )

    # A table no dbt model declares: exported here by name (by default only the public marts are).
    result = export_marts(tmp_path / "export", "sqlite", allowed=["notes"])

    assert result.csv_files == [tmp_path / "export" / "csv" / "notes.csv"]
    rows = read_csv(result.csv_files[0])
    assert [row["note"] for row in rows] == [neutralised_cell(cell) or "" for cell in CELLS]
    assert [float(row["delta"]) for row in rows] == [-1.5 * i for i in range(len(CELLS))]
    assert not any(row["note"].startswith(FORMULA_TRIGGERS) for row in rows)
    with sqlite3.connect(result.single_file) as lite:
        assert lite.execute("select note from notes where note_id = 0").fetchone() == (HYPERLINK,)


@pytest.mark.dbt
def test_formula_in_a_registry_title_reaches_the_csv_export_as_text(built_copy, query, dbt, tmp_path):
    studies = shutil.copytree(DEMO_DATA_DIR / "ctgov" / "studies", tmp_path / "studies")
    shutil.copy(CORPUS / "ctgov" / "formula_injection.json", studies)
    extract_source("ctgov", studies)
    # What a ctgov load changes, up to every mart the export writes.
    dbt(["build", "--select", "source:ctgov+", "--exclude", "resource_type:snapshot"])
    assert query("select brief_title from marts.dim_trial where trial_id = 'NCT90000011'") == [(HYPERLINK,)]

    result = export_marts(tmp_path / "export", "none")

    trials = read_csv(tmp_path / "export" / "csv" / "dim_trial.csv")
    (injected,) = [row for row in trials if row["trial_id"] == "NCT90000011"]
    assert injected["brief_title"] == "'" + HYPERLINK
    for path in result.csv_files:
        for row in read_csv(path):
            assert not [value for value in row.values() if value.startswith(("=", "@", "\t", "\r"))], path
