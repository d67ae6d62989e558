"""Monitoring files at the boundary: recognised by header, every bad row reported with line,
column and reason, and the rows grouped into (feed, hospital, month) batches."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extract.sources.monitoring.validation import (
    UNATTRIBUTED,
    batch_keys,
    feed_of,
    file_version,
    is_monitoring_file,
    validate_file,
)
from extract.sources.monitoring.vocabulary import MEASURES_SEED, UNITS_SEED, VocabularyError, load, vocabulary
from tests.conftest import PROJECT_DIR

VITALS = """hospital_id,measurement_date,patient_id,vital_type,value,unit
H001,2024-01-05,P1,temperature,37.1,°C
H001,05/01/2024,P1,weight,70.2,kg
H001,2024-01-05,P1,weight,70.2,kg
H001,2024-01-05,P1,weight,70.2,kg
H001,2024-01-32,P2,heart_rate,80,bpm
H001,2024-01-06,P3,pain_score,3,{score}
H001,2024-01-06,P3,temperature,98.6,°C
H001,2024-01-06,P3,heart_rate,n/a,bpm
H002,2024-01-06,P4,heart_rate,70,bpm
H001,2024-01-06,P5,weight,70,stone
"""


def _by_key(text: str, location: str = "vitals_H001_2024-01.csv"):
    validated = validate_file(location, text.encode("utf-8"))
    return {(batch.hospital_id, batch.month): batch for batch in validated.batches}


def test_the_feed_comes_from_the_header_in_any_order_case_spacing_bom_or_delimiter() -> None:
    assert feed_of(["hospital_id", "measurement_date", "patient_id", "vital_type", "value", "unit"]) == "vitals"
    labs = ["unit", " Reference_Range ", "RESULT_VALUE", "test_type", "patient_id", "test_date", "Hospital ID"]
    assert feed_of(labs) == "labs"
    assert is_monitoring_file(codecs.BOM_UTF8 + ";".join(labs).encode("utf-8") + b"\nH001;...\n")
    assert is_monitoring_file("hospital_id,measurement_date,patient_id,vital_type,value,unit".encode("utf-16"))
    # All but one of a feed's columns: that feed's file with a column missing or renamed.
    assert feed_of(["hospital_id", "measurement_date", "patient_id", "vital_sign", "value", "unit"]) == "vitals"
    # The generator's truth files and other CSVs are not monitoring feeds.
    truth = "feed,hospital_id,month,measurement_date,patient_id,measure,standard_unit,standard_value,is_abnormal"
    assert not is_monitoring_file(truth.encode())
    assert not is_monitoring_file(b"trial_id,title\nNCT1,x\n")


def test_version_comes_from_the_name_suffix() -> None:
    assert file_version("labs/labs_H002_2024-03_v2.csv") == 2
    assert file_version("vitals_2024_V12.csv") == 12
    assert file_version("vitals_2024.csv") == 1
    assert file_version("deliveries.zip!march/vitals_v3.csv") == 3


def test_each_bad_row_is_reported_with_line_column_and_reason() -> None:
    batches = _by_key(VITALS)
    assert set(batches) == {("H001", "2024-01"), ("H002", "2024-01")}
    h001 = batches[("H001", "2024-01")]
    problems = {(p.line, p.column): p.reason for p in h001.problems}
    assert problems == {
        # The same measurement as line 3 (another date format, the same value), then an exact repeat.
        (4, "<row>"): "duplicate row",
        (5, "<row>"): "duplicate row",
        (6, "measurement_date"): "invalid date: measurement_date='2024-01-32'",
        (7, "vital_type"): "unknown vital_type: vital_type='pain_score'",
        (8, "value"): "value out of physiological range: value='98.6' (98.6 Cel; possible 25 to 45 Cel)",
        (9, "value"): "invalid value: value='n/a'",
        (11, "unit"): "unknown unit: unit='stone' for weight",
    }
    assert h001.rows_received == 9
    assert (h001.rows_unknown_vocabulary, h001.rows_rejected_known) == (2, 5)
    assert [row["line_number"] for row in h001.accepted] == [2, 3]
    # Both date formats are read as the same day.
    assert {row["measurement_date"].isoformat() for row in h001.accepted} == {"2024-01-05"}
    # Another hospital's row is another batch, not a mismatch.
    h002 = batches[("H002", "2024-01")]
    assert (h002.rows_received, h002.problems, [r["line_number"] for r in h002.accepted]) == (1, [], [10])
    assert h002.batch_id == "vitals_H001_2024-01.csv#vitals/H002/2024-01"


def test_share_of_bad_rows_decides_refusal() -> None:
    h001 = _by_key(VITALS)[("H001", "2024-01")]
    # Rows of an unknown measure or unit (lines 7 and 11) do not count either way.
    assert round(h001.bad_share, 4) == round(5 / 7, 4)
    assert h001.refusal(0.8) is None
    message = h001.refusal(0.2)
    assert message is not None
    assert message.startswith(
        "vitals_H001_2024-01.csv (vitals, hospital H001, 2024-01): 5 of 7 rows of known measures and units (71%) "
        "failed validation"
    )
    assert "above the 20% threshold" in message


def test_rows_of_many_hospitals_and_months_form_batches_and_unreadable_ones_are_attributed() -> None:
    text = """hospital_id,measurement_date,patient_id,vital_type,value,unit
