"""Load the patient-level trial files (synthetic demo set by default) into ``raw_patients``.

python -m extract.sources.patients.patients_pipeline                  # bundled demo files
python -m extract.sources.patients.patients_pipeline --input DIR      # another delivery folder
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from extract.pipeline import RunSummary, make_pipeline, run_source
from extract.settings import DEMO_DATA_DIR
from extract.sources.patients import patients_source
from extract.sources.patients.settings import DATASET_NAME, SOURCE_NAME

ORDER = 40
DEMO_FILES = DEMO_DATA_DIR / "patients"


def run(input_path: Path | str = DEMO_FILES, *, progress: Any = None) -> RunSummary:
    """Extract new or changed files of ``input_path`` and load them."""
    pipeline = make_pipeline(SOURCE_NAME, DATASET_NAME, progress=progress)
    return run_source(pipeline, patients_source(input_path=str(input_path)), SOURCE_NAME)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--input", type=Path, default=DEMO_FILES, help="folder of delivered files")
    args = parser.parse_args()
    print(run(args.input, progress="tqdm").describe())


if __name__ == "__main__":
    main()
