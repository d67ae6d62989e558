"""Paths and settings shared by every pipeline, all overridable from the environment.

Relative paths are resolved against the project directory (the folder holding
``dbt_project.yml``), so commands behave the same from any working directory.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DEMO_DATA_DIR = PACKAGE_DIR / "demo_data"


def project_dir() -> Path:
    """The dbt project directory: ``CTW_PROJECT_DIR`` or the checkout this package lives in."""
    configured = os.environ.get("CTW_PROJECT_DIR")
    return Path(configured).resolve() if configured else PACKAGE_DIR.parent


def _path_from_env(variable: str, default: str) -> Path:
    path = Path(os.environ.get(variable, default))
    return path if path.is_absolute() else project_dir() / path


def duckdb_path() -> Path:
    """The warehouse file dlt loads into and dbt builds in (``CTW_DUCKDB_PATH``)."""
    return _path_from_env("CTW_DUCKDB_PATH", "warehouse/warehouse.duckdb")


def pipelines_dir() -> Path:
    """Where dlt keeps pipeline state and pending load packages (``CTW_PIPELINES_DIR``)."""
    return _path_from_env("CTW_PIPELINES_DIR", "warehouse/dlt_pipelines")


def duckdb_temp_dir() -> Path:
    """DuckDB's spill directory (``CTW_DUCKDB_TEMP_DIRECTORY``)."""
    return _path_from_env("CTW_DUCKDB_TEMP_DIRECTORY", "warehouse/tmp")


def load_memory_limit() -> str:
    """DuckDB's memory limit while dlt loads the extracted files into the warehouse
    (``CTW_LOAD_MEMORY_LIMIT``): merging a table sorts and joins it, which without a limit takes
    up to 80% of the machine's memory at registry scale; with one DuckDB spills to
    :func:`duckdb_temp_dir`."""
    return os.environ.get("CTW_LOAD_MEMORY_LIMIT", "1GB")


def dbt_target_dir() -> Path:
    """Where dbt writes manifest.json, run_results.json and the docs site: ``DBT_TARGET_PATH``
    (dbt's own variable for ``--target-path``) or ``target/`` in the project."""
    return _path_from_env("DBT_TARGET_PATH", "target")


def shared_data_dir() -> Path:
    """Real sample files that are not redistributed with the project.

    ``CTW_SHARED_DATA`` when set; otherwise ``../shared/data`` beside the checkout, or, for a
    throwaway clone of a local checkout (as CI makes), beside the checkout it was cloned from.
    """
    if "CTW_SHARED_DATA" in os.environ:
        return _path_from_env("CTW_SHARED_DATA", "../shared/data")
    candidates = [project_dir().parent / "shared" / "data"]
    origin = _local_origin()
    if origin is not None:
        candidates.append(origin.parent / "shared" / "data")
    return next((path for path in candidates if path.is_dir()), candidates[0])


def _local_origin() -> Path | None:
    """The directory this checkout was cloned from, when that is a local path."""
    try:
        url = subprocess.run(
            ["git", "remote", "get-url", "origin"], cwd=project_dir(), capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return None
    path = Path(url.removeprefix("file://")) if url else None
    return path.resolve() if path is not None and path.is_dir() else None


DESTINATIONS = ("duckdb", "filesystem")


def destination() -> str:
    """Where extracts load (``CTW_DESTINATION``): ``duckdb`` (the warehouse file, default) or
    ``filesystem`` (Parquet files under :func:`raw_parquet_url`, read by the Spark target)."""
    value = os.environ.get("CTW_DESTINATION", "duckdb").strip().lower() or "duckdb"
    if value not in DESTINATIONS:
        raise ValueError(f"CTW_DESTINATION={value!r} is not one of {', '.join(DESTINATIONS)}")
    return value


def raw_parquet_url() -> str:
    """Root of the Parquet files of the filesystem destination (``CTW_RAW_PARQUET_URL``): a local
    folder (relative to the project) or a bucket URL such as ``az://raw`` or ``abfss://...``."""
    configured = os.environ.get("CTW_RAW_PARQUET_URL", "warehouse/raw_parquet")
    if "://" in configured:
        return configured
    return str(_path_from_env("CTW_RAW_PARQUET_URL", configured))


def export_environment() -> dict[str, str]:
    """Absolute settings for child processes and dbt, so they agree with the extractors."""
    values = {
        "CTW_PROJECT_DIR": str(project_dir()),
        "CTW_DUCKDB_PATH": str(duckdb_path()),
        "CTW_PIPELINES_DIR": str(pipelines_dir()),
        "CTW_DUCKDB_TEMP_DIRECTORY": str(duckdb_temp_dir()),
        "CTW_RAW_PARQUET_URL": raw_parquet_url(),
    }
    if os.environ.get("DBT_TARGET_PATH"):
        values["DBT_TARGET_PATH"] = str(dbt_target_dir())
    os.environ.update(values)
    return values
