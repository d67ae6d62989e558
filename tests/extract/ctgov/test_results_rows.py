"""The results section flattened into raw rows (the shape written by hand after the API v2
documents' resultsSection; values as the registry writes them)."""

from __future__ import annotations

from extract.sources.ctgov.results import linked_results_rows, results_rows

DOCUMENT = {
    "protocolSection": {
        "statusModule": {"resultsFirstSubmitDate": "2017-01-20", "resultsFirstPostDateStruct": {"date": "2017-06-27"}},
        "armsInterventionsModule": {
            "armGroups": [
                {"label": "Placebo", "type": "PLACEBO_COMPARATOR", "interventionNames": ["Drug: A", "Drug: B"]}
            ]
        },
    },
    "resultsSection": {
        "participantFlowModule": {
            "groups": [{"id": "FG000", "title": "Placebo"}],
            "periods": [
                {
                    "title": "Overall Study",
                    "milestones": [{"type": "STARTED", "achievements": [{"groupId": "FG000", "numSubjects": "12"}]}],
                    "dropWithdraws": [{"type": "Death", "reasons": [{"groupId": "FG000", "numSubjects": "ten"}]}],
                }
            ],
        },
        "outcomeMeasuresModule": {
            "outcomeMeasures": [
                {
                    "type": "PRIMARY",
                    "title": "Response",
                    "groups": [{"id": "OG000", "title": "Placebo"}],
                    "analyses": [{"groupIds": ["OG000", "OG001"], "pValue": "<0.001"}, {"groupIds": "OG000"}],
                }
            ]
        },
        "adverseEventsModule": {
            "eventGroups": [{"id": "EG000", "title": "Placebo", "seriousNumAffected": 1, "seriousNumAtRisk": 12}],
            "seriousEvents": [
                {"term": "Anaemia", "stats": [{"groupId": "EG000", "numAffected": 1, "numAtRisk": 12}]},
                "not an event",
            ],
        },
        "moreInfoModule": {"certainAgreement": {"piSponsorEmployee": False}, "limitationsAndCaveats": "text"},
    },
}


def test_results_become_text_rows_and_unreadable_parts_problems():
    tables, problems = results_rows(DOCUMENT)
    assert tables["results"] == [
        {
            **dict.fromkeys(tables["results"][0]),
            "results_first_submit_date": "2017-01-20",
            "results_first_post_date": "2017-06-27",
            "has_participant_flow": "true",
            "has_baseline": "false",
            "has_outcome_measures": "true",
            "has_adverse_events": "true",
            "pi_sponsor_employee": "false",
        }
    ]
    assert tables["arm_groups"][0]["intervention_names"] == "Drug: A|Drug: B"
    flow = [(r["count_kind"], r["count_type"], r["group_code"], r["num_subjects"]) for r in tables["flow_counts"]]
    assert flow == [("milestone", "STARTED", "FG000", "12"), ("drop_withdraw", "Death", "FG000", "ten")]
    columns = ("outcome_index", "analysis_index", "group_codes", "p_value")
    analyses = [tuple(r[c] for c in columns) for r in tables["outcome_analyses"]]
    assert analyses == [
        ("0", "0", "OG000|OG001", "<0.001"),
        ("0", "1", None, None),
    ]
    groups = [(r["result_module"], r["outcome_index"], r["group_code"]) for r in tables["result_groups"]]
    assert groups == [("participant_flow", None, "FG000"), ("outcome", "0", "OG000"), ("adverse_events", None, "EG000")]
    assert tables["result_groups"][2]["serious_num_at_risk"] == "12"
    assert [(r["term"], r["num_affected"]) for r in tables["adverse_events"]] == [("Anaemia", "1")]
    assert problems == [
        ("resultsSection.moreInfoModule.limitationsAndCaveats", "expected a JSON object, got str"),
        (
            "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].analyses[1].groupIds",
            "expected a JSON list of group ids",
        ),
        ("resultsSection.adverseEventsModule.seriousEvents[1]", "expected a JSON object, got str"),
    ]


def test_linked_rows_carry_the_study_and_a_stable_row_id():
    linked, _ = linked_results_rows(DOCUMENT, "parent", "2022-04-28", "NCT00000001")
    tables = dict(linked)
    row = tables["studies__flow_counts"][1]
    assert (row["nct_id"], row["_dlt_parent_id"], row["_dlt_list_idx"], row["last_update_post_date"]) == (
        "NCT00000001", "parent", 1, "2022-04-28",
    )
    again = dict(linked_results_rows(DOCUMENT, "parent", "2022-04-28", "NCT00000001")[0])
    assert again["studies__flow_counts"][1]["_dlt_id"] == row["_dlt_id"]
    assert "studies__baseline_measurements" not in tables
