"""Patient marts built from the bundled files equal the generator's truth; the export reads back
and carries no patient-level mart."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest

from ctw.export import export_marts
from extract.runner import extract_source
from sample_data.patients import DEFAULT_TRUTH
from tests.conftest import Warehouse

TRUTH = DEFAULT_TRUTH / "expected_kpis.json"

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def built(built_warehouse: Warehouse) -> Path:
    """The session's warehouse: every registry (dim_study links to dim_trial) and the patient files."""
    return built_warehouse.root


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse / "warehouse.duckdb"), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads(TRUTH.read_text())


def test_patients_per_country(built: Path, truth: dict) -> None:
    rows = _rows(built, "select country_code, patient_count from marts.rpt_patients_per_country")
    expected = {code or "ZZ": count for code, count in truth["patients_per_country"].items()}
    assert dict(rows) == expected


def test_average_age_per_diagnosis(built: Path, truth: dict) -> None:
    rows = _rows(
        built,
        "select diagnosis_id, patient_count, average_age_years "
        "from marts.rpt_average_age_per_diagnosis",
    )
    assert {code: {"patient_count": n, "average_age_years": age} for code, n, age in rows} == truth[
        "average_age_per_diagnosis"
    ]


def test_medication_usage(built: Path, truth: dict) -> None:
    rows = _rows(
        built,
        "select ingredient, patient_count, exposure_count, usage_rank "
        "from marts.rpt_medication_usage",
    )
    assert {i: {"patient_count": p, "exposure_count": e} for i, p, e, _ in rows} == truth[
        "medication_usage"
    ]
    ranked = sorted(
        truth["medication_usage"].items(),
        key=lambda kv: (-kv[1]["patient_count"], -kv[1]["exposure_count"], kv[0]),
    )
    assert [i for i, *_ in sorted(rows, key=lambda r: r[3])] == [name for name, _ in ranked]


def test_average_trial_duration(built: Path, truth: dict) -> None:
    (row,) = _rows(
        built,
        "select studies_measured, average_study_duration_days, participations_measured, "
        "average_participation_duration_days from marts.rpt_average_trial_duration",
    )
    expected = truth["average_trial_duration"]
    assert row == (
        expected["studies_measured"],
        expected["average_study_duration_days"],
        expected["participations_measured"],
        expected["average_participation_duration_days"],
    )


def test_days_between_consecutive_trials(built: Path, truth: dict) -> None:
    rows = _rows(
        built, "select days_between_enrolments from marts.rpt_days_between_consecutive_trials"
    )
    assert sorted(days for (days,) in rows) == truth["days_between_consecutive_trials"]["gaps_days"]


def test_trials_with_data_issues(built: Path, truth: dict) -> None:
    (pct,) = _rows(built, "select pct_studies_with_issues from marts.rpt_trials_with_data_issues")[
        0
    ]
    assert pct == truth["trials_with_data_issues"]["percent"]
    flagged = _rows(
        built,
        "select study_code from marts.dim_study "
        "where has_missing_data or has_inconsistent_data order by 1",
    )
    assert [code for (code,) in flagged] == truth["trials_with_data_issues"]["studies_with_issues"]


def test_patients_in_multiple_trials(built: Path, truth: dict) -> None:
    (row,) = _rows(
        built,
        "select patients_in_trials, patients_in_multiple_trials, pct_patients_in_multiple_trials "
        "from marts.rpt_patients_in_multiple_trials",
    )
    expected = truth["patients_in_multiple_trials"]
    assert row == (
        expected["patients_in_trials"],
        expected["patients_in_multiple_trials"],
        expected["percent"],
    )


def test_unlinked_rows_are_kept_with_their_reason(built: Path) -> None:
    rows = _rows(
        built,
        "select patient_ref, inconsistent_data_issues from intermediate.int_patients__participations_linked "
        "where not is_linked order by patient_ref, inconsistent_data_issues",
    )
    assert ("BOS-9901", "unknown patient") in rows
    assert ("BER-0001", "unknown study") in rows
    assert len(rows) == 5


def test_dim_study_links_registry_trials(built: Path) -> None:
    rows = dict(_rows(built, "select study_code, trial_id from marts.dim_study"))
    assert (
        rows["SPX-101"]
        == _rows(built, "select trial_id from marts.dim_trial where nct_id = 'NCT00763412'")[0][0]
    )
    assert rows["SPX-107"] is None


def test_rebuild_changes_nothing(built: Path, built_copy: Warehouse) -> None:
    before = _rows(built, "select * from marts.rpt_patients_per_country order by 1")
    assert extract_source("patients").loaded == 0
    assert _rows(built_copy.root, "select count(*) from raw_patients.participations") == [(197,)]
    assert built_copy.ctw("build", "--select", "source:patients+").returncode == 0
    assert _rows(built_copy.root, "select * from marts.rpt_patients_per_country order by 1") == before


@pytest.mark.parametrize("single_file", ["sqlite", "duckdb"])
def test_export_reads_back_with_plain_sql_and_holds_no_patient_level_mart(
    built_warehouse: Warehouse, tmp_path: Path, single_file: str, truth: dict
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CTW_DUCKDB_PATH", str(built_warehouse.path))
        patch.setenv("DBT_TARGET_PATH", str(built_warehouse.target))
        result = export_marts(tmp_path / "export", single_file)
    # What may leave the warehouse is what `ctw publish` serves: the marts the YAML leaves public.
    manifest = json.loads((built_warehouse.target / "manifest.json").read_text())
    marts = {
        node["name"]: node.get("access")
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")
    }
    protected = {name for name, access in marts.items() if access == "protected"}
    assert {"dim_patient", "fct_trial_participation", "fct_medication_exposure", "fct_vital_measurements"} <= protected
    in_marts_schema = {name for (name,) in built_warehouse.query(
        "select table_name from information_schema.tables where table_schema = 'marts'"
    )}
    names = {p.stem for p in result.parquet_files}
    assert names == {name for name, access in marts.items() if access == "public"} & in_marts_schema
    assert {p.stem for p in result.csv_files} == names
    assert set(result.withheld) == in_marts_schema - names >= protected
    assert {"dim_study", "rpt_patients_per_country", "rpt_patients_in_multiple_trials"} <= names
    assert not list((tmp_path / "export").rglob("dim_patient*"))
    german_sql = "select patient_count from rpt_patients_per_country where country_code = 'DE'"
    pct_sql = "select pct_patients_in_multiple_trials from rpt_patients_in_multiple_trials"
    tables_sql = {
        "sqlite": "select name from sqlite_master where type = 'table'",
        "duckdb": "select table_name from information_schema.tables",
    }[single_file]
    if single_file == "sqlite":
        with sqlite3.connect(result.single_file) as lite:
            german = lite.execute(german_sql).fetchone()[0]
            pct = lite.execute(pct_sql).fetchone()[0]
            in_file = {name for (name,) in lite.execute(tables_sql)}
        lite.close()
    else:
        with duckdb.connect(str(result.single_file), read_only=True) as connection:
            german = connection.execute(german_sql).fetchone()[0]
            pct = connection.execute(pct_sql).fetchone()[0]
            in_file = {name for (name,) in connection.execute(tables_sql).fetchall()}
    assert in_file == names
    assert german == truth["patients_per_country"]["DE"]
    assert pct == truth["patients_in_multiple_trials"]["percent"]
    parquet = tmp_path / "export" / "parquet" / "rpt_patients_per_country.parquet"
    with duckdb.connect() as connection:
        assert (
            connection.execute(f"select count(*) from '{parquet.as_posix()}'").fetchone()[0]
            == result.rows["rpt_patients_per_country"]
        )