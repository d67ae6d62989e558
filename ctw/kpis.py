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
    Figure("OMOP approved cohorts", "select count(*) from omop.cohort_registry"),
    Figure("OMOP persons ingested (de-identified)", "select count(*) from omop.person"),
    Figure(
        "OMOP cohorts below the k-anonymity threshold",
        "select count(*) from marts.rpt_cohort_k_anonymity where not is_k_anonymous",
    ),
    Figure("Patients (de-duplicated across sites)", "select count(*) from marts.dim_patient"),
    Figure(
        "Patients in more than one trial (%)",
        "select pct_patients_in_multiple_trials from marts.rpt_patients_in_multiple_trials",
    ),
    Figure(
        "Sponsor studies with missing or inconsistent data (%)",
        "select pct_studies_with_issues from marts.rpt_trials_with_data_issues",
    ),
    Figure(
        "Most used medication (patients)",
        "select ingredient || ' (' || patient_count || ')' "
        "from marts.rpt_medication_usage where usage_rank = 1",
    ),
    Figure("Vital-sign measurements", "select count(*) from marts.fct_vital_measurements"),
    Figure("Lab results", "select count(*) from marts.fct_lab_results"),
    Figure(
        "Monitoring rows quarantined (share)",
        "select sum(rows_quarantined) || ' of ' || sum(rows_received) || ' ('"
        " || round(100.0 * sum(rows_quarantined) / sum(rows_received), 1) || '%)'"
        " from marts.rpt_monitoring_quality",
    ),
    Figure(
        "Lab results abnormal (share)",
        "select round(100.0 * avg(case when is_abnormal then 1 else 0 end), 1) || '%' from marts.fct_lab_results",
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
            # A share or a top item of an empty mart (its source not loaded) has no value.
            value = row[0] if row else None
            results.append((figure.label, "no data" if value is None else value))
    return results
