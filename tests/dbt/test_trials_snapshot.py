"""SCD2 history of trials: a status change in a later load becomes a new version.

Each test loads a changed ClinicalTrials.gov record into a copy of the session's warehouse and
builds what that load changes: the models between the ctgov source and the status history."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from extract.runner import extract_source
from extract.settings import DEMO_DATA_DIR

pytestmark = pytest.mark.dbt

# The increment's selection: what a new ctgov load changes on the way to the history.
BUILD = ["build", "--select", "source:ctgov+,+fct_trial_status_history", "--indirect-selection", "cautious"]
STUDY = json.loads((DEMO_DATA_DIR / "ctgov" / "studies" / "NCT03475563.json").read_text())
HISTORY = """
    select trial_status, enrollment_count, enrollment_type, valid_from, valid_to, is_current
    from marts.fct_trial_status_history
    where trial_id = 'NCT03475563'
    order by valid_from
"""


def write(folder, study):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "NCT03475563.json").write_text(json.dumps(study))
    return folder


def changed(study: dict, status: str, updated: str) -> dict:
    new = copy.deepcopy(study)
    new["protocolSection"]["statusModule"]["overallStatus"] = status
    new["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = updated
    return new


def test_status_changes_give_versions_with_validity_ranges(built_copy, tmp_path, dbt, query):
    # The bundled record: status UNKNOWN, last updated 2019-11-27, one version in the session.
    assert query(HISTORY) == [("unknown", 100, "anticipated", dt.datetime(2019, 11, 27), None, True)]

    first = changed(STUDY, "RECRUITING", "2020-06-01")
    extract_source("ctgov", write(tmp_path / "load1", first))
    dbt(BUILD)

    second = changed(first, "COMPLETED", "2021-03-02")
    second["protocolSection"]["designModule"]["enrollmentInfo"] = {"count": 87, "type": "ACTUAL"}
    extract_source("ctgov", write(tmp_path / "load2", second))
    dbt(BUILD)
    # A third build on unchanged data records no new version.
    dbt(BUILD)

    assert query(HISTORY) == [
        ("unknown", 100, "anticipated", dt.datetime(2019, 11, 27), dt.datetime(2020, 6, 1), False),
        ("recruiting", 100, "anticipated", dt.datetime(2020, 6, 1), dt.datetime(2021, 3, 2), False),
        ("completed", 87, "actual", dt.datetime(2021, 3, 2), None, True),
    ]
    # One current version per trial, whatever else changed.
    assert query("select count(*) from marts.fct_trial_status_history where is_current") == query(
        "select count(*) from marts.dim_trial"
    )


def test_snapshot_covers_trials_of_every_registry(built_warehouse):
    query = built_warehouse.query
    # One current version per de-duplicated trial, whichever registries hold it.
    assert query("select count(*) from marts.fct_trial_status_history where is_current") == query(
        "select count(*) from marts.dim_trial"
    )
    [(without_ctgov,)] = query(
        "select count(*) from marts.fct_trial_status_history history "
        "inner join marts.dim_trial trials on history.trial_id = trials.trial_id "
        "where trials.registries not like '%ctgov%'"
    )
    assert without_ctgov > 0
    # EUCTR 2021-002179-21 (no CT.gov record): its status is the most alive of its member states,
    # "Ongoing", which says the trial runs, not that it recruits.
    assert query(
        "select trial_status, is_current from marts.fct_trial_status_history where trial_id = '2021-002179-21'"
    ) == [("active_not_recruiting", True)]
