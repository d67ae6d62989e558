"""The ClinicalTrials.gov extractor against a real HTTP server and real v2 records."""

from __future__ import annotations

import copy
import json
import zipfile

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed

from extract.runner import extract_source
from extract.sources.ctgov.helpers import CtgovPageError

from .conftest import STUDY_FILES, last_update, load_studies, write_studies

VALID_IDS = {
    json.loads(p.read_text())["protocolSection"]["identificationModule"]["nctId"]
    for p in STUDY_FILES
    if last_update(json.loads(p.read_text()))
}


def test_api_follows_page_tokens_across_pages(api_url, fake_api, query):
    summary = extract_source("ctgov", api=True, base_url=api_url, page_size=5)

    assert len(fake_api.requests) >= 3
    assert [r.get("pageToken") for r in fake_api.requests] == [None, ["5"], ["10"], ["15"]][
        : len(fake_api.requests)
    ]
    assert all(r["pageSize"] == ["5"] for r in fake_api.requests)
    ids = {row[0] for row in query("select nct_id from raw_ctgov.studies")}
    assert ids == VALID_IDS
    assert summary.quarantined == 4  # two stub records, two missing fields each


def test_second_run_requests_only_studies_updated_since_the_last(api_url, fake_api, query):
    extract_source("ctgov", api=True, base_url=api_url, page_size=5)
    newest = max(d for s in load_studies() if (d := last_update(s)))
    first_run_requests = len(fake_api.requests)

    # The registry posts an update of one study.
    updated = next(
        s for s in fake_api.studies if s["protocolSection"]["identificationModule"]["nctId"] == "NCT03630471"
    )
    updated["protocolSection"]["statusModule"]["overallStatus"] = "TERMINATED"
    updated["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-11-20"
    extract_source("ctgov", api=True, base_url=api_url, page_size=5)

    second = fake_api.requests[first_run_requests:]
    assert second[0]["filter.advanced"] == [f"AREA[LastUpdatePostDate]RANGE[{newest},MAX]"]
    assert query(
        "select overall_status, last_update_post_date from raw_ctgov.studies where nct_id = 'NCT03630471'"
    ) == [("TERMINATED", "2026-11-20")]
    assert query("select count(*) from raw_ctgov.studies") == [(len(VALID_IDS),)]


def test_rerun_adds_no_duplicates(api_url, query):
    extract_source("ctgov", api=True, base_url=api_url, page_size=7)
    tables = ("studies", "studies__locations", "quarantine")
    counts = {t: query(f"select count(*) from raw_ctgov.{t}")[0][0] for t in tables}
    extract_source("ctgov", api=True, base_url=api_url, page_size=7)
    extract_source("ctgov")  # the same records again through the bulk path
    again = {t: query(f"select count(*) from raw_ctgov.{t}")[0][0] for t in counts}
    assert again == counts
    assert query("select count(*), count(distinct nct_id) from raw_ctgov.studies")[0] == (len(VALID_IDS),) * 2


def test_malformed_page_is_a_clear_error_naming_the_page(api_url, fake_api, warehouse):
    fake_api.broken_page = 2
    with pytest.raises(PipelineStepFailed) as failure:
        extract_source("ctgov", api=True, base_url=api_url, page_size=5)
    cause = failure.value.__cause__ or failure.value.exception
    while cause is not None and not isinstance(cause, CtgovPageError):
        cause = cause.__cause__ or cause.__context__
    assert isinstance(cause, CtgovPageError)
    assert "page 2" in str(cause) and "pageToken=5" in str(cause) and "not valid JSON" in str(cause)


def test_invalid_records_are_quarantined_with_field_and_reason(tmp_path, query, warehouse):
    studies = copy.deepcopy(load_studies())
    good = next(s for s in studies if last_update(s))
    bad = copy.deepcopy(good)
    bad["protocolSection"]["identificationModule"]["nctId"] = "NCT123"
    bad["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = -5
    folder = write_studies(tmp_path / "bulk", [good])
    (folder / "bad.json").write_text(json.dumps(bad))
    (folder / "truncated.json").write_text('{"protocolSection": {"identificationModule": ')

    summary = extract_source("ctgov", folder)

    assert summary.quarantined == 3
    rows = query("select location, record_id, field, reason from raw_ctgov.quarantine order by location, field")
    assert rows[0][:3] == ("bad.json", "NCT123", "protocolSection.designModule.enrollmentInfo.count")
    assert "greater than or equal to 0" in rows[0][3]
    assert rows[1][:3] == ("bad.json", "NCT123", "protocolSection.identificationModule.nctId")
    assert "should match pattern" in rows[1][3]
    assert rows[2][:3] == ("truncated.json", None, "<file>")
    assert rows[2][3].startswith("invalid JSON at line 1")
    # The valid record of the same batch is loaded.
    assert query("select count(*) from raw_ctgov.studies") == [(1,)]


def test_bulk_zip_loads_like_a_folder(tmp_path, query, warehouse):
    archive = tmp_path / "ctg-studies.json.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in STUDY_FILES:
            bundle.write(path, arcname=path.name)
    summary = extract_source("ctgov", archive)
    assert summary.rows["studies"] == len(STUDY_FILES) - 2  # two stubs quarantined
    assert {r[0] for r in query("select nct_id from raw_ctgov.studies")} == VALID_IDS
    # NCT02278341.json is a second snapshot of NCT02552212: the newer version wins the merge.
    assert query("select source_location from raw_ctgov.studies where nct_id = 'NCT02552212'") == [
        ("ctg-studies.json.zip!NCT02278341.json",)
    ]


def test_child_tables_carry_the_study_id(query, warehouse):
    extract_source("ctgov")
    orphans = query(
        """
        select count(*) from raw_ctgov.studies__conditions c
        left join raw_ctgov.studies s on c._dlt_parent_id = s._dlt_id
        where s.nct_id is distinct from c.nct_id
        """
    )
    assert orphans == [(0,)]
    assert query("select count(*) from raw_ctgov.studies__sponsors where sponsor_role = 'lead'") == [(len(VALID_IDS),)]