H001,2024-01-05,P1,heart_rate,70,bpm
H001,2024-02-05,P1,heart_rate,71,bpm
H002,03/01/2024,P2,heart_rate,72,bpm
H001,yesterday,P1,heart_rate,73,bpm
H002,31/13/2024,P2,heart_rate,74,bpm
,2024-02-09,P3,heart_rate,75,bpm
,2024-03-09,P3,heart_rate,76,bpm
H001,26/01/2999,P1,heart_rate,77,bpm
"""
    batches = _by_key(text, "vitals_2024.csv")
    lines = {
        key: ([row["line_number"] for row in batch.accepted], sorted({p.line for p in batch.problems}))
        for key, batch in batches.items()
    }
    assert lines == {
        ("H001", "2024-01"): ([2], []),
        # The only batch of February: the row with no hospital counts against it.
        ("H001", "2024-02"): ([3], [7]),
        # The only batch of H002: its row with an impossible date counts against it.
        ("H002", "2024-01"): ([4], [6]),
        # H001 has two months and no batch has March: these rows belong to no single batch.
        (UNATTRIBUTED, UNATTRIBUTED): ([], [5, 8, 9]),
    }
    unattributed = batches[(UNATTRIBUTED, UNATTRIBUTED)]
    assert (unattributed.rows_received, unattributed.file_rows) == (3, 8)
    assert unattributed.batch_id == "vitals_2024.csv#vitals/?/?"
    assert unattributed.refusal(0.5) is None
    assert unattributed.refusal(0.2).startswith(
        "vitals_2024.csv (rows with no readable hospital or date): 3 of the file's 8 rows (38%)"
    )
    assert batch_keys(text.encode()) == {
        ("vitals", "H001", "2024-01"),
        ("vitals", "H001", "2024-02"),
        ("vitals", "H002", "2024-01"),
    }


def test_a_file_that_cannot_be_read_is_one_refused_batch_naming_why() -> None:
    header_only = validate_file("labs_2024.csv", b"hospital_id,test_date,patient_id,test_type,result_value,unit\n")
    (batch,) = header_only.batches
    assert batch.key == ("labs", UNATTRIBUTED, UNATTRIBUTED)
    assert [(p.line, p.column) for p in batch.problems] == [(1, "<file>")]
    assert batch.refusal(1.0) == (
        "labs_2024.csv: unreadable file: missing required column(s) reference_range; header is "
        "['hospital_id', 'test_date', 'patient_id', 'test_type', 'result_value', 'unit']"
    )


def test_a_header_only_or_blank_file_is_empty_not_refused() -> None:
    for data in (b"hospital_id,measurement_date,patient_id,vital_type,value,unit\n", b"", b" \n"):
        (batch,) = validate_file("vitals_2024.csv", data).batches
        assert batch.is_empty and batch.problems == [] and batch.refusal(0.0) is None



def _seeds(tmp_path: Path, extra_measure: str = "", extra_unit: str = "") -> Path:
    """A copy of the project's vocabulary seeds with rows appended."""
    seeds = PROJECT_DIR / "seeds"
    (tmp_path / MEASURES_SEED).write_text((seeds / MEASURES_SEED).read_text(encoding="utf-8") + extra_measure)
    (tmp_path / UNITS_SEED).write_text((seeds / UNITS_SEED).read_text(encoding="utf-8") + extra_unit)
    return tmp_path


