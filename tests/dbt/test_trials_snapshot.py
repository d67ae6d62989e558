"""SCD2 history of trials: a status change in a second load becomes a second version."""

from __future__ import annotations

import copy
import datetime as dt
import json

from extract.registry import discover
from extract.settings import DEMO_DATA_DIR
from extract.sources.ctgov import ctgov_pipeline

BUILD = ["build", "--select", "+fct_trial_status_history", "--indirect-selection", "cautious"]
STUDY = json.loads((DEMO_DATA_DIR / "ctgov" / "studies" / "NCT03475563.json").read_text())


def write(folder, study):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "NCT03475563.json").write_text(json.dumps(study))
    return folder


def load_registries():
    """The bundled exports of every registry but CT.gov, which the test loads itself."""
    sources = discover()
    for name in ("ictrp", "euctr", "isrctn", "ema"):
        sources[name].module.run()


def test_status_change_gives_two_versions_with_validity_ranges(tmp_path, dbt, query):
    load_registries()
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


def test_snapshot_covers_trials_of_every_registry(tmp_path, dbt, query):
    load_registries()
    ctgov_pipeline.run(write(tmp_path / "load1", copy.deepcopy(STUDY)))
    dbt(BUILD)

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
    # EUCTR 2021-002179-21 (no CT.gov record): its status is the most alive of its member states.
    assert query(
        "select trial_status, is_current from marts.fct_trial_status_history where trial_id = '2021-002179-21'"
    ) == [("recruiting", True)]
