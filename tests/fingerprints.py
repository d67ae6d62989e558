"""Order-independent fingerprints of a schema's tables, to compare two builds or two loads."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ctw.compare_engines import LOAD_TIME_COLUMNS

# Tables that log the extraction runs themselves (how many rows the last run read), not data.
RUN_LOG_TABLES = frozenset({"cohort_watermark"})


def _is_load_bookkeeping(column: str) -> bool:
    """Columns that say when or in which load a row arrived, not what it holds: dlt's row and load
    ids (new ones each time a merge rewrites a row) and the load-time columns."""
    return column.startswith("_dlt_") or column in LOAD_TIME_COLUMNS


def mart_fingerprints(warehouse: Path, schema: str = "marts") -> dict[str, tuple]:
    """Row count and the sum of row hashes of every table of a schema (load bookkeeping left out,
    floats rounded; dlt's own ``_dlt_*`` tables are skipped)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        columns: dict[str, list[str]] = {}
        for table, column, data_type in connection.execute(
            "select c.table_name, c.column_name, c.data_type from information_schema.columns as c "
            "join information_schema.tables as t "
            "on c.table_schema = t.table_schema and c.table_name = t.table_name "
            "where c.table_schema = ? and t.table_type = 'BASE TABLE' "
            "and c.table_name not like '\\_dlt\\_%' escape '\\' "
            "order by c.table_name, c.ordinal_position",
            [schema],
        ).fetchall():
            if _is_load_bookkeeping(column):
                columns.setdefault(table, [])
                continue
            # Parallel float aggregation is not bit-reproducible: compare to 9 decimals.
            expression = f'round("{column}", 9)' if data_type in ("DOUBLE", "FLOAT") else f'"{column}"'
            columns.setdefault(table, []).append(expression)
        return {
            table: connection.execute(
                f'select count(*), coalesce(sum(hash({", ".join(names) or "1"})), 0) from "{schema}"."{table}"'
            ).fetchone()
            for table, names in sorted(columns.items())
        }


def raw_fingerprints(warehouse: Path) -> dict[str, dict[str, tuple]]:
    """``mart_fingerprints`` of every ``raw_*`` schema the extractors load, but the run logs (dlt's
    ``*_staging`` datasets, which hold a merge's last batch, and ``RUN_LOG_TABLES``)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        schemas = [
            name
            for (name,) in connection.execute(
                "select distinct table_schema from information_schema.tables "
                "where table_schema like 'raw\\_%' escape '\\' and table_schema not like '%\\_staging' escape '\\'"
            ).fetchall()
        ]
    return {
        schema: {
            table: value for table, value in mart_fingerprints(warehouse, schema).items() if table not in RUN_LOG_TABLES
        }
        for schema in sorted(schemas)
    }
