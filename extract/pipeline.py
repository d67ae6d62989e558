"""What every pipeline shares: the destination (the DuckDB warehouse, or Parquet files for Spark),
pipeline storage and a run summary."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import dlt
from dlt.common.pipeline import LoadInfo
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from extract import settings
from extract.files import ControlCharacters
from extract.quarantine import QUARANTINE_TABLE

logger = logging.getLogger(__name__)


class _QuietQuarantineColumns(logging.Filter):
    """dlt warns that the incremental cursor column got no data in the quarantine table;
    quarantine rows have no cursor by design, so that one warning is noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return f"table `{QUARANTINE_TABLE}` did not receive any data" not in message


class _QuietAppendFallback(logging.Filter):
    """The filesystem destination appends where a database merges, and warns for every table of
    every load. Appending is intended there: the Spark target keeps the newest version of each
    key when it reads the files (macros/spark/register_parquet_sources.sql)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not (
            message.startswith("Falling back to `append`")
            or ('"dedup_sort" column hint' in message and 'write disposition "append"' in message)
        )


logging.getLogger("dlt").addFilter(_QuietQuarantineColumns())
logging.getLogger("dlt").addFilter(_QuietAppendFallback())

# One folder per table, one file per load job: Spark reads a table as its folder, and the load id
# in each file's name is also in its `_dlt_load_id` column (the newest version of a key wins).
PARQUET_LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}"
FILESYSTEM_PIPELINE_SUFFIX = "_filesystem"


def make_pipeline(name: str, dataset_name: str, progress: Any = None) -> dlt.Pipeline:
    """A dlt pipeline loading into the warehouse DuckDB file, with its state under ``warehouse/``.

    With ``CTW_DESTINATION=filesystem`` it writes Parquet files under ``CTW_RAW_PARQUET_URL``
    instead (a local folder, or ``az://``/``abfss://`` on Azure), one folder per table, for
    Spark and Databricks to read (see docs/scale-out.md). That pipeline has its own name, so
    its state never mixes with the DuckDB pipeline's.

    Pending load packages of an interrupted run live in the pipelines directory; ``run`` finishes
    them before extracting anything new.
    """
    # Arrow tables (the bulk fast paths) get the load id column too, like normalised rows.
    os.environ.setdefault("NORMALIZE__PARQUET_NORMALIZER__ADD_DLT_LOAD_ID", "true")
    if settings.destination() == "filesystem":
        return dlt.pipeline(
            pipeline_name=f"{name}{FILESYSTEM_PIPELINE_SUFFIX}",
            destination=dlt.destinations.filesystem(bucket_url=settings.raw_parquet_url(), layout=PARQUET_LAYOUT),
            dataset_name=dataset_name,
            pipelines_dir=str(settings.pipelines_dir()),
            progress=progress,
        )
    settings.duckdb_path().parent.mkdir(parents=True, exist_ok=True)
    settings.duckdb_temp_dir().mkdir(parents=True, exist_ok=True)
    # The load's memory is bounded (a merge spills to disk beyond it), as dbt's connection is.
    credentials = DuckDbCredentials(
        str(settings.duckdb_path()),
        global_config={
            "memory_limit": settings.load_memory_limit(),
            "temp_directory": str(settings.duckdb_temp_dir()),
            "preserve_insertion_order": False,
        },
    )
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(credentials=credentials),
        dataset_name=dataset_name,
        pipelines_dir=str(settings.pipelines_dir()),
        progress=progress,
    )


class SourceDataRejected(RuntimeError):
    """Input a source refused to load (e.g. a batch with too many bad rows); the message names
    the file and why. Raised after everything else was loaded and the bad rows quarantined."""


@dataclass
class RunSummary:
    """What a pipeline run did, in figures a person can read."""

    source: str
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    load_info: LoadInfo | None = None
    # (resource, field) -> control characters removed (the rule in extract.files)
    controls_removed: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def loaded(self) -> int:
        return sum(n for table, n in self.rows.items() if table != QUARANTINE_TABLE)

    def describe(self) -> str:
        tables = ", ".join(f"{t}={n}" for t, n in sorted(self.rows.items()) if t != QUARANTINE_TABLE)
        text = f"{self.source}: {self.loaded} rows loaded ({tables or 'nothing new'})"
        if self.quarantined:
            text += f"; {self.quarantined} quarantined (see the {QUARANTINE_TABLE} table)"
        if self.controls_removed:
            text += f"; {sum(self.controls_removed.values())} control characters removed from text"
        return text


def finish_pending(pipeline: dlt.Pipeline) -> bool:
    """Normalise and load what an interrupted run extracted but did not load.

    The incremental cursors of that run are committed with its package, so the extraction that
    follows starts after it: nothing is extracted twice, nothing is lost.
    """
    if not pipeline.has_pending_data:
        return False
    notice = f"{pipeline.pipeline_name}: finishing load packages left by an interrupted run"
    logger.warning(notice)
    # Said on stderr as well: once a library has configured logging, the warning may go elsewhere.
    print(notice, file=sys.stderr)
    pipeline.normalize()
    pipeline.load()
    return True


def run_source(
    pipeline: dlt.Pipeline,
    source: Any,
    source_name: str,
    loader_file_format: str = "parquet",
    refresh: str | None = None,
) -> RunSummary:
    """Run a source, first finishing any package an interrupted run left behind, and summarise it.

    Extract, normalise and load run as separate steps so that a crash between them leaves a
    pending package that the next run finishes (see :func:`finish_pending`). ``refresh`` is
    dlt's (``drop_sources`` drops the source's tables and state first, for a layout change).
    """
    finish_pending(pipeline)
    controls = ControlCharacters()
    resources = source.resources.items() if hasattr(source, "resources") else [(source.name, source)]
    for name, resource in resources:
        resource.add_map(controls.step(name))
    pipeline.extract(source, loader_file_format=loader_file_format, refresh=refresh)
    normalize_info = pipeline.normalize()
    load_info = pipeline.load()
    counts: dict[str, int] = {}
    for table, count in normalize_info.row_counts.items():
        if not table.startswith("_dlt"):
            counts[table] = counts.get(table, 0) + count
    if controls.removed:
        # The quality note of the control-character rule: which fields, how many characters.
        logger.warning("%s: %s", source_name, controls.describe())
    return RunSummary(
        source=source_name,
        rows=counts,
        quarantined=counts.get(QUARANTINE_TABLE, 0),
        load_info=load_info,
        controls_removed=dict(controls.removed),
    )
