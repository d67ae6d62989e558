"""Site exports written for this purpose (tests/extract/patients/site_exports, README there):
two deliveries extracted into an empty warehouse and built once; every KPI equals the value
computed here from the exports' true content, a re-delivery that corrects a patient builds,
matching precision and recall, what is quarantined and reported, and no birth date or site
reference in what `ctw export` and `ctw publish` write."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from ctw.export import export_marts
from ctw.serving import mart_tables
from extract.runner import extract_source
from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt

PROJECT_DIR = Path(__file__).resolve().parents[2]
EXPORTS = PROJECT_DIR / "tests" / "extract" / "patients" / "site_exports"

# ---------------------------------------------------------------------------------------------
# The truth: what the exports say once read correctly (dates in the site's convention,
# duplicates counted once, the newest delivery winning, quarantined values not used).

# person: (site references, survivor's country, birth date used, registration of the survivor, stated age)
PEOPLE = {
    "P1": (("ZRH-001", "NYC-001"), "CH", date(1975, 2, 3), date(2021, 1, 10), None),
    "P2": (("ZRH-002", "NYC-003"), "DE", date(1980, 7, 21), date(2021, 1, 12), None),
    "P3": (("ZRH-003", "AMS-002"), "NL", date(1990, 3, 4), date(2021, 2, 1), None),
    "P4": (("ZRH-004",), "IT", None, date(2021, 3, 1), None),  # born 2090: quarantined
    "P5": (("NYC-002",), "US", date(1985, 12, 24), date(2021, 3, 20), 35),  # corrected in delivery 2
    "P6": (("AMS-001",), "NL", date(1970, 5, 6), date(2021, 5, 1), None),
    "P7": (("AMS-003",), "NL", None, date(2021, 6, 2), None),  # "age 250": quarantined
    "P8": (("LIS-001",), "FR", date(1965, 8, 9), date(2021, 7, 1), None),
    "P9": (("LIS-002",), "PT", date(1968, 6, 11), date(2021, 7, 2), None),  # Excel serial 25000
    "P10": (("LIS-003",), "PT", date(1991, 3, 4), date(2021, 7, 3), None),  # another Anna Keller
}
PERSON_OF = {ref: person for person, (refs, *_) in PEOPLE.items() for ref in refs}
STUDIES = {
    "ST-1": (date(2020, 1, 15), date(2022, 1, 15)),
    "ST-2": (date(2021, 2, 1), date(2023, 2, 1)),
    "ST-3": (date(2021, 3, 4), date(2023, 3, 5)),  # the end an Excel serial (44990)
}
# (reference, study, enrolled, completed, ICD-10 category), each participation once
PARTICIPATIONS = [
    ("ZRH-001", "ST-1", date(2021, 2, 1), date(2021, 8, 1), "E11"),
    ("NYC-001", "ST-2", date(2021, 3, 1), date(2021, 9, 15), "E11"),
    ("ZRH-002", "ST-1", date(2021, 2, 5), date(2021, 8, 20), "I10"),
    ("ZRH-003", "ST-3", date(2021, 3, 4), date(2021, 9, 4), "J45"),
    ("AMS-002", "ST-1", date(2021, 10, 1), None, "J45"),
    ("NYC-002", "ST-2", date(2021, 4, 1), date(2021, 10, 1), "E11"),
    ("AMS-001", "ST-3", date(2021, 5, 10), date(2021, 11, 10), "I10"),
    ("AMS-003", "ST-2", date(2021, 6, 10), None, "J45"),
    ("LIS-001", "ST-1", date(2021, 7, 1), date(2022, 1, 1), "E11"),
    ("LIS-002", "ST-3", date(2021, 7, 5), date(2022, 1, 5), "I10"),
    ("ZRH-004", "ST-2", date(2021, 3, 10), date(2021, 9, 10), "I10"),
    ("ZRH-001", "ST-3", None, None, "E11"),  # "03/25/2021" at a day-first site: ambiguous
    ("NYC-003", "ST-3", date(2022, 1, 10), date(2022, 6, 10), "I10"),
]
# (reference, study, ingredient or None when no vocabulary row knows the drug), each once
EXPOSURES = [
    ("ZRH-001", "ST-1", "metformin"),
    ("NYC-001", "ST-2", "metformin"),
    ("ZRH-002", "ST-1", "amlodipine"),
    ("ZRH-003", "ST-3", "salbutamol"),
    ("AMS-002", "ST-1", "formoterol and budesonide"),
    ("NYC-002", "ST-2", "sitagliptin"),
    ("AMS-001", "ST-3", "lisinopril"),
    ("LIS-001", "ST-1", "insulin glargine"),
    ("LIS-002", "ST-3", "amlodipine"),
    ("ZRH-004", "ST-2", None),
]
MATCHED_PAIRS = {("NYC-001", "ZRH-001"), ("NYC-003", "ZRH-002"), ("AMS-002", "ZRH-003")}


def age(person: str) -> int | None:
    _, _, born, registered, stated = PEOPLE[person]
    if born is None:
        return None if stated is None else stated
    return registered.year - born.year - ((registered.month, registered.day) < (born.month, born.day))


def write_workbooks(folder: Path) -> None:
    """The Lisbon register (date cells with and without a time of day, an Excel serial typed as a
    number, an age formula never calculated) and the sponsor's study list."""
    from openpyxl import Workbook

    lisbon = Workbook()
    sheet = lisbon.active
    sheet.title = "patients"
    sheet.append(["Subject", "First name", "Last name", "Sex", "Birth date", "Age", "Country", "Registered"])
    sheet.append(["LIS-001", "João", "Silva", "M", datetime(1965, 8, 9), None, "França", datetime(2021, 7, 1, 9, 13)])
    sheet.append(["LIS-002", "Maria", "Santos", "F", 25000, "=2021-1968", "Portugal", "2021-07-02"])
    sheet.append(["LIS-003", "Anna", "Keller", "F", datetime(1991, 3, 4), None, "Portugal", "2021-07-03"])
    lisbon.save(folder / "site_lisbon.xlsx")

    sponsor = Workbook()
    sheet = sponsor.active
    sheet.title = "studies"
    sheet.append(["Study Code", "Title", "Registry ID", "Phase", "Start Date", "End Date"])
    sheet.append(["ST-1", "Study one", "NCT00000001", "Phase 2/3", datetime(2020, 1, 15), "15.01.2022"])
    sheet.append(["ST-2", "Study two", None, "Phase III", datetime(2021, 2, 1, 9, 13), "1 Feb 2023"])
    sheet.append(["ST-3", "Study three", None, "phase 1", "March 4, 2021", 44990])
    sponsor.save(folder / "sponsor_studies.xlsx")


