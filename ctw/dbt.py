"""Running dbt against this project, with the same settings as the extractors.

dbt runs in a child process: dbt-duckdb keeps its connection open for the life of the process,
and a separate process releases the warehouse file as soon as the build ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ctw.deid import DeidKeyRefused, configured_key
from ctw.lock import child_environment
from extract import settings


class DbtFailed(RuntimeError):
    """dbt reported errors; its own log above says which node failed."""


def _dbt_executable() -> str:
    """The ``dbt`` installed beside this interpreter (the project's virtualenv)."""
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(args: Sequence[str]) -> None:
    """Run a dbt command (e.g. ``["build"]``) with this project's project and profiles dirs."""
    try:
        configured_key()
    except DeidKeyRefused as exc:
        raise DbtFailed(f"dbt {' '.join(args)} not started: {exc}") from None
    environment = {**os.environ, **settings.export_environment(), **child_environment(settings.duckdb_path())}
    settings.duckdb_temp_dir().mkdir(parents=True, exist_ok=True)
    project = str(settings.project_dir())
    command = [_dbt_executable(), *args, "--project-dir", project, "--profiles-dir", project]
    completed = subprocess.run(command, cwd=project, env=environment, check=False)
    if completed.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit code {completed.returncode}); see its log above")
