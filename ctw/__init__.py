"""The warehouse application around the extract loaders: the ``ctw`` command, the dbt runner,
the warehouse lock, the quality report, the exports, the headline figures, the PostgreSQL
serving copy and the engine comparison. Extraction itself lives in ``extract``."""