# The patient models and the data tests that hold the marts' keys (the unique test of
# dim_patient is what failed on a re-delivery); the other tests and the unit tests run in the
# session's build, whose seeds and registry marts (dim_study reads dim_trial) this build reuses.
SELECTION = "source:patients+,resource_type:model source:patients+,test_name:unique"


@pytest.fixture(scope="module")
def sites(built_warehouse: Warehouse) -> Warehouse:
    """The session's warehouse without its patient files; delivery 1, then delivery 2 (a
    correction and re-sent rows) extracted; one `ctw build` of the patient models."""
    warehouse = Warehouse("scratch").copy_from(built_warehouse)
    shutil.rmtree(warehouse.root / "dlt_pipelines" / "patients")
    with duckdb.connect(str(warehouse.path)) as connection:
        connection.execute("drop schema raw_patients cascade")
    deliveries = warehouse.root / "deliveries"
    shutil.copytree(EXPORTS, deliveries)
    write_workbooks(deliveries / "delivery1")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in warehouse.environment().items():
            patch.setenv(key, value)
        for delivery in ("delivery1", "delivery2"):
            extract_source("patients", deliveries / delivery)
    built = warehouse.ctw("build", "--select", SELECTION)
    assert built.returncode == 0, built.stdout[-5000:] + built.stderr[-2000:]
    return warehouse


def test_patients_per_country(sites: Warehouse) -> None:
    expected: dict[str, int] = defaultdict(int)
    for _, country, *_ in PEOPLE.values():
        expected[country] += 1
    assert dict(sites.query("select country_code, patient_count from marts.rpt_patients_per_country")) == expected


