"""Every source loads the user's own files through ``ctw extract <source> --input PATH``.

Each test copies real-format exports (the public samples in ``CTW_SHARED_DATA`` where their
licence keeps them there, the bundled ones otherwise) into a folder outside the repository,
under names that say nothing of what they hold, nested in subfolders and mixed with files of
other kinds, and runs the CLI on it in a child process. What must load is computed here from the
files themselves. One warehouse serves the module: each source writes only its own raw schema.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Warehouse


@pytest.fixture(scope="module")
def own() -> Warehouse:
    return Warehouse("own_files").reset()


def _extract(warehouse: Warehouse, source: str | None, *inputs: Path):
    args = ["extract", *([source] if source else [])]
    for item in inputs:
        args += ["--input", str(item)]
    return warehouse.ctw(*args, "--no-progress")


def _ids(warehouse: Warehouse, sql: str) -> set[str]:
    return {row[0] for row in warehouse.query(sql)}


def _distractors(folder: Path) -> None:
    """Files a user's export folder holds besides the exports."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.txt").write_text("Exports received from the data office.\n", encoding="utf-8")
    (folder / "notes.csv").write_text("date,who,what\n2024-01-02,AB,received\n", encoding="utf-8")


def test_ctgov_study_json_and_a_zip_under_other_names(own, shared_data, tmp_path):
    studies = sorted((shared_data / "clinicaltrials_gov" / "api_v2_json").glob("*.json"))
    inbox = tmp_path / "inbox"
    (inbox / "loose").mkdir(parents=True)
    half = len(studies) // 2
    for number, study in enumerate(studies[:half]):
        shutil.copy(study, inbox / "loose" / f"record_{number}.json")
    with zipfile.ZipFile(inbox / "bundle.zip", "w") as bundle:
        for number, study in enumerate(studies[half:]):
            bundle.write(study, arcname=f"part/{number}.json")
    _distractors(inbox)
    expected = {
        json.loads(study.read_text(encoding="utf-8"))["protocolSection"]["identificationModule"]["nctId"]
        for study in studies
    }

    result = _extract(own, "ctgov", inbox)

    assert result.returncode == 0, result.stderr[-3000:]
    loaded = _ids(own, "select nct_id from raw_ctgov.studies")
    quarantined = _ids(own, "select record_id from raw_ctgov.quarantine where record_id is not null")
    assert loaded and loaded <= expected
    assert expected <= loaded | quarantined
    assert _ids(own, "select source_location from raw_ctgov.studies where source_location like 'bundle.zip!%'")


def test_ictrp_xml_and_csv_exports(own, shared_data, tmp_path):
    xml = shared_data / "who_ictrp" / "ictrp_export_machado-t.xml"
    export_csv = shared_data / "who_ictrp" / "ictrp_covid19_export_2020-04-15_first300.csv"
    inbox = tmp_path / "who"
    (inbox / "2020").mkdir(parents=True)
    shutil.copy(xml, inbox / "download.xml")
    shutil.copy(export_csv, inbox / "2020" / "april.csv")
    _distractors(inbox)
    expected = {
        match.strip() for match in re.findall(r"<TrialID>(.*?)</TrialID>", xml.read_text(encoding="utf-8"), re.S)
    }
    with export_csv.open(encoding="utf-8-sig", newline="") as handle:
        expected |= {row["TrialID"].strip() for row in csv.DictReader(handle)}

    result = _extract(own, "ictrp", inbox)

    assert result.returncode == 0, result.stderr[-3000:]
    # The two files that are not ICTRP exports are named, not loaded and not quarantined.
    assert "passed over 1 file(s)" in result.stderr and "notes.csv" in result.stderr
    loaded = _ids(own, "select trial_id from raw_ictrp.trials")
    quarantined = _ids(own, "select record_id from raw_ictrp.quarantine where record_id is not null")
    assert loaded and loaded <= expected
    assert expected <= loaded | quarantined


def test_euctr_text_download(own, shared_data, tmp_path):
    download = shared_data / "euctr" / "euctr_download_text_ctrdata_test.txt"
    inbox = tmp_path / "eu register"
    inbox.mkdir()
    shutil.copy(download, inbox / "search results 12.txt")
    _distractors(inbox)
    expected = set(re.findall(r"^EudraCT Number:\s*(\S+)", download.read_text(encoding="utf-8"), re.M))

    result = _extract(own, "euctr", inbox)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "README.txt" in result.stderr  # a .txt that is not a download is named as passed over
    assert _ids(own, "select eudract_number from raw_euctr.protocols") == expected


