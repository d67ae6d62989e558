"""Defaults of the OMOP source; each one can be overridden from the environment.

The collaborator's database is reached only through a SQLAlchemy URL (``CTW_OMOP_SOURCE_URL``).
Locally it is a SQLite catalog whose schemas ``omop`` and ``sandbox`` are attached SQLite files
(see :mod:`extract.sources.omop.source_db`); in production it is Databricks, e.g.
``databricks://token:<token>@<host>?http_path=<warehouse path>&catalog=<catalog>&schema=omop``
with the token from the environment only.
"""

from __future__ import annotations

import os
from pathlib import Path

from extract import settings

SOURCE_NAME = "omop"
DATASET_NAME = "raw_omop"

# Fraction of rows the weekly load simulator adds to every table.
WEEKLY_GROWTH = 0.0025
# IN-list mode: at most this many bound person IDs per statement.
DEFAULT_IN_LIST_SIZE = 500
# Rows per batch read from the source and handed to dlt.
DEFAULT_BATCH_SIZE = 5_000
PERSON_FILTERS = ("sandbox", "in_list")

DEMO_DIR = settings.DEMO_DATA_DIR / "omop"
DEMO_COHORTS_DIR = DEMO_DIR / "cohorts"


def local_source_dir() -> Path:
    """Where the local stand-in for the collaborator's database lives (``CTW_OMOP_SOURCE_DIR``)."""
    return settings._path_from_env("CTW_OMOP_SOURCE_DIR", "warehouse/omop_source")


def source_url() -> str:
    """SQLAlchemy URL of the collaborator's database (``CTW_OMOP_SOURCE_URL``)."""
    configured = os.environ.get("CTW_OMOP_SOURCE_URL")
    if configured:
        return configured
    return f"sqlite:///{local_source_dir() / 'catalog.sqlite'}"


def cdm_schema() -> str:
    """Schema holding the CDM tables on the source side (``CTW_OMOP_SCHEMA``)."""
    return os.environ.get("CTW_OMOP_SCHEMA", "omop")


def sandbox_schema() -> str:
    """Source-side schema where we may write our cohort lists (``CTW_OMOP_SANDBOX_SCHEMA``)."""
    return os.environ.get("CTW_OMOP_SANDBOX_SCHEMA", "sandbox")


def cohorts_dir() -> Path:
    """Folder of approved cohorts, one JSON file each (``CTW_OMOP_COHORTS_DIR``)."""
    configured = os.environ.get("CTW_OMOP_COHORTS_DIR")
    return Path(configured).resolve() if configured else DEMO_COHORTS_DIR


def person_filter() -> str:
    """How the person filter is pushed down: ``sandbox`` (join to our cohort table on the source)
    or ``in_list`` (bounded IN-lists of bound parameters), from ``CTW_OMOP_PERSON_FILTER``."""
    value = os.environ.get("CTW_OMOP_PERSON_FILTER", "sandbox")
    if value not in PERSON_FILTERS:
        raise ValueError(f"CTW_OMOP_PERSON_FILTER must be one of {PERSON_FILTERS}, not {value!r}")
    return value
