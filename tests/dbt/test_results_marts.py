"""ClinicalTrials.gov results marts on the bundled records: every record with a results module
has rows in its mart, and values of two records match their JSON (written out by hand from
NCT00567567.json and NCT02210780.json)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from extract.settings import DEMO_DATA_DIR
from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt

STUDIES = DEMO_DATA_DIR / "ctgov" / "studies"

def _module(name: str):
    return lambda results: bool(results.get(name))


def _events(results: dict) -> bool:
    events = results.get("adverseEventsModule") or {}
    return bool(events.get("seriousEvents") or events.get("otherEvents"))


def _analyses(results: dict) -> bool:
    outcomes = (results.get("outcomeMeasuresModule") or {}).get("outcomeMeasures", [])
    return any(outcome.get("analyses") for outcome in outcomes)


# mart -> which records must have rows in it (read from their results section)
MARTS = {
    "dim_result_group": _module("participantFlowModule"),
    "fct_participant_flow": _module("participantFlowModule"),
    "fct_baseline_measurement": _module("baselineCharacteristicsModule"),
    "fct_outcome_measurement": _module("outcomeMeasuresModule"),
    "fct_outcome_analysis": _analyses,
    # NCT00763412 reports an adverse-events module with groups but no event
    "fct_adverse_event": _events,
    "dim_trial_results": _module("moreInfoModule"),
    "rpt_trial_completion_rate": _module("participantFlowModule"),
    "rpt_serious_adverse_event_share": _module("adverseEventsModule"),
}


@pytest.fixture(scope="module")
def built(built_warehouse: Warehouse) -> Path:
    return built_warehouse.root / "warehouse.duckdb"


def _rows(database: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def _records(has) -> set[str]:
    """NCT IDs of the bundled records whose results section satisfies ``has`` (read from the JSON)."""
    found = set()
    for path in STUDIES.glob("NCT*.json"):
        document = json.loads(path.read_text(encoding="utf-8"))
        if has(document.get("resultsSection") or {}):
            found.add(document["protocolSection"]["identificationModule"]["nctId"])
    return found


def test_every_record_with_the_module_has_rows(built: Path) -> None:
    assert len(_records(_module("participantFlowModule"))) == 9
    for mart, has in MARTS.items():
        expected = _records(has)
        loaded = {nct for (nct,) in _rows(built, f"select distinct nct_id from marts.{mart}")}
        assert expected and loaded == expected, mart


def test_participant_flow_values(built: Path) -> None:
    rows = _rows(
        built,
        "select f.nct_id, g.group_title, f.count_kind, f.count_type, f.num_subjects "
        "from marts.fct_participant_flow f join marts.dim_result_group g using (result_group_id) "
        "where f.nct_id in ('NCT00567567', 'NCT02210780') and f.period_title = 'Overall Study' "
        "and f.count_type in ('STARTED', 'COMPLETED', 'Adverse Event')",
    )
    assert set(rows) == {
        ("NCT00567567", "Single HST (CEM)", "milestone", "STARTED", 210),
        ("NCT00567567", "Tandem HST (CEM), Randomly Assigned", "milestone", "STARTED", 176),
        ("NCT00567567", "Not Assigned", "milestone", "STARTED", 279),
        ("NCT00567567", "Single HST (CEM)", "milestone", "COMPLETED", 58),
        ("NCT00567567", "Tandem HST (CEM), Randomly Assigned", "milestone", "COMPLETED", 42),
        ("NCT00567567", "Not Assigned", "milestone", "COMPLETED", 1),
        ("NCT00567567", "Single HST (CEM)", "drop_withdraw", "Adverse Event", 0),
        ("NCT00567567", "Tandem HST (CEM), Randomly Assigned", "drop_withdraw", "Adverse Event", 2),
        ("NCT00567567", "Not Assigned", "drop_withdraw", "Adverse Event", 5),
        ("NCT02210780", "Placebo qw", "milestone", "STARTED", 97),
        ("NCT02210780", "Dupilumab 300 mg qw", "milestone", "STARTED", 97),
        ("NCT02210780", "Placebo qw", "milestone", "COMPLETED", 92),
        ("NCT02210780", "Dupilumab 300 mg qw", "milestone", "COMPLETED", 89),
        ("NCT02210780", "Placebo qw", "drop_withdraw", "Adverse Event", 0),
        ("NCT02210780", "Dupilumab 300 mg qw", "drop_withdraw", "Adverse Event", 5),
    }
    # completion rate: 58 + 42 + 1 of 210 + 176 + 279; 92 + 89 of 97 + 97
    rates = dict(_rows(built, "select nct_id, completion_rate from marts.rpt_trial_completion_rate "
                               "where nct_id in ('NCT00567567', 'NCT02210780')"))
    assert rates["NCT00567567"] == pytest.approx(101 / 665, abs=1e-6)
    assert rates["NCT02210780"] == pytest.approx(181 / 194, abs=1e-6)


def test_result_groups_link_to_design_arms(built: Path) -> None:
    rows = dict(_rows(
        built,
        "select group_title, arm_group_label from marts.dim_result_group "
        "where nct_id = 'NCT02210780' and result_module = 'participant_flow'",
    ))
    assert rows == {"Placebo qw": "Placebo qw", "Dupilumab 300 mg qw": "Dupilumab 300 mg qw"}
    # "Single HST (CEM)" names neither "Consolidation Arm A: ..." nor "Arm B": not guessed
    assert _rows(
        built,
        "select count(*) from marts.dim_result_group where nct_id = 'NCT00567567' and arm_group_label is not null",
    ) == [(0,)]


def test_baseline_values_with_dispersion_and_denominators(built: Path) -> None:
    rows = _rows(
        built,
        "select group_code, param_type, dispersion_type, unit_of_measure, value_number, spread_number, denom_count "
        "from marts.fct_baseline_measurement where nct_id = 'NCT00567567' and measure_title = 'Age, Continuous' "
        "order by group_code",
    )
    assert rows == [
        ("BG000", "MEAN", "STANDARD_DEVIATION", "Years", 3.2, 2.9, 210),
        ("BG001", "MEAN", "STANDARD_DEVIATION", "Years", 2.9, 2.4, 176),
        ("BG002", "MEAN", "STANDARD_DEVIATION", "Years", 3.4, 2.8, 279),
        ("BG003", "MEAN", "STANDARD_DEVIATION", "Years", 3.2, 2.7, 665),
    ]
    rows = _rows(
        built,
        "select group_code, category_title, value_number, denom_count from marts.fct_baseline_measurement "
        "where nct_id = 'NCT02210780' and measure_title = 'Sex: Female, Male' and category_title = 'Female' "
        "and group_code in ('BG000', 'BG001') order by group_code",
    )
    assert rows == [("BG000", "Female", 51.0, 97), ("BG001", "Female", 48.0, 97)]


def test_outcome_measurements_and_analysis(built: Path) -> None:
    rows = _rows(
        built,
        "select group_code, outcome_type, param_type, dispersion_type, unit_of_measure, value_number, "
        "lower_limit_number, upper_limit_number, denom_count from marts.fct_outcome_measurement "
        "where nct_id = 'NCT00567567' and outcome_title = 'Event-free Survival Rate' order by group_code",
    )
    assert rows == [
        ("OG000", "primary", "NUMBER", "95% Confidence Interval", "percent probability", 48.8, 41.1, 56.5, 179),
        ("OG001", "primary", "NUMBER", "95% Confidence Interval", "percent probability", 61.8, 53.8, 69.8, 176),
    ]
    rows = _rows(
        built,
        "select group_codes, statistical_method, p_value_text, p_value, p_value_comparator, param_type, param_value, "
        "ci_pct, ci_num_sides from marts.fct_outcome_analysis "
        "where nct_id = 'NCT00567567' and outcome_title = 'Event-free Survival Rate'",
    )
    assert rows == [
        ("OG000|OG001", "Log Rank", "0.0082", 0.0082, "=", "Log Rank Test Statistic", 6.9883, 95.0, "TWO_SIDED")
    ]
    rows = _rows(
        built,
        "select value_number, denom_count from marts.fct_outcome_measurement where nct_id = 'NCT02210780' "
        "and outcome_rank = 1 order by group_code",
    )
    assert rows == [(83.7, 92), (83.3, 90)]


def test_adverse_events_and_serious_share(built: Path) -> None:
    rows = _rows(
        built,
        "select nct_id, group_code, organ_system, source_vocabulary, assessment_type, num_events, num_affected, "
        "num_at_risk from marts.fct_adverse_event where is_serious and "
        "((nct_id = 'NCT00567567' and adverse_event_term = '13200-Anemia') or "
        "(nct_id = 'NCT02210780' and adverse_event_term = 'Serum sickness-like reaction'))",
    )
    assert set(rows) == {
        ("NCT00567567", "EG000", "Blood and lymphatic system disorders", "CTCv4", None, 1, 1, 206),
        ("NCT00567567", "EG001", "Blood and lymphatic system disorders", "CTCv4", None, 0, 0, 176),
        ("NCT00567567", "EG002", "Blood and lymphatic system disorders", "CTCv4", None, 2, 2, 269),
        ("NCT02210780", "EG000", "Immune system disorders", "MedDRA (18.0)", "systematic_assessment", None, 0, 97),
        ("NCT02210780", "EG001", "Immune system disorders", "MedDRA (18.0)", "systematic_assessment", None, 1, 97),
    }
    shares = dict(_rows(
        built,
        "select group_code, serious_adverse_event_share from marts.rpt_serious_adverse_event_share "
        "where nct_id = 'NCT02210780'",
    ))
    assert shares == {"EG000": 0.0, "EG001": pytest.approx(3 / 97, abs=1e-6)}


def test_point_of_contact_and_agreement(built: Path) -> None:
    rows = _rows(
        built,
        "select nct_id, poc_title, poc_organization, poc_email, has_restrictive_agreement, is_pi_sponsor_employee, "
        "results_first_submitted_date::varchar from marts.dim_trial_results "
        "where nct_id in ('NCT00567567', 'NCT02210780') order by nct_id",
    )
    assert rows[0] == (
        "NCT00567567", "Results Reporting Coordinator", "Children's Oncology Group",
        "Resultsreportingcoordinator@childrensoncologygroup.org", True, False, "2017-01-20",
    )
    assert rows[1][:6] == (
        "NCT02210780", "Clinical Trial Management", "Regeneron Pharmaceuticals, Inc.",
        "clinicaltrials@regeneron.com", True, False,
    )


def test_bundled_results_have_no_rejections(built: Path) -> None:
    assert _rows(built, "select count(*) from marts.rpt_result_rejections where is_excluded") == [(0,)]
