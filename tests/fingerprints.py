"""Order-independent fingerprints of the marts, to compare two builds."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extract.compare_engines import LOAD_TIME_COLUMNS


def mart_fingerprints(warehouse: Path, schema: str = "marts") -> dict[str, tuple]:
    """Row count and the sum of row hashes of every table (load-time columns left out, floats rounded)."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        columns: dict[str, list[str]] = {}
        for table, column, data_type in connection.execute(
            "select c.table_name, c.column_name, c.data_type from information_schema.columns as c "
            "join information_schema.tables as t "
            "on c.table_schema = t.table_schema and c.table_name = t.table_name "
            "where c.table_schema = ? and t.table_type = 'BASE TABLE' "
            "order by c.table_name, c.ordinal_position",
            [schema],
        ).fetchall():
            if column in LOAD_TIME_COLUMNS:
                continue
            # Parallel float aggregation is not bit-reproducible: compare to 9 decimals.
            expression = f'round("{column}", 9)' if data_type in ("DOUBLE", "FLOAT") else f'"{column}"'
            columns.setdefault(table, []).append(expression)
        return {
            table: connection.execute(
                f'select count(*), coalesce(sum(hash({", ".join(names)})), 0) from "{schema}"."{table}"'
            ).fetchone()
            for table, names in sorted(columns.items())
        }
