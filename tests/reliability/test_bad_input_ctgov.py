"""The ClinicalTrials.gov bad-input corpus: every broken file is quarantined with a reason,
every valid record in the same batch is loaded, and nothing raises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from extract.runner import extract_source
from extract.settings import DEMO_DATA_DIR

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad" / "ctgov"

EXPECTED_REJECTIONS = {
    "truncated.json": ("<file>", "invalid JSON at line 1"),
    "empty.json": ("<file>", "empty file"),
    "latin1.json": ("<file>", "looks Latin-1"),
    "duplicated_keys.json": ("<file>", "duplicated JSON key 'nctId'"),
    "impossible_date.json": ("protocolSection.statusModule.startDateStruct.date", "not a calendar date"),
    "future_update.json": ("protocolSection.statusModule.lastUpdatePostDateStruct.date", "in the future"),
    "negative_age.json": ("protocolSection.eligibilityModule.minimumAge", "unrecognised age '-5 Years'"),
    "unknown_age_unit.json": ("protocolSection.eligibilityModule.maximumAge", "unrecognised age '18 Fortnights'"),
    "negative_enrollment.json": ("protocolSection.designModule.enrollmentInfo.count", "greater than or equal to 0"),
    "not_an_object.json": ("<record>", "expected a JSON object"),
    "huge_field.json": ("protocolSection.descriptionModule.briefSummary", "at most 100000 characters"),
}


def test_bad_files_are_quarantined_and_valid_records_load(tmp_path, query, warehouse):
    batch = shutil.copytree(CORPUS, tmp_path / "batch")
    shutil.copy(DEMO_DATA_DIR / "ctgov" / "studies" / "NCT03630471.json", batch)
    huge = json.loads((batch / "NCT03630471.json").read_text())
    huge["protocolSection"]["identificationModule"]["nctId"] = "NCT90000012"
    huge["protocolSection"]["descriptionModule"]["briefSummary"] = "x" * 50_000_000
    (batch / "huge_field.json").write_text(json.dumps(huge))

    # Each file named: a named file is read whatever its content (in a folder, a JSON file that
    # is not study records, like not_an_object.json, would be passed over with a notice).
    summary = extract_source("ctgov", sorted(batch.iterdir()))

    loaded = {row[0] for row in query("select nct_id from raw_ctgov.studies")}
    assert loaded == {"NCT03630471", "NCT90000003", "NCT90000004", "NCT90000011"}
    rejected = {
        location: (field, reason)
        for location, field, reason in query("select location, field, reason from raw_ctgov.quarantine")
    }
    assert set(rejected) == set(EXPECTED_REJECTIONS)
    for location, (field, reason) in EXPECTED_REJECTIONS.items():
        assert rejected[location][0] == field, location
        assert reason in rejected[location][1], (location, rejected[location][1])
    assert summary.quarantined == len(EXPECTED_REJECTIONS)
    # The oversized record is kept for inspection, truncated.
    assert query("select max(length(raw_record)) from raw_ctgov.quarantine")[0][0] < 25_000
    # The formula stays data in the warehouse; CSV exports neutralise it.
    assert query("select brief_title from raw_ctgov.studies where nct_id = 'NCT90000011'") == [
        ('=HYPERLINK("http://example.invalid","click")',)
    ]
