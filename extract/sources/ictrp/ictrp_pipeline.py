"""Load WHO ICTRP exports (XML and CSV) into ``raw_ictrp``.

    python -m extract.sources.ictrp.ictrp_pipeline                  # bundled demo exports
    python -m extract.sources.ictrp.ictrp_pipeline --path EXPORTS   # a file or folder of exports
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.settings import DEMO_DATA_DIR
from extract.sources.ictrp import ictrp_source
from extract.sources.ictrp.settings import DATASET_NAME, SOURCE_NAME

ORDER = 20
DEMO_PATH = DEMO_DATA_DIR / "ictrp"


def run(path: Path | str = DEMO_PATH, *, progress: Any = None) -> RunSummary:
    """Extract every ICTRP export under ``path`` not loaded before, and load it."""
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    return run_source(pipeline, ictrp_source(path=str(path)), SOURCE_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", type=Path, default=DEMO_PATH, help="export file or folder")
    args = parser.parse_args()
    print(run(args.path, progress="tqdm").describe())


if __name__ == "__main__":
    main()
