"""Export the marts for analysts: one Parquet and one CSV file per table, plus one file that
opens anywhere.

    ctw export                       -> warehouse/export/parquet/<table>.parquet
                                        + warehouse/export/csv/<table>.csv
                                        + warehouse/export/marts.sqlite
    ctw export --single-file duckdb  -> ... + warehouse/export/marts.duckdb

Only what ``ctw publish`` serves leaves the warehouse: the public marts of the dbt manifest
(``access: public``). The patient-level marts (``access: protected``: a row per patient or
patient event, pseudonymous) and any other table of the marts schema stay inside; the export
names what it left out. (The search model is built in PostgreSQL from these same marts.)

The single file is SQLite by default (Python's sqlite3, readable by every SQL tool) or a
standalone DuckDB file. Dates are written as ISO text in SQLite, which has no date type.

CSV files are opened in spreadsheets, which run a cell beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (CSV or formula injection: a trial title
``=HYPERLINK(...)`` from a registry would become a live link). Every text cell beginning with
one of those is written with a leading apostrophe, which spreadsheets show as text. Numeric
and date columns are written as they are; Parquet and SQLite keep the values unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from extract import settings

MARTS_SCHEMA = "marts"
# First characters that make a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class ExportResult:
    parquet_files: list[Path] = field(default_factory=list)
    csv_files: list[Path] = field(default_factory=list)
    single_file: Path | None = None
    rows: dict[str, int] = field(default_factory=dict)
    # Tables of the marts schema left in the warehouse (protected marts, anything not public).
    withheld: list[str] = field(default_factory=list)


def mart_tables(connection: duckdb.DuckDBPyConnection, schema: str = MARTS_SCHEMA) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [name for (name,) in rows]


def public_marts(manifest: dict | None = None) -> set[str]:
    """Names of the marts ``ctw publish`` serves (public, from the dbt manifest): what may leave
    the warehouse."""
    from ctw.serving import mart_tables as published

    return {table.name for table in published(manifest)}


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_marts(
    out_dir: Path,
    single_file: str = "sqlite",
    schema: str = MARTS_SCHEMA,
    allowed: Iterable[str] | None = None,
) -> ExportResult:
    """Write the public marts of ``schema`` to ``out_dir``; ``single_file`` is sqlite, duckdb
    or none. ``allowed`` names the tables that may be written (default: the public marts of the
    dbt manifest, :func:`public_marts`); every other table of the schema is withheld."""
    if single_file not in ("sqlite", "duckdb", "none"):
        raise ValueError(f"single_file must be sqlite, duckdb or none, not {single_file!r}")
    warehouse = settings.duckdb_path()
    if not warehouse.exists():
        raise FileNotFoundError(f"warehouse not found at {warehouse}; run `ctw run` first")
    parquet_dir = out_dir / "parquet"
    parquet_dir.mkdir(parents=True, exist_ok=True)
    csv_dir = out_dir / "csv"
    csv_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    allowed = set(public_marts() if allowed is None else allowed)
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        present = mart_tables(connection, schema)
        if not present:
            raise FileNotFoundError(
                f"no tables in schema {schema} of {warehouse}; run `ctw build` first"
            )
        tables = [table for table in present if table in allowed]
        result.withheld = [table for table in present if table not in allowed]
        for table in tables:
            source = f"{_quote(schema)}.{_quote(table)}"
            target = parquet_dir / f"{table}.parquet"
            connection.execute(
                f"copy (select * from {source}) to '{target.as_posix()}' (format parquet)"
            )
            result.parquet_files.append(target)
            result.csv_files.append(_to_csv(connection, source, csv_dir / f"{table}.csv"))
            result.rows[table] = connection.execute(f"select count(*) from {source}").fetchone()[0]
        if single_file == "sqlite":
            result.single_file = _to_sqlite(connection, schema, tables, out_dir / "marts.sqlite")
    if single_file == "duckdb":
        result.single_file = _to_duckdb(warehouse, schema, tables, out_dir / "marts.duckdb")
    return result


def neutralised_cell(value: str | None) -> str | None:
    """A text cell as written to CSV: a leading apostrophe when a spreadsheet would run it."""
    if value is not None and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _neutralised(column: str) -> str:
    """SQL for :func:`neutralised_cell` on a text column."""
    triggers = ", ".join(f"chr({ord(c)})" for c in FORMULA_TRIGGERS)
    return f"case when left({column}, 1) in ({triggers}) then chr(39) || {column} else {column} end"


def _to_csv(connection: duckdb.DuckDBPyConnection, source: str, target: Path) -> Path:
    """One table as CSV with a header, its text cells neutralised (DuckDB's CSV writer)."""
    columns = connection.execute(f"describe {source}").fetchall()
    select = ", ".join(
        f"{_neutralised(_quote(name))} as {_quote(name)}" if kind.upper() == "VARCHAR" else _quote(name)
        for name, kind, *_ in columns
    )
    connection.execute(
        f"copy (select {select} from {source}) to '{target.as_posix()}' (format csv, header true)"
    )
    return target


def _to_duckdb(warehouse: Path, schema: str, tables: list[str], target: Path) -> Path:
    """Copy the tables into a new DuckDB file (schema main), read through a read-only attach."""
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as connection:
        connection.execute(f"attach '{warehouse.as_posix()}' as warehouse (read_only)")
        try:
            for table in tables:
                connection.execute(
                    f"create table main.{_quote(table)} as "
                    f"select * from warehouse.{_quote(schema)}.{_quote(table)}"
                )
        finally:
            connection.execute("detach warehouse")
    return target


def _sqlite_type(duckdb_type: str) -> str:
    kind = duckdb_type.upper()
    if any(word in kind for word in ("INT", "BOOL")):
        return "INTEGER"
    if any(word in kind for word in ("DOUBLE", "FLOAT", "DECIMAL", "REAL")):
        return "REAL"
    return "TEXT"


def _sqlite_value(value: object) -> object:
    if value is None or isinstance(value, int | float | str):
        return value
    if isinstance(value, bool):
        return int(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _to_sqlite(
    connection: duckdb.DuckDBPyConnection, schema: str, tables: list[str], target: Path
) -> Path:
    target.unlink(missing_ok=True)
    with sqlite3.connect(target) as lite:
        for table in tables:
            source = f"{_quote(schema)}.{_quote(table)}"
            columns = connection.execute(f"describe {source}").fetchall()
            definition = ", ".join(
                f"{_quote(name)} {_sqlite_type(kind)}" for name, kind, *_ in columns
            )
            lite.execute(f"create table {_quote(table)} ({definition})")
            rows = connection.execute(f"select * from {source}").fetchall()
            placeholders = ", ".join("?" for _ in columns)
            lite.executemany(
                f"insert into {_quote(table)} values ({placeholders})",
                ([_sqlite_value(v) for v in row] for row in rows),
            )
    lite.close()
    return target
