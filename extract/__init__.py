"""Extract loaders of the clinical-trials warehouse: dlt sources and pipelines into DuckDB."""

import os

from extract.settings import project_dir

__version__ = "0.1.0"

# dlt reads the project's `.dlt/config.toml` whatever the working directory of the command.
os.environ.setdefault("DLT_PROJECT_DIR", str(project_dir()))
