"""The monitoring feeds' layout: the two feeds, their columns and the bad-row threshold.

What the feeds may contain (measures, their aliases, units and conversions, possible and normal
ranges) is data, not code: the seeds ``seeds/monitoring_measures.csv`` and
``seeds/monitoring_units.csv``, read by :mod:`.vocabulary` and by the dbt models. The order of
slashed dates per hospital is ``seeds/site_date_conventions.csv`` (:mod:`extract.dates`).
"""

from __future__ import annotations

import os

SOURCE_NAME = "monitoring"
DATASET_NAME = "raw_monitoring"

VITALS = "vitals"
LABS = "labs"
FEEDS = (VITALS, LABS)

# Header of each feed's monthly CSV file, in order.
VITALS_COLUMNS = ("hospital_id", "measurement_date", "patient_id", "vital_type", "value", "unit")
LABS_COLUMNS = (
    "hospital_id",
    "test_date",
    "patient_id",
    "test_type",
    "result_value",
    "reference_range",
    "unit",
)

# feed -> (date column, type column, value column)
FEED_FIELDS = {
    VITALS: ("measurement_date", "vital_type", "value"),
    LABS: ("test_date", "test_type", "result_value"),
}

# Order of slashed dates at a hospital the site conventions seed does not name (as before the seed).
DEFAULT_SLASH_ORDER = "day_first"

# A batch fails when more than this share of its rows is rejected (CTW_MONITORING_MAX_BAD_SHARE).
DEFAULT_MAX_BAD_SHARE = 0.20


def max_bad_share() -> float:
    return float(os.environ.get("CTW_MONITORING_MAX_BAD_SHARE", DEFAULT_MAX_BAD_SHARE))

