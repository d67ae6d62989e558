"""Order-independent fingerprints of the marts, to compare two builds."""

from __future__ import annotations

from pathlib import Path

import duckdb


def mart_fingerprints(warehouse: Path, schema: str = "marts") -> dict[str, tuple]:
    """Row count and the sum of row hashes of every table in ``schema``."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_type = 'BASE TABLE' order by 1",
                [schema],
            ).fetchall()
        ]
        return {
            table: connection.execute(
                f'select count(*), coalesce(sum(hash(t)), 0) from "{schema}"."{table}" as t'
            ).fetchone()
            for table in tables
        }
