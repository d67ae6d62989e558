"""What the monitoring feeds may contain: measures, the units each hospital may report them in,
and the physiologically possible range of each (measure, unit). Used by the validator at the
boundary and by the demo-data generator, so both agree on what a valid row is.

The normal (reference) ranges used for abnormal flags live in the dbt seed
``seeds/monitoring_measures.csv``; conversion to one unit per measure happens in dbt staging.
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

# (feed, measure) -> {unit as written in files: (lowest, highest) physiologically possible value}
PLAUSIBLE_RANGES: dict[tuple[str, str], dict[str, tuple[float, float]]] = {
    (VITALS, "temperature"): {"°C": (25.0, 45.0), "°F": (77.0, 113.0)},
    (VITALS, "weight"): {"kg": (0.3, 400.0), "lb": (0.66, 880.0)},
    (VITALS, "heart_rate"): {"bpm": (20.0, 300.0)},
    (VITALS, "systolic_bp"): {"mmHg": (40.0, 300.0)},
    (VITALS, "diastolic_bp"): {"mmHg": (20.0, 200.0)},
    (LABS, "glucose"): {"mg/dL": (10.0, 2000.0), "mmol/L": (0.5, 111.0)},
    (LABS, "total_cholesterol"): {"mg/dL": (40.0, 1000.0), "mmol/L": (1.0, 26.0)},
    (LABS, "hdl_cholesterol"): {"mg/dL": (5.0, 200.0), "mmol/L": (0.1, 5.2)},
    (LABS, "hemoglobin"): {"g/dL": (2.0, 25.0), "g/L": (20.0, 250.0)},
}

# Date formats hospitals use: ISO and day-first with slashes.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

# A batch fails when more than this share of its rows is rejected (CTW_MONITORING_MAX_BAD_SHARE).
DEFAULT_MAX_BAD_SHARE = 0.20


def max_bad_share() -> float:
    return float(os.environ.get("CTW_MONITORING_MAX_BAD_SHARE", DEFAULT_MAX_BAD_SHARE))


def measures(feed: str) -> list[str]:
    return [measure for (f, measure) in PLAUSIBLE_RANGES if f == feed]
