"""The user's own monitoring files, whatever their names: ``ctw extract monitoring --input PATH``
reads the files it recognises by header, derives the batches (feed, hospital, month) from the
rows, fails in one line when it finds nothing to read, and a batch delivered again replaces the
earlier rows."""

from __future__ import annotations

import codecs
import csv
import os
import random
from collections import Counter
from pathlib import Path

from extract.runner import extract_source
from extract.sources.monitoring.settings import LABS_COLUMNS, VITALS_COLUMNS
from tests.conftest import PROJECT_DIR, Warehouse

# (measure, unit, a plausible value) of every vital and lab test written below.
VITAL_MEASURES = (
    ("heart_rate", "bpm", "72"),
    ("systolic_bp", "mmHg", "121"),
    ("diastolic_bp", "mmHg", "79"),
    ("temperature", "°C", "36.8"),
    ("weight", "kg", "70.5"),
)
LAB_TESTS = (
    ("glucose", "mg/dL", "95", "70-100"),
    ("total_cholesterol", "mg/dL", "180", "<200"),
    ("hdl_cholesterol", "mg/dL", "52", ">40"),
    ("hemoglobin", "g/dL", "13.9", "12-17.5"),
)
# (hospital, month) -> patients visited; each visit measures everything once.
VISITS = {("H001", "2024-01"): 5, ("H001", "2024-02"): 3, ("H002", "2024-01"): 2, ("H002", "2024-02"): 4}


def _day(month: str, n: int, iso: bool) -> str:
    day = f"{n % 27 + 1:02d}"
    return f"{month}-{day}" if iso else f"{day}/{month[5:]}/{month[:4]}"


def _vitals_rows() -> list[dict[str, str]]:
    """Rows of two hospitals and two months, shuffled, in both date formats; one value is out
    of physiological range (the row is quarantined, its batch still loads)."""
    rows = []
    for (hospital, month), patients in VISITS.items():
        for n in range(patients):
            for measure, unit, value in VITAL_MEASURES:
                rows.append(
                    {
                        "hospital_id": hospital,
                        "measurement_date": _day(month, n, iso=n % 2 == 0),
                        "patient_id": f"P{hospital}{n}",
                        "vital_type": measure,
                        "value": value,
                        "unit": unit,
                    }
                )
    bad = next(r for r in rows if r["hospital_id"] == "H002" and r["vital_type"] == "heart_rate")
    bad["value"] = "900"
    random.Random(3).shuffle(rows)
    return rows


def _lab_rows() -> list[dict[str, str]]:
    rows = []
    for (hospital, month), patients in VISITS.items():
        for n in range(patients):
            for test, unit, value, reference in LAB_TESTS:
                rows.append(
                    {
                        "hospital_id": hospital,
                        "test_date": _day(month, n + 1, iso=True),
                        "patient_id": f"P{hospital}{n}",
                        "test_type": test,
                        "result_value": value,
                        "reference_range": reference,
                        "unit": unit,
                    }
                )
    random.Random(4).shuffle(rows)
    return rows


