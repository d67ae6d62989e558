"""Defaults of the ClinicalTrials.gov source; every one can be overridden in .dlt/config.toml."""

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
STUDIES_PATH = "studies"
# The API accepts up to 1,000 studies per page.
DEFAULT_PAGE_SIZE = 100
# Used on the first run only; later runs start from the stored cursor.
INITIAL_LAST_UPDATE = "2000-01-01"
SOURCE_NAME = "ctgov"
DATASET_NAME = "raw_ctgov"
# Bulk input: "duckdb" parses and validates in SQL and loads Arrow tables; "python" goes record
# by record through the pydantic model (the API always does).
DEFAULT_BULK_ENGINE = "duckdb"
# Documents per DuckDB batch in the bulk fast path: memory is bounded by the batch, not by N.
BULK_BATCH_SIZE = 10_000
# Longer documents (a registry record is a few kB; one with results a few hundred) go through the
# per-record path: DuckDB holds several copies of a document while parsing it.
BULK_MAX_DOCUMENT_CHARS = 1_000_000