def test_isrctn_api_xml(own, demo_data, tmp_path):
    response = demo_data / "isrctn" / "isrctn_api_made_here.xml"
    inbox = tmp_path / "isrctn"
    (inbox / "api").mkdir(parents=True)
    shutil.copy(response, inbox / "api" / "response-page-1.xml")
    shutil.copy(demo_data / "ictrp" / "ictrp_export_made_here.xml", inbox / "other-registry.xml")
    expected = {
        f"ISRCTN{number}" for number in re.findall(r"<isrctn>(\d+)</isrctn>", response.read_text(encoding="utf-8"))
    }

    result = _extract(own, "isrctn", inbox)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "other-registry.xml" in result.stderr
    assert _ids(own, "select isrctn from raw_isrctn.trials") == expected


def test_ema_listing_and_report_pdfs(own, demo_data, tmp_path):
    inbox = tmp_path / "ema"
    shutil.copytree(demo_data / "ema" / "reports", inbox / "reports")
    shutil.copy(demo_data / "ema" / "cdp_clinical_reports_listing_made_here.csv", inbox / "listing.csv")
    _distractors(inbox)
    with (inbox / "listing.csv").open(encoding="utf-8-sig", newline="") as handle:
        expected = {row["Document ID"] for row in csv.DictReader(handle)}

    result = _extract(own, "ema", inbox)

    assert result.returncode == 0, result.stderr[-3000:]
    loaded = _ids(own, "select document_id from raw_ema.documents")
    quarantined = _ids(own, "select record_id from raw_ema.quarantine where record_id is not null")
    assert loaded and loaded <= expected and expected <= loaded | quarantined
    assert len(_ids(own, "select report_file from raw_ema.reports")) == 3


def test_patients_files_recognised_by_header_not_name(own, demo_data, tmp_path):
    inbox = tmp_path / "site deliveries"
    inbox.mkdir()
    for number, file in enumerate(sorted(p for p in (demo_data / "patients").iterdir() if p.is_file())):
        if file.suffix in (".csv", ".jsonl", ".xlsx"):
            shutil.copy(file, inbox / f"delivery_{number:02d}{file.suffix}")
    _distractors(inbox)

    bundled = Warehouse("scratch").reset()
    assert _extract(bundled, "patients").returncode == 0

    result = _extract(own, "patients", inbox)

    assert result.returncode == 0, result.stderr[-3000:]
    # The same content as the bundled delivery, under names that say nothing: the same rows.
    for table in ("patients", "studies", "participations", "medications"):
        sql = f"select count(*) from raw_patients.{table}"
        assert own.query(sql) == bundled.query(sql), table
    assert own.query("select count(*) from raw_patients.patients")[0][0] > 0


def test_omop_folder_of_approved_cohort_lists(own, demo_data, tmp_path):
    approved = tmp_path / "approved"
    approved.mkdir()
    lists = sorted((demo_data / "omop" / "cohorts").glob("*.json"))
    for number, cohort in enumerate(lists):
        shutil.copy(cohort, approved / f"approval_{number}.json")
    (approved / "README.txt").write_text("Approved by the board.\n", encoding="utf-8")
    expected = {json.loads(cohort.read_text(encoding="utf-8"))["cohort_id"] for cohort in lists}

    result = _extract(own, "omop", approved)

    assert result.returncode == 0, result.stderr[-3000:]
    assert _ids(own, "select cohort_id from raw_omop.cohorts") == expected
    assert own.query("select count(*) from raw_omop.person")[0][0] > 0


def test_a_folder_without_anything_readable_fails_in_one_line(own, tmp_path):
    inbox = tmp_path / "nothing here"
    _distractors(inbox)

    result = _extract(own, "ictrp", inbox)

    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, result.stderr
    assert str(inbox) in errors[0] and "nothing to read" in errors[0] and "ICTRP" in errors[0]
    assert "Traceback" not in result.stderr


def test_without_a_source_each_source_reads_what_it_recognises(tmp_path, demo_data):
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(demo_data / "euctr" / "euctr_download_text_ctrdata_test.txt", mixed / "a.txt")
    shutil.copy(demo_data / "isrctn" / "isrctn_api_made_here.xml", mixed / "b.xml")
    warehouse = Warehouse("scratch").reset()

    result = _extract(warehouse, None, mixed)

    assert result.returncode == 0, result.stderr[-3000:]
    assert warehouse.query("select count(*) from raw_euctr.protocols")[0][0] > 0
    assert warehouse.query("select count(*) from raw_isrctn.trials")[0][0] > 0
    assert "ctgov: nothing to read under" in result.stderr
    schemas = _ids(warehouse, "select schema_name from information_schema.schemata")
    assert "raw_ictrp" not in schemas and "raw_patients" not in schemas
