"""The OMOP source on a local collaborator database: full history for a new cohort, only newly
loaded rows for an existing one, the person filter in the source SQL, resumable runs."""

from __future__ import annotations

import re

import pytest
from dlt.pipeline.exceptions import PipelineStepFailed
from sqlalchemy import event, text

from extract.sources.omop import cdm
from extract.sources.omop.cohorts import parse_cohort
from extract.sources.omop.source_db import GIBLEED_ID_OFFSET, simulate_weekly_load

SYNTHEA = [1, 2, 3]
GIBLEED = [GIBLEED_ID_OFFSET + n for n in (1, 2, 3, 5, 6)]
COHORT_A = SYNTHEA + GIBLEED[:2]
COHORT_B = [3, 4] + GIBLEED[2:]


def raw_count(query, table: str, person_ids: list[int]) -> int:
    marks = ", ".join("?" for _ in person_ids)
    return query(
        f"select count(*) from raw_omop.{table} where person_id in ({marks})", *person_ids
    )[0][0]


def extracted(query, cohort_id: str) -> dict[str, int]:
    return dict(
        query(
            "select table_name, rows_extracted from raw_omop.cohort_watermark where cohort_id = ?",
            cohort_id,
        )
    )


def test_new_cohort_receives_every_row_of_its_persons(collaborator, query):
    collaborator.approve("cohort_a", COHORT_A)
    collaborator.run()
    for table in cdm.CLINICAL_TABLES:
        assert raw_count(query, table, COHORT_A) == collaborator.count(table, COHORT_A), table
        assert query(f"select count(*) from raw_omop.{table}")[0][0] == collaborator.count(
            table, COHORT_A
        ), table
    assert sum(extracted(query, "cohort_a").values()) == sum(
        collaborator.count(table, COHORT_A) for table in cdm.CLINICAL_TABLES
    )


def test_weekly_load_gives_an_existing_cohort_exactly_its_new_rows(collaborator, query):
    collaborator.approve("cohort_a", COHORT_A)
    collaborator.run()
    before = {table: raw_count(query, table, COHORT_A) for table in cdm.CLINICAL_TABLES}
    week = simulate_weekly_load(collaborator.engine, fraction=0.05)
    summary = collaborator.run()
    new_rows = {
        table: collaborator.count(table, COHORT_A, week.load_dt) for table in cdm.CLINICAL_TABLES
    }
    assert sum(new_rows.values()) > 0, "the simulated load must touch the cohort's persons"
    assert extracted(query, "cohort_a") == new_rows
    for table in cdm.CLINICAL_TABLES:
        assert summary.rows.get(table, 0) == new_rows[table], table
        assert raw_count(query, table, COHORT_A) == before[table] + new_rows[table], table
    # A third run with no new load reads nothing.
    assert all(
        count == 0 for count in extracted_after_rerun(collaborator, query, "cohort_a").values()
    )


def extracted_after_rerun(collaborator, query, cohort_id):
    collaborator.run()
    return extracted(query, cohort_id)


def test_cohort_added_in_week_three_receives_full_history(collaborator, query):
    collaborator.approve("cohort_a", COHORT_A, file_name="a.json")
    collaborator.run()
    simulate_weekly_load(collaborator.engine, fraction=0.05)
    collaborator.run()
    week3 = simulate_weekly_load(collaborator.engine, fraction=0.05)
    collaborator.approve("cohort_b", COHORT_B, file_name="b.json")
    collaborator.run()
    assert extracted(query, "cohort_b") == {
        table: collaborator.count(table, COHORT_B) for table in cdm.CLINICAL_TABLES
    }
    assert extracted(query, "cohort_a") == {
        table: collaborator.count(table, COHORT_A, week3.load_dt) for table in cdm.CLINICAL_TABLES
    }
    both = sorted(set(COHORT_A) | set(COHORT_B))
    for table in cdm.CLINICAL_TABLES:
        assert raw_count(query, table, both) == collaborator.count(table, both), table
        key = cdm.primary_key(table)
        assert query(f"select count(*) - count(distinct {key}) from raw_omop.{table}")[0][0] == 0, (
            table
        )


def test_a_person_in_two_cohorts_is_stored_once_and_linked_to_both(collaborator, query):
    collaborator.approve("cohort_a", COHORT_A, file_name="a.json")
    collaborator.approve("cohort_b", COHORT_B, file_name="b.json")
    collaborator.run()
    assert query("select count(*) from raw_omop.person where person_id = 3")[0][0] == 1
    assert query(
        "select cohort_id from raw_omop.cohort_membership where person_id = 3 order by 1"
    ) == [("cohort_a",), ("cohort_b",)]
    assert raw_count(query, "measurement", [3]) == collaborator.count("measurement", [3])


