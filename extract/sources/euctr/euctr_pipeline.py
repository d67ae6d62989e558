"""Load EU Clinical Trials Register text downloads into ``raw_euctr``.

    python -m extract.sources.euctr.euctr_pipeline                  # bundled demo download
    python -m extract.sources.euctr.euctr_pipeline --path DOWNLOADS   # a file or folder of exports
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.settings import DEMO_DATA_DIR
from extract.sources.euctr import euctr_source
from extract.sources.euctr.settings import DATASET_NAME, SOURCE_NAME

ORDER = 30
DEMO_PATH = DEMO_DATA_DIR / "euctr"


def run(path: Path | str = DEMO_PATH, *, progress: Any = None) -> RunSummary:
    """Extract every EUCTR export under ``path`` not loaded before, and load it."""
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    return run_source(pipeline, euctr_source(path=str(path)), SOURCE_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=DEMO_PATH, help="download file or folder")
    args = parser.parse_args()
    print(run(args.path, progress="tqdm").describe())


if __name__ == "__main__":
    main()
