"""Load EMA Clinical Data Publication listings and redacted report PDFs into ``raw_ema``.

    python -m extract.sources.ema.ema_pipeline                  # bundled demo exports
    python -m extract.sources.ema.ema_pipeline --path EXPORTS   # a file or folder of exports
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.settings import DEMO_DATA_DIR
from extract.sources.ema import ema_source
from extract.sources.ema.settings import DATASET_NAME, SOURCE_NAME

ORDER = 50
DEMO_PATH = DEMO_DATA_DIR / "ema"


def run(path: Path | str = DEMO_PATH, *, progress: Any = None) -> RunSummary:
    """Extract every EMA export under ``path`` not loaded before, and load it."""
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    return run_source(pipeline, ema_source(path=str(path)), SOURCE_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=DEMO_PATH, help="export file or folder")
    args = parser.parse_args()
    print(run(args.path, progress="tqdm").describe())


if __name__ == "__main__":
    main()
