"""The brief's own files and any hospital's vocabulary, end to end: one extraction and one dbt build
of the monitoring models, in a copy of the dbt project whose measures seed has one row more
(``mean_arterial_pressure``, which no code names).

The inputs: the assessment brief's two sample blocks verbatim as ``vitals_2024.csv`` and
``lab_results_2024.csv``; one export per feed written here (three hospitals, three months, the
measures under the brief's and other names, units the hospitals differ in, ISO and day-first
dates, repeats, a conflict, blanks, unknown measures and units, a value possible in °F but not
once converted); and a file with a header only. The expected monthly statistics are computed here
from the rows written, with the conversions written out below, not read from the pipeline.
"""

from __future__ import annotations

import contextlib
import csv
import io
import shutil
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ctw.dbt import run_dbt
from extract.runner import extract_source
from extract.sources.monitoring.settings import LABS_COLUMNS, VITALS_COLUMNS
from tests.conftest import PROJECT_DIR, Warehouse

# The brief's sample blocks, verbatim.
BRIEF_VITALS = """hospital_id,measurement_date,patient_id,vital_type,value,unit
H001,2024-01-15,P12345,blood_pressure_systolic,120,mmHg
H001,2024-01-15,P12345,blood_pressure_diastolic,80,mmHg
H001,2024-01-15,P12345,heart_rate,72,bpm
"""
BRIEF_LABS = """hospital_id,test_date,patient_id,test_type,result_value,reference_range,unit
H001,2024-01-16,P12345,glucose,95,70-100,mg/dL
H001,2024-01-16,P12345,cholesterol,180,125-200,mg/dL
"""

# The measure added by a seed row alone (LOINC 8478-0, mean blood pressure), in mm[Hg], a
# canonical unit the units seed already converts.
NEW_MEASURE = "mean_arterial_pressure,vitals,Mean arterial pressure,map|mean_bp,8478-0,mm[Hg],,20,250,70,100\n"

HOSPITALS = ("H101", "H102", "H103")
MONTHS = ("2024-02", "2024-03", "2024-04")


def same(value: float) -> float:
    return value


@dataclass(frozen=True)
class Unit:
    """A unit a hospital writes a measure in, a typical value and step in it, and the conversion
    to the canonical unit (the facts: °F, lb, glucose 180.156 g/mol, cholesterol 386.65 g/mol,
    creatinine 113.12 g/mol, HbA1c IFCC to NGSP 0.0915 x + 2.15)."""

    spelling: str
    typical: float
    step: float
    convert: Callable[[float], float] = same


def everywhere(unit: Unit) -> dict[str, Unit]:
    return dict.fromkeys(HOSPITALS, unit)


# (name as written, measure code) -> {hospital: unit}
VITALS = {
    ("heart_rate", "heart_rate"): everywhere(Unit("bpm", 72, 2)),
    ("blood_pressure_systolic", "systolic_bp"): everywhere(Unit("mmHg", 120, 3)),
    ("Respiratory Rate", "respiratory_rate"): everywhere(Unit("breaths/min", 15, 1)),
    ("SpO2", "oxygen_saturation"): everywhere(Unit("%", 97, 0.4)),
    ("temperature", "temperature"): {
        "H101": Unit("C", 36.8, 0.1),
        "H102": Unit("°F", 98.3, 0.2, lambda f: (f - 32) * 5 / 9),
        "H103": Unit("degC", 36.9, 0.1),
    },
    ("weight", "weight"): {
        "H101": Unit("kg", 72, 1.5),
        "H102": Unit("kg", 80, 2),
        "H103": Unit("lb", 165, 3, lambda lb: lb * 0.45359237),
    },
    ("map", "mean_arterial_pressure"): everywhere(Unit("mmHg", 90, 2)),
}
LABS = {
    ("glucose", "glucose"): {
        "H101": Unit("mmol/L", 5.4, 0.2, lambda v: v * 18.0156),
        "H102": Unit("mg/dL", 96, 3),
        "H103": Unit("mg/dl", 99, 4),
    },
    ("cholesterol", "total_cholesterol"): {
        "H101": Unit("mg/dL", 190, 5),
        "H102": Unit("mmol/L", 4.9, 0.1, lambda v: v * 38.665),
        "H103": Unit("mg/dL", 185, 6),
    },
    ("creatinine", "creatinine"): {
        "H101": Unit("mg/dL", 0.9, 0.05),
        "H102": Unit("mg/dL", 1.0, 0.04),
        "H103": Unit("µmol/L", 80, 3, lambda v: v * 0.011312),
    },
    ("HbA1c", "hba1c"): {
        "H101": Unit("mmol/mol", 40, 1, lambda v: 0.0915 * v + 2.15),
        "H102": Unit("%", 5.6, 0.1),
        "H103": Unit("%", 5.8, 0.1),
    },
}


