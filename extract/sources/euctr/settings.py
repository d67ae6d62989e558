"""Defaults of the EU Clinical Trials Register source."""

SOURCE_NAME = "euctr"
DATASET_NAME = "raw_euctr"
FILE_SUFFIXES = (".txt",)