def test_average_age_per_diagnosis(sites: Warehouse) -> None:
    people: dict[str, set[str]] = defaultdict(set)
    for ref, _, _, _, code in PARTICIPATIONS:
        people[code].add(PERSON_OF[ref])
    expected = {}
    for code, persons in people.items():
        ages = [age(p) for p in persons if age(p) is not None]
        expected[code] = (len(persons), len(ages), round(sum(ages) / len(ages), 2))
    rows = sites.query(
        "select diagnosis_id, patient_count, patients_with_age, average_age_years "
        "from marts.rpt_average_age_per_diagnosis"
    )
    assert {code: tuple(rest) for code, *rest in rows} == expected


def test_medication_usage(sites: Warehouse) -> None:
    patients: dict[str, set[str]] = defaultdict(set)
    exposures: dict[str, int] = defaultdict(int)
    for ref, _, ingredient in EXPOSURES:
        if ingredient:
            patients[ingredient].add(PERSON_OF[ref])
            exposures[ingredient] += 1
    rows = sites.query("select ingredient, patient_count, exposure_count from marts.rpt_medication_usage")
    assert {i: (p, e) for i, p, e in rows} == {i: (len(patients[i]), exposures[i]) for i in patients}
    assert sites.query(
        "select row_count from marts.rpt_patients_data_quality "
        "where field_name = 'drug_name' and finding = 'drug not recognised' and value_text = 'mystery drops'"
    ) == [(1,)]


def test_average_trial_duration(sites: Warehouse) -> None:
    studies = [(end - start).days for start, end in STUDIES.values()]
    stays = [(done - began).days for _, _, began, done, _ in PARTICIPATIONS if began and done]
    assert sites.query(
        "select studies_measured, average_study_duration_days, participations_measured, "
        "average_participation_duration_days from marts.rpt_average_trial_duration"
    ) == [(len(studies), round(sum(studies) / len(studies), 2), len(stays), round(sum(stays) / len(stays), 2))]


def test_days_between_consecutive_trials(sites: Warehouse) -> None:
    """Re-sent participations counted once: no zero-day gaps."""
    enrolments: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for ref, study, began, _, _ in PARTICIPATIONS:
        if began:
            enrolments[PERSON_OF[ref]].append((began, study))
    gaps = []
    for dates in enrolments.values():
        ordered = sorted(dates)
        gaps += [(later[0] - earlier[0]).days for earlier, later in zip(ordered, ordered[1:], strict=False)]
    rows = sites.query("select days_between_enrolments from marts.rpt_days_between_consecutive_trials")
    assert sorted(days for (days,) in rows) == sorted(gaps)
    assert 0 not in gaps


def test_trials_with_missing_or_inconsistent_data(sites: Warehouse) -> None:
    missing = {study for _, study, began, _, _ in PARTICIPATIONS if began is None}
    inconsistent = {study for _, study, ingredient in EXPOSURES if ingredient is None}
    flagged = missing | inconsistent
    assert sites.query(
        "select study_count, studies_with_missing_data, studies_with_inconsistent_data, pct_studies_with_issues "
        "from marts.rpt_trials_with_data_issues"
    ) == [(len(STUDIES), len(missing), len(inconsistent), round(100 * len(flagged) / len(STUDIES), 2))]
    assert sites.query("select phase from marts.dim_study order by study_code") == [
        ("phase_2_3",), ("phase_3",), ("phase_1",)
    ]


def test_patients_in_multiple_trials(sites: Warehouse) -> None:
    studies: dict[str, set[str]] = defaultdict(set)
    for ref, study, *_ in PARTICIPATIONS:
        studies[PERSON_OF[ref]].add(study)
    several = sum(len(s) > 1 for s in studies.values())
    assert sites.query(
        "select patients_in_trials, patients_in_multiple_trials, pct_patients_in_multiple_trials "
        "from marts.rpt_patients_in_multiple_trials"
    ) == [(len(studies), several, round(100 * several / len(studies), 2))]


def test_a_redelivered_patient_updates_its_record(sites: Warehouse) -> None:
    """`ctw build` passed (the fixture) with NYC-002 delivered twice; one row per key, the newer one."""
    assert sites.query("select count(*), count(distinct patient_id) from marts.dim_patient") == [(len(PEOPLE),) * 2]
    assert sites.query(
        "select p.country_code, p.birth_year from marts.dim_patient as p "
        "join intermediate.int_patients__site_records_matched as m on p.patient_id = m.patient_id "
        "where m.patient_ref = 'NYC-002'"
    ) == [("US", 1985)]
    assert sites.query(
        "select birth_date from intermediate.int_patients__site_records_matched where patient_ref = 'NYC-002'"
    ) == [(date(1985, 12, 24),)]


