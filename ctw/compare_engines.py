"""Do two engines' builds of the marts agree? Same tables, row counts and values.

The DuckDB marts are read from the warehouse file; the other engine's marts from Parquet folders
(one per table) that it exported with the ``export_relations`` dbt operation. Rows are compared as
multisets after normalising what legitimately differs between engines: decimals and floats
(compared to 9 significant digits) and time zones (timestamps become naive UTC). Columns saying
when a load ran (``LOAD_TIME_COLUMNS``) are left out: each engine's raw data was extracted by its
own run, so they differ by design.

    python -m ctw.compare_engines --duckdb warehouse/test/warehouse.duckdb \\
        --exported warehouse/test/spark_marts

Exit code 0 when every table agrees, 1 otherwise (each difference printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

SIGNIFICANT_DIGITS = 9
# When a load happened is bookkeeping, not data: two runs over the same input differ there.
LOAD_TIME_COLUMNS = frozenset(
    {"extracted_at", "processed_at", "loaded_at", "quarantined_at", "last_extracted_at", "built_at"}
)


@dataclass(frozen=True)
class Table:
    """A table's column names and rows, as read from one engine."""

    columns: tuple[str, ...]
    rows: list[tuple]


def normalise(value: object) -> object:
    """A value in a form both engines produce for the same result."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal | float):
        number = float(value)
        if math.isnan(number) or number == 0:
            return number
        return float(f"{number:.{SIGNIFICANT_DIGITS - 1}e}")
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _sort_key(row: tuple) -> tuple:
    return tuple((value is None, str(type(value)), str(value)) for value in row)


def compare_tables(name: str, expected: Table, actual: Table, shown: int = 5) -> list[str]:
    """The differences between two builds of one table (empty when they agree)."""
    if set(expected.columns) != set(actual.columns):
        missing = sorted(set(expected.columns) - set(actual.columns))
        extra = sorted(set(actual.columns) - set(expected.columns))
        return [f"{name}: columns differ (missing {missing}, unexpected {extra})"]
    problems = []
    if len(expected.rows) != len(actual.rows):
        problems.append(f"{name}: {len(expected.rows)} rows vs {len(actual.rows)} rows")
    order = [actual.columns.index(column) for column in expected.columns]
    left = Counter(tuple(normalise(v) for v in row) for row in expected.rows)
    right = Counter(tuple(normalise(row[i]) for i in order) for row in actual.rows)
    only_left = sorted((left - right).elements(), key=_sort_key)
    only_right = sorted((right - left).elements(), key=_sort_key)
    for label, rows in (("only in the first", only_left), ("only in the second", only_right)):
        if rows:
            problems.append(f"{name}: {len(rows)} row(s) {label} engine, e.g.")
            problems.extend(f"    {dict(zip(expected.columns, row, strict=True))}" for row in rows[:shown])
    return problems


def compare_schemas(expected: dict[str, Table], actual: dict[str, Table]) -> list[str]:
    """The differences between two builds of a schema, table by table."""
    problems = [f"{name}: missing from the second engine" for name in sorted(set(expected) - set(actual))]
    problems += [f"{name}: only in the second engine" for name in sorted(set(actual) - set(expected))]
    for name in sorted(set(expected) & set(actual)):
        problems += compare_tables(name, expected[name], actual[name])
    return problems


def _read(connection: duckdb.DuckDBPyConnection, relation: str) -> Table:
    """Every row of ``relation``, without its load-time columns."""
    names = [row[0] for row in connection.execute(f"describe select * from {relation}").fetchall()]
    kept = [name for name in names if name not in LOAD_TIME_COLUMNS]
    quoted = ", ".join(f'"{name}"' for name in kept)
    result = connection.execute(f"select {quoted} from {relation}")
    return Table(columns=tuple(kept), rows=result.fetchall())


def read_duckdb_schema(warehouse: Path, schema: str = "marts") -> dict[str, Table]:
    """Every base table of ``schema`` in a DuckDB file."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        connection.execute("set TimeZone = 'UTC'")
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [schema],
            ).fetchall()
        ]
        return {name: _read(connection, f'"{schema}"."{name}"') for name in names}


def read_parquet_folders(root: Path) -> dict[str, Table]:
    """One table per sub-folder of ``root`` holding Parquet files (as Spark writes them)."""
    tables = {}
    with duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        for folder in sorted(path for path in root.iterdir() if path.is_dir()):
            files = sorted(str(path) for path in folder.glob("*.parquet"))
            if not files:
                raise FileNotFoundError(f"no Parquet files in {folder}")
            tables[folder.name] = _read(connection, f"read_parquet({files!r})")
    return tables


def summary(tables: dict[str, Table]) -> list[str]:
    """Row counts per table, and every row of the KPI (rpt_*) tables."""
    lines = [f"{name}: {len(table.rows)} rows" for name, table in sorted(tables.items())]
    for name, table in sorted(tables.items()):
        if name.startswith("rpt_"):
            lines.append(f"{name}:")
            lines += [f"    {dict(zip(table.columns, row, strict=True))}" for row in sorted(table.rows, key=_sort_key)]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duckdb", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument("--exported", type=Path, required=True, help="folder of exported Parquet tables")
    parser.add_argument("--schema", default="marts", help="schema to compare (default: marts)")
    args = parser.parse_args(argv)
    expected = read_duckdb_schema(args.duckdb, args.schema)
    actual = read_parquet_folders(args.exported)
    if not expected:
        print(f"no tables in schema {args.schema} of {args.duckdb}", file=sys.stderr)
        return 1
    problems = compare_schemas(expected, actual)
    if problems:
        print("The engines disagree:", *problems, sep="\n", file=sys.stderr)
        return 1
    print(f"The engines agree on {len(expected)} tables of {args.schema}:", *summary(expected), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
