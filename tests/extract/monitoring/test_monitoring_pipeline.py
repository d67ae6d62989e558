"""The monitoring loader end to end on DuckDB: restatements replace a month, a batch with too
many bad rows is refused but quarantined, and the monthly statistics match the generator's truth.

The files are written straight into the input folder, so their locations are their names."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ctw.report import write_quality_report
from extract.runner import extract_source
from extract.sources.monitoring import BatchRejected
from extract.sources.monitoring.vocabulary import vocabulary
from sample_data.monitoring import DEFAULT_TRUTH, make_batch, write_batch
from tests.conftest import Warehouse

TRUTH = DEFAULT_TRUTH


def test_restated_month_replaces_never_doubles(warehouse: Path, query, tmp_path: Path) -> None:
    data = tmp_path / "batches"
    rng = random.Random(7)
    write_batch(make_batch("vitals", "H002", "2024-01", rng, clean_rows=300, bad_rows=10), data)
    write_batch(make_batch("vitals", "H002", "2024-02", rng, clean_rows=200, bad_rows=0), data)
    extract_source("monitoring", data)
    count = "select batch_file, count(*) from raw_monitoring.vitals where batch_month = ? group by 1"
    assert query(count, "2024-01") == [("vitals_H002_2024-01.csv", 300)]

    # Running again with nothing new loads nothing.
    assert extract_source("monitoring", data).loaded == 0

    restated = make_batch("vitals", "H002", "2024-01", rng, clean_rows=250, bad_rows=5, version=2)
    write_batch(restated, data)
    extract_source("monitoring", data)
    assert query(count, "2024-01") == [("vitals_H002_2024-01_v2.csv", 250)]
    assert query(count, "2024-02") == [("vitals_H002_2024-02.csv", 200)]
    extract_source("monitoring", data)
    assert query("select count(*) from raw_monitoring.vitals") == [(450,)]
    statuses = query("select batch_file, batch_status from raw_monitoring.batches order by 1")
    assert statuses == [
        ("vitals_H002_2024-01.csv", "loaded"),
        ("vitals_H002_2024-01_v2.csv", "loaded"),
        ("vitals_H002_2024-02.csv", "loaded"),
    ]


def test_batch_with_30_percent_bad_rows_fails_and_is_quarantined(warehouse: Path, query, tmp_path: Path) -> None:
    data = tmp_path / "batches"
    rng = random.Random(11)
    write_batch(make_batch("labs", "H001", "2024-02", rng, clean_rows=700, bad_rows=300), data)
    write_batch(make_batch("labs", "H002", "2024-02", rng, clean_rows=400, bad_rows=8), data)

    with pytest.raises(BatchRejected) as error:
        extract_source("monitoring", data)
    message = str(error.value)
    # A fifth of the faults are tests no seed row names (60 rows): they are quarantined but do not
    # count towards the threshold, which the other 240 of the 940 rows of known tests exceed.
    assert message.startswith(
        "labs_H001_2024-02.csv (labs, hospital H001, 2024-02): 240 of 940 rows of known measures and units (26%) "
        "failed validation"
    )
    assert "above the 20% threshold" in message

    # The good batch loaded; none of the refused one did, but its bad rows are quarantined.
    loaded = query("select batch_file, count(*) from raw_monitoring.labs group by 1")
    assert loaded == [("labs_H002_2024-02.csv", 400)]
    quarantined = query(
        "select count(distinct record_id), count(*) filter (where field is null or reason is null) "
        "from raw_monitoring.quarantine where location = 'labs_H001_2024-02.csv'"
    )
    assert quarantined == [(300, 0)]
    line, column, reason = query(
        "select record_id, field, reason from raw_monitoring.quarantine "
        "where location = 'labs_H001_2024-02.csv' and reason like 'unknown test_type%' limit 1"
    )[0]
    assert int(line) > 1 and column == "test_type"
    status = query(
        "select batch_status, rows_rejected from raw_monitoring.batches where batch_file = ?",
        "labs_H001_2024-02.csv",
    )
    assert status == [("refused", 300)]

    # A higher threshold accepts the same file on the next run; quarantine does not duplicate.
    extract_source("monitoring", data, max_bad_share=0.35)
    assert query("select count(*) from raw_monitoring.labs where batch_file = 'labs_H001_2024-02.csv'") == [(700,)]
    assert query(
        "select count(distinct record_id) = count(distinct quarantine_id) from raw_monitoring.quarantine "
        "where location = 'labs_H001_2024-02.csv' and reason = 'duplicate row'"
    ) == [(True,)]


@pytest.fixture(scope="module")
def built_demo(built_warehouse: Warehouse) -> Path:
    """The session's warehouse, which holds the bundled demo batches and the monitoring models."""
    return built_warehouse.root


