"""Defaults of the EMA Clinical Data Publication source."""

SOURCE_NAME = "ema"
DATASET_NAME = "raw_ema"
LISTING_SUFFIXES = (".csv", ".xlsx")
REPORT_SUFFIXES = (".pdf",)
# Listing columns the source cannot do without (compared lower-cased, spaces as underscores).
REQUIRED_COLUMNS = ("product_name", "procedure_number", "document_title", "publication_date")
# Confidence of a value read next to its label on the title or synopsis page, and of an
# identifier found by its pattern alone in running text. Only labelled values link trials.
LABELLED_CONFIDENCE = 0.95
PATTERN_ONLY_CONFIDENCE = 0.6
