"""A real trial registered in several registries appears once in dim_trial."""

from __future__ import annotations

import shutil

import pytest

from extract.runner import extract_source

# Identity resolution and what the assertions read, with their tests.
BUILD = [
    "build",
    "--select",
    "+dim_trial +bridge_trial_registry_id +bridge_trial_ema_document",
    "--indirect-selection",
    "cautious",
]


@pytest.mark.dbt
def test_trial_in_several_registries_is_one_trial(built_copy, query, dbt, shared_data, tmp_path):
    # The real ICTRP XML export (not redistributable, read from the shared folder) loaded on top
    # of every registry's bundled data: EUCTR 2021-000037-14 is republished from five member
    # states and lists NCT04973137.
    folder = tmp_path / "ictrp_shared"
    folder.mkdir()
    shutil.copy(shared_data / "who_ictrp" / "ictrp_export_machado-t.xml", folder)
    extract_source("ictrp", folder)
    dbt(BUILD)

    # EUCTR 2021-002179-21: seven EUCTR protocols plus its ICTRP record, one trial in one
    # registry (ICTRP republishes the EUCTR record; it is not a registry of its own).
    assert query("select registries, registry_record_count from marts.dim_trial where trial_id = '2021-002179-21'") == [
        ("euctr", 2)
    ]
    assert query(
        "select count(distinct trial_id) from marts.bridge_trial_registry_id "
        "where registry_id in ('2021-000037-14', 'NCT04973137')"
    ) == [(1,)]
    assert query(
        "select distinct trial_id from marts.bridge_trial_registry_id where registry_id = '2021-000037-14'"
    ) == [("NCT04973137",)]
    # NCT02552212: CT.gov, its ICTRP copy and an EMA clinical study report.
    assert query("select registries, registry_record_count from marts.dim_trial where trial_id = 'NCT02552212'") == [
        ("ctgov", 2)
    ]
    assert ("NCT02552212",) in query("select trial_id from marts.bridge_trial_ema_document")
    assert query("select count(*) - count(distinct trial_id) from marts.dim_trial") == [(0,)]

    # Loading the same export again and every registry's bundled data changes no trial.
    before = query("select count(*) from marts.dim_trial")
    extract_source("ictrp", folder)
    result = built_copy.ctw("extract", "--no-progress", "ctgov", "ictrp", "euctr", "isrctn", "ema")
    assert result.returncode == 0, result.stderr[-3000:]
    dbt(BUILD)
    assert query("select count(*) from marts.dim_trial") == before
