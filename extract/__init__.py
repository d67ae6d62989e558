"""Extract loaders of the clinical-trials warehouse: dlt sources and pipelines into DuckDB."""

__version__ = "0.1.0"
