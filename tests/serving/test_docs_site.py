"""The dbt docs site opened in headless Chromium, its data dictionary and cookbook (every
runnable analysis run on the exported DuckDB file), and the Metabase compose file validated."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ctw.cli import app
from ctw.export import export_marts
from tests.conftest import PROJECT_DIR
from tests.serving.system import ensure_program, find_chromium, find_docker_compose

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1400,1000",
    # Let the page's scripts (angular, cytoscape) run to completion before dumping or capturing.
    "--virtual-time-budget=20000",
]
DIM_TRIAL_PAGE = "static_index.html#!/model/model.clinical_trials_warehouse.dim_trial?g_v=1"


@pytest.fixture(scope="module")
def docs_site(served, tmp_path_factory) -> Iterator[str]:
    """`ctw docs` on the shared warehouse, served over HTTP from target/ on 127.0.0.1."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in served.environment.items():
            patch.setenv(key, value)
        result = CliRunner().invoke(app, ["docs"])
    assert result.exit_code == 0, result.output
    target = Path(served.environment["DBT_TARGET_PATH"])
    assert (target / "static_index.html").stat().st_size > 0

    handler = functools.partial(QuietHandler, directory=str(target))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    chromium = ensure_program(find_chromium, ["chromium"])
    profile = tmp_path / "chromium-profile"  # a fresh profile per run
    command = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def test_model_page_and_lineage_graph_render_in_chromium(docs_site, tmp_path):
    dom = _chromium(tmp_path, "--dump-dom", f"{docs_site}/{DIM_TRIAL_PAGE}").stdout
    # The page embeds the manifest as JSON: look only at what angular rendered.
    rendered = re.sub(r"<script\b.*?</script>", "", dom, flags=re.S)

    # The model page: its description rendered from markdown, and its column table.
    assert re.search(r'class="model-markdown[^"]*"[^>]*><p>One row per trial: titles', rendered)
    assert re.search(r'<span class="text-dark ng-binding">nct_id</span>', rendered)
    # Exposures are listed in the project tree.
    assert 'data-nav-unique-id="exposure.clinical_trials_warehouse.trial_pipeline_overview"' in rendered
    # The lineage graph: cytoscape drew its node layer on a canvas of real size.
    node_layer = re.search(r'<canvas[^>]*data-id="layer2-node"[^>]*width="(\d+)" height="(\d+)"', rendered)
    assert node_layer, "the lineage graph did not render"
    assert int(node_layer.group(1)) > 100 and int(node_layer.group(2)) > 100

    screenshot = tmp_path / "dim_trial.png"
    _chromium(tmp_path, f"--screenshot={screenshot}", f"{docs_site}/{DIM_TRIAL_PAGE}")
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 1000)


def _sections(page: str) -> dict[str, str]:
    """The cookbook's sections of the generated page, by analysis name."""
    cookbook = page.split("## Cookbook", 1)[1]
    return {
        part.split("\n", 1)[0].strip(): part for part in cookbook.split("\n### ")[1:]
    }


def test_data_dictionary_and_cookbook_reach_the_site_and_run_on_the_export(docs_site, served, tmp_path):
    target = Path(served.environment["DBT_TARGET_PATH"])
    page = (target / "docs" / "reference.md").read_text(encoding="utf-8")
    manifest = json.loads((target / "manifest.json").read_text())
    # The docs block is the project's page of the site (what `ctw docs` wrote, dbt read).
    block = manifest["docs"]["doc.clinical_trials_warehouse.__clinical_trials_warehouse__"]["block_contents"]
    assert "## Data dictionary" in block and "## Cookbook" in block

    # The dictionary: a row per mart and OMOP table, row counts those of the warehouse.
    with duckdb.connect(str(served.warehouse), read_only=True) as warehouse:
        trials = warehouse.execute("select count(*) from marts.dim_trial").fetchone()[0]
        patients = warehouse.execute("select count(*) from marts.dim_patient").fetchone()[0]
    assert f"| `dim_trial` | marts | one row per trial_id | `trial_id` | {trials:,} | yes |" in block
    assert f"| `dim_patient` | marts | one row per patient_id | `patient_id` | {patients:,} | no |" in block
    assert "| `bridge_trial_condition` | marts | one row per trial_id, condition_id |" in block

    # The cookbook: every analysis, compiled; each one that reads only exported tables runs as
    # it stands on the exported DuckDB file and returns what its compiled SQL returns on the
    # warehouse.
    with pytest.MonkeyPatch.context() as patch:
        for key, value in served.environment.items():
            patch.setenv(key, value)
        exported = export_marts(tmp_path / "export", "duckdb")
    exported_names = {path.stem for path in exported.parquet_files}
    analyses = {
        node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "analysis"
    }
    sections = _sections(page)
    assert set(sections) == set(analyses) and len(analyses) >= 15
    ran = 0
    with duckdb.connect(str(exported.single_file), read_only=True) as export, duckdb.connect(
        str(served.warehouse), read_only=True
    ) as warehouse:
        for name, section in sections.items():
            reads = {manifest["nodes"][parent]["name"] for parent in analyses[name]["depends_on"]["nodes"]}
            runnable = reads <= exported_names
            assert ("Runs in the warehouse only" not in section) == runnable, name
            if not runnable:
                continue
            sql = section.split("```sql\n", 1)[1].split("\n```", 1)[0]
            assert '"warehouse".' not in sql, name
            expected = warehouse.execute(analyses[name]["compiled_code"]).fetchall()
            assert sorted(map(repr, export.execute(sql).fetchall())) == sorted(map(repr, expected)), name
            ran += 1
    # Two analyses read what stays in the warehouse (a patient-level mart, the OMOP cohort registry).
    assert ran == len(analyses) - 2


def test_metabase_compose_file_is_valid(tmp_path):
    compose = ensure_program(find_docker_compose, ["docker-compose"])
    compose_file = PROJECT_DIR / "deploy" / "metabase" / "docker-compose.yml"
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "CTW_PG_PASSWORD": "not-a-real-password"}
    valid = subprocess.run(
        [compose, "-f", str(compose_file), "config", "-q"], env=environment, capture_output=True, text=True
    )
    assert valid.returncode == 0, valid.stderr
    # No password in the file: without one from the environment the file refuses to start.
    del environment["CTW_PG_PASSWORD"]
    refused = subprocess.run(
        [compose, "-f", str(compose_file), "config", "-q"], env=environment, capture_output=True, text=True
    )
    assert refused.returncode != 0 and "CTW_PG_PASSWORD" in refused.stderr