@dataclass
class Export:
    rows: list[dict[str, str]]
    # (hospital, measure code, month) -> canonical values of the rows that must load
    expected: dict[tuple[str, str, str], list[float]]
    # (hospital, kind, measure code, value) of the rows quarantined for the vocabulary
    unknown: list[tuple[str, str, str, str]]


def _date(month: str, day: int, day_first: bool) -> str:
    return f"{day:02d}/{month[5:]}/{month[:4]}" if day_first else f"{month}-{day:02d}"


def _export(feed: str) -> Export:
    measures = VITALS if feed == "vitals" else LABS
    date_column, type_column, value_column = (
        ("measurement_date", "vital_type", "value") if feed == "vitals" else ("test_date", "test_type", "result_value")
    )
    rows: list[dict[str, str]] = []
    expected: dict[tuple[str, str, str], list[float]] = {}

    def row(hospital: str, month: str, day: int, patient: str, name: str, value: str, unit: str, **kw: bool) -> dict:
        written = {
            "hospital_id": hospital,
            date_column: _date(month, day, kw.get("day_first", False)),
            "patient_id": patient,
            type_column: name,
            value_column: value,
            "unit": unit,
        }
        if feed == "labs":
            written["reference_range"] = ""
        rows.append(written)
        return written

    for h, hospital in enumerate(HOSPITALS):
        for m, month in enumerate(MONTHS):
            visits = 3 + (h + m) % 3
            for visit in range(visits):
                day = 1 + (visit * 7 + h * 3 + m) % 27
                patient = f"P{hospital}{visit}"
                for i, ((name, code), units) in enumerate(measures.items()):
                    unit = units[hospital]
                    value = round(unit.typical + unit.step * ((visit * 5 + i * 3 + h + m) % 11 - 5), 3)
                    # Day-first dates for every third visit (days above and below 12).
                    row(hospital, month, day, patient, name, repr(value), unit.spelling, day_first=visit % 3 == 1)
                    expected.setdefault((hospital, code, month), []).append(unit.convert(value))

    # A repeat of a whole line, and the same measurement again with its date day first: once each.
    rows.append(dict(rows[0]))
    again = dict(rows[1])
    iso = again[date_column]
    again[date_column] = _date(iso[:7], int(iso[8:10]), day_first=True)
    rows.append(again)
    # Two different values for one hospital, patient, date and measure: both quarantined.
    conflicted = next(r for r in rows if r["hospital_id"] == "H102" and r[date_column].startswith("2024-03"))
    other = dict(conflicted)
    other[value_column] = repr(float(conflicted[value_column]) + 3)
    rows.append(other)
    code = next(c for (n, c) in measures if n == conflicted[type_column])
    unit = measures[(conflicted[type_column], code)]["H102"]
    expected[("H102", code, "2024-03")].remove(unit.convert(float(conflicted[value_column])))
    # A blank and an unreadable number.
    name, code = next(iter(measures))
    row("H101", "2024-02", 3, "PX1", name, "", measures[(name, code)]["H101"].spelling)
    row("H103", "2024-04", 4, "PX2", name, "n/a", measures[(name, code)]["H103"].spelling)
    # Unknown measures and units: quarantined, reported, never counted against the batch.
    unknown_name = "pain_score" if feed == "vitals" else "ferritin"
    for patient in ("PU1", "PU2", "PU3"):
        row("H102", "2024-04", 9, patient, unknown_name, "3", "{score}" if feed == "vitals" else "ng/mL")
    unknown = [("H102", "measure", "", unknown_name)] * 3
    if feed == "vitals":
        row("H103", "2024-02", 5, "PU4", "weight", "11", "stone")
        unknown.append(("H103", "unit", "weight", "stone"))
        # 112 °F is 44.4 °C and loads; 114 °F is 45.6 °C, above the possible 45 °C.
        row("H102", "2024-02", 6, "PT1", "temperature", "112", "°F")
        expected[("H102", "temperature", "2024-02")].append((112 - 32) * 5 / 9)
        row("H102", "2024-02", 6, "PT2", "temperature", "114", "°F")
    return Export(rows, expected, unknown)


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _project_copy(folder: Path) -> Path:
    """The dbt project's own files copied, with NEW_MEASURE appended to the measures seed."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml"):
        shutil.copy2(PROJECT_DIR / name, folder / name)
    for name in ("models", "macros", "seeds", "snapshots", "analyses", "docs/dbt", "tests/generic", "tests/singular"):
        shutil.copytree(PROJECT_DIR / name, folder / name)
    seed = folder / "seeds" / "monitoring_measures.csv"
    seed.write_text(seed.read_text(encoding="utf-8") + NEW_MEASURE, encoding="utf-8")
    return folder


@dataclass
class Built:
    warehouse: Warehouse
    vitals: Export
    labs: Export
    stderr: str


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Every input extracted from one folder and the monitoring models built, once."""
    scratch = Warehouse("monitoring_vocabulary").reset()
    project = _project_copy(scratch.root / "project")
    inputs = tmp_path_factory.mktemp("hospital exports")
    (inputs / "vitals_2024.csv").write_text(BRIEF_VITALS, encoding="utf-8")
    (inputs / "lab_results_2024.csv").write_text(BRIEF_LABS, encoding="utf-8")
    vitals, labs = _export("vitals"), _export("labs")
    _write(inputs / "vitals_export.csv", VITALS_COLUMNS, vitals.rows)
    _write(inputs / "labs_export.csv", LABS_COLUMNS, labs.rows)
    (inputs / "labs_april_header_only.csv").write_text(",".join(LABS_COLUMNS) + "\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        for key, value in {**scratch.environment(), "CTW_PROJECT_DIR": str(project)}.items():
            patch.setenv(key, value)
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr):
            extract_source("monitoring", inputs)
        # Not the headline figures: they read every domain's marts, which this warehouse lacks.
        run_dbt([
            "build", "--quiet", "--select", "source:monitoring+", "monitoring_measures+", "monitoring_units+",
            "--exclude", "path:models/marts/overview",
        ])
    yield Built(scratch, vitals, labs, stderr.getvalue())


