"""dlt sources, one package per data source."""
