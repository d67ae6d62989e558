"""Headline figures printed after a run, read from the marts (missing marts are skipped)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from extract import settings


@dataclass(frozen=True)
class Figure:
    label: str
    sql: str


FIGURES: list[Figure] = [
    Figure("Trials", "select count(*) from marts.dim_trial"),
    Figure(
        "Trials recruiting or not yet recruiting",
        "select count(*) from marts.dim_trial "
        "where trial_status in ('recruiting', 'not_yet_recruiting')",
    ),
    Figure("Sponsors", "select count(*) from marts.dim_sponsor"),
    Figure("Conditions", "select count(*) from marts.dim_condition"),
    Figure(
        "Countries with trial sites",
        "select count(distinct country_code) from marts.dim_location where country_code is not null",
    ),
    Figure(
        "Top sponsor (trials)",
        "select sponsor_name || ' (' || trial_count || ')' from marts.rpt_top_sponsors "
        "order by sponsor_rank limit 1",
    ),
    Figure(
        "Trial status versions in history",
        "select count(*) from marts.fct_trial_status_history",
    ),
    Figure(
        "Trials registered in more than one registry",
        "select count(*) from marts.dim_trial where registry_count > 1",
    ),
    Figure(
        "EMA clinical reports linked to a trial",
        "select count(*) from marts.bridge_trial_ema_document where trial_id is not null",
    ),
]


def headline_figures() -> list[tuple[str, object]]:
    """(label, value) for every figure whose tables exist."""
    results: list[tuple[str, object]] = []
    with duckdb.connect(str(settings.duckdb_path()), read_only=True) as connection:
        for figure in FIGURES:
            try:
                row = connection.execute(figure.sql).fetchone()
            except duckdb.CatalogException:
                continue
            results.append((figure.label, row[0] if row else None))
    return results