def test_the_briefs_sample_files_load_in_canonical_units(built: Built) -> None:
    vitals = built.warehouse.query(
        "select measure_code, loinc_code, reported_measure, standard_value, standard_unit, measured_date::varchar "
        "from marts.fct_vital_measurements where patient_id = 'P12345' order by all"
    )
    assert vitals == [
        ("diastolic_bp", "8462-4", "blood_pressure_diastolic", 80.0, "mm[Hg]", "2024-01-15"),
        ("heart_rate", "8867-4", "heart_rate", 72.0, "/min", "2024-01-15"),
        ("systolic_bp", "8480-6", "blood_pressure_systolic", 120.0, "mm[Hg]", "2024-01-15"),
    ]
    labs = built.warehouse.query(
        "select measure_code, loinc_code, reported_measure, standard_value, standard_unit, "
        "reference_low_standard, reference_high_standard, is_abnormal, tested_date::varchar "
        "from marts.fct_lab_results where patient_id = 'P12345' order by all"
    )
    assert labs == [
        ("glucose", "2345-7", "glucose", 95.0, "mg/dL", 70.0, 100.0, False, "2024-01-16"),
        ("total_cholesterol", "2093-3", "cholesterol", 180.0, "mg/dL", 125.0, 200.0, False, "2024-01-16"),
    ]
    assert built.warehouse.query(
        "select batch_file, batch_status, rows_received, rows_accepted from raw_monitoring.batches "
        "where hospital_id = 'H001' order by 1"
    ) == [("lab_results_2024.csv", "loaded", 2, 2), ("vitals_2024.csv", "loaded", 3, 3)]


