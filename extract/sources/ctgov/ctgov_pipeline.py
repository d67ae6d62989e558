"""ClinicalTrials.gov studies into raw_ctgov (bundled bulk files by default, the live API with --api).

    python -m extract.sources.ctgov.ctgov_pipeline                 # bundled demo records
    python -m extract.sources.ctgov.ctgov_pipeline --api           # live API (settings in .dlt/config.toml)
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.settings import DEMO_DATA_DIR
from extract.sources.ctgov import ctgov_source
from extract.sources.ctgov.helpers import CHILD_LISTS
from extract.sources.ctgov.settings import DATASET_NAME, SOURCE_NAME

ORDER = 10
DEMO_STUDIES = DEMO_DATA_DIR / "ctgov" / "studies"


def run(
    bulk_path: Path | str = DEMO_STUDIES,
    *,
    api: bool = False,
    base_url: str | None = None,
    max_pages: int | None = None,
    page_size: int | None = None,
    query_term: str | None = None,
    bulk_engine: str | None = None,
    progress: Any = None,
) -> RunSummary:
    """Extract studies from ``bulk_path`` (a folder or zip of study JSON), or from the API
    when ``api`` is set, and load them. ``bulk_engine`` is ``duckdb`` (default) or ``python``."""
    options: dict[str, Any] = {}
    if not api:
        options["bulk_path"] = str(bulk_path)
    if bulk_engine:
        options["bulk_engine"] = bulk_engine
    if base_url:
        options["base_url"] = base_url
    if max_pages:
        options["max_pages"] = max_pages
    if page_size:
        options["page_size"] = page_size
    if query_term:
        options["query_term"] = query_term
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    refresh = "drop_sources" if has_nested_child_tables(pipeline) else None
    summary = run_source(pipeline, ctgov_source(**options), SOURCE_NAME, refresh=refresh)
    sweep_orphans(pipeline)
    return summary


def has_nested_child_tables(pipeline: Any) -> bool:
    """Whether the warehouse still has the child tables as dlt nested tables (the layout before
    the bulk fast path). They cannot become flat tables in place: the source's tables and state
    are dropped and everything is extracted again, once."""
    if not pipeline.default_schema_name:
        return False
    tables = pipeline.default_schema.tables
    return any(name.startswith("studies__") and table.get("parent") for name, table in tables.items())


def sweep_orphans(pipeline: Any) -> dict[str, int]:
    """Delete child rows whose study row is gone: the rows of a study's previous version after
    the merge replaced it, or of a snapshot the merge did not keep. Returns rows deleted per table.

    Runs after every load (an interrupted run's leftovers are swept by the next run); on the
    0.25% a weekly run changes it is an anti-join per child table. The filesystem destination
    (Parquet for Spark) only appends: there the raw views drop orphans at read time instead
    (macros/spark/register_parquet_sources.sql).
    """
    deleted: dict[str, int] = {}
    schema = pipeline.default_schema
    if "studies" not in schema.tables or pipeline.destination.destination_name == "filesystem":
        return deleted
    with pipeline.sql_client() as client:
        studies = client.make_qualified_table_name("studies")
        for name in CHILD_LISTS:
            table_name = f"studies__{name}"
            if table_name not in schema.tables or not client.has_dataset():
                continue
            table = client.make_qualified_table_name(table_name)
            try:
                rows = client.execute_sql(
                    f"delete from {table} as c where not exists "
                    f"(select 1 from {studies} as s where s._dlt_id = c._dlt_parent_id)"
                )
            except Exception as exc:  # a table in the schema but never loaded
                if "does not exist" in str(exc) or "not found" in str(exc).lower():
                    continue
                raise
            deleted[table_name] = int(rows[0][0]) if rows and rows[0] else 0
    return deleted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", action="store_true", help="read the live API instead of files")
    parser.add_argument("--bulk", type=Path, default=DEMO_STUDIES, help="folder or zip of study JSON")
    parser.add_argument("--max-pages", type=int, help="stop after this many API pages")
    parser.add_argument("--bulk-engine", choices=["duckdb", "python"], help="how bulk files are parsed")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    args = parser.parse_args()
    summary = run(
        args.bulk, api=args.api, max_pages=args.max_pages, bulk_engine=args.bulk_engine,
        progress=None if args.no_progress else "tqdm",
    )
    print(summary.describe())


if __name__ == "__main__":
    main()
