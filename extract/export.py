"""Export the marts for analysts: one Parquet file per table, plus one file that opens anywhere.

    ctw export                       -> warehouse/export/parquet/<table>.parquet
                                        + warehouse/export/marts.sqlite
    ctw export --single-file duckdb  -> ... + warehouse/export/marts.duckdb

The single file is SQLite by default (Python's sqlite3, readable by every SQL tool) or a
standalone DuckDB file. Dates are written as ISO text in SQLite, which has no date type.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from extract import settings

MARTS_SCHEMA = "marts"


@dataclass
class ExportResult:
    parquet_files: list[Path] = field(default_factory=list)
    single_file: Path | None = None
    rows: dict[str, int] = field(default_factory=dict)


def mart_tables(connection: duckdb.DuckDBPyConnection, schema: str = MARTS_SCHEMA) -> list[str]:
    rows = connection.execute(
        "select table_name from information_schema.tables "
        "where table_schema = ? order by table_name",
        [schema],
    ).fetchall()
    return [name for (name,) in rows]


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_marts(
    out_dir: Path, single_file: str = "sqlite", schema: str = MARTS_SCHEMA
) -> ExportResult:
    """Write every table of ``schema`` to ``out_dir``; ``single_file`` is sqlite, duckdb or none."""
    if single_file not in ("sqlite", "duckdb", "none"):
        raise ValueError(f"single_file must be sqlite, duckdb or none, not {single_file!r}")
    warehouse = settings.duckdb_path()
    if not warehouse.exists():
        raise FileNotFoundError(f"warehouse not found at {warehouse}; run `ctw run` first")
    parquet_dir = out_dir / "parquet"
    parquet_dir.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = mart_tables(connection, schema)
        if not tables:
            raise FileNotFoundError(
                f"no tables in schema {schema} of {warehouse}; run `ctw build` first"
            )
        for table in tables:
            source = f"{_quote(schema)}.{_quote(table)}"
            target = parquet_dir / f"{table}.parquet"
            connection.execute(
                f"copy (select * from {source}) to '{target.as_posix()}' (format parquet)"
            )
            result.parquet_files.append(target)
            result.rows[table] = connection.execute(f"select count(*) from {source}").fetchone()[0]
        if single_file == "sqlite":
            result.single_file = _to_sqlite(connection, schema, tables, out_dir / "marts.sqlite")
    if single_file == "duckdb":
        result.single_file = _to_duckdb(warehouse, schema, tables, out_dir / "marts.duckdb")
    return result


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