def _truth_statistics() -> dict[tuple[str, str, str], dict[str, float]]:
    """Monthly statistics computed here, with numpy, from the generator's clean measurements."""
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    with (TRUTH / "measurements.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            groups.setdefault((row["hospital_id"], row["measure"], row["month"]), []).append(row)
    expected = {}
    for key, rows in groups.items():
        values = np.array([float(r["standard_value"]) for r in rows])
        expected[key] = {
            "measurement_count": len(values),
            "mean_value": values.mean(),
            "min_value": values.min(),
            "max_value": values.max(),
            "median_value": np.percentile(values, 50),
            "p95_value": np.percentile(values, 95),
            "share_abnormal": np.mean([r["is_abnormal"] == "true" for r in rows]),
            "patients_measured": len({r["patient_id"] for r in rows}),
        }
    return expected


def test_monthly_statistics_equal_the_clean_truth(built_demo: Path) -> None:
    expected = _truth_statistics()
    columns = list(next(iter(expected.values())))
    with duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            f"select hospital_id, measure_code, strftime(measurement_month, '%Y-%m'), {', '.join(columns)} "
            "from marts.rpt_monitoring_monthly_statistics"
        ).fetchall()
    actual = {tuple(row[:3]): dict(zip(columns, row[3:], strict=True)) for row in rows}
    assert actual.keys() == expected.keys()
    assert len(actual) == 2 * 3 * 9
    for key, stats in expected.items():
        for column, value in stats.items():
            assert actual[key][column] == pytest.approx(value, rel=1e-9, abs=1e-9), (key, column)
    # The generator's own statistics file agrees too.
    with (TRUTH / "monthly_statistics.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["hospital_id"], row["measure"], row["month"])
            assert actual[key]["p95_value"] == pytest.approx(float(row["p95_value"]), rel=1e-9)


def test_restated_demo_month_counts_once(built_demo: Path) -> None:
    with duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "select batch_file, count(*) from marts.fct_vital_measurements "
            "where hospital_id = 'H002' and measurement_month = date '2024-01-01' group by 1"
        ).fetchall()
    assert rows == [("vitals/vitals_H002_2024-01_v2.csv", 990)]


def test_quality_report_is_written_with_the_counts(
    built_demo: Path, built_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(built_warehouse.path))
    monkeypatch.setenv("CTW_REPORTS_DIR", str(tmp_path / "reports"))
    with duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True) as connection:
        received, accepted, quarantined, files = connection.execute(
            "select sum(rows_received), sum(rows_accepted), sum(rows_quarantined), count(*) "
            "from marts.rpt_monitoring_quality"
        ).fetchone()
    assert files == 12  # the superseded first version of H002 January is not reported
    assert accepted == 11990 and received == accepted + quarantined
    path = write_quality_report([built_warehouse.target / "run_results.json"])
    assert path.parent == tmp_path / "reports" and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert f"Rows received: <b>{received}</b>; accepted: <b>{accepted}</b>" in text
    assert f"quarantined: <b>{quarantined}</b>" in text
    assert "<svg" in text and text.count("<rect") == 2 * files
    assert "<td>vitals/vitals_H002_2024-01_v2.csv</td>" in text
    assert 'id="dbt-tests">pass: ' in text and "fail" not in text.split('id="dbt-tests">')[1].split("</p>")[0]


def test_the_loader_and_the_models_convert_with_the_same_seed_rows(built_demo: Path) -> None:
    """Every (measure, unit) the loader accepts is one the models convert, with the same arithmetic."""
    vocab = vocabulary()
    python = {
        (code, unit): (c.offset_before, c.multiply_by, c.divide_by, c.offset_after)
        for (code, unit), c in vocab.conversions.items()
    }
    with duckdb.connect(str(built_demo / "warehouse.duckdb"), read_only=True) as connection:
        rows = connection.execute(
            "select measure_code, unit_code, offset_before, multiply_by, divide_by, offset_after "
            "from intermediate.int_monitoring__unit_conversions"
        ).fetchall()
    models = {(code, unit): tuple(rest) for code, unit, *rest in rows}
    assert models.keys() == python.keys()
    for key, arithmetic in python.items():
        assert models[key] == pytest.approx(arithmetic, rel=1e-12), key
