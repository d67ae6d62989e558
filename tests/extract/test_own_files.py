"""Every source loads the user's own files through ``ctw extract <source> --input PATH``.

Each test copies real-format exports (the public samples in ``CTW_SHARED_DATA`` where their
licence keeps them there, the bundled ones otherwise) into a folder outside the repository,
under names that say nothing of what they hold, nested in subfolders and mixed with files of
other kinds, and runs the CLI on it in a child process. What must load is computed here from the
files themselves. The module arranges every case first, then runs the extractions two at a time,
each into its own empty warehouse (the suite otherwise keeps one core of two busy).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Warehouse


@dataclass(frozen=True)
class Case:
    """One extraction: what the user types, and what the files say must load."""

    source: str | None
    inputs: tuple[Path, ...]
    expected: Any = None


@dataclass(frozen=True)
class Run:
    warehouse: Warehouse
    result: subprocess.CompletedProcess
    case: Case


ARRANGE: dict[str, Callable[[Path, Path, Path], Case]] = {}


def arrange(name: str):
    def register(function: Callable[[Path, Path, Path], Case]) -> Callable[[Path, Path, Path], Case]:
        ARRANGE[name] = function
        return function

    return register


def _extract(warehouse: Warehouse, source: str | None, *inputs: Path) -> subprocess.CompletedProcess:
    args = ["extract", *([source] if source else [])]
    for item in inputs:
        args += ["--input", str(item)]
    return warehouse.ctw(*args, "--no-progress")


def _run(name: str, case: Case) -> Run:
    warehouse = Warehouse(f"own_{name}").reset()
    return Run(warehouse, _extract(warehouse, case.source, *case.inputs), case)


@pytest.fixture(scope="module")
def runs(tmp_path_factory, shared_data: Path, demo_data: Path) -> dict[str, Run]:
    root = tmp_path_factory.mktemp("own_files")
    cases = {name: make(root / name, shared_data, demo_data) for name, make in ARRANGE.items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run, name, case) for name, case in cases.items()}
        return {name: future.result() for name, future in futures.items()}


def _ids(warehouse: Warehouse, sql: str) -> set[str]:
    return {row[0] for row in warehouse.query(sql)}


def _distractors(folder: Path) -> None:
    """Files a user's export folder holds besides the exports."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "README.txt").write_text("Exports received from the data office.\n", encoding="utf-8")
    (folder / "notes.csv").write_text("date,who,what\n2024-01-02,AB,received\n", encoding="utf-8")


