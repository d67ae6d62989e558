"""SCD2 history of trials: a status change in a second load becomes a second version."""

from __future__ import annotations

import copy
import datetime as dt
import json

from extract.settings import DEMO_DATA_DIR
from extract.sources.ctgov import ctgov_pipeline

BUILD = ["build", "--select", "+fct_trial_status_history", "--indirect-selection", "cautious"]
STUDY = json.loads((DEMO_DATA_DIR / "ctgov" / "studies" / "NCT03475563.json").read_text())


def write(folder, study):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "NCT03475563.json").write_text(json.dumps(study))
    return folder


def test_status_change_gives_two_versions_with_validity_ranges(tmp_path, dbt, query):
    first = copy.deepcopy(STUDY)
    first["protocolSection"]["statusModule"]["overallStatus"] = "RECRUITING"
    first["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2019-11-27"
    ctgov_pipeline.run(write(tmp_path / "load1", first))
    dbt(BUILD)

    second = copy.deepcopy(first)
    second["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    second["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2021-03-02"
    second["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": 87, "type": "ACTUAL"}
    ctgov_pipeline.run(write(tmp_path / "load2", second))
    dbt(BUILD)
    # A third build on unchanged data records no new version.
    dbt(BUILD)

    versions = query(
        """
        select trial_status, enrollment_count, enrollment_type, valid_from, valid_to, is_current
        from marts.fct_trial_status_history
        where trial_id = 'NCT03475563'
        order by valid_from
        """
    )
    assert versions == [
        ("recruiting", 100, "anticipated", dt.datetime(2019, 11, 27), dt.datetime(2021, 3, 2), False),
        ("completed", 87, "actual", dt.datetime(2021, 3, 2), None, True),
    ]
