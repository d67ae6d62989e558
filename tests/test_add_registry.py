"""Adding a registry takes one source folder, one staging folder and one seed row."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

SOURCE = '''"""Fake registry for the add-a-registry test."""
from pathlib import Path

import dlt

from extract.inputs import Reads
from extract.runner import SourceSpec


@dlt.source(name="fakereg")
def fakereg_source(files):
    return dlt.resource([{"trial_id": "F-1", "status": "Open"}], name="trials")


SPEC = SourceSpec(
    name="fakereg",
    dataset="raw_fakereg",
    description="a fake registry",
    reads=Reads("fake registry CSV", (".csv",)),
    sample_input=Path(__file__).parent,
    make=fakereg_source,
    order=90,
)
'''
SOURCES_YML = """version: 2
sources:
  - name: fakereg
    schema: raw_fakereg
    tables:
      - name: trials
"""
STAGING_SQL = """with

source as (

    select * from {{ source('fakereg', 'trials') }}

),

final as (

    select
        trial_id,
        lower(status) as source_status
    from source

)

select * from final
"""


def test_registry_added_with_source_folder_staging_folder_and_seed_row(tmp_path):
    copy = tmp_path / "project"
    for name in ("extract", "models", "macros", "seeds", "snapshots", "tests", "analyses"):
        if (PROJECT_DIR / name).exists():
            shutil.copytree(PROJECT_DIR / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, copy / name)

    source = copy / "extract" / "sources" / "fakereg"
    source.mkdir()
    (source / "__init__.py").write_text(SOURCE)
    staging = copy / "models" / "staging" / "fakereg"
    staging.mkdir()
    (staging / "_fakereg__sources.yml").write_text(SOURCES_YML)
    (staging / "stg_fakereg__trials.sql").write_text(STAGING_SQL)
    with (copy / "seeds" / "trial_status_mapping.csv").open("a") as seed:
        seed.write("fakereg,open,recruiting,true\n")

    env = {**os.environ, "PYTHONPATH": str(copy), "CTW_PROJECT_DIR": str(copy),
           "CTW_DUCKDB_PATH": str(tmp_path / "w.duckdb"), "DBT_TARGET_PATH": str(copy / "target")}
    discovered = subprocess.run(
        [sys.executable, "-c", "from extract.registry import discover; print(list(discover()))"],
        cwd=copy, env=env, capture_output=True, text=True, check=True,
    )
    assert "fakereg" in discovered.stdout

    subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "parse", "--project-dir", str(copy), "--profiles-dir", str(copy)],
        cwd=copy, env=env, capture_output=True, text=True, check=True,
    )
    manifest = json.loads((copy / "target" / "manifest.json").read_text())
    assert "model.clinical_trials_warehouse.stg_fakereg__trials" in manifest["nodes"]
    assert "source.clinical_trials_warehouse.fakereg.trials" in manifest["sources"]
