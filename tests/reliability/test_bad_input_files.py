"""The patient-file and hospital-monitoring bad-input corpus (tests/data/bad/patients/ and
tests/data/bad/monitoring/): each broken file beside a valid one gives exactly the quarantine
rows expected, naming file, record and field with the reason; the valid rows of the batch load;
a monitoring batch that cannot be read at all fails the run with an error naming the file,
after everything else was loaded."""

from __future__ import annotations

import csv
import shutil

import pytest

from extract.runner import extract_source
from extract.sources.monitoring import BatchRejected
from tests.reliability.bad_input import (
    CORPUS,
    FIFTY_MB,
    Quarantined,
    assert_outcome,
    assert_quarantined,
    batch,
    quarantine_rows,
)

PATIENTS_VALID = {"BOS-0011", "BOS-0012"}
PATIENTS_PAIR = {"BOS-0001", "BOS-0002"}
PATIENT_CASES = {
    "latin1_patients.csv": (set(), [Quarantined("latin1_patients.csv", None, "<file>", "byte 0xe8 at offset")]),
    "utf16_with_bom_patients.csv": (PATIENTS_PAIR, []),
    "utf8_with_bom_patients.csv": (PATIENTS_PAIR, []),
    "missing_column_patients.csv": (
        set(),
        [Quarantined("missing_column_patients.csv", None, "<header>", "missing required column(s) patient_ref")],
    ),
    "renamed_column_patients.csv": (
        set(),
        [Quarantined("renamed_column_patients.csv", None, "<header>", "'patient_no' may be 'patient_ref' renamed")],
    ),
    "empty_patients.csv": (set(), [Quarantined("empty_patients.csv", None, "<file>", "empty file")]),
    "negative_age_patients.csv": (
        PATIENTS_PAIR,
        [Quarantined("negative_age_patients.csv line 2", "BOS-0001", "age", "negative age '-5 y'")],
    ),
}


@pytest.mark.parametrize("case", sorted(PATIENT_CASES))
def test_patients_bad_file(case, tmp_path, warehouse, query):
    loaded, expected = PATIENT_CASES[case]
    summary = extract_source("patients", batch(tmp_path, "patients", "valid_patients.csv", case))
    assert_outcome(summary, query, "raw_patients", "select patient_ref from raw_patients.patients",
                   PATIENTS_VALID | loaded, expected)


def test_patients_utf16_keeps_the_accents(tmp_path, warehouse, query):
    extract_source("patients", batch(tmp_path, "patients", "utf16_with_bom_patients.csv"))
    assert query("select last_name from raw_patients.patients where patient_ref = 'BOS-0001'") == [
        ("Lefèvre-Müller",)
    ]


def test_patients_negative_age_is_not_loaded(tmp_path, warehouse, query):
    extract_source("patients", batch(tmp_path, "patients", "negative_age_patients.csv"))
    assert query("select age from raw_patients.patients where patient_ref = 'BOS-0001'") == [(None,)]


def test_patients_50_mb_cell_is_refused_by_field_and_the_rest_of_the_file_loads(tmp_path, warehouse, query):
    folder = batch(tmp_path, "patients", "valid_patients.csv")
    rows = list(csv.reader((CORPUS / "patients" / "utf8_with_bom_patients.csv").open(encoding="utf-8-sig")))
    rows[1][rows[0].index("Given Name")] = "x" * FIFTY_MB
    with (folder / "huge_field_patients.csv").open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)

    extract_source("patients", folder)

    assert {r[0] for r in query("select patient_ref from raw_patients.patients")} == PATIENTS_VALID | PATIENTS_PAIR
    assert query("select first_name from raw_patients.patients where patient_ref = 'BOS-0001'") == [(None,)]
    assert_quarantined(quarantine_rows(query, "raw_patients"), [
        Quarantined("huge_field_patients.csv line 2", "BOS-0001", "first_name", "value of 50000000 characters")
    ])


BAD_BATCH = "vitals_H002_2024-01.csv"
VALID_BATCH = "vitals_H001_2024-01.csv"
VALID_ROWS = 10
# case -> (rows of the bad batch loaded, expected quarantine rows, whether the run fails)
MONITORING_CASES = {
    "latin1.csv": (0, [Quarantined(BAD_BATCH, "1", "<file>", "byte 0xb0 at offset")], True),
    "utf16_with_bom.csv": (10, [], False),
    "utf8_with_bom.csv": (10, [], False),
    "missing_column.csv": (0, [Quarantined(BAD_BATCH, "1", "<file>", "missing required column(s) unit")], True),
    "renamed_column.csv": (
        0, [Quarantined(BAD_BATCH, "1", "<file>", "'vital_sign' may be 'vital_type' renamed")], True
    ),
    # An empty file is a notice naming it (docs/monitoring.md), not a refused batch.
    "empty.csv": (0, [], False),
    "unknown_unit.csv": (9, [Quarantined(BAD_BATCH, "3", "unit", "unknown unit: unit='stone'")], False),
    "future_date.csv": (
        9, [Quarantined(BAD_BATCH, "4", "measurement_date", "date in the future: measurement_date='26/01/2999'")],
        False,
    ),
    "impossible_date.csv": (
        9, [Quarantined(BAD_BATCH, "5", "measurement_date", "invalid date: measurement_date='2024-02-30'")], False
    ),
}


@pytest.mark.parametrize("case", sorted(MONITORING_CASES))
def test_monitoring_bad_batch(case, tmp_path, warehouse, query):
    loaded, expected, fails = MONITORING_CASES[case]
    batches = tmp_path / "batches"
    batches.mkdir(parents=True)
    shutil.copy(CORPUS / "monitoring" / "valid.csv", batches / VALID_BATCH)
    shutil.copy(CORPUS / "monitoring" / case, batches / BAD_BATCH)

    if fails:
        with pytest.raises(BatchRejected, match=rf"^{BAD_BATCH}: "):
            extract_source("monitoring", batches)
    else:
        assert extract_source("monitoring", batches).quarantined == len(expected)

    counts = dict(query("select batch_file, count(*) from raw_monitoring.vitals group by 1"))
    assert counts == {VALID_BATCH: VALID_ROWS, **({BAD_BATCH: loaded} if loaded else {})}
    if expected:
        assert_quarantined(quarantine_rows(query, "raw_monitoring"), expected)