@pytest.mark.parametrize("person_filter", ["sandbox", "in_list"])
def test_no_row_of_a_non_approved_person_is_read(collaborator, query, person_filter):
    collaborator.approve("cohort_a", COHORT_A)
    collaborator.run(person_filter=person_filter, in_list_size=2)
    simulate_weekly_load(collaborator.engine, fraction=0.05)
    collaborator.statements.clear()
    collaborator.run(person_filter=person_filter, in_list_size=2)
    cdm_reads = [
        (sql, params)
        for sql, params in collaborator.statements
        if sql.lstrip().upper().startswith("SELECT") and re.search(r"\bomop\.\w+", sql)
    ]
    assert cdm_reads
    with collaborator.engine.connect() as connection:
        for sql, params in cdm_reads:
            if person_filter == "sandbox":
                assert "sandbox.ctw_cohort_member" in sql and "cohort_a" in params
            else:
                assert re.search(r"person_id IN \(\?(, \?)*\)", sql), sql
                assert len([p for p in params if isinstance(p, int)]) <= 2 + 1
            assert not any(str(person) in sql for person in COHORT_A), (
                "values must be bound, not spliced"
            )
            # Re-running exactly what the pipeline sent returns only approved persons.
            result = connection.exec_driver_sql(sql, params)
            columns = list(result.keys())
            if "person_id" in columns:
                index = columns.index("person_id")
                assert {row[index] for row in result} <= set(COHORT_A)
    for table in cdm.CLINICAL_TABLES:
        found = {row[0] for row in query(f"select distinct person_id from raw_omop.{table}")}
        assert found <= set(COHORT_A), table


def test_an_interrupted_run_resumes_without_gaps_or_duplicates(collaborator, query):
    collaborator.approve("cohort_a", COHORT_A, file_name="a.json")
    collaborator.approve("cohort_b", COHORT_B, file_name="b.json")
    reads = {"n": 0}

    def fail_midway(_conn, _cursor, statement, *_args):
        if "FROM omop.measurement" in statement:
            reads["n"] += 1
            if reads["n"] == 2:
                raise RuntimeError("connection to the collaborator lost")

    event.listen(collaborator.engine, "before_cursor_execute", fail_midway)
    with pytest.raises(PipelineStepFailed):
        collaborator.run()
    event.remove(collaborator.engine, "before_cursor_execute", fail_midway)
    collaborator.run()
    both = sorted(set(COHORT_A) | set(COHORT_B))
    for table in cdm.CLINICAL_TABLES:
        assert raw_count(query, table, both) == collaborator.count(table, both), table
        key = cdm.primary_key(table)
        assert query(f"select count(*) - count(distinct {key}) from raw_omop.{table}")[0][0] == 0, (
            table
        )


def test_injection_strings_as_cohort_ids_are_data(collaborator, query):
    hostile = "x'); drop table omop.person; --"
    collaborator.approve(hostile, SYNTHEA)
    collaborator.run()
    collaborator.run(person_filter="in_list")
    assert query("select cohort_id from raw_omop.cohorts") == [(hostile,)]
    assert query("select count(*) from raw_omop.person")[0][0] == len(SYNTHEA)
    with collaborator.engine.connect() as connection:
        assert connection.execute(text("select count(*) from omop.person")).scalar() > len(SYNTHEA)


def test_registry_reports_duplicate_and_unknown_person_ids(collaborator, query):
    collaborator.approve("cohort_a", [1, 2, 2, 999_999_999])
    summary = collaborator.run()
    reasons = query("select record_id, field, reason from raw_omop.quarantine order by field")
    assert ("cohort_a", "person_ids[2]", "duplicate person ID in cohort (kept once)") in reasons
    assert (
        "cohort_a",
        "person_ids[999999999]",
        "person ID not found in the source person table",
    ) in reasons
    assert summary.quarantined == 2
    assert query("select person_id from raw_omop.cohort_membership order by 1") == [(1,), (2,)]
    assert query("select person_count from raw_omop.cohorts")[0][0] == 2


def test_invalid_cohort_files_are_rejected_with_their_field():
    cohort, rejections = parse_cohort(
        {"cohort_id": "c", "cohort_name": "n", "approved_on": "not a date", "person_ids": ["7"]},
        "c.json",
    )
    assert cohort is None
    assert {rejection.field for rejection in rejections} == {"approved_on", "person_ids.0"}
    assert all("c.json" in rejection.message() for rejection in rejections)


def test_a_changed_person_list_needs_a_new_cohort_id(collaborator):
    path = collaborator.approve("cohort_a", COHORT_A)
    collaborator.run()
    collaborator.approve("cohort_a", COHORT_A + [4], file_name=path.name)
    with pytest.raises(PipelineStepFailed, match="new cohort_id"):
        collaborator.run()
