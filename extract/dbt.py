"""Running dbt against this project, with the same settings as the extractors.

dbt runs in a child process: dbt-duckdb keeps its connection open for the life of the process,
and a separate process releases the warehouse file as soon as the build ends.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence

from extract import settings


class DbtFailed(RuntimeError):
    """dbt reported errors; its own log above says which node failed."""


def run_dbt(args: Sequence[str]) -> None:
    """Run a dbt command (e.g. ``["build"]``) with this project's project and profiles dirs."""
    environment = {**os.environ, **settings.export_environment()}
    settings.duckdb_temp_dir().mkdir(parents=True, exist_ok=True)
    project = str(settings.project_dir())
    command = [sys.executable, "-m", "dbt.cli.main", *args, "--project-dir", project, "--profiles-dir", project]
    completed = subprocess.run(command, cwd=project, env=environment, check=False)
    if completed.returncode != 0:
        raise DbtFailed(f"dbt {' '.join(args)} failed (exit code {completed.returncode}); see its log above")
