"""Defaults of the WHO ICTRP source."""

SOURCE_NAME = "ictrp"
DATASET_NAME = "raw_ictrp"
FILE_SUFFIXES = (".xml", ".csv")
# Columns without which a CSV export cannot be read at all (header names as ICTRP writes them,
# compared after turning spaces into underscores and lower-casing).
REQUIRED_COLUMNS = ("trialid", "public_title", "recruitment_status")
