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
    progress: Any = None,
) -> RunSummary:
    """Extract studies from ``bulk_path`` (a folder or zip of study JSON), or from the API
    when ``api`` is set, and load them."""
    options: dict[str, Any] = {}
    if not api:
        options["bulk_path"] = str(bulk_path)
    if base_url:
        options["base_url"] = base_url
    if max_pages:
        options["max_pages"] = max_pages
    if page_size:
        options["page_size"] = page_size
    if query_term:
        options["query_term"] = query_term
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    return run_source(pipeline, ctgov_source(**options), SOURCE_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--api", action="store_true", help="read the live API instead of files")
    parser.add_argument("--bulk", type=Path, default=DEMO_STUDIES, help="folder or zip of study JSON")
    parser.add_argument("--max-pages", type=int, help="stop after this many API pages")
    args = parser.parse_args()
    summary = run(args.bulk, api=args.api, max_pages=args.max_pages, progress="tqdm")
    print(summary.describe())


if __name__ == "__main__":
    main()
