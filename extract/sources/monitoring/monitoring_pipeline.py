"""Load hospital monitoring batches (monthly vitals and lab results) into ``raw_monitoring``.

    python -m extract.sources.monitoring.monitoring_pipeline                 # bundled demo batches
    python -m extract.sources.monitoring.monitoring_pipeline --data-dir DIR  # another folder

A batch whose share of bad rows is above the threshold (``--max-bad-share``,
``CTW_MONITORING_MAX_BAD_SHARE``, default 0.2) is not loaded: its bad rows are quarantined, the
other batches load, and the run then fails with an error naming the file and why.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.settings import DEMO_DATA_DIR
from extract.sources.monitoring import monitoring_source
from extract.sources.monitoring.settings import DATASET_NAME, SOURCE_NAME
from extract.sources.monitoring.validation import BatchRejected

ORDER = 20
DEMO_BATCHES = DEMO_DATA_DIR / "monitoring"


def run(
    data_dir: Path | str = DEMO_BATCHES,
    *,
    max_bad_share: float | None = None,
    progress: Any = None,
) -> RunSummary:
    """Validate and load every new batch under ``data_dir`` (``vitals/`` and ``labs/``)."""
    refusals: list[str] = []
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    source = monitoring_source(str(data_dir), max_bad_share, refusals)
    summary = run_source(pipeline, source, SOURCE_NAME)
    if refusals:
        raise BatchRejected("; ".join(refusals))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data-dir", type=Path, default=DEMO_BATCHES, help="folder with vitals/ and labs/"
    )
    parser.add_argument(
        "--max-bad-share", type=float, help="refuse batches with more bad rows than this share"
    )
    args = parser.parse_args()
    print(run(args.data_dir, max_bad_share=args.max_bad_share, progress="tqdm").describe())


if __name__ == "__main__":
    main()
