"""De-identified OMOP outputs and the cohort export, built by dbt on the bundled samples."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pyarrow.parquet as pq
import pytest

from ctw.cohort_export import export_cohort
from ctw.dbt import DbtFailed, run_dbt
from extract.runner import extract_source
from extract.sources.omop import cdm
from extract.sources.omop.source_db import make_engine, simulate_weekly_load
from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt

OMOP_MODELS = "staging.omop+ intermediate.omop+ path:models/omop"
# The headline figures read every domain's marts, which this warehouse of OMOP alone lacks.
EVERY_DOMAIN = "path:models/marts/overview"
DATE_COLUMNS = {
    table: [name for name, kind in columns if kind == "date"]
    for table, (_, columns) in cdm.TABLES.items()
}
DATE_COLUMNS["person"] = []


@pytest.fixture(scope="module")
def built() -> Iterator[Warehouse]:
    """Demo cohorts extracted twice (with a weekly load between) and the OMOP models built, once
    for the module, in a warehouse of its own."""
    omop = Warehouse("omop").reset()
    with pytest.MonkeyPatch.context() as patch:
        for key, value in omop.environment().items():
            patch.setenv(key, value)
        patch.setenv("CTW_OMOP_SOURCE_DIR", str(omop.root / "omop_source"))
        patch.setenv("CTW_DEID_KEY", "test-key-of-the-omop-tests")
        extract_source("omop")
        simulate_weekly_load(make_engine())
        extract_source("omop")
        run_dbt(["build", "-s", OMOP_MODELS, "--exclude", EVERY_DOMAIN])
        yield omop


def test_deidentified_tables_hold_no_source_person_id_no_unshifted_date_no_free_text(built):
    query = built.query
    source_ids = {str(row[0]) for row in query("select person_id from raw_omop.person")}
    shifts = dict(
        query(
            "select person_pseudonym, date_shift_days from intermediate.int_omop__person_pseudonyms"
        )
    )
    pseudonym_of = dict(
        query("select person_id, person_pseudonym from intermediate.int_omop__person_pseudonyms")
    )
    assert shifts and 0 not in shifts.values()
    # The k-anonymity report is a public mart over the omop tables, held to the same rules.
    for schema, table in [
        *(("omop", name) for name in cdm.CLINICAL_TABLES),
        ("omop", "cohort_person"),
        ("omop", "cohort_registry"),
        ("marts", "rpt_cohort_k_anonymity"),
    ]:
        columns = query(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            schema,
            table,
        )
        assert columns, table
        for column, _data_type in columns:
            assert "source_value" not in column and column not in {
                "value_as_string",
                "sig",
                "lot_number",
                "stop_reason",
                "month_of_birth",
                "day_of_birth",
                "birth_datetime",
            }, (table, column)
            if column.endswith("_id") and not column.endswith("concept_id"):
                values = {
                    str(row[0]) for row in query(f'select distinct "{column}" from {schema}.{table}')
                }
                assert not values & source_ids, (table, column)
        if table not in cdm.CLINICAL_TABLES:
            continue
        # Every date is the source date moved by its person's (non-zero) shift: same multiset.
        for column in DATE_COLUMNS[table]:
            raw = Counter(
                (pseudonym_of[person], day)
                for person, day in query(
                    f"select person_id, {column} from raw_omop.{table} where {column} is not null"
                )
            )
            shifted = Counter(
                (person, day - timedelta(days=shifts[person]))
                for person, day in query(
                    f"select person_id, {column} from omop.{table} where {column} is not null"
                )
            )
            assert shifted == raw, (table, column)


def test_k_anonymity_is_reported_per_cohort(built):
    query = built.query
    rows = query(
        "select cohort_id, person_count, k_anonymity, is_k_anonymous "
        "from marts.rpt_cohort_k_anonymity order by 1"
    )
    cohorts = query("select cohort_id, count(*) from omop.cohort_person group by 1 order by 1")
    assert [(cohort, count) for cohort, count, _, _ in rows] == cohorts
    for _, _, k, is_anonymous in rows:
        assert is_anonymous == (k >= 5)


def test_cohort_export_manifest_matches_the_files(built, tmp_path, monkeypatch):
    query = built.query
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(built.path))
    hostile = "x'; drop table omop.person; --"
    with pytest.raises(LookupError):
        export_cohort(hostile, tmp_path / "nothing")
    assert query("select count(*) from omop.person")[0][0] > 0
    manifest = export_cohort("nj_cardiometabolic_2026", tmp_path / "export")
    on_disk = json.loads((tmp_path / "export" / "manifest.json").read_text())
    assert on_disk == manifest
    cut = query(
        "select max(high_water_mark_at) from staging.stg_omop__cohort_watermarks "
        "where cohort_id = 'nj_cardiometabolic_2026'"
    )[0][0]
    assert manifest["data_cut_at"] == cut.isoformat()
    members = {
        row[0]
        for row in query(
            "select person_id from omop.cohort_person where cohort_id = 'nj_cardiometabolic_2026'"
        )
    }
    assert set(manifest["tables"]) == set(cdm.CLINICAL_TABLES)
    for table, entry in manifest["tables"].items():
        path = tmp_path / "export" / entry["file"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"]
        data = pq.read_table(path)
        assert data.num_rows == entry["rows"]
        assert set(data.column("person_id").to_pylist()) <= members
        expected = query(
            f"select count(*) from omop.{table} where person_id in "
            "(select person_id from omop.cohort_person where cohort_id = 'nj_cardiometabolic_2026')"
        )[0][0]
        assert entry["rows"] == expected, table
    assert manifest["tables"]["person"]["rows"] == 20


def test_prod_mode_refuses_to_build_without_a_real_key(warehouse, monkeypatch, dbt):
    # Other settings than the rest of the session: a dbt target folder of their own.
    monkeypatch.setenv("DBT_TARGET_PATH", str(Warehouse("prod").target))
    monkeypatch.setenv("CTW_ENV", "prod")
    monkeypatch.delenv("CTW_DEID_KEY", raising=False)
    with pytest.raises(DbtFailed):
        dbt(["compile", "-s", "int_omop__person_pseudonyms"])
    monkeypatch.setenv("CTW_DEID_KEY", "ctw-dev-only-deid-key-not-a-secret")
    with pytest.raises(DbtFailed):
        dbt(["compile", "-s", "int_omop__person_pseudonyms"])
