"""Defaults of the patient-level trial files source."""

SOURCE_NAME = "patients"
DATASET_NAME = "raw_patients"
# File types read from the input folder; anything else (NOTICE.md, truth/) is ignored.
FILE_SUFFIXES = (".csv", ".jsonl", ".xlsx")
