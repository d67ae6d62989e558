"""The shared boundary's bad-input cases, for every source at its parser (no pipeline, no dbt):
control characters, UTF-16 without a byte-order mark, UTF-32, bytes invalid in the file's
encoding, Windows line endings. Each case derives a file from a valid real-format sample of the
source and asserts the outcome: the records of the sample kept (their text without the control
characters of the rule, tabs kept), or one file-level error naming the file and saying what is
wrong. The last test counts the whole corpus per source (these cases and tests/data/bad/).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from extract.files import CONTROL_CHARACTERS, ControlCharacters, InputFile
from extract.inputs import InputPath
from tests.reliability.bad_input import CORPUS

DEMO = Path(__file__).resolve().parents[2] / "extract" / "demo_data"
SOURCES = ("ctgov", "ictrp", "euctr", "isrctn", "ema", "patients", "monitoring", "omop")
DIRTY = "\x00\x01\x0b\x0c\x1b\x1f"  # NUL, SOH, vertical tab, form feed, escape, unit separator


@dataclass
class Outcome:
    kept: list[Any]  # the records read (their fields)
    errors: list[tuple[str, str]]  # (location, reason) of file-level refusals
    refused: list[tuple[str, str]] = field(default_factory=list)  # (column, reason) of rows refused


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for inner in value.values() for text in strings(inner)]
    if isinstance(value, (list, tuple)):
        return [text for inner in value for text in strings(inner)]
    return []


# ---- each source's parser, from (file name, bytes) to an Outcome ------------------------------


def read_ctgov(name: str, data: bytes, tmp_path: Path) -> Outcome:
    from extract.sources.ctgov.helpers import StudyDocument, _texts, parse_text

    outcome = Outcome([], [])
    for item in _texts(name, data):
        parsed = parse_text(*item) if isinstance(item, tuple) else [item]
        for document in parsed:
            if isinstance(document, StudyDocument):
                outcome.kept.append(document.document)
            else:
                outcome.errors.append((document.location, document.reason))
    return outcome


def _registry_reader(module: str, function: str) -> Callable[[str, bytes, Path], Outcome]:
    def read(name: str, data: bytes, tmp_path: Path) -> Outcome:
        import importlib

        from extract.quarantine import Rejection

        iterate = getattr(importlib.import_module(f"extract.sources.{module}.helpers"), function)
        outcome = Outcome([], [])
        for item in iterate(InputFile(name, data)):
            if isinstance(item, Rejection):
                if item.field in ("<file>", "<header>"):
                    outcome.errors.append((item.location, item.reason))
            else:
                outcome.kept.append(item[1] if isinstance(item, tuple) else item.fields)
        return outcome

    return read


def read_patients(name: str, data: bytes, tmp_path: Path) -> Outcome:
    from extract.sources.patients.helpers import InputFile as PatientFile
    from extract.sources.patients.helpers import Row, iter_rows

    path = tmp_path / name
    path.write_bytes(data)
    outcome = Outcome([], [])
    for item in iter_rows(PatientFile(path, hashlib.sha256(data).hexdigest(), name)):
        if isinstance(item, Row):
            outcome.kept.append(item.cells)
        elif item.field == "<file>":
            outcome.errors.append((item.location, item.reason))
    return outcome


def read_monitoring(name: str, data: bytes, tmp_path: Path) -> Outcome:
    from extract.sources.monitoring.validation import validate_file

    checked = validate_file(name, data)
    outcome = Outcome([], [])
    for batch in checked.batches:
        outcome.kept.extend(batch.accepted)
        outcome.errors.extend((batch.location, p.reason) for p in batch.problems if p.column == "<file>")
        outcome.refused.extend((p.column, p.reason) for p in batch.problems if p.column != "<file>")
    return outcome


def read_omop(name: str, data: bytes, tmp_path: Path) -> Outcome:
    from extract.sources.omop.cohorts import load_registry

    path = tmp_path / name
    path.write_bytes(data)
    registry = load_registry([InputPath(path, name)])
    return Outcome(
        [{"cohort_id": c.cohort_id, "cohort_name": c.cohort_name} for c in registry.cohorts],
        [(r.location, r.reason) for r in registry.rejections if r.field == "<file>"],
    )


EUCTR_TITLE = "A.3 Full title of the trial: "
# (sample file, the text in it that a case dirties, reader)
SAMPLES: dict[str, tuple[Path, str, Callable[[str, bytes, Path], Outcome]]] = {
    "ctgov": (DEMO / "ctgov" / "studies" / "NCT00567567.json", '"briefTitle": "', read_ctgov),
    "ictrp": (CORPUS / "ictrp" / "valid.csv", "A Medical Records", _registry_reader("ictrp", "iter_records")),
    "euctr": (next((DEMO / "euctr").glob("*.txt")), EUCTR_TITLE, _registry_reader("euctr", "iter_protocols")),
    "isrctn": (CORPUS / "isrctn" / "valid.xml", "<title>", _registry_reader("isrctn", "iter_trials")),
    "ema": (CORPUS / "ema" / "valid.csv", "Interim clinical study report", _registry_reader("ema", "iter_listing")),
    "patients": (CORPUS / "patients" / "valid_patients.csv", "Felix", read_patients),
    "monitoring": (CORPUS / "monitoring" / "valid.csv", "H001,2024-01-12,P0010049", read_monitoring),
    "omop": (DEMO / "omop" / "cohorts" / "nj_cardiometabolic_2026.json", "New Jersey", read_omop),
}


def sample_text(source: str) -> str:
    return SAMPLES[source][0].read_bytes().decode("utf-8-sig")


def dirtied(source: str, dirt: str) -> str:
    text, marker = sample_text(source), SAMPLES[source][1]
    if SAMPLES[source][0].suffix == ".json":
        dirt = dirt.replace("\t", "\\t")  # a raw tab is not valid inside a JSON string
    assert marker in text, (source, marker)
    return text.replace(marker, marker + dirt, 1)


def after_header(text: str, insert: bytes) -> bytes:
    """The bytes of ``text`` with ``insert`` placed at the start of its second line."""
    head, _, rest = text.partition("\n")
    return (head + "\n").encode() + insert + rest.encode()


# The cases: name -> (what to do with a source's sample, expected outcome)
KEEP, ENCODING_ERROR, FILE_ERROR, ROW_REFUSED = "keep", "encoding error", "file error", "row refused"
CASES: dict[str, tuple[Callable[[str], bytes], str]] = {
    "nul_and_c0_controls": (lambda s: dirtied(s, f"A{DIRTY}B\tC").encode(), KEEP),
    "nul_only": (lambda s: dirtied(s, "\x00").encode(), KEEP),
    "utf16le_without_bom": (lambda s: sample_text(s).encode("utf-16-le"), KEEP),
    "utf16be_without_bom": (lambda s: sample_text(s).encode("utf-16-be"), KEEP),
    "utf32_with_bom": (lambda s: sample_text(s).encode("utf-32"), KEEP),
    "crlf_line_endings": (lambda s: sample_text(s).replace("\r\n", "\n").replace("\n", "\r\n").encode(), KEEP),
    "invalid_utf8_byte": (lambda s: after_header(sample_text(s), b"\xc3\x28"), ENCODING_ERROR),
}
# XML declares its encoding and cannot hold C0 controls (XML 1.0, even as character references):
# the parser refuses such a file whole, naming it and the line.
# UTF-16 without a byte-order mark is recognised by the XML parser itself (from "<?xml").
XML_CASES = {
    "nul_and_c0_controls": FILE_ERROR,
    "nul_only": FILE_ERROR,
    "utf32_with_bom": FILE_ERROR,
    "invalid_utf8_byte": FILE_ERROR,
}
# Monitoring rows hold no free text: letters added to a patient ID make the row invalid (refused
# with its column and reason; the rest of the file is kept).
MONITORING_CASES = {"nul_and_c0_controls": ROW_REFUSED}
OVERRIDES = {"isrctn": XML_CASES, "monitoring": MONITORING_CASES}
PARAMS = [
    pytest.param(source, case, OVERRIDES.get(source, {}).get(case, expected), id=f"{source}-{case}")
    for source in SOURCES
    for case, (_, expected) in CASES.items()
]


@pytest.mark.parametrize(("source", "case", "expected"), PARAMS)
def test_boundary_case(source, case, expected, tmp_path):
    sample, _, read = SAMPLES[source]
    name = f"{case}{sample.suffix}"
    baseline = read(sample.name, sample.read_bytes(), tmp_path)
    assert baseline.kept and not baseline.errors, source
    outcome = read(name, CASES[case][0](source), tmp_path)
    if expected == ROW_REFUSED:
        assert outcome.errors == [] and len(outcome.kept) == len(baseline.kept) - 1
        assert [column for column, _ in outcome.refused] == ["patient_id"], outcome.refused
        return
    if expected == KEEP:
        assert outcome.errors == [], outcome.errors
        assert len(outcome.kept) == len(baseline.kept)
        texts = strings(outcome.kept)
        assert not [text for text in texts if CONTROL_CHARACTERS.search(text)]
        if case == "nul_and_c0_controls":
            # The rest of the value is kept: the letters around the controls and the tab.
            assert any("AB\tC" in text or "AB C" in text for text in texts), source
        return
    (location, reason), *more = outcome.errors
    assert not more and name in location
    assert "\n" not in reason
    if expected == ENCODING_ERROR:
        assert reason.startswith(("encoding error", "unreadable file: encoding error")), reason
        assert "offset" in reason and "line 2" in reason, reason
    assert outcome.kept == [] or source == "isrctn"


def test_a_json_escaped_control_character_is_removed_by_the_pipeline_step():
    """``\\u0000`` inside JSON is no control byte in the file: the rule's map step on every yielded
    item removes it (and counts it per field)."""
    document = json.loads('{"title": "a\\u0000b\\u001fc\\td", "nested": [{"name": "x\\u0001"}], "n": 1}')
    step = ControlCharacters()
    cleaned = step.step("studies")(document)
    assert cleaned == {"title": "abc\td", "nested": [{"name": "x"}], "n": 1}
    assert step.removed == {("studies", "title"): 2, ("studies", "nested.name"): 1}


def test_the_pipeline_step_cleans_arrow_tables_too():
    import pyarrow as pa

    table = pa.table({"title": ["a\x00b", None, "ok"], "tags": [["x\x1b"], [], None], "n": [1, 2, 3]})
    step = ControlCharacters()
    cleaned = step.step("studies")(table)
    assert cleaned.to_pydict() == {"title": ["ab", None, "ok"], "tags": [["x"], [], None], "n": [1, 2, 3]}
    assert step.removed == {("studies", "title"): 1, ("studies", "tags"): 1}


# A CSV with its header line and no record: one file error saying "no data rows", naming the
# file. (A monitoring file like it is a notice, not an error: tests/extract/monitoring.)
HEADER_ONLY_SOURCES = ("ictrp", "ema", "patients")


@pytest.mark.parametrize("source", HEADER_ONLY_SOURCES)
def test_a_header_only_file_says_no_data_rows(source, tmp_path):
    sample, _, read = SAMPLES[source]
    name = f"header_only{sample.suffix}"
    header = sample_text(source).split("\n", 1)[0] + "\n"
    outcome = read(name, header.encode(), tmp_path)
    (location, reason), *more = outcome.errors
    assert not more and name in location and outcome.kept == []
    assert "no data rows" in reason and "\n" not in reason, reason


def corpus_counts() -> dict[str, int]:
    counts = {source: len(list((CORPUS / source).glob("*"))) if (CORPUS / source).is_dir() else 0 for source in SOURCES}
    for param in PARAMS:
        counts[param.values[0]] += 1
    for source in HEADER_ONLY_SOURCES:
        counts[source] += 1
    return counts


def test_the_corpus_holds_at_least_80_cases_across_the_eight_sources():
    counts = corpus_counts()
    assert set(counts) == set(SOURCES)
    assert all(count >= 7 for count in counts.values()), counts
    assert sum(counts.values()) >= 80, counts
