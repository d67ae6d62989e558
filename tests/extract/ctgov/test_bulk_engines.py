"""The bulk fast path (DuckDB SQL, Arrow into dlt) writes the same raw tables as the per-record
pydantic path, on the bundled real records and on messy variants of them."""

from __future__ import annotations

import codecs
import copy
import json
from pathlib import Path

import duckdb
import pytest

from extract.files import is_utf8_file
from extract.inputs import InputPath
from extract.runner import extract_source
from extract.sources.ctgov.bulk_sql import BulkParser, iter_batches
from extract.sources.ctgov.helpers import UnreadableDocument, _texts, iter_bulk_texts
from extract.sources.ctgov.results import RESULT_TABLES

from .conftest import STUDY_FILES, last_update, load_studies

# Differ by design between two runs: row ids are salted with the run's time, load ids and
# timestamps are the run's own.
RUN_COLUMNS = {"_dlt_id", "_dlt_parent_id", "_dlt_root_id", "_dlt_load_id", "extracted_at", "quarantined_at"}
TABLES = [
    "studies",
    "studies__conditions",
    "studies__keywords",
    "studies__interventions",
    "studies__locations",
    "studies__sponsors",
    "studies__outcomes",
    "studies__secondary_ids",
    *(f"studies__{name}" for name in RESULT_TABLES),
    "quarantine",
]


def messy_inputs(folder: Path) -> Path:
    """The bundled records, plus variants that the SQL checks must hand to pydantic."""
    folder.mkdir(parents=True)
    studies = load_studies()
    for path in STUDY_FILES:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    good = next(s for s in studies if last_update(s))

    def variant(nct: str, change) -> dict:
        study = copy.deepcopy(good)
        # the protocol's rules are tested here; the results of one record, copied 25 times, would
        # only add 60,000 rows
        study.pop("resultsSection", None)
        study["protocolSection"]["identificationModule"]["nctId"] = nct
        change(study["protocolSection"])
        return study

    def put(section: str, key: str, value):
        return lambda p: p[section].__setitem__(key, value)

    lines = [
        # pydantic coerces these; the SQL checks defer them and the result must be identical
        variant("NCT90000001", lambda p: p["designModule"]["enrollmentInfo"].__setitem__("count", "42")),
        variant("NCT90000002", lambda p: p["designModule"]["enrollmentInfo"].__setitem__("count", 42.0)),
        variant("NCT90000003", lambda p: p["eligibilityModule"].__setitem__("healthyVolunteers", "true")),
        # stray whitespace, stripped the same way by both paths
        variant(
            "NCT90000004", lambda p: p["conditionsModule"].__setitem__("conditions", ["  Asthma\t", "\u00a0COPD "])
        ),
        variant("NCT90000005", put("identificationModule", "briefTitle", "\n  A title with spaces  \r\n")),
        # rejected: a wrong type, an empty list element, a bad date
        variant("NCT90000006", put("identificationModule", "acronym", 12)),
        variant("NCT90000007", lambda p: p["conditionsModule"].__setitem__("keywords", ["ok", "   "])),
        variant("NCT90000008", lambda p: p["statusModule"]["startDateStruct"].__setitem__("date", "March 2020")),
        # empty lists and missing modules
        variant("NCT90000009", lambda p: p.pop("contactsLocationsModule")),
        variant("NCT90000010", lambda p: p["conditionsModule"].__setitem__("conditions", [])),
    ]
    # results whose shape cannot be read in part: both paths load the rest and quarantine the part
    def has_serious_events(study: dict) -> bool:
        return bool((study.get("resultsSection") or {}).get("adverseEventsModule", {}).get("seriousEvents"))

    with_results = min(
        (s for s in studies if last_update(s) and has_serious_events(s)), key=lambda s: len(json.dumps(s))
    )
    broken = copy.deepcopy(with_results)
    broken["protocolSection"]["identificationModule"]["nctId"] = "NCT90000027"
    broken["resultsSection"]["participantFlowModule"]["periods"] = "see attached"
    broken["resultsSection"]["adverseEventsModule"]["seriousEvents"][0] = "anemia"
    (folder / "NCT90000027.json").write_text(json.dumps(broken), encoding="utf-8")
    (folder / "extra.ndjson").write_text("\n".join(json.dumps(s) for s in lines) + "\n{not json\n\n", encoding="utf-8")

    def status(key: str, value: str):
        return lambda p: p["statusModule"].__setitem__(key, {"date": value})

    def eligibility(key: str, value: str):
        return lambda p: p.setdefault("eligibilityModule", {}).__setitem__(key, value)

    # The boundary model's stricter rules (calendar dates, posting dates, ages, field length):
    # the SQL checks must never accept what pydantic rejects.
    rules = [
        variant("NCT90000014", status("startDateStruct", "2021-02-30")),
        variant("NCT90000015", status("startDateStruct", "2020-13")),
        variant("NCT90000016", status("startDateStruct", "0000")),
        variant("NCT90000017", status("lastUpdatePostDateStruct", "2999-01-01")),
        variant("NCT90000018", status("studyFirstPostDateStruct", "2020-03")),
        variant("NCT90000019", eligibility("minimumAge", "-5 Years")),
        variant("NCT90000020", eligibility("maximumAge", "18 Fortnights")),
        variant("NCT90000021", put("descriptionModule", "briefSummary", "x" * 100_001)),
        # accepted by both: a leap day, an age in lower case with spaces, an open limit
        variant("NCT90000022", status("startDateStruct", "2020-02-29")),
        variant("NCT90000023", eligibility("maximumAge", " 18 years ")),
        variant("NCT90000024", eligibility("minimumAge", "N/A")),
    ]
    texts = [json.dumps(s) for s in rules]
    # a key twice: DuckDB keeps one value, the per-record path quarantines the document
    texts.append(texts[-1].replace('"NCT90000024"', '"NCT90000025", "nctId": "NCT90000026"', 1))
    (folder / "rules.ndjson").write_text("\n".join(texts) + "\n", encoding="utf-8")
    # an API page and a plain list: both are deferred to the per-record path
    page = {"studies": [variant("NCT90000011", lambda p: None), variant("NCT90000012", lambda p: None)]}
    (folder / "page.json").write_text(json.dumps(page), encoding="utf-8")
    (folder / "list.json").write_text(json.dumps([variant("NCT90000013", lambda p: None)]), encoding="utf-8")
    (folder / "empty.json").write_text("  ", encoding="utf-8")
    return folder


