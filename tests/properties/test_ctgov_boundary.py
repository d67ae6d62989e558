"""The ClinicalTrials.gov boundary model on arbitrary JSON: accepted or rejected, never a crash."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from extract.settings import DEMO_DATA_DIR
from extract.sources.ctgov.helpers import study_to_row
from extract.sources.ctgov.models import FIELD_PATHS, Study, StudyRejected, parse_study

REAL = json.loads((DEMO_DATA_DIR / "ctgov" / "studies" / "NCT03630471.json").read_text())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)


def put(document: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for key in parents:
        if not isinstance(document.get(key), dict):
            document[key] = {}
        document = document[key]
    document[last] = value


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_document_is_accepted_or_rejected(document):
    try:
        study = parse_study(document)
    except StudyRejected as rejected:
        assert rejected.errors and all(path and reason for path, reason in rejected.errors)
    else:
        assert isinstance(study, Study)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(FIELD_PATHS)), json_values)
def test_a_real_study_with_one_field_replaced_is_accepted_or_rejected_naming_that_field(field, value):
    document = copy.deepcopy(REAL)
    put(document, FIELD_PATHS[field], value)
    try:
        study = parse_study(document)
    except StudyRejected as rejected:
        assert [path for path, _ in rejected.errors] == [FIELD_PATHS[field]] or all(
            path.startswith(FIELD_PATHS[field]) for path, _ in rejected.errors
        )
    else:
        row = study_to_row(study, "test.json")
        assert row["nct_id"] == study.nct_id
