"""Any subset of sources builds: `ctw build` on a warehouse where only some sources were loaded
exits 0, builds what those sources feed, builds the models of the others empty, and names the
absent sources in one line. The two subsets load into their own empty warehouses and build side
by side (two processes: the suite otherwise keeps one core busy)."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest

from ctw.sources_present import absent_sources
from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt

REGISTRIES = ("ctgov", "ictrp", "euctr", "isrctn", "ema")
# (exposures and the on-run-start hook are no-ops; a warn-severity test may warn, as in the full build)
PASSED = {"success", "pass", "warn", "no-op"}
ABSENT_LINE = re.compile(r"^absent sources \(not loaded\): (.+) — their models build empty$", re.MULTILINE)


def _load_and_build(scratch: Warehouse, sources: tuple[str, ...], *build: str) -> tuple[set[str], dict[str, str]]:
    """Extract the sources' bundled data into the empty ``scratch``, `ctw build` (with ``build``'s
    options); the sources the build names absent, and the status of every node it ran."""
    scratch.reset()
    extracted = scratch.ctw("extract", *sources, "--no-progress")
    assert extracted.returncode == 0, extracted.stderr[-3000:]
    built = scratch.ctw("build", *build)
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-2000:]
    (absent,) = ABSENT_LINE.findall(built.stdout + built.stderr)
    results = json.loads((scratch.target / "run_results.json").read_text())["results"]
    return set(absent.split(", ")), {result["unique_id"]: result["status"] for result in results}


def _ran(status: dict[str, str], fragment: str) -> dict[str, str]:
    return {unique_id: value for unique_id, value in status.items() if fragment in unique_id}


SUBSETS = {"registries": REGISTRIES, "patients": ("patients",)}
# The unit tests' exclusion for absent sources is checked on the registries' build; the patients'
# build leaves the unit tests out, as a production build does.
BUILD_OPTIONS = {"registries": (), "patients": ("--no-unit-tests",)}


@pytest.fixture(scope="module")
def subset_builds() -> dict[str, tuple[Warehouse, set[str], dict[str, str]]]:
    """Both subsets loaded and built at once, each in its own warehouse."""
    warehouses = {name: Warehouse(f"subset_{name}") for name in SUBSETS}
    with ThreadPoolExecutor(max_workers=len(SUBSETS)) as pool:
        futures = {
            name: pool.submit(_load_and_build, warehouses[name], subset, *BUILD_OPTIONS[name])
            for name, subset in SUBSETS.items()
        }
        return {name: (warehouses[name], *future.result()) for name, future in futures.items()}


def test_the_registries_alone_build_the_trial_marts(subset_builds) -> None:
    scratch, absent, status = subset_builds["registries"]

    assert absent == {"monitoring", "omop", "patients"}
    assert set(status.values()) <= PASSED
    # The loaded sources' own tests ran; the absent ones' did not, nor the unit tests whose
    # fixtures stand in for their tables. The absent sources' models were built (empty) and
    # tested, and unit tests of the models downstream of them ran.
    assert set(_ran(status, "source_unique_ctgov_studies_nct_id").values()) == {"pass"}
    assert _ran(status, "source_unique_patients_") == {}
    assert _ran(status, "test_stg_patients__patients_ages_and_sex") == {}
    assert set(_ran(status, "not_null_columns_stg_patients__patients_record_id").values()) == {"pass"}
    downstream = {u: s for u, s in _ran(status, "unit_test.").items() if "patients" in u and "stg_patients" not in u}
    assert downstream and set(downstream.values()) == {"pass"}

    assert scratch.query("select count(*) from marts.dim_trial")[0][0] > 15
    assert scratch.query("select trial_status from marts.dim_trial where trial_id = 'NCT03275402'") == [("terminated",)]
    assert scratch.query("select count(*) from marts.dim_patient") == [(0,)]

    figures = scratch.ctw("kpis")
    assert figures.returncode == 0, figures.stderr[-3000:]
    assert "Patients in more than one trial (%): no data" in figures.stdout


def test_the_patient_files_alone_build_the_patient_marts(subset_builds) -> None:
    scratch, absent, status = subset_builds["patients"]

    assert absent == {*REGISTRIES, "monitoring", "omop"}
    assert set(status.values()) <= PASSED
    assert set(_ran(status, "source_unique_patients_patients_record_id").values()) == {"pass"}
    assert _ran(status, "source_unique_ctgov_") == {}

    assert scratch.query("select count(*) from marts.dim_patient")[0][0] > 0
    assert scratch.query("select count(*) from marts.dim_trial") == [(0,)]


def test_a_loaded_source_missing_a_table_leaves_out_only_that_tables_tests(tmp_path: Path) -> None:
    """dlt creates a child table only once a record has a non-empty list: the source is loaded,
    the table's tests and the unit tests with a fixture for it cannot run."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema raw_patients")
        for table in ("patients", "studies", "participations", "quarantine"):
            connection.execute(f"create table raw_patients.{table} (record_id varchar)")

    absent = absent_sources(warehouse=path)

    assert absent is not None
    assert absent.describe() == (
        "absent sources (not loaded): ctgov, ema, euctr, ictrp, isrctn, monitoring, omop — their models build empty"
    )
    exclusions = absent.exclusions()
    assert [selector for selector in exclusions if selector.startswith("source:patients")] == [
        "source:patients.medications"
    ]
    assert "unit_test:test_stg_patients__medications_reads_doses_from_column_or_name" in exclusions
    assert "unit_test:test_stg_patients__patients_ages_and_sex" not in exclusions


def test_another_dbt_target_is_left_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CTW_DBT_TARGET", "spark")
    assert absent_sources(warehouse=tmp_path / "warehouse.duckdb") is None
