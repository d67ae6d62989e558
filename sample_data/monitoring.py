"""A seeded generator of monthly hospital monitoring batches, with the clean truth beside them.

No real vitals or lab files can be redistributed with this project, so the bundled demo data is
synthetic, made by this module. Each hospital sends one vitals file and one lab-results file per
month; they carry the faults real feeds have:

* units that differ by hospital (°C/°F, kg/lb, mmol/L/mg/dL, g/L/g/dL);
* reference ranges written as ``70-100``, ``<200``, ``>40`` or left blank;
* values outside the physiologically possible range, non-numeric values, impossible dates;
* exact duplicate rows; dates in two formats (``2024-01-31`` and ``31/01/2024``);
* unknown vital or test types;
* a late file restating an earlier month (``<feed>_<hospital>_<month>_v2.csv``).

Into ``sample_data/truth/monitoring`` it writes the truth: every clean measurement in its
standard unit with its abnormal flag, exactly as the warehouse should end up holding it, and the
monthly statistics computed from it. Faulty rows are additions to the clean rows, never replacements, so the truth is
what a correct pipeline keeps.

    python -m sample_data.monitoring [OUT_DIR]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from extract.settings import DEMO_DATA_DIR
from extract.sources.monitoring.settings import LABS, LABS_COLUMNS, VITALS, VITALS_COLUMNS
from extract.sources.monitoring.vocabulary import vocabulary

SEED = 20240131
HOSPITALS = ("H001", "H002")
MONTHS = ("2024-01", "2024-02", "2024-03")
# (feed, hospital, month) restated by a late second version of the file.
RESTATED = ((VITALS, "H002", "2024-01"),)

# The measures of each feed the demo files carry, in the order the generator draws them.
MEASURES = {
    VITALS: ("temperature", "weight", "heart_rate", "systolic_bp", "diastolic_bp"),
    LABS: ("glucose", "total_cholesterol", "hdl_cholesterol", "hemoglobin"),
}
# The generator's own limits per (measure, unit): values are clamped inside them, and the
# out-of-range faults are drawn from them (ten times the upper limit, minus the lower one, zero),
# all outside the possible bounds of seeds/monitoring_measures.csv that the loader checks.
LIMITS = {
    ("temperature", "°C"): (25.0, 45.0),
    ("temperature", "°F"): (77.0, 113.0),
    ("weight", "kg"): (0.3, 400.0),
    ("weight", "lb"): (0.66, 880.0),
    ("heart_rate", "bpm"): (20.0, 300.0),
    ("systolic_bp", "mmHg"): (40.0, 300.0),
    ("diastolic_bp", "mmHg"): (20.0, 200.0),
    ("glucose", "mg/dL"): (10.0, 2000.0),
    ("glucose", "mmol/L"): (0.5, 111.0),
    ("total_cholesterol", "mg/dL"): (40.0, 1000.0),
    ("total_cholesterol", "mmol/L"): (1.0, 26.0),
    ("hdl_cholesterol", "mg/dL"): (5.0, 200.0),
    ("hdl_cholesterol", "mmol/L"): (0.1, 5.2),
    ("hemoglobin", "g/dL"): (2.0, 25.0),
    ("hemoglobin", "g/L"): (20.0, 250.0),
}
# The unit each hospital reports a measure in; H001 is metric/SI, H002 US conventional.
HOSPITAL_UNITS = {
    "H001": {
        "temperature": "°C",
        "weight": "kg",
        "heart_rate": "bpm",
        "systolic_bp": "mmHg",
        "diastolic_bp": "mmHg",
        "glucose": "mmol/L",
        "total_cholesterol": "mmol/L",
        "hdl_cholesterol": "mmol/L",
        "hemoglobin": "g/L",
    },
    "H002": {
        "temperature": "°F",
        "weight": "lb",
        "heart_rate": "bpm",
        "systolic_bp": "mmHg",
        "diastolic_bp": "mmHg",
        "glucose": "mg/dL",
        "total_cholesterol": "mg/dL",
        "hdl_cholesterol": "mg/dL",
        "hemoglobin": "g/dL",
    },
}
# Reference ranges as each unit's laboratories write them.
REFERENCE_RANGES = {
    ("glucose", "mg/dL"): "70-100",
    ("glucose", "mmol/L"): "3.9-5.6",
    ("total_cholesterol", "mg/dL"): "<200",
    ("total_cholesterol", "mmol/L"): "<5.2",
    ("hdl_cholesterol", "mg/dL"): ">40",
    ("hdl_cholesterol", "mmol/L"): ">1.0",
    ("hemoglobin", "g/dL"): "12-17.5",
    ("hemoglobin", "g/L"): "120-175",
}
# (mean, sd, decimals) of plausible values per (measure, unit).
DISTRIBUTIONS = {
    ("temperature", "°C"): (36.9, 0.6, 1),
    ("temperature", "°F"): (98.4, 1.1, 1),
    ("weight", "kg"): (76.0, 15.0, 1),
    ("weight", "lb"): (168.0, 33.0, 1),
    ("heart_rate", "bpm"): (78.0, 14.0, 0),
    ("systolic_bp", "mmHg"): (124.0, 16.0, 0),
    ("diastolic_bp", "mmHg"): (78.0, 10.0, 0),
    ("glucose", "mg/dL"): (98.0, 20.0, 0),
    ("glucose", "mmol/L"): (5.4, 1.1, 1),
    ("total_cholesterol", "mg/dL"): (190.0, 35.0, 0),
    ("total_cholesterol", "mmol/L"): (4.9, 0.9, 2),
    ("hdl_cholesterol", "mg/dL"): (52.0, 13.0, 0),
    ("hdl_cholesterol", "mmol/L"): (1.35, 0.33, 2),
    ("hemoglobin", "g/dL"): (13.8, 1.5, 1),
    ("hemoglobin", "g/L"): (138.0, 15.0, 0),
}
# Types no row of seeds/monitoring_measures.csv names.
UNKNOWN_TYPES = {VITALS: ("pain_score", "bmi"), LABS: ("vitamin_d", "ferritin")}
FAULT_KINDS = ("duplicate", "out_of_range", "unknown_type", "bad_date", "bad_value")


@dataclass
class Batch:
    feed: str
    hospital_id: str
    month: str
    version: int
    rows: list[dict[str, str]]
    truth: list[dict[str, object]]

    @property
    def file_name(self) -> str:
        suffix = f"_v{self.version}" if self.version > 1 else ""
        return f"{self.feed}_{self.hospital_id}_{self.month}{suffix}.csv"


def _value_text(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _standard(feed: str, measure: str, unit: str, value: float) -> tuple[str, float, float | None, float | None]:
    """(canonical unit, value in it, normal low, normal high) from the vocabulary seeds."""
    vocab = vocabulary()
    known = vocab.measure(feed, measure)
    conversion = vocab.conversion(known, unit) if known else None
    assert known and conversion, (measure, unit)
    return known.canonical_unit, conversion.apply(value), known.normal_low, known.normal_high


def _is_abnormal(value: float, low: float | None, high: float | None) -> bool:
    """Values on a bound are normal; the same rule as the dbt models."""
    return (low is not None and value < low) or (high is not None and value > high)


def _parse_range(text: str) -> tuple[float | None, float | None]:
    text = text.strip()
    if text.startswith("<"):
        return None, float(text[1:])
    if text.startswith(">"):
        return float(text[1:]), None
    low, high = text.split("-")
    return float(low), float(high)


def make_batch(
    feed: str,
    hospital_id: str,
    month: str,
    rng: random.Random,
    clean_rows: int = 1000,
    bad_rows: int = 35,
    version: int = 1,
) -> Batch:
    """One monthly file: ``clean_rows`` valid measurements plus ``bad_rows`` faulty ones."""
    measures = MEASURES[feed]
    units = HOSPITAL_UNITS[hospital_id]
    first = date.fromisoformat(f"{month}-01")
    days = [(first + timedelta(days=i)) for i in range(31) if (first + timedelta(days=i)).month == first.month]
    patients = [f"P{hospital_id[1:]}{n:04d}" for n in range(1, 161)]
    iso_share = 0.75 if hospital_id == "H001" else 0.3
    visits = rng.sample([(p, d) for p in patients for d in days], clean_rows // len(measures) + 1)

    rows: list[dict[str, str]] = []
    truth: list[dict[str, object]] = []
    for patient_id, day in visits:
        for measure in measures:
            if len(truth) == clean_rows:
                break
            unit = units[measure]
            mean, sd, decimals = DISTRIBUTIONS[(measure, unit)]
            low_ok, high_ok = LIMITS[(measure, unit)]
            value = float(_value_text(min(max(rng.gauss(mean, sd), low_ok), high_ok), decimals))
            date_text = day.isoformat() if rng.random() < iso_share else day.strftime("%d/%m/%Y")
            value_text = _value_text(value, decimals)
            standard_unit, standard, normal_low, normal_high = _standard(feed, measure, unit, value)
            if feed == VITALS:
                row = {
                    "hospital_id": hospital_id,
                    "measurement_date": date_text,
                    "patient_id": patient_id,
                    "vital_type": measure,
                    "value": value_text,
                    "unit": unit,
                }
                abnormal = _is_abnormal(standard, normal_low, normal_high)
            else:
                reference = "" if rng.random() < 0.15 else REFERENCE_RANGES[(measure, unit)]
                row = {
                    "hospital_id": hospital_id,
                    "test_date": date_text,
                    "patient_id": patient_id,
                    "test_type": measure,
                    "result_value": value_text,
                    "reference_range": reference,
                    "unit": unit,
                }
                if reference:
                    abnormal = _is_abnormal(value, *_parse_range(reference))
                else:
                    abnormal = _is_abnormal(standard, normal_low, normal_high)
            rows.append(row)
            truth.append(
                {
                    "feed": feed,
                    "hospital_id": hospital_id,
                    "month": month,
                    "measurement_date": day.isoformat(),
                    "patient_id": patient_id,
                    "measure": measure,
                    "standard_unit": standard_unit,
                    "standard_value": repr(standard),
                    "is_abnormal": str(abnormal).lower(),
                }
            )

    type_column, value_column = ("vital_type", "value") if feed == VITALS else ("test_type", "result_value")
    date_column = "measurement_date" if feed == VITALS else "test_date"
    clean = list(rows)
    for i in range(bad_rows):
        kind = FAULT_KINDS[i % len(FAULT_KINDS)]
        original = rng.choice(clean)
        if kind == "duplicate":
            rows.insert(rng.randrange(rows.index(original) + 1, len(rows) + 1), dict(original))
            continue
        bad = dict(original)
        bad["patient_id"] = f"P{hospital_id[1:]}9{i:03d}"
        if kind == "out_of_range":
            low_ok, high_ok = LIMITS[(bad[type_column], bad["unit"])]
            bad[value_column] = rng.choice([_value_text(high_ok * 10, 1), _value_text(-low_ok, 1), "0"])
        elif kind == "unknown_type":
            bad[type_column] = rng.choice(UNKNOWN_TYPES[feed])
        elif kind == "bad_date":
            bad[date_column] = rng.choice([f"{month}-32", "31/13/" + month[:4], "yesterday"])
        else:
            bad[value_column] = rng.choice(["n/a", "", "12..5", "pending"])
        rows.insert(rng.randrange(len(rows) + 1), bad)
    return Batch(feed, hospital_id, month, version, rows, truth)


def demo_batches(seed: int = SEED) -> tuple[list[Batch], list[Batch]]:
    """(every batch file, the batches that hold the truth: the latest version per hospital-month)."""
    rng = random.Random(seed)
    files: list[Batch] = []
    current: dict[tuple[str, str, str], Batch] = {}
    for feed in (VITALS, LABS):
        for hospital_id in HOSPITALS:
            for month in MONTHS:
                batch = make_batch(feed, hospital_id, month, rng, clean_rows=1000, bad_rows=rng.randint(25, 45))
                files.append(batch)
                current[(feed, hospital_id, month)] = batch
    for feed, hospital_id, month in RESTATED:
        late = make_batch(feed, hospital_id, month, rng, clean_rows=990, bad_rows=10, version=2)
        files.append(late)
        current[(feed, hospital_id, month)] = late
    return files, list(current.values())


def write_batch(batch: Batch, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / batch.file_name
    columns = VITALS_COLUMNS if batch.feed == VITALS else LABS_COLUMNS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(batch.rows)
    return path


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default, SQL's percentile_cont)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def monthly_statistics(truth: list[dict[str, object]]) -> list[dict[str, object]]:
    """Count, mean, min, max, median, p95, share abnormal and patients per hospital, measure, month."""
    groups: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    for row in truth:
        groups.setdefault((str(row["hospital_id"]), str(row["measure"]), str(row["month"])), []).append(row)
    result = []
    for (hospital_id, measure, month), rows in sorted(groups.items()):
        values = [float(str(r["standard_value"])) for r in rows]
        result.append(
            {
                "hospital_id": hospital_id,
                "measure": measure,
                "month": month,
                "standard_unit": rows[0]["standard_unit"],
                "measurement_count": len(values),
                "mean_value": repr(statistics.fmean(values)),
                "min_value": repr(min(values)),
                "max_value": repr(max(values)),
                "median_value": repr(percentile(values, 0.5)),
                "p95_value": repr(percentile(values, 0.95)),
                "share_abnormal": repr(sum(r["is_abnormal"] == "true" for r in rows) / len(rows)),
                "patients_measured": len({r["patient_id"] for r in rows}),
            }
        )
    return result


def _write_csv(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


DEFAULT_OUT = DEMO_DATA_DIR / "monitoring"
DEFAULT_TRUTH = Path(__file__).parent / "truth" / "monitoring"


def write_demo_data(out_dir: Path, seed: int = SEED, truth_dir: Path = DEFAULT_TRUTH) -> list[Path]:
    """Write every batch under ``out_dir/<feed>/`` and the truth under ``truth_dir``, never
    inside ``out_dir``: the source reads that folder whole."""
    files, current = demo_batches(seed)
    written = [write_batch(batch, out_dir / batch.feed) for batch in files]
    truth = [row for batch in current for row in batch.truth]
    _write_csv(truth_dir / "measurements.csv", truth)
    _write_csv(truth_dir / "monthly_statistics.csv", monthly_statistics(truth))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out_dir", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--truth-dir", type=Path, default=DEFAULT_TRUTH)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    for path in write_demo_data(args.out_dir, args.seed, args.truth_dir):
        print(path)


if __name__ == "__main__":
    main()
