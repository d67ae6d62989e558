"""Load the OMOP CDM rows of approved cohorts into ``raw_omop`` (full history for a new cohort,
only newly loaded rows for an existing one).

    python -m extract.sources.omop.omop_pipeline            # bundled samples, demo cohorts

With the default settings the local stand-in for the collaborator's database is built from the
bundled samples first if it is missing. ``CTW_OMOP_SOURCE_URL`` points at the real one
(Databricks in production); ``CTW_OMOP_COHORTS_DIR`` at the approved cohorts.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.sources.omop import omop_source
from extract.sources.omop import settings as omop_settings
from extract.sources.omop.cohorts import (
    load_registry,
    sync_sandbox,
    unknown_person_rejections,
    unknown_persons,
)
from extract.sources.omop.settings import DATASET_NAME, DEFAULT_IN_LIST_SIZE, SOURCE_NAME
from extract.sources.omop.source_db import build, exists, make_engine

ORDER = 50


def run(
    progress: Any = None,
    *,
    cohorts_dir: Path | str | None = None,
    source_url: str | None = None,
    person_filter: str | None = None,
    engine: Engine | None = None,
    in_list_size: int = DEFAULT_IN_LIST_SIZE,
) -> RunSummary:
    """Validate the cohort registry, push the cohort lists to the sandbox (``sandbox`` mode) and
    load every approved cohort's rows from its own high-water marks."""
    local = engine is None and source_url is None and "CTW_OMOP_SOURCE_URL" not in os.environ
    engine = engine or make_engine(source_url)
    if local and not exists(engine):
        build(engine)
    mode = person_filter or omop_settings.person_filter()
    registry = load_registry(Path(cohorts_dir) if cohorts_dir else omop_settings.cohorts_dir())
    rejections = list(registry.rejections)
    unknown: dict[str, list[int]] = {}
    with engine.begin() as connection:
        if mode == "sandbox":
            sync_sandbox(connection, registry.cohorts)
        for cohort in registry.cohorts:
            unknown[cohort.cohort_id] = unknown_persons(connection, cohort, mode, in_list_size)
            rejections.extend(unknown_person_rejections(cohort, unknown[cohort.cohort_id]))
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    source = omop_source(
        engine,
        registry.cohorts,
        person_filter=mode,
        rejections=rejections,
        unknown_persons=unknown,
        in_list_size=in_list_size,
    )
    return run_source(pipeline, source, SOURCE_NAME)


def main() -> None:
    print(run(progress="tqdm").describe())


if __name__ == "__main__":
    main()
