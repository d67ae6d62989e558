"""Pandera boundary validation of monitoring batches: what is rejected, where, and why."""

from __future__ import annotations

from pathlib import Path

from extract.sources.monitoring.validation import BatchFile, validate_batch

VITALS = """hospital_id,measurement_date,patient_id,vital_type,value,unit
H001,2024-01-05,P1,temperature,37.1,°C
H001,05/01/2024,P1,weight,70.2,kg
H001,2024-01-05,P1,weight,70.2,kg
H001,2024-01-05,P1,weight,70.2,kg
H001,2024-01-32,P2,heart_rate,80,bpm
H001,2024-01-06,P3,respiratory_rate,16,bpm
H001,2024-01-06,P3,temperature,98.6,°C
H001,2024-01-06,P3,heart_rate,n/a,bpm
H002,2024-01-06,P4,heart_rate,70,bpm
H001,2024-01-06,P5,weight,70,stone
"""


def _batch(tmp_path: Path, text: str, name: str = "vitals_H001_2024-01.csv") -> BatchFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    batch = BatchFile.from_path(path)
    assert batch is not None
    return batch


def test_file_name_gives_feed_hospital_month_and_version(tmp_path: Path) -> None:
    batch = BatchFile.from_path(tmp_path / "labs_H002_2024-03_v2.csv")
    assert (batch.feed, batch.hospital_id, batch.month, batch.version) == (
        "labs",
        "H002",
        "2024-03",
        2,
    )
    assert BatchFile.from_path(tmp_path / "notes.csv") is None


def test_each_bad_row_is_reported_with_line_column_and_reason(tmp_path: Path) -> None:
    result = validate_batch(_batch(tmp_path, VITALS))
    problems = {(p.line, p.column): p.reason for p in result.problems}
    assert problems == {
        (5, "<row>"): "duplicate row",
        (6, "measurement_date"): "invalid date: measurement_date='2024-01-32'",
        (7, "vital_type"): "unknown vital_type: vital_type='respiratory_rate'",
        (8, "value"): "value out of physiological range: value='98.6'",
        (9, "value"): "invalid value: value='n/a'",
        (10, "hospital_id"): "hospital mismatch: not the file's hospital H001: hospital_id='H002'",
        (11, "unit"): "unknown unit: unit='stone'",
    }
    assert result.rows_received == 10
    assert [row["line_number"] for row in result.accepted] == [2, 3, 4]
    # Both date formats are read as the same day.
    assert {row["measurement_date"].isoformat() for row in result.accepted} == {"2024-01-05"}


def test_share_of_bad_rows_decides_refusal(tmp_path: Path) -> None:
    result = validate_batch(_batch(tmp_path, VITALS))
    assert result.bad_share == 0.7
    assert result.refusal(0.8) is None
    message = result.refusal(0.2)
    assert message is not None
    assert message.startswith("vitals_H001_2024-01.csv: 7 of 10 rows (70%) failed validation")
    assert "above the 20% threshold" in message
