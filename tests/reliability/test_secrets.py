"""The pseudonymisation key reaches the engine at run time and is written to no artefact."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest

from ctw.cohort_export import export_cohort
from ctw.dbt import DbtFailed, run_dbt
from ctw.deid import DEV_ONLY_KEY, DeidKeyRefused, configured_key, fingerprint
from ctw.export import export_marts
from tests.conftest import PROJECT_DIR

pytestmark = pytest.mark.dbt

# The model every pseudonym comes from and the cohort registry recording the key's fingerprint: a
# small selection of the session's models (all of them compile the key expression the same way).
SELECTION = "int_omop__person_pseudonyms cohort_registry"


def files_holding(needle: bytes, *roots: Path) -> list[str]:
    found = []
    for root in roots:
        for path in [root] if root.is_file() else root.rglob("*"):
            if path.is_file() and needle in path.read_bytes():
                found.append(str(path))
    return found


def test_a_production_key_is_in_no_compiled_sql_log_docs_site_warehouse_or_export(
    built_copy, monkeypatch, tmp_path
):
    # A fresh random key, as a production key would be. dbt never reads the variable (the plugin
    # does), so the copy's dbt target folder and its partial parse serve as they are.
    key = "prod-" + secrets.token_hex(20)
    target, logs = built_copy.target, built_copy.root / "logs"
    monkeypatch.setenv("CTW_DEID_KEY", key)
    monkeypatch.setenv("DBT_LOG_PATH", str(logs))
    run_dbt(["run", "--select", SELECTION])
    run_dbt(["docs", "generate", "--static", "--select", SELECTION])
    manifest = export_cohort("nj_cardiometabolic_2026", tmp_path / "cohort")
    export_marts(tmp_path / "export", "sqlite")

    assert (target / "static_index.html").is_file() and list(logs.glob("*.log"))
    # The key did reach the engine: the pseudonyms are not those of the dev-only key.
    assert manifest["deid_key_fingerprint"] == fingerprint(key) != fingerprint(DEV_ONLY_KEY)
    assert manifest["de_identified"] is True and manifest["dev_only_key_used"] is False
    compiled = (target / "compiled").rglob("int_omop__person_pseudonyms.sql")
    assert "getvariable('ctw_deid_key')" in next(compiled).read_text()
    assert files_holding(key.encode(), target, logs, built_copy.root, tmp_path, PROJECT_DIR / "logs") == []


def test_a_dev_key_build_is_marked_not_de_identified_for_release(built_warehouse, tmp_path, monkeypatch):
    # The session build runs without CTW_DEID_KEY: the dev-only key, and the manifest says so.
    monkeypatch.setenv("CTW_DUCKDB_PATH", str(built_warehouse.path))
    manifest = export_cohort("nj_cardiometabolic_2026", tmp_path)
    assert manifest["dev_only_key_used"] is True and manifest["de_identified"] is False
    assert manifest["release_status"] == "not de-identified for release"
    assert manifest["deid_key_fingerprint"] == fingerprint(DEV_ONLY_KEY)
    assert DEV_ONLY_KEY not in json.dumps(manifest)


@pytest.mark.parametrize(
    ("environment", "key", "message"),
    [
        ("prod", None, "is not set"),
        ("prod", DEV_ONLY_KEY, "dev-only key"),
        ("dev", "a'; drop table x; --", "may hold only"),
    ],
)
def test_production_refuses_a_missing_or_dev_key_before_dbt_starts(environment, key, message, monkeypatch):
    monkeypatch.setenv("CTW_ENV", environment)
    if key is None:
        monkeypatch.delenv("CTW_DEID_KEY", raising=False)
    else:
        monkeypatch.setenv("CTW_DEID_KEY", key)
    with pytest.raises(DeidKeyRefused, match=message):
        configured_key()
    with pytest.raises(DbtFailed, match=message):
        run_dbt(["compile", "--select", "int_omop__person_pseudonyms"])
