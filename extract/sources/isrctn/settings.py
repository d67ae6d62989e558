"""Defaults of the ISRCTN source."""

SOURCE_NAME = "isrctn"
DATASET_NAME = "raw_isrctn"
FILE_SUFFIXES = (".xml",)
NAMESPACE = "http://www.67bricks.com/isrctn"
