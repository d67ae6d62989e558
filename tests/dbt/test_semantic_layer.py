"""The semantic layer dbt writes on every build (target/semantic_manifest.json): the metrics,
their measures and the time spine (docs/semantic-layer.md)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Warehouse

pytestmark = pytest.mark.dbt


def test_metrics_measures_and_time_spine_are_declared(built_warehouse: Warehouse) -> None:
    semantic = json.loads((built_warehouse.target / "semantic_manifest.json").read_text())
    measures = {
        measure["name"]: model["name"] for model in semantic["semantic_models"] for measure in model["measures"]
    }
    metrics = {metric["name"]: metric for metric in semantic["metrics"]}
    assert set(metrics) == {"trials", "recruiting_trials", "planned_enrollment", "participations", "patients_in_trials"}
    for metric in metrics.values():
        assert metric["type_params"]["measure"]["name"] in measures, metric["name"]
    assert measures["trial_count"] == "trials" and measures["patients_in_trials"] == "trial_participations"
    spines = semantic["project_configuration"]["time_spines"]
    assert [spine["node_relation"]["alias"] for spine in spines] == ["metricflow_time_spine"]
    # The spine covers every trial start on the bundled data.
    (first, last, days), = built_warehouse.query(
        "select min(date_day), max(date_day), count(*) from semantic.metricflow_time_spine"
    )
    (earliest, latest), = built_warehouse.query("select min(start_date), max(start_date) from marts.dim_trial")
    assert first <= earliest and latest <= last and days == (last - first).days + 1