def raw_tables(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = {}
        for table in TABLES:
            columns = [
                row[0]
                for row in connection.execute(
                    "select column_name from information_schema.columns "
                    "where table_schema = 'raw_ctgov' and table_name = ? order by column_name",
                    [table],
                ).fetchall()
                if row[0] not in RUN_COLUMNS
            ]
            select = ", ".join(f'"{c}"' for c in columns)
            tables[table] = (
                columns,
                sorted(connection.execute(f"select {select} from raw_ctgov.{table}").fetchall(), key=repr),
            )
        return tables


def load_with(engine: str, inputs: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(root / "warehouse.duckdb"))
    monkeypatch.setenv("CTW_PIPELINES_DIR", str(root / "dlt_pipelines"))
    extract_source("ctgov", inputs, bulk_engine=engine)
    return root / "warehouse.duckdb"


def test_both_bulk_engines_write_identical_raw_tables(tmp_path, warehouse, monkeypatch):
    inputs = messy_inputs(tmp_path / "inputs")
    python = raw_tables(load_with("python", inputs, tmp_path / "python", monkeypatch))
    fast = raw_tables(load_with("duckdb", inputs, tmp_path / "duckdb", monkeypatch))

    for table in TABLES:
        assert python[table][1], f"{table} is empty: the comparison would prove nothing"
        assert fast[table] == python[table], table
    ids = {row[python["studies"][0].index("nct_id")] for row in python["studies"][1]}
    assert {"NCT90000001", "NCT90000004", "NCT90000011", "NCT90000013"} <= ids
    assert {"NCT90000022", "NCT90000023", "NCT90000024"} <= ids
    rejected = {f"NCT900000{i:02d}" for i in (6, 7, 8, *range(14, 22))}
    assert not rejected & ids
    quarantine = python["quarantine"]
    assert rejected <= {row[quarantine[0].index("record_id")] for row in quarantine[1]}
    assert "rules.ndjson:12" in {row[quarantine[0].index("location")] for row in quarantine[1]}
    fields = {(row[quarantine[0].index("record_id")], row[quarantine[0].index("field")]) for row in quarantine[1]}
    assert {
        ("NCT90000027", "resultsSection.participantFlowModule.periods"),
        ("NCT90000027", "resultsSection.adverseEventsModule.seriousEvents[0]"),
    } <= fields
    assert "NCT90000027" in ids
    events = python["studies__adverse_events"]
    assert any(row[events[0].index("nct_id")] == "NCT90000027" for row in events[1])


def test_sql_checks_accept_clean_records_and_defer_the_rest(tmp_path):
    inputs = messy_inputs(tmp_path / "inputs")
    documents = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(inputs.glob("NCT*.json"))]
    documents += [
        (f"{name}:{i}", line)
        for name in ("extra.ndjson", "rules.ndjson")
        for i, line in enumerate((inputs / name).read_text().splitlines(), start=1)
        if line.strip()
    ]
    parser = BulkParser()
    try:
        batch = parser.parse(documents)
    finally:
        parser.close()
    deferred = {location for location, _ in batch.deferred}
    # Real records without a status module (the two stubs), coercions, rule failures, bad JSON.
    assert {"NCT00465816.json", "NCT03453554.json"} <= deferred
    assert {f"extra.ndjson:{i}" for i in (1, 2, 3, 6, 7, 8, 11)} <= deferred
    assert {f"rules.ndjson:{i}" for i in range(1, 9)} <= deferred
    # Clean records, including whitespace to strip and empty or missing lists, are accepted.
    accepted = set(batch.tables["studies"].column("source_location").to_pylist())
    assert {"extra.ndjson:4", "extra.ndjson:5", "extra.ndjson:9", "extra.ndjson:10"} <= accepted
    assert {"rules.ndjson:9", "rules.ndjson:10", "rules.ndjson:11"} <= accepted
    assert len(accepted) + len(deferred) == len(documents)