@arrange("ctgov")
def _ctgov(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    studies = sorted((shared_data / "clinicaltrials_gov" / "api_v2_json").glob("*.json"))
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
    return Case("ctgov", (inbox,), expected)


def test_ctgov_study_json_and_a_zip_under_other_names(runs):
    own, result, expected = runs["ctgov"].warehouse, runs["ctgov"].result, runs["ctgov"].case.expected
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = _ids(own, "select nct_id from raw_ctgov.studies")
    quarantined = _ids(own, "select record_id from raw_ctgov.quarantine where record_id is not null")
    assert loaded and loaded <= expected
    assert expected <= loaded | quarantined
    assert _ids(own, "select source_location from raw_ctgov.studies where source_location like 'bundle.zip!%'")


@arrange("ictrp")
def _ictrp(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    xml = shared_data / "who_ictrp" / "ictrp_export_machado-t.xml"
    export_csv = shared_data / "who_ictrp" / "ictrp_covid19_export_2020-04-15_first300.csv"
    (inbox / "2020").mkdir(parents=True)
    shutil.copy(xml, inbox / "download.xml")
    shutil.copy(export_csv, inbox / "2020" / "april.csv")
    _distractors(inbox)
    expected = {
        match.strip() for match in re.findall(r"<TrialID>(.*?)</TrialID>", xml.read_text(encoding="utf-8"), re.S)
    }
    with export_csv.open(encoding="utf-8-sig", newline="") as handle:
        expected |= {row["TrialID"].strip() for row in csv.DictReader(handle)}
    return Case("ictrp", (inbox,), expected)


def test_ictrp_xml_and_csv_exports(runs):
    own, result, expected = runs["ictrp"].warehouse, runs["ictrp"].result, runs["ictrp"].case.expected
    assert result.returncode == 0, result.stderr[-3000:]
    # The CSV that is not an ICTRP export is named, not loaded and not quarantined.
    assert "passed over 1 file(s)" in result.stderr and "notes.csv" in result.stderr
    loaded = _ids(own, "select trial_id from raw_ictrp.trials")
    quarantined = _ids(own, "select record_id from raw_ictrp.quarantine where record_id is not null")
    assert loaded and loaded <= expected
    assert expected <= loaded | quarantined


@arrange("euctr")
def _euctr(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    download = shared_data / "euctr" / "euctr_download_text_ctrdata_test.txt"
    inbox.mkdir(parents=True)
    shutil.copy(download, inbox / "search results 12.txt")
    _distractors(inbox)
    expected = set(re.findall(r"^EudraCT Number:\s*(\S+)", download.read_text(encoding="utf-8"), re.M))
    return Case("euctr", (inbox,), expected)


def test_euctr_text_download(runs):
    own, result, expected = runs["euctr"].warehouse, runs["euctr"].result, runs["euctr"].case.expected
    assert result.returncode == 0, result.stderr[-3000:]
    assert "README.txt" in result.stderr  # a .txt that is not a download is named as passed over
    assert _ids(own, "select eudract_number from raw_euctr.protocols") == expected


@arrange("isrctn")
def _isrctn(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    response = demo_data / "isrctn" / "isrctn_api_made_here.xml"
    (inbox / "api").mkdir(parents=True)
    shutil.copy(response, inbox / "api" / "response-page-1.xml")
    shutil.copy(demo_data / "ictrp" / "ictrp_export_made_here.xml", inbox / "other-registry.xml")
    expected = {
        f"ISRCTN{number}" for number in re.findall(r"<isrctn>(\d+)</isrctn>", response.read_text(encoding="utf-8"))
    }
    return Case("isrctn", (inbox,), expected)


def test_isrctn_api_xml(runs):
    own, result, expected = runs["isrctn"].warehouse, runs["isrctn"].result, runs["isrctn"].case.expected
    assert result.returncode == 0, result.stderr[-3000:]
    assert "other-registry.xml" in result.stderr
    assert _ids(own, "select isrctn from raw_isrctn.trials") == expected


@arrange("ema")
def _ema(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    shutil.copytree(demo_data / "ema" / "reports", inbox / "reports")
    shutil.copy(demo_data / "ema" / "cdp_clinical_reports_listing_made_here.csv", inbox / "listing.csv")
    _distractors(inbox)
    with (inbox / "listing.csv").open(encoding="utf-8-sig", newline="") as handle:
        expected = {row["Document ID"] for row in csv.DictReader(handle)}
    return Case("ema", (inbox,), expected)


def test_ema_listing_and_report_pdfs(runs):
    own, result, expected = runs["ema"].warehouse, runs["ema"].result, runs["ema"].case.expected
    assert result.returncode == 0, result.stderr[-3000:]
    loaded = _ids(own, "select document_id from raw_ema.documents")
    quarantined = _ids(own, "select record_id from raw_ema.quarantine where record_id is not null")
    assert loaded and loaded <= expected and expected <= loaded | quarantined
    assert len(_ids(own, "select report_file from raw_ema.reports")) == 3


@arrange("patients")
def _patients(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    inbox.mkdir(parents=True)
    for number, file in enumerate(sorted(p for p in (demo_data / "patients").iterdir() if p.is_file())):
        if file.suffix in (".csv", ".jsonl", ".xlsx"):
            shutil.copy(file, inbox / f"delivery_{number:02d}{file.suffix}")
    _distractors(inbox)
    return Case("patients", (inbox,))


@arrange("patients_as_bundled")
def _patients_as_bundled(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    return Case("patients", ())


def test_patients_files_recognised_by_header_not_name(runs):
    own, result = runs["patients"].warehouse, runs["patients"].result
    bundled = runs["patients_as_bundled"]
    assert bundled.result.returncode == 0, bundled.result.stderr[-3000:]
    assert result.returncode == 0, result.stderr[-3000:]
    # The same content as the bundled delivery, under names that say nothing: the same rows.
    for table in ("patients", "studies", "participations", "medications"):
        sql = f"select count(*) from raw_patients.{table}"
        assert own.query(sql) == bundled.warehouse.query(sql), table
    assert own.query("select count(*) from raw_patients.patients")[0][0] > 0


@arrange("omop")
def _omop(approved: Path, shared_data: Path, demo_data: Path) -> Case:
    approved.mkdir(parents=True)
    lists = sorted((demo_data / "omop" / "cohorts").glob("*.json"))
    for number, cohort in enumerate(lists):
        shutil.copy(cohort, approved / f"approval_{number}.json")
    (approved / "README.txt").write_text("Approved by the board.\n", encoding="utf-8")
    expected = {json.loads(cohort.read_text(encoding="utf-8"))["cohort_id"] for cohort in lists}
    return Case("omop", (approved,), expected)


def test_omop_folder_of_approved_cohort_lists(runs):
    own, result, expected = runs["omop"].warehouse, runs["omop"].result, runs["omop"].case.expected
    assert result.returncode == 0, result.stderr[-3000:]
    assert _ids(own, "select cohort_id from raw_omop.cohorts") == expected
    assert own.query("select count(*) from raw_omop.person")[0][0] > 0


@arrange("nothing_readable")
def _nothing_readable(inbox: Path, shared_data: Path, demo_data: Path) -> Case:
    _distractors(inbox)
    return Case("ictrp", (inbox,), inbox)


def test_a_folder_without_anything_readable_fails_in_one_line(runs):
    result, inbox = runs["nothing_readable"].result, runs["nothing_readable"].case.expected
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, result.stderr
    assert str(inbox) in errors[0] and "nothing to read" in errors[0] and "ICTRP" in errors[0]
    assert "Traceback" not in result.stderr


@arrange("any_source")
def _any_source(mixed: Path, shared_data: Path, demo_data: Path) -> Case:
    mixed.mkdir(parents=True)
    shutil.copy(demo_data / "euctr" / "euctr_download_text_ctrdata_test.txt", mixed / "a.txt")
    shutil.copy(demo_data / "isrctn" / "isrctn_api_made_here.xml", mixed / "b.xml")
    return Case(None, (mixed,))


def test_without_a_source_each_source_reads_what_it_recognises(runs):
    warehouse, result = runs["any_source"].warehouse, runs["any_source"].result
    assert result.returncode == 0, result.stderr[-3000:]
    assert warehouse.query("select count(*) from raw_euctr.protocols")[0][0] > 0
    assert warehouse.query("select count(*) from raw_isrctn.trials")[0][0] > 0
    assert "ctgov: nothing to read under" in result.stderr
    schemas = _ids(warehouse, "select schema_name from information_schema.schemata")
    assert "raw_ictrp" not in schemas and "raw_patients" not in schemas