def test_the_briefs_names_and_common_spellings_are_in_the_vocabulary() -> None:
    vocab = vocabulary()
    for feed, name, code in [
        ("vitals", "blood_pressure_systolic", "systolic_bp"),
        ("vitals", "Blood Pressure-Diastolic", "diastolic_bp"),
        ("vitals", "SBP", "systolic_bp"),
        ("vitals", "respiratory_rate", "respiratory_rate"),
        ("vitals", "oxygen_saturation", "oxygen_saturation"),
        ("labs", "cholesterol", "total_cholesterol"),
        ("labs", "creatinine", "creatinine"),
        ("labs", "WBC", "white_blood_cells"),
    ]:
        measure = vocab.measure(feed, name)
        assert measure is not None and measure.code == code, name
    temperature = vocab.measure("vitals", "temperature")
    for spelling in ("°C", "C", "degC", "Cel"):
        assert vocab.conversion(temperature, spelling).apply(37.5) == 37.5
    for spelling in ("°F", "F", "degF", " DEG F "):
        assert vocab.conversion(temperature, spelling).apply(212) == pytest.approx(100)
    creatinine = vocab.measure("labs", "creatinine")
    for spelling in ("µmol/L", "umol/L", "μmol/L"):
        assert vocab.conversion(creatinine, spelling).apply(88.4) == pytest.approx(88.4 * 113.12 / 10000)
    glucose = vocab.measure("labs", "glucose")
    assert vocab.conversion(glucose, "mmol/L").apply(5) == pytest.approx(5 * 18.0156)
    # G/L is giga per litre for white cells, grams per litre for haemoglobin.
    assert vocab.conversion(vocab.measure("labs", "wbc"), "G/L").apply(7) == 7
    assert vocab.conversion(vocab.measure("labs", "hb"), "g/L").apply(140) == pytest.approx(14)
    # A molar unit converts only measures with a molar mass; a glucose is not a vital sign.
    assert vocab.conversion(vocab.measure("labs", "sodium"), "µmol/L") is None
    assert vocab.measure("vitals", "glucose") is None


def test_a_measure_and_a_spelling_added_as_seed_rows_are_accepted(tmp_path: Path) -> None:
    text = """hospital_id,measurement_date,patient_id,vital_type,value,unit
H001,2024-01-05,P1,map,92,mmHg
H001,2024-01-05,P2,weight,11,stone
"""
    before = _by_key(text)[("H001", "2024-01")]
    assert [p.reason for p in before.problems] == [
        "unknown vital_type: vital_type='map'",
        "unknown unit: unit='stone' for weight",
    ]
    seeds = _seeds(
        tmp_path,
        extra_measure="mean_arterial_pressure,vitals,Mean arterial pressure,map,8478-0,mm[Hg],,20,250,70,100\n",
        extra_unit="stone,kg,,,6.35029318,1,,false\n",
    )
    after = validate_file("vitals.csv", text.encode(), vocab=load(seeds))
    (batch,) = after.batches
    assert batch.problems == []
    assert [(row["vital_type"], row["value"]) for row in batch.accepted] == [("map", 92.0), ("weight", 11.0)]


def test_a_seed_row_the_vocabulary_cannot_use_is_named(tmp_path: Path) -> None:
    twice = "mean_arterial_pressure,vitals,M,map,,mm[Hg],,1,2,,\nmap_2,vitals,M,map,,mm[Hg],,1,2,,\n"
    with pytest.raises(VocabularyError, match="'map' already names 'mean_arterial_pressure'"):
        load(_seeds(tmp_path, extra_measure=twice))
    with pytest.raises(VocabularyError, match="must be lower case"):
        load(_seeds(tmp_path, extra_measure="peak_flow,vitals,Peak flow,Peak Flow,,L/min,,1,2,,\n"))


def test_hospitals_declared_month_first_and_dates_against_their_order() -> None:
    text = """hospital_id,measurement_date,patient_id,vital_type,value,unit
US1,01/31/2024,P1,heart_rate,70,bpm
US1,01/02/2024,P2,heart_rate,71,bpm
US1,31/01/2024,P3,heart_rate,72,bpm
EU1,01/02/2024,P4,heart_rate,73,bpm
"""
    batches = {
        b.key: b for b in validate_file("v.csv", text.encode(), conventions={"US1": "month_first"}).batches
    }
    us = batches[("vitals", "US1", "2024-01")]
    assert [(row["line_number"], row["measurement_date"].isoformat()) for row in us.accepted] == [
        (2, "2024-01-31"),
        (3, "2024-01-02"),
    ]
    assert [p.reason for p in us.problems] == [
        "ambiguous date: measurement_date='31/01/2024' (wrong order under month_first at US1)"
    ]
    # Another hospital keeps the default: day first.
    assert [r["measurement_date"].isoformat() for r in batches[("vitals", "EU1", "2024-02")].accepted] == ["2024-02-01"]
