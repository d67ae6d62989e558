"""The extract's filesystem destination: Parquet files for Spark, one folder per table."""

from __future__ import annotations

import duckdb
import pytest

from extract import settings
from extract.runner import extract_source


@pytest.fixture
def parquet_root(warehouse, tmp_path, monkeypatch):
    root = tmp_path / "raw_parquet"
    monkeypatch.setenv("CTW_DESTINATION", "filesystem")
    monkeypatch.setenv("CTW_RAW_PARQUET_URL", str(root))
    return root


def rows(root, table):
    with duckdb.connect() as connection:
        return connection.execute(
            f"select nct_id, _dlt_load_id from read_parquet('{root}/raw_ctgov/{table}/*.parquet')"
        ).fetchall()


def test_extract_writes_parquet_per_table_and_not_the_warehouse(parquet_root, warehouse):
    summary = extract_source("ctgov")

    assert not warehouse.exists()
    studies = sorted(parquet_root.joinpath("raw_ctgov", "studies").glob("*.parquet"))
    assert len(studies) == 1
    load_id = summary.load_info.loads_ids[0]
    assert studies[0].name.startswith(f"{load_id}.")
    loaded = rows(parquet_root, "studies")
    assert len(loaded) == summary.rows["studies"] > 10
    assert all(nct_id.startswith("NCT") and len(nct_id) == 11 for nct_id, _ in loaded)
    assert {load for _, load in rows(parquet_root, "studies")} == {load_id}
    with duckdb.connect() as connection:
        (conditions,) = connection.execute(
            f"select count(*) from read_parquet('{parquet_root}/raw_ctgov/studies__conditions/*.parquet')"
        ).fetchone()
    assert conditions > 0
    assert summary.rows["studies"] == len(rows(parquet_root, "studies"))


def test_a_second_load_appends_files_that_readers_must_deduplicate(parquet_root, tmp_path, monkeypatch):
    first = extract_source("ctgov")
    # A fresh pipeline state (another machine, or state lost) extracts the same studies again.
    monkeypatch.setenv("CTW_PIPELINES_DIR", str(tmp_path / "other_pipelines"))
    second = extract_source("ctgov")

    loaded = rows(parquet_root, "studies")
    assert first.rows["studies"] == second.rows["studies"]
    assert len(loaded) == 2 * first.rows["studies"]
    assert len({load for _, load in loaded}) == 2
    assert len(list(parquet_root.joinpath("raw_ctgov", "studies").glob("*.parquet"))) == 2


def test_unknown_destination_is_refused(monkeypatch):
    monkeypatch.setenv("CTW_DESTINATION", "bigquery")
    with pytest.raises(ValueError, match="CTW_DESTINATION='bigquery' is not one of duckdb, filesystem"):
        settings.destination()


def test_relative_parquet_url_is_under_the_project_and_bucket_urls_are_kept(monkeypatch):
    monkeypatch.setenv("CTW_RAW_PARQUET_URL", "warehouse/raw_parquet")
    assert settings.raw_parquet_url() == str(settings.project_dir() / "warehouse" / "raw_parquet")
    monkeypatch.setenv("CTW_RAW_PARQUET_URL", "az://raw@account.dfs.core.windows.net/ctw")
    assert settings.raw_parquet_url() == "az://raw@account.dfs.core.windows.net/ctw"
