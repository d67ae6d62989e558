"""Defaults of the patient-level trial files source."""

SOURCE_NAME = "patients"
DATASET_NAME = "raw_patients"
# File types the source opens; among them it reads those whose header names a table's columns.
FILE_SUFFIXES = (".csv", ".jsonl", ".xlsx")
