"""The data dictionary and cookbook generator on a hand-written manifest (the shape dbt writes):
grain and key from the tests, the export's names in runnable recipes, warehouse names kept in
the others. The real manifest and export are checked in tests/serving/test_docs_site.py."""

from __future__ import annotations

import duckdb

from ctw.catalog import cookbook, data_dictionary, first_sentence, render

PROJECT = "clinical_trials_warehouse"


def _model(name: str, access: str, description: str, columns: list[str], folder: str = "marts/trials") -> dict:
    return {
        "resource_type": "model",
        "package_name": PROJECT,
        "name": name,
        "alias": name,
        "schema": "marts",
        "access": access,
        "original_file_path": f"models/{folder}/{name}.sql",
        "config": {"enabled": True, "materialized": "table", "meta": {}},
        "relation_name": f'"warehouse"."marts"."{name}"',
        "description": description,
        "columns": {column: {"name": column} for column in columns},
        "constraints": [],
    }


def _test(model: str, name: str, **kwargs: object) -> dict:
    return {
        "resource_type": "test",
        "package_name": PROJECT,
        "name": f"{name}_{model}",
        "depends_on": {"nodes": [f"model.{PROJECT}.{model}"]},
        "column_name": kwargs.get("column_name"),
        "test_metadata": {"name": name, "kwargs": kwargs},
        "config": {"enabled": True},
    }


def _analysis(name: str, raw: str, compiled: str, reads: list[str]) -> dict:
    return {
        "resource_type": "analysis",
        "package_name": PROJECT,
        "name": name,
        "description": "",
        "raw_code": raw,
        "compiled_code": compiled,
        "depends_on": {"nodes": [f"model.{PROJECT}.{parent}" for parent in reads]},
        "config": {"enabled": True},
    }


MANIFEST = {
    "metadata": {"project_name": PROJECT},
    "nodes": {
        f"model.{PROJECT}.dim_trial": _model(
            "dim_trial", "public", "One row per trial. Titles and status.", ["trial_id"]
        ),
        f"model.{PROJECT}.bridge_trial_condition": _model(
            "bridge_trial_condition", "public", "Which conditions each trial studies, e.g. from CT.gov.",
            ["trial_id", "condition_id"],
        ),
        f"model.{PROJECT}.dim_patient": _model(
            "dim_patient", "protected", "One row per person.", ["patient_id"], "marts/patients"
        ),
        "test.1": _test("dim_trial", "unique", column_name="trial_id"),
        # The project's own form (one test per model), and dbt's per-column one: both are read.
        "test.2": _test("dim_trial", "not_null_columns", column_names=["trial_id"]),
        "test.3": _test("bridge_trial_condition", "unique_combination_of_columns",
                        combination_of_columns=["trial_id", "condition_id"]),
        "test.4": _test("dim_patient", "unique", column_name="patient_id"),
        "test.5": _test("dim_patient", "not_null", column_name="patient_id"),
        f"analysis.{PROJECT}.trial_count": _analysis(
            "trial_count",
            "-- How many trials.\nselect count(*) as trials from {{ ref('dim_trial') }}",
            '-- How many trials.\nselect count(*) as trials from "warehouse"."marts"."dim_trial"',
            ["dim_trial"],
        ),
        f"analysis.{PROJECT}.patient_count": _analysis(
            "patient_count",
            "{#- Patients per trial. -#}\nselect count(*) from {{ ref('dim_patient') }}",
            'select count(*) from "warehouse"."marts"."dim_patient"',
            ["dim_patient"],
        ),
    },
}


def test_dictionary_takes_grain_and_key_from_the_tests_and_counts_rows():
    with duckdb.connect() as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.dim_trial as select range as trial_id from range(3)")
        served = {"dim_trial", "bridge_trial_condition"}
        entries = {entry.name: entry for entry in data_dictionary(MANIFEST, connection, served)}
    assert entries["dim_trial"].key == ("trial_id",) and entries["dim_trial"].grain == "one row per trial_id"
    assert entries["dim_trial"].rows == 3 and entries["dim_trial"].served
    assert entries["dim_trial"].description == "One row per trial."
    bridge = entries["bridge_trial_condition"]
    assert bridge.key == ("trial_id", "condition_id") and bridge.rows is None
    assert bridge.description == "Which conditions each trial studies, e.g. from CT.gov."
    assert not entries["dim_patient"].served


def test_cookbook_names_the_exported_tables_where_the_analysis_runs_on_the_export():
    recipes = {recipe.name: recipe for recipe in cookbook(MANIFEST, {"dim_trial", "bridge_trial_condition"})}
    trials = recipes["trial_count"]
    assert trials.runs_on_export and trials.description == "How many trials."
    assert trials.sql.endswith("select count(*) as trials from dim_trial")
    patients = recipes["patient_count"]
    assert patients.not_exported == ("dim_patient",) and patients.description == "Patients per trial."
    assert '"warehouse"."marts"."dim_patient"' in patients.sql
    page = render([], list(recipes.values()))
    assert page.startswith("{% docs __clinical_trials_warehouse__ %}") and page.rstrip().endswith("{% enddocs %}")
    assert "**Runs in the warehouse only**: the export leaves out `dim_patient`." in page
    with duckdb.connect() as export:
        export.execute("create table dim_trial as select 1 as trial_id")
        assert export.execute(trials.sql).fetchall() == [(1,)]


def test_first_sentence_ends_at_a_full_stop_before_a_capital():
    assert first_sentence("One row per trial with posted\n ClinicalTrials.gov results. More.") == (
        "One row per trial with posted ClinicalTrials.gov results."
    )
    assert first_sentence("No full stop") == "No full stop"
