"""The patient-files source: generator, file reading, quarantine, incremental re-runs."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path

import pytest

from extract.runner import extract_source
from extract.sources.patients.helpers import sniff_delimiter, table_for
from extract.sources.patients.models import canonical_header
from sample_data.patients import DEFAULT_OUT as DEMO_FILES
from sample_data.patients import DEFAULT_SEED, DEFAULT_TRUTH, generate


def test_generator_reproduces_the_bundled_files(tmp_path: Path) -> None:
    """The files and, in their own folder, the truth."""
    generate(tmp_path / "patients", DEFAULT_SEED)
    pairs = ((DEMO_FILES, tmp_path / "patients"), (DEFAULT_TRUTH, tmp_path / "patients_truth"))
    for bundled_dir, produced_dir in pairs:
        bundled = sorted(
            p.relative_to(bundled_dir) for p in bundled_dir.rglob("*") if p.is_file() and p.name != "NOTICE.md"
        )
        produced = sorted(p.relative_to(produced_dir) for p in produced_dir.rglob("*") if p.is_file())
        assert produced == bundled
        mismatched = [str(p) for p in bundled if not _same_content(bundled_dir / p, produced_dir / p)]
        assert mismatched == []


def _same_content(left: Path, right: Path) -> bool:
    """Byte-equal, except workbooks (zip entries carry the time they were written): cell-equal."""
    if left.suffix != ".xlsx":
        return filecmp.cmp(left, right, shallow=False)
    from openpyxl import load_workbook

    def cells(path: Path) -> dict[str, list[tuple]]:
        book = load_workbook(path, read_only=True)
        try:
            return {
                sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets
            }
        finally:
            book.close()

    return cells(left) == cells(right)


def test_generator_truth_holds_the_injected_faults() -> None:
    kpis = json.loads((DEFAULT_TRUTH / "expected_kpis.json").read_text())
    assert kpis["trials_with_data_issues"]["studies_with_issues"] == [
        "SPX-101",
        "SPX-103",
        "SPX-105",
        "SPX-106",
    ]
    patients = (DEFAULT_TRUTH / "patients.csv").read_text().splitlines()[1:]
    assert any("|" in line.split(",")[-1] for line in patients), (
        "some patients are registered at two sites"
    )


@pytest.mark.parametrize(
    ("header", "table", "expected"),
    [
        ("Patient ID", "patients", "patient_ref"),
        ("DOB", "patients", "birth_date"),
        ("registeredOn", "patients", "registered_on"),
        ("icd10", "participations", "diagnosis_code"),
        ("Stop", "medications", "ended_on"),
        ("Batch No.", "medications", "batch_no"),
    ],
)
def test_headers_map_to_canonical_names(header: str, table: str, expected: str) -> None:
    assert canonical_header(table, header) == expected


def test_file_and_sheet_names_route_to_tables() -> None:
    assert table_for("participations_batch1.csv") == "participations"
    assert table_for("site_berlin_patients.csv") == "patients"
    assert table_for("medications") == "medications"
    assert table_for("sponsor_studies.xlsx") == "studies"
    assert table_for("readme.csv") is None
    assert sniff_delimiter("a;b;c") == ";"
    assert sniff_delimiter("a,b;c,d") == ","


def _counts(query) -> dict[str, int]:
    tables = ("patients", "studies", "participations", "medications", "quarantine")
    return {t: query(f"select count(*) from raw_patients.{t}")[0][0] for t in tables}


def test_load_quarantines_bad_rows_and_reruns_change_nothing(warehouse: Path, query) -> None:
    first = extract_source("patients", DEMO_FILES)
    counts = _counts(query)
    assert counts == {
        "patients": 156,
        "studies": 8,
        "participations": 197,
        "medications": 295,
        "quarantine": 2,
    }
    assert first.quarantined == 2
    rejected = query(
        "select location, field, reason from raw_patients.quarantine order by location"
    )
    assert rejected[0][0] == "medications_export.csv line 218"
    assert rejected[0][1:] == ("patient_ref", "required field patient_ref is empty")
    assert rejected[1][0] == "participations_batch2.jsonl line 51"
    assert rejected[1][2].startswith("not valid JSON")
    # Values stay text as delivered, with their location.
    assert query(
        "select registered_on, source_sheet, source_line from raw_patients.patients "
        "where patient_ref = 'LYO-0001'"
    ) == [("2020-12-31", "patients", 2)]

    again = extract_source("patients", DEMO_FILES)
    assert again.loaded == 0
    assert _counts(query) == counts


def test_changed_file_is_reloaded_without_duplicates(
    warehouse: Path, tmp_path: Path, query
) -> None:
    inbox = tmp_path / "inbox"
    shutil.copytree(DEMO_FILES, inbox)
    extract_source("patients", inbox)
    before = _counts(query)
    with (inbox / "site_boston_patients.csv").open("a", encoding="utf-8") as handle:
        handle.write("BOS-0999,New,Person,F,1990-01-01,,Canada,2024-01-01\n")
    summary = extract_source("patients", inbox)
    assert summary.rows == {"patients": 39}  # only the changed file (38 rows + 1) is read again
    after = _counts(query)
    assert after["patients"] == before["patients"] + 1
    assert {k: v for k, v in after.items() if k != "patients"} == {
        k: v for k, v in before.items() if k != "patients"
    }
    assert query("select count(*) - count(distinct record_id) from raw_patients.patients") == [(0,)]
