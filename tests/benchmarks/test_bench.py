"""The benchmark runs end to end at a tiny N and reports every figure (never timed: figures are
printed and recorded, not asserted). In the suite it starts from a copy of the session's
warehouse instead of loading and building every domain again."""

from __future__ import annotations

import json

import pytest

from benchmarks.bench import QUERIES, bench, describe
from benchmarks.generate import Vocabulary, generate, increment_indices, make_study
from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt


def test_generator_is_seeded_and_streams_valid_and_invalid_studies(tmp_path):
    first = generate(tmp_path / "a", 300, seed=7, only="ctgov")
    second = generate(tmp_path / "b", 300, seed=7, only="ctgov")
    assert first == second
    assert (tmp_path / "a" / "ctgov" / "studies-00000.ndjson").read_bytes() == (
        tmp_path / "b" / "ctgov" / "studies-00000.ndjson"
    ).read_bytes()
    assert 0 < first["studies"] - first["valid_studies"] < 20
    # about 15% carry a results section, as in the registry (hasResults says which)
    assert 20 <= first["studies_with_results"] <= 80
    documents = [json.loads(line) for line in (tmp_path / "a" / "ctgov" / "studies-00000.ndjson").open()]
    assert all(("resultsSection" in d) == d["hasResults"] for d in documents)
    assert {"participantFlowModule", "outcomeMeasuresModule", "adverseEventsModule"} <= {
        module for d in documents for module in d.get("resultsSection", {})
    }
    # any study can be regenerated alone (the increment relies on it)
    vocab = Vocabulary()
    line = (tmp_path / "a" / "ctgov" / "studies-00000.ndjson").read_text().splitlines()[123]
    assert json.loads(line) == make_study(123, 7, vocab)[0]
    assert increment_indices(400_000, 7) == sorted(set(increment_indices(400_000, 7)))
    assert len(increment_indices(400_000, 7)) == 1000


def test_benchmark_reports_every_figure_at_a_tiny_n(built_warehouse, monkeypatch):
    # On a copy of the session's warehouse, building what reads ClinicalTrials.gov; a stable
    # folder and dbt target folder, so that dbt parses partially.
    work = Warehouse("bench").reset()
    monkeypatch.setenv("DBT_TARGET_PATH", str(work.target))
    results = bench(200, work.root, repeats=3, log=lambda _: None, base=built_warehouse.root, plain_dlt=False)
    assert results["build_command"] == "ctw build --no-unit-tests --select source:ctgov+ --data-only"
    assert results["build"]["dbt"]["nodes"] > 0 and "unit_test" not in results["build"]["dbt"]["by_type"]
    # dbt's run lies within the step; node times are summed over dbt's threads (two here).
    assert 0 < results["build"]["dbt"]["elapsed_seconds"] < results["build_s"] and results["build_node_s"] > 0
    for step in ("floor", "extract", "build"):
        assert results[step]["seconds"] > 0 and results[step]["peak_rss_mb"] > 0, step
    assert results["floor"]["rows"] == 200
    assert "studies" in results["extract"]["summary"]
    increment = results["increment"]
    assert increment["extract_seconds"] > 0 and increment["build_seconds"] > 0
    assert set(results["queries"]["per_query"]) == set(QUERIES)
    assert all(q["p95_ms"] >= q["p50_ms"] > 0 for q in results["queries"]["per_query"].values())
    assert results["ratio_to_floor"] > 0
    for key in ("floor_s", "extract_s", "build_s", "increment_s"):
        assert results[key] > 0, key
    assert results["ratio_extract_build_to_floor"] > 0 and results["ratio_increment_to_floor"] > 0
    assert results["increment_s"] == increment["seconds"]
    assert results["plain_dlt_s"] is None and results["plain_dlt_reason"]
    assert results["ratio_plain_dlt_to_extract"] is None
    assert all(results["peak_rss_mb"][step] > 0 for step in ("floor", "extract", "build", "increment_build", "queries"))
    assert {"vitals_csv", "labs_csv", "omop_person_csv", "ictrp_xml_iterparse"} <= set(results["other_formats_read"])
    text = describe(results)
    assert "x the floor" in text and "weekly increment" in text and "plain dlt: none" in text
