"""Generators of the bundled sample data (the synthetic patient files, the monitoring batches,
the sample EMA report PDFs and ISRCTN XML). Tools for maintainers and tests: nothing under
``extract`` imports them, and they are not installed with the package."""
