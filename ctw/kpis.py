"""Headline figures printed after a run and by ``ctw kpis``.

The figures are defined once, in the ``rpt_headline_figures`` mart
(models/marts/overview/): this module only reads it, so the CLI, the dashboards and the docs
cannot disagree, and the definitions have dbt's lineage, tests and docs.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from extract import settings

HEADLINE_MART = "rpt_headline_figures"


@dataclass(frozen=True)
class Figure:
    figure_id: str
    label: str
    value: str
    number: float | None


def read_figures(connection: duckdb.DuckDBPyConnection, schema: str = "marts") -> list[Figure]:
    """Every headline figure in display order; a figure without a value reads "no data"."""
    rows = connection.execute(
        f'select figure_id, figure_label, figure_value, figure_number from "{schema}".{HEADLINE_MART} '
        "order by figure_rank"
    ).fetchall()
    return [Figure(fid, label, "no data" if value is None else value, number) for fid, label, value, number in rows]


def headline_figures() -> list[tuple[str, object]]:
    """(label, value) for every headline figure of the warehouse."""
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as connection:
        return [(figure.label, figure.value) for figure in read_figures(connection)]