def test_matching_precision_and_recall(sites: Warehouse) -> None:
    """The labelled pairs of the exports: accents, case and spacing folded, another Anna Keller
    with another birth date kept apart. Each merged pair keeps the rule that matched it."""
    rows = sites.query(
        "select patient_ref, survivor_patient_ref, match_rule from intermediate.int_patients__site_records_matched "
        "where not is_survivor"
    )
    found = {(ref, survivor) for ref, survivor, _ in rows}
    true_positives = len(found & MATCHED_PAIRS)
    assert (true_positives / len(found), true_positives / len(MATCHED_PAIRS)) == (1.0, 1.0)
    assert {ref: rule for ref, _, rule in rows} == {
        "NYC-001": "names folded for accents, sex and birth date",
        "NYC-003": "names folded for accents, sex and birth date",
        "AMS-002": "names, sex and birth date",
    }


def test_what_cannot_be_used_is_quarantined_or_reported(sites: Warehouse) -> None:
    quarantine = sites.query("select location, field, reason from raw_patients.quarantine")
    by_field = {field: (location, reason) for location, field, reason in quarantine}
    assert by_field["phone"][0] == "site_zurich_patients.csv"
    assert "holds a contact detail: refused" in by_field["phone"][1]
    assert "unexpected column 'favourite_colour'" in by_field["favourite_colour"][1]
    assert by_field["Age"][0] == "site_lisbon.xlsx sheet patients row 3"
    assert "formula cell F3: =2021-1968 has no computed value" in by_field["Age"][1]
    columns = {name for (name,) in sites.query(
        "select column_name from information_schema.columns where table_schema = 'raw_patients'"
    )}
    assert not {"phone", "favourite_colour"} & columns
    assert "+41 44" not in json.dumps(sites.query("select * from raw_patients.quarantine"), default=str)

    findings = sites.query(
        "select table_name, field_name, finding, source_file, source_line "
        "from intermediate.int_patients__quality_findings"
    )
    assert ("participations", "enrolled_on",
            "ambiguous slashed date: reads only as month_first, the site declares day_first",
            "participations_batch1.csv", 14) in findings
    assert ("patients", "birth_date", "birth date after the registration date or in the future",
            "site_zurich_patients.csv", 5) in findings
    assert ("patients", "age", "age over 125 years", "site_amsterdam_patients.jsonl", 3) in findings
    dropped = dict(sites.query(
        "select table_name, sum(row_count) from marts.rpt_patients_data_quality where field_name = '<row>' group by 1"
    ))
    # one exact duplicate line and two re-sent rows; one re-sent medication row; NYC-002 superseded
    assert dropped == {"participations": 3, "medications": 1, "patients": 1}


def test_no_birth_date_or_site_reference_leaves_the_warehouse(sites: Warehouse, tmp_path: Path) -> None:
    references = set(PERSON_OF)
    birth_dates = {born for _, _, born, _, _ in PEOPLE.values() if born} | {date(2090, 1, 1), date(1985, 12, 25)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in sites.environment().items():
            patch.setenv(key, value)
        exported = export_marts(tmp_path / "export", "none")
        published = {table.name for table in mart_tables(json.loads((sites.target / "manifest.json").read_text()))}
    names = {path.stem for path in exported.parquet_files}
    # The patient-level marts are protected: exported (pseudonymous) but never published.
    patient_level = {"dim_patient", "fct_trial_participation", "fct_medication_exposure"}
    assert published <= names and not patient_level & published
    assert {"dim_patient", "fct_trial_participation", "rpt_patients_data_quality"} <= names
    with duckdb.connect() as connection:
        for path in exported.parquet_files:
            relation = connection.execute(f"select * from '{path.as_posix()}'")
            columns = [d[0] for d in relation.description]
            assert not [c for c in columns if "birth_date" in c or c in ("patient_ref", "survivor_patient_ref")], path
            for row in relation.fetchall():
                for value in row:
                    assert value not in references and value not in birth_dates, (path.stem, value)
                    if isinstance(value, str):
                        assert not any(ref in value for ref in references), (path.stem, value)