def _statistics(expected: dict[tuple[str, str, str], list[float]]) -> dict[tuple, tuple]:
    return {
        key: (len(values), statistics.fmean(values), min(values), max(values)) for key, values in expected.items()
    }


def test_every_hospital_measure_month_cell_equals_the_rows_written(built: Built) -> None:
    """Count, mean, min and max of all 3 hospitals x 3 months x 11 measures, computed here."""
    expected = _statistics({**built.vitals.expected, **built.labs.expected})
    rows = built.warehouse.query(
        "select hospital_id, measure_code, strftime(measurement_month, '%Y-%m'), measurement_count, mean_value, "
        "min_value, max_value from marts.rpt_monitoring_monthly_statistics where hospital_id like 'H1%'"
    )
    actual = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    assert len(expected) == 3 * 3 * 11
    assert actual.keys() == expected.keys()
    for key, (count, mean, low, high) in expected.items():
        assert actual[key][0] == count, key
        assert actual[key][1:] == pytest.approx((mean, low, high), rel=1e-9), key
    # Nothing was refused: every batch loaded, the header-only file is a notice, not a failure.
    statuses = built.warehouse.query("select batch_status, count(*) from raw_monitoring.batches group by 1 order by 1")
    assert statuses == [("empty", 1), ("loaded", 2 + 2 * 9)]
    assert "labs_april_header_only.csv has no data rows" in built.stderr


def test_a_measure_added_by_a_seed_row_alone_is_in_the_monthly_statistics(built: Built) -> None:
    assert "mean_arterial_pressure" not in (PROJECT_DIR / "seeds" / "monitoring_measures.csv").read_text()
    rows = built.warehouse.query(
        "select hospital_id, strftime(measurement_month, '%Y-%m'), standard_unit, measurement_count "
        "from marts.rpt_monitoring_monthly_statistics where measure_code = 'mean_arterial_pressure' order by 1, 2"
    )
    counts = {(h, m): len(v) for (h, code, m), v in built.vitals.expected.items() if code == "mean_arterial_pressure"}
    assert rows == [(h, m, "mm[Hg]", counts[(h, m)]) for (h, m) in sorted(counts)]


def test_unknown_measures_and_units_are_reported_per_hospital_and_refuse_nothing(built: Built) -> None:
    unknown = built.vitals.unknown + built.labs.unknown
    expected = sorted({(*key, unknown.count(key)) for key in unknown})
    assert built.warehouse.query(
        "select hospital_id, vocabulary_kind, measure_code, reported_value, row_count "
        "from marts.rpt_monitoring_unknown_vocabulary order by all"
    ) == expected
    reasons = built.warehouse.query(
        "select reason_category, count(*) from staging.stg_monitoring__quarantined_rows group by 1 order by 1"
    )
    # Conflicts (2 per feed), the repeat of a line and of a measurement (2 per feed), blanks
    # (2 per feed), 114 °F, unknown measures (3 per feed) and one unknown unit.
    assert reasons == [
        ("conflicting", 4),
        ("duplicate", 4),
        ("invalid_value", 4),
        ("out_of_range", 1),
        ("unknown_type", 6),
        ("unknown_unit", 1),
    ]