def _write(path: Path, columns: list[str], rows: list[dict[str, str]], **dialect: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n", **dialect)
        writer.writeheader()
        writer.writerows(rows)


def _expected(rows: list[dict[str, str]], feed: str, date_column: str, file: str) -> list[tuple]:
    """(feed, hospital, month, file, status, received, accepted, rejected) of each batch, counted
    from the rows written; the row with the out-of-range value 900 is the one rejected."""
    received = Counter((row["hospital_id"], _month(row[date_column])) for row in rows)
    rejected = Counter((row["hospital_id"], _month(row[date_column])) for row in rows if row.get("value") == "900")
    return sorted(
        (feed, hospital, month, file, "loaded", count, count - rejected[(hospital, month)], rejected[(hospital, month)])
        for (hospital, month), count in received.items()
    )


def _month(text: str) -> str:
    return text[:7] if "-" in text else f"{text[6:10]}-{text[3:5]}"


def test_one_vitals_file_and_one_lab_file_of_two_hospitals_and_two_months(warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my exports"
    assert not folder.resolve().is_relative_to(PROJECT_DIR)
    vitals = _vitals_rows()
    labs = _lab_rows()
    _write(folder / "vitals_2024.csv", list(VITALS_COLUMNS), vitals)
    # The lab file as another system writes it: a BOM, `;`, columns in another order and case.
    lab_columns = ["unit", "Test_Date", "HOSPITAL_ID", "patient_id", "test_type", "result_value", "reference_range"]
    assert sorted(name.lower() for name in lab_columns) == sorted(LABS_COLUMNS)
    renamed = [{name: row[name.lower()] for name in lab_columns} for row in labs]
    _write(folder / "results" / "lab_results_2024.csv", lab_columns, renamed, delimiter=";")
    (folder / "results" / "lab_results_2024.csv").write_bytes(
        codecs.BOM_UTF8 + (folder / "results" / "lab_results_2024.csv").read_bytes()
    )
    (folder / "README.txt").write_text("Exported from the hospital systems.\n")
    _write(folder / "notes.csv", ["note_id", "text"], [{"note_id": "1", "text": "not a feed"}])

    scratch = Warehouse("scratch")
    result = scratch.ctw("extract", "monitoring", "--input", str(folder), "--no-progress")

    assert result.returncode == 0, result.stderr
    assert "passed over 1 file(s)" in result.stderr and "notes.csv" in result.stderr
    batches = scratch.query(
        "select feed, hospital_id, batch_month, batch_file, batch_status, rows_received, rows_accepted, "
        "rows_rejected from raw_monitoring.batches order by all"
    )
    vitals_expected = _expected(vitals, "vitals", "measurement_date", "vitals_2024.csv")
    labs_expected = _expected(labs, "labs", "test_date", "results/lab_results_2024.csv")
    assert len(vitals_expected) == len(labs_expected) == 4
    assert batches == sorted(labs_expected + vitals_expected)
    loaded = scratch.query(
        "select 'vitals', batch_hospital_id, batch_month, count(*) from raw_monitoring.vitals group by all "
        "union all select 'labs', batch_hospital_id, batch_month, count(*) from raw_monitoring.labs group by all "
        "order by all"
    )
    assert loaded == sorted((feed, h, m, accepted) for feed, h, m, _, _, _, accepted, _ in batches)
    assert scratch.query("select location, field, reason from raw_monitoring.quarantine") == [
        (
            "vitals_2024.csv",
            "value",
            "value out of physiological range: value='900' (900 /min; possible 20 to 300 /min)",
        )
    ]


def test_a_folder_with_nothing_to_read_fails_in_one_line(warehouse: Path, tmp_path: Path) -> None:
    folder = tmp_path / "not monitoring"
    folder.mkdir()
    (folder / "README.txt").write_text("Monitoring exports go here.\n")
    _write(folder / "trials.csv", ["trial_id", "title"], [{"trial_id": "NCT00000001", "title": "A trial"}])

    result = Warehouse("scratch").ctw("extract", "monitoring", "--input", str(folder), "--no-progress")

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr
    (error,) = errors
    assert str(folder) in error
    assert "vitals header (hospital_id, measurement_date, patient_id, vital_type, value, unit)" in error
    assert "lab-results header" in error


def _vitals(hospital: str, month: str, patients: int, value: str) -> list[dict[str, str]]:
    return [
        {
            "hospital_id": hospital,
            "measurement_date": _day(month, n, iso=True),
            "patient_id": f"P{n}",
            "vital_type": "heart_rate",
            "value": value,
            "unit": "bpm",
        }
        for n in range(patients)
    ]


def _age(path: Path, seconds_ago: int) -> None:
    moment = path.stat().st_mtime - seconds_ago
    os.utime(path, (moment, moment))


def test_a_batch_delivered_again_replaces_the_earlier_rows(warehouse: Path, query, tmp_path: Path) -> None:
    folder = tmp_path / "deliveries"
    columns = list(VITALS_COLUMNS)
    by_batch = (
        "select batch_hospital_id, batch_month, batch_file, count(*), min(value) from raw_monitoring.vitals "
        "group by all order by all"
    )
    first = _vitals("H001", "2024-01", 3, "70") + _vitals("H001", "2024-02", 4, "71")
    _write(folder / "vitals_2024.csv", columns, first)
    _age(folder / "vitals_2024.csv", 3600)
    extract_source("monitoring", folder)

    # A later file restating February, in a later run: its rows replace February's, January stays.
    _write(folder / "february_corrected.csv", columns, _vitals("H001", "2024-02", 2, "81"))
    extract_source("monitoring", folder)
    expected = [
        ("H001", "2024-01", "vitals_2024.csv", 3, 70.0),
        ("H001", "2024-02", "february_corrected.csv", 2, 81.0),
    ]
    assert query(by_batch) == expected
    assert extract_source("monitoring", folder).loaded == 0
    assert query(by_batch) == expected

    # Two deliveries of one batch in one run: the `_v2` file wins although it is older.
    _write(folder / "h002_january_v2.csv", columns, _vitals("H002", "2024-01", 5, "90"))
    _age(folder / "h002_january_v2.csv", 600)
    _write(folder / "h002_january_late.csv", columns, _vitals("H002", "2024-01", 6, "91"))
    extract_source("monitoring", folder)
    assert query(by_batch) == [*expected, ("H002", "2024-01", "h002_january_v2.csv", 5, 90.0)]
    assert query(
        "select batch_file, batch_status, status_reason, rows_received, rows_accepted from raw_monitoring.batches "
        "where hospital_id = 'H002' order by all"
    ) == [
        ("h002_january_late.csv", "superseded", "superseded by h002_january_v2.csv", 6, 0),
        ("h002_january_v2.csv", "loaded", None, 5, 5),
    ]
    assert query("select count(*), count(distinct row_id) from raw_monitoring.vitals") == [(10, 10)]