def test_a_warehouse_with_nested_child_tables_is_reloaded_flat(query, warehouse):
    """Warehouses loaded before the fast path have dlt nested child tables; the next run drops
    the source's tables and state and loads everything again as flat tables."""
    import dlt

    from extract.pipeline import make_pipeline

    old = make_pipeline("ctgov", "raw_ctgov")
    old.run(
        dlt.resource(
            [{"nct_id": "NCT00000001", "conditions": [{"nct_id": "NCT00000001", "condition_name": "x"}]}],
            name="studies",
            primary_key="nct_id",
            write_disposition="merge",
        ),
        loader_file_format="parquet",
    )
    assert old.default_schema.tables["studies__conditions"].get("parent") == "studies"

    extract_source("ctgov")

    assert query("select count(*) from raw_ctgov.studies where nct_id = 'NCT00000001'") == [(0,)]
    assert query("select count(*), count(distinct nct_id) from raw_ctgov.studies")[0] == (15, 15)
    assert query("select count(*) from raw_ctgov.studies__conditions where condition_name = 'x'") == [(0,)]
    extract_source("ctgov")  # and a second run keeps the flat layout without dropping again
    assert query("select count(*) from raw_ctgov.studies")[0][0] == 15


def test_batches_are_cut_by_count_or_by_characters():
    documents = [(str(i), "x" * 10) for i in range(10)]
    assert [len(b) for b in iter_batches(iter(documents), 4, max_chars=25)] == [3, 3, 3, 1]
    assert [len(b) for b in iter_batches(iter(documents), 4, max_chars=1_000)] == [4, 4, 2]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1}\n{"b": 2}\n',
        codecs.BOM_UTF8 + b'{"a": 1}\r\n\r\n{"b": "\xc3\xa9"}',  # BOM, CRLF, a blank line, no final newline
        b'{"a": "x\x1cy"}\n\x0b\n{"c": "\xe2\x80\xa8z"}\n',  # controls removed; U+2028 splits, as splitlines does
        b'{"a": 1}\r{"b": 2}\r\r\n',
        b"  \n\n \r\n",  # blank: one "empty file" row
        b'{"a": 1}\n\xff{"b": 2}\n',  # not UTF-8: read whole, the file refused with the offset
        codecs.BOM_UTF16_LE + '{"a": 1}\n'.encode("utf-16-le"),  # UTF-16: read whole
    ],
)
def test_json_lines_files_are_streamed_with_the_texts_of_a_whole_read(tmp_path, raw):
    # A JSON lines file is read line by line (memory bounded by a line, not the file); what it
    # gives is exactly what decoding the whole file and splitting it gives.
    path = tmp_path / "studies.ndjson"
    path.write_bytes(raw)

    def plain(items):
        return [(item.location, item.reason) if isinstance(item, UnreadableDocument) else item for item in items]

    streamed = plain(iter_bulk_texts([InputPath(path, "studies.ndjson")]))
    assert streamed == plain(_texts("studies.ndjson", raw))
    assert is_utf8_file(path) == (b"\xff" not in raw and not raw.startswith(codecs.BOM_UTF16_LE))
