"""Seeded generator of the synthetic patient-level trial files and their clean truth.

No public set of messy patient, participation and medication files exists (see
``../shared/data/PROVENANCE.md``, section 7), so this module makes one. It first draws a clean
"truth" (patients, sponsor studies, participations, medication exposures), then writes that truth
the way sites really deliver it:

* ``site_berlin_patients.csv`` (``;``), ``site_boston_patients.csv`` (``,``),
  ``site_madrid_patients.jsonl`` and the workbook ``site_lyon.xlsx`` (sheets ``patients`` and
  ``medications``);
* ``sponsor_studies.xlsx`` (sheet ``studies``), ``participations_batch1.csv``,
  ``participations_batch2.jsonl`` and ``medications_export.csv`` (``;``, decimal commas).

Dates come as ``2023-01-05``, ``05/01/2023`` (always day/month/year) or ``Jan 5 2023``; ages as
text or only as a birth date; countries as names, native names and codes; drugs as brand, generic
or misspelled names, sometimes with the dose in the name. Some patients are registered at two
sites, some rows point to unknown patients or studies, some end before they start.

Into a separate folder it writes ``*.csv`` (the clean records) and ``expected_kpis.json`` (the
seven KPIs computed in plain Python from the truth, with the definitions in ``docs/patients.md``):
``sample_data/truth/patients`` for the bundled set, never inside the delivery folder, which the
source reads whole. Output is a pure function of the seed.

    python -m sample_data.patients            # rewrite extract/demo_data/patients and its truth
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import mean
from typing import Any

from extract.settings import DEMO_DATA_DIR

DEFAULT_SEED = 20240501
DEFAULT_OUT = DEMO_DATA_DIR / "patients"
DEFAULT_TRUTH = Path(__file__).parent / "truth" / "patients"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

FIRST_NAMES = [
    "Anna",
    "Ben",
    "Carla",
    "David",
    "Elena",
    "Felix",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Karin",
    "Luis",
    "Marta",
    "Nils",
    "Olga",
    "Pablo",
    "Rosa",
    "Sven",
    "Tara",
    "Uwe",
    "Vera",
    "Yusuf",
]
LAST_NAMES = [
    "Adler",
    "Baker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fischer",
    "Garcia",
    "Hansen",
    "Ivanova",
    "Jensen",
    "Keller",
    "Lopez",
    "Moreau",
    "Novak",
    "Olsen",
    "Perez",
    "Quinn",
    "Rossi",
    "Schmidt",
    "Torres",
    "Weber",
    "Young",
]
# ISO 3166-1 alpha-2 code -> spellings sites use (all resolvable through seeds/country_aliases).
COUNTRY_SPELLINGS = {
    "DE": ["Germany", "Deutschland", "DE", "DEU", "germany "],
    "US": ["United States", "USA", "U.S.A.", "US", "United States of America"],
    "GB": ["United Kingdom", "UK", "Great Britain", "GB"],
    "ES": ["Spain", "España", "ES", "ESP"],
    "FR": ["France", "FR", "france"],
    "IT": ["Italy", "Italia", "IT"],
    "NL": ["Netherlands", "The Netherlands", "Holland", "NL"],
    "CA": ["Canada", "CA"],
}
COUNTRY_WEIGHTS = {"DE": 6, "US": 6, "GB": 3, "ES": 5, "FR": 5, "IT": 2, "NL": 2, "CA": 1}
# ICD-10 category -> name (seeds/diagnosis_categories.csv holds the same list).
DIAGNOSES = {
    "E11": "Type 2 diabetes mellitus",
    "I10": "Essential (primary) hypertension",
    "J45": "Asthma",
    "M05": "Rheumatoid arthritis with rheumatoid factor",
    "C50": "Malignant neoplasm of breast",
    "E03": "Other hypothyroidism",
}
DIAGNOSIS_TEXT_VARIANTS = {
    "E11": ["Type 2 diabetes", "T2DM", "diabetes mellitus type II"],
    "I10": ["Hypertension", "high blood pressure", "HTN"],
    "J45": ["Asthma", "asthma bronchiale"],
    "M05": ["Rheumatoid arthritis", "RA (seropositive)"],
    "C50": ["Breast cancer", "breast carcinoma"],
    "E03": ["Hypothyroidism", "hypothyreosis"],
}


@dataclass(frozen=True)
class Drug:
    ingredient: str
    names: tuple[
        str, ...
    ]  # generic, brand and misspelled forms, all in seeds/drug_ingredient_aliases
    doses_mg: tuple[float, ...]
    unit: str  # the unit sites usually write: mg, or mcg for microgram doses
    route: str


DRUGS = {
    "metformin": Drug(
        "metformin",
        ("Metformin", "Glucophage", "metfromin", "Metformin HCl"),
        (500, 850, 1000),
        "mg",
        "oral",
    ),
    "atorvastatin": Drug(
        "atorvastatin", ("Atorvastatin", "Lipitor", "atorvastatine"), (10, 20, 40), "mg", "oral"
    ),
    "lisinopril": Drug(
        "lisinopril", ("Lisinopril", "Zestril", "Prinivil", "lisinipril"), (10, 20), "mg", "oral"
    ),
    "amlodipine": Drug("amlodipine", ("Amlodipine", "Norvasc", "amlodipin"), (5, 10), "mg", "oral"),
    "salbutamol": Drug(
        "salbutamol", ("Salbutamol", "Albuterol", "Ventolin"), (0.1, 0.2), "mcg", "inhalation"
    ),
    "budesonide": Drug("budesonide", ("Budesonide", "Pulmicort"), (0.2, 0.4), "mcg", "inhalation"),
    "methotrexate": Drug(
        "methotrexate", ("Methotrexate", "Trexall", "metotrexate"), (7.5, 15), "mg", "oral"
    ),
    "tamoxifen": Drug("tamoxifen", ("Tamoxifen", "Nolvadex"), (20,), "mg", "oral"),
    "levothyroxine": Drug(
        "levothyroxine", ("Levothyroxine", "Synthroid", "Euthyrox"), (0.05, 0.1), "mcg", "oral"
    ),
    "ibuprofen": Drug(
        "ibuprofen", ("Ibuprofen", "Advil", "Nurofen", "ibuprofene"), (200, 400), "mg", "oral"
    ),
}
DRUGS_BY_DIAGNOSIS = {
    "E11": ["metformin", "atorvastatin", "lisinopril"],
    "I10": ["lisinopril", "amlodipine", "atorvastatin"],
    "J45": ["salbutamol", "budesonide"],
    "M05": ["methotrexate", "ibuprofen"],
    "C50": ["tamoxifen", "ibuprofen"],
    "E03": ["levothyroxine"],
}
ROUTE_SPELLINGS = {
    "oral": ["oral", "PO", "Oral", "p.o."],
    "inhalation": ["inhaled", "INH", "inhalation"],
}
SEX_SPELLINGS = {"female": ["F", "female", "Female", "w"], "male": ["M", "male", "Male", "m"]}

# Sponsor studies: code, title, registry id, phase text, start, end. Five carry an NCT ID present
# in the bundled ClinicalTrials.gov records, one a EudraCT number, two none.
STUDIES = [
    (
        "SPX-101",
        "Glycaemic control with an oral add-on in type 2 diabetes",
        "NCT00763412",
        "Phase 2",
        "2021-03-01",
        "2024-06-30",
    ),
    (
        "SPX-102",
        "Blood pressure lowering in resistant hypertension",
        "NCT03475563",
        "phase III",
        "2021-01-15",
        "2024-12-31",
    ),
    (
        "SPX-103",
        "Inhaled maintenance therapy in moderate asthma",
        "NCT02210780",
        "II",
        "2021-06-01",
        "2024-09-30",
    ),
    (
        "SPX-104",
        "Early methotrexate in seropositive rheumatoid arthritis",
        "NCT02278341",
        "Phase 3",
        "2021-02-01",
        "2025-01-31",
    ),
    (
        "SPX-105",
        "Adjuvant endocrine therapy adherence in breast cancer",
        "NCT02552212",
        "Phase 4",
        "2021-04-01",
        "2021-03-01",
    ),
    ("SPX-106", "", "EUCTR2019-001234-56", "Phase 2", "2021-05-01", "2024-12-31"),
    ("SPX-107", "Thyroid replacement dosing by body weight", "", "Phase 4", "2021-01-01", ""),
    (
        "SPX-108",
        "Cardiometabolic risk reduction programme",
        "",
        "Phase 3",
        "2021-07-01",
        "2025-06-30",
    ),
]
STUDY_DIAGNOSES = {
    "SPX-101": ["E11"],
    "SPX-102": ["I10"],
    "SPX-103": ["J45"],
    "SPX-104": ["M05"],
    "SPX-105": ["C50"],
    "SPX-106": ["E11", "I10"],
    "SPX-107": ["E03"],
    "SPX-108": ["E11", "I10"],
}
# Row-level faults are injected only into these studies, so the data-quality KPI has a known value.
FAULTY_STUDIES = ("SPX-101", "SPX-103")
SITES = {"BER": "berlin", "BOS": "boston", "MAD": "madrid", "LYO": "lyon"}


@dataclass
class SiteRecord:
    patient_ref: str
    site_code: str
    first_name: str
    last_name: str
    sex: str
    birth_date: date
    country_code: str | None
    country_text: str
    registered_on: date
    give_birth_date: bool


@dataclass
class Patient:
    patient_key: str
    first_name: str
    last_name: str
    sex: str
    birth_date: date
    country_code: str | None
    diagnosis_code: str
    records: list[SiteRecord] = field(default_factory=list)

    @property
    def survivor(self) -> SiteRecord:
        return min(self.records, key=lambda record: (record.registered_on, record.site_code))

    @property
    def age_years(self) -> int:
        return whole_years(self.birth_date, self.survivor.registered_on)


@dataclass
class Participation:
    patient_key: str | None
    patient_ref: str
    study_code: str
    enrolled_on: date | None
    completed_on: date | None
    diagnosis_code: str | None
    outcome: str
    fault: str = ""


@dataclass
class Exposure:
    patient_key: str | None
    patient_ref: str
    study_code: str
    ingredient: str | None
    drug_text: str
    dose_mg: float | None
    route: str
    started_on: date
    ended_on: date | None
    fault: str = ""


def whole_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def format_date(value: date | None, rng: random.Random) -> str:
    """One of the three formats sites use; slashes are always day/month/year."""
    if value is None:
        return ""
    style = rng.choice(("iso", "dmy", "mon"))
    if style == "iso":
        return value.isoformat()
    if style == "dmy":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return f"{MONTHS[value.month - 1]} {value.day} {value.year}"


def format_age(age: int, rng: random.Random) -> str:
    return rng.choice((f"{age}", f"{age} years", f"{age}y", f"{age} yrs"))


def format_dose(dose_mg: float, unit: str) -> tuple[str, str]:
    """A dose in the unit sites write (mcg for microgram doses), without trailing zeros."""
    amount = dose_mg * 1000 if unit == "mcg" else dose_mg
    return (f"{amount:g}", unit)


def draw_truth(
    rng: random.Random, patient_count: int = 140
) -> tuple[list[Patient], list[Participation], list[Exposure]]:
    patients: list[Patient] = []
    identities: set[tuple[str, str, date, str]] = set()
    site_counters: dict[str, int] = defaultdict(int)
    countries = list(COUNTRY_WEIGHTS)
    weights = [COUNTRY_WEIGHTS[c] for c in countries]

    def new_ref(site: str) -> str:
        site_counters[site] += 1
        return f"{site}-{site_counters[site]:04d}"

    for index in range(patient_count):
        while True:
            identity = (
                rng.choice(FIRST_NAMES),
                rng.choice(LAST_NAMES),
                date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 60)),
                rng.choice(("female", "male")),
            )
            if identity not in identities:
                identities.add(identity)
                break
        first, last, born, sex = identity
        country = rng.choices(countries, weights)[0]
        # Two patients' countries cannot be read: a place that is no country, and a blank.
        country_text = rng.choice(COUNTRY_SPELLINGS[country])
        if index == 17:
            country, country_text = None, "Atlantis"
        elif index == 58:
            country, country_text = None, ""
        diagnosis = rng.choice(list(DIAGNOSES))
        patient = Patient(f"P{index + 1:04d}", first, last, sex, born, country, diagnosis)
        site = rng.choice(list(SITES))
        registered = date(2020, 6, 1) + timedelta(days=rng.randrange(0, 240))
        duplicated = index % 9 == 4  # about one patient in nine is registered at a second site
        patient.records.append(
            SiteRecord(
                new_ref(site),
                site,
                first,
                last,
                sex,
                born,
                country,
                country_text,
                registered,
                give_birth_date=duplicated or rng.random() < 0.65,
            )
        )
        if duplicated:
            other_site = rng.choice([s for s in SITES if s != site])
            second_text = rng.choice(COUNTRY_SPELLINGS[country]) if country else country_text
            patient.records.append(
                SiteRecord(
                    new_ref(other_site),
                    other_site,
                    first.upper() if rng.random() < 0.5 else f" {first}",
                    last.lower(),
                    sex,
                    born,
                    country,
                    second_text,
                    registered + timedelta(days=rng.randrange(20, 200)),
                    give_birth_date=True,
                )
            )
        patients.append(patient)

    participations: list[Participation] = []
    exposures: list[Exposure] = []
    for patient in patients:
        studies = [code for code, *_ in STUDIES if patient.diagnosis_code in STUDY_DIAGNOSES[code]]
        if not studies:
            continue
        wanted = rng.choices((1, 2, 3), (70, 22, 8))[0]
        chosen = rng.sample(studies, min(wanted, len(studies)))
        # Patients with one fitting study still take part in a second one sometimes (open-label).
        if wanted > len(chosen):
            extra = [code for code, *_ in STUDIES if code not in chosen and code != "SPX-105"]
            chosen += rng.sample(extra, min(wanted - len(chosen), 1))
        start = max(patient.survivor.registered_on, date(2021, 7, 1)) + timedelta(
            days=rng.randrange(5, 90)
        )
        for code in chosen:
            enrolled = start
            length = rng.randrange(60, 300)
            completed: date | None = enrolled + timedelta(days=length)
            outcome = rng.choices(("completed", "withdrawn", "ongoing"), (75, 15, 10))[0]
            if outcome == "ongoing":
                completed = None
            ref = rng.choice(patient.records).patient_ref
            participations.append(
                Participation(
                    patient.patient_key,
                    ref,
                    code,
                    enrolled,
                    completed,
                    patient.diagnosis_code,
                    outcome,
                )
            )
            for ingredient in rng.sample(
                DRUGS_BY_DIAGNOSIS[patient.diagnosis_code],
                rng.randrange(1, len(DRUGS_BY_DIAGNOSIS[patient.diagnosis_code]) + 1),
            ):
                drug = DRUGS[ingredient]
                med_start = enrolled + timedelta(days=rng.randrange(0, 10))
                med_end = (completed or enrolled + timedelta(days=length)) - timedelta(
                    days=rng.randrange(0, 10)
                )
                exposures.append(
                    Exposure(
                        patient.patient_key,
                        ref,
                        code,
                        ingredient,
                        rng.choice(drug.names),
                        float(rng.choice(drug.doses_mg)),
                        drug.route,
                        med_start,
                        med_end,
                    )
                )
            start = (completed or enrolled + timedelta(days=length)) + timedelta(
                days=rng.randrange(10, 200)
            )
    participations.sort(key=lambda p: (p.enrolled_on or date.min, p.patient_ref, p.study_code))
    exposures.sort(key=lambda e: (e.started_on, e.patient_ref, e.study_code, e.drug_text))
    inject_faults(rng, participations, exposures)
    return patients, participations, exposures


def inject_faults(
    rng: random.Random, participations: list[Participation], exposures: list[Exposure]
) -> None:
    """Faults real deliveries have, limited to FAULTY_STUDIES (plus unknown-study rows)."""
    faulty = [p for p in participations if p.study_code in FAULTY_STUDIES and p.completed_on]
    picked = rng.sample(faulty, 4)
    # Completion before enrolment (a swapped or mistyped date).
    for participation in picked[:2]:
        participation.completed_on = participation.enrolled_on - timedelta(
            days=rng.randrange(5, 40)
        )
        participation.fault = "completion before enrolment"
    picked[2].diagnosis_code = None
    picked[2].fault = "diagnosis code missing"
    picked[3].enrolled_on = None
    picked[3].fault = "enrolment date missing"
    # Rows pointing at patients or studies nobody registered.
    for number, code in ((9901, "SPX-101"), (9902, "SPX-103"), (9903, "SPX-101")):
        participations.append(
            Participation(
                None,
                f"BOS-{number}",
                code,
                date(2022, 3, number % 27 + 1),
                date(2022, 9, 1),
                "E11",
                "completed",
                fault="unknown patient",
            )
        )
    for ref in ("BER-0001", "MAD-0002"):
        participations.append(
            Participation(
                None,
                ref,
                "SPX-999",
                date(2022, 5, 4),
                date(2022, 11, 30),
                "E11",
                "completed",
                fault="unknown study",
            )
        )
    faulty_exposures = [e for e in exposures if e.study_code in FAULTY_STUDIES]
    bad = rng.sample(faulty_exposures, 3)
    bad[0].ended_on = bad[0].started_on - timedelta(days=12)
    bad[0].fault = "end before start"
    bad[1].dose_mg = None
    bad[1].fault = "dose missing"
    bad[2].ingredient = None
    bad[2].drug_text = "Herbal tincture No. 7"
    bad[2].fault = "drug not recognised"
    exposures.append(
        Exposure(
            None,
            "LYO-9904",
            "SPX-101",
            "metformin",
            "Glucophage",
            500.0,
            "oral",
            date(2022, 2, 2),
            date(2022, 6, 1),
            fault="unknown patient",
        )
    )


# --------------------------------------------------------------------------- messy files


def patient_row(record: SiteRecord, rng: random.Random) -> dict[str, str]:
    born = format_date(record.birth_date, rng) if record.give_birth_date else ""
    age = (
        ""
        if record.give_birth_date and rng.random() < 0.7
        else format_age(whole_years(record.birth_date, record.registered_on), rng)
    )
    return {
        "ref": record.patient_ref,
        "first": record.first_name,
        "last": record.last_name,
        "sex": rng.choice(SEX_SPELLINGS[record.sex]),
        "born": born,
        "age": age,
        "country": record.country_text,
        "registered": format_date(record.registered_on, rng),
    }


def write_csv(path: Path, header: list[str], rows: list[list[Any]], delimiter: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_workbook(path: Path, sheets: dict[str, tuple[list[str], list[list[Any]]]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    # Fixed document times, so the same seed gives the same bytes.
    workbook.properties.created = datetime(2024, 5, 1)
    workbook.properties.modified = datetime(2024, 5, 1)
    workbook.save(path)


def medication_cells(
    exposure: Exposure, rng: random.Random, decimal_comma: bool
) -> tuple[str, str, str]:
    """(drug text, dose, unit): the dose sometimes sits in the drug name ("Metformin 500mg")."""
    if exposure.dose_mg is None:
        return exposure.drug_text, "", ""
    unit = DRUGS[exposure.ingredient].unit if exposure.ingredient else "mg"
    amount, unit = format_dose(exposure.dose_mg, unit)
    if unit == "mg" and exposure.dose_mg >= 100 and rng.random() < 0.3:
        amount, unit = f"{exposure.dose_mg / 1000:g}", "g"
    if rng.random() < 0.3:
        spacer = rng.choice(("", " "))
        return f"{exposure.drug_text} {amount}{spacer}{unit}", "", ""
    if decimal_comma:
        amount = amount.replace(".", ",")
    return exposure.drug_text, amount, rng.choice((unit, unit.upper()))


def write_messy(
    out: Path,
    rng: random.Random,
    patients: list[Patient],
    participations: list[Participation],
    exposures: list[Exposure],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    by_site: dict[str, list[dict[str, str]]] = defaultdict(list)
    records = sorted((r for p in patients for r in p.records), key=lambda r: r.patient_ref)
    for record in records:
        by_site[record.site_code].append(patient_row(record, rng))

    write_csv(
        out / "site_berlin_patients.csv",
        [
            "subject_id",
            "first_name",
            "last_name",
            "sex",
            "date_of_birth",
            "age",
            "country",
            "registered",
        ],
        [
            [
                r["ref"],
                r["first"],
                r["last"],
                r["sex"],
                r["born"],
                r["age"],
                r["country"],
                r["registered"],
            ]
            for r in by_site["BER"]
        ],
        ";",
    )
    write_csv(
        out / "site_boston_patients.csv",
        [
            "Patient ID",
            "Given Name",
            "Family Name",
            "Gender",
            "DOB",
            "Age",
            "Country",
            "Registration Date",
        ],
        [
            [
                r["ref"],
                r["first"],
                r["last"],
                r["sex"],
                r["born"],
                r["age"],
                r["country"],
                r["registered"],
            ]
            for r in by_site["BOS"]
        ],
        ",",
    )
    write_jsonl(
        out / "site_madrid_patients.jsonl",
        [
            {
                "patientId": r["ref"],
                "firstName": r["first"],
                "lastName": r["last"],
                "gender": r["sex"],
                "birthDate": r["born"] or None,
                "age": r["age"] or None,
                "country": r["country"],
                "registeredOn": r["registered"],
            }
            for r in by_site["MAD"]
        ],
    )
    # Excel users type some dates as real dates: the Lyon registration dates are date cells.
    registered_on = {record.patient_ref: record.registered_on for record in records}
    lyon_rows = [
        [
            r["ref"],
            r["first"],
            r["last"],
            r["sex"],
            r["born"],
            r["age"],
            r["country"],
            datetime.combine(registered_on[r["ref"]], datetime.min.time()),
        ]
        for r in by_site["LYO"]
    ]

    study_rows = [
        [
            code,
            title,
            registry,
            phase,
            format_date(date.fromisoformat(start), rng),
            format_date(date.fromisoformat(end), rng) if end else "",
        ]
        for code, title, registry, phase, start, end in STUDIES
    ]
    write_workbook(
        out / "sponsor_studies.xlsx",
        {
            "studies": (
                ["Study Code", "Title", "Registry ID", "Phase", "Start Date", "End Date"],
                study_rows,
            ),
        },
    )

    def study_text(code: str) -> str:
        return rng.choice((code, code.lower(), code.replace("-", " "), f"{code} "))

    def participation_cells(p: Participation) -> list[str]:
        code = p.diagnosis_code or ""
        if code and rng.random() < 0.3:
            code = rng.choice((code.lower(), f"{code}.9", f" {code}"))
        diagnosis_text = (
            rng.choice(DIAGNOSIS_TEXT_VARIANTS[p.diagnosis_code]) if p.diagnosis_code else ""
        )
        return [
            p.patient_ref,
            study_text(p.study_code),
            format_date(p.enrolled_on, rng),
            format_date(p.completed_on, rng),
            diagnosis_text,
            code,
            p.outcome,
        ]

    early = [p for p in participations if p.enrolled_on is None or p.enrolled_on.year <= 2021]
    late = [p for p in participations if p.enrolled_on is not None and p.enrolled_on.year > 2021]
    write_csv(
        out / "participations_batch1.csv",
        ["patient_ref", "study", "enrolled", "completed", "diagnosis", "icd10", "outcome"],
        [participation_cells(p) for p in early],
        ",",
    )
    write_jsonl(
        out / "participations_batch2.jsonl",
        [
            dict(
                zip(
                    (
                        "patient",
                        "studyCode",
                        "enrolmentDate",
                        "completionDate",
                        "diagnosisText",
                        "diagnosisCode",
                        "outcome",
                    ),
                    participation_cells(p),
                    strict=True,
                )
            )
            for p in late
        ],
    )
    # A line cut off in transfer: not JSON, so the extractor quarantines it.
    with (out / "participations_batch2.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"patient": "MAD-0007", "studyCode": "SPX-101", "enrolmentDate": "2023-0\n')

    lyon_refs = {r.patient_ref for p in patients for r in p.records if r.site_code == "LYO"} | {
        "LYO-9904"
    }
    lyon_meds = [e for e in exposures if e.patient_ref in lyon_refs]
    other_meds = [e for e in exposures if e.patient_ref not in lyon_refs]

    def medication_row(e: Exposure, decimal_comma: bool) -> list[str]:
        drug, dose, unit = medication_cells(e, rng, decimal_comma)
        return [
            e.patient_ref,
            study_text(e.study_code),
            drug,
            dose,
            unit,
            rng.choice(ROUTE_SPELLINGS[e.route]),
            format_date(e.started_on, rng),
            format_date(e.ended_on, rng),
        ]

    write_workbook(
        out / "site_lyon.xlsx",
        {
            "patients": (
                [
                    "Subject",
                    "First name",
                    "Last name",
                    "Sex",
                    "Birth date",
                    "Age",
                    "Country",
                    "Registered",
                ],
                lyon_rows,
            ),
            "medications": (
                ["Subject", "Study", "Medication", "Dose", "Unit", "Route", "Start", "Stop"],
                [medication_row(e, False) for e in lyon_meds],
            ),
        },
    )
    write_csv(
        out / "medications_export.csv",
        ["patient_ref", "study", "drug", "dose", "unit", "route", "start_date", "end_date"],
        [medication_row(e, True) for e in other_meds]
        # A row whose patient reference was never filled in: quarantined by the extractor.
        + [["", "SPX-101", "Metformin", "500", "mg", "PO", "2022-01-10", "2022-03-10"]],
        ";",
    )


# --------------------------------------------------------------------------- truth and KPIs


def expected_kpis(
    patients: list[Patient], participations: list[Participation], exposures: list[Exposure]
) -> dict:
    """The seven KPIs by the definitions in docs/patients.md, from the clean truth."""
    known_studies = {code for code, *_ in STUDIES}
    by_key = {p.patient_key: p for p in patients}
    valid = [p for p in participations if p.patient_key and p.study_code in known_studies]

    per_country: dict[str, int] = defaultdict(int)
    for patient in patients:
        per_country[patient.country_code or ""] += 1

    ages: dict[str, dict[str, int]] = defaultdict(dict)
    for p in valid:
        if p.diagnosis_code:
            ages[p.diagnosis_code][p.patient_key] = by_key[p.patient_key].age_years
    age_per_diagnosis = {
        code: {"patient_count": len(v), "average_age_years": round(mean(v.values()), 2)}
        for code, v in ages.items()
    }

    med_patients: dict[str, set[str]] = defaultdict(set)
    med_rows: dict[str, int] = defaultdict(int)
    for e in exposures:
        if e.patient_key and e.ingredient:
            med_patients[e.ingredient].add(e.patient_key)
            med_rows[e.ingredient] += 1
    medications = {
        i: {"patient_count": len(s), "exposure_count": med_rows[i]} for i, s in med_patients.items()
    }

    study_days = []
    for _code, _title, _registry, _phase, start, end in STUDIES:
        if end and date.fromisoformat(end) >= date.fromisoformat(start):
            study_days.append((date.fromisoformat(end) - date.fromisoformat(start)).days)
    participation_days = [
        (p.completed_on - p.enrolled_on).days
        for p in valid
        if p.enrolled_on and p.completed_on and p.completed_on >= p.enrolled_on
    ]

    gaps = []
    by_patient: dict[str, list[Participation]] = defaultdict(list)
    for p in valid:
        if p.enrolled_on:
            by_patient[p.patient_key].append(p)
    for rows in by_patient.values():
        rows.sort(key=lambda p: (p.enrolled_on, p.study_code))
        for previous, following in zip(rows, rows[1:], strict=False):
            gaps.append((following.enrolled_on - previous.enrolled_on).days)

    studies_with_issues = set()
    for code, title, _registry, phase, start, end in STUDIES:
        if not title or not phase or not start or (end and end < start):
            studies_with_issues.add(code)
    for p in participations:
        if p.study_code in known_studies and p.fault:
            studies_with_issues.add(p.study_code)
    for e in exposures:
        if e.study_code in known_studies and e.fault:
            studies_with_issues.add(e.study_code)

    trials_per_patient: dict[str, set[str]] = defaultdict(set)
    for p in valid:
        trials_per_patient[p.patient_key].add(p.study_code)
    multi = sum(1 for s in trials_per_patient.values() if len(s) > 1)

    return {
        "patients_per_country": dict(sorted(per_country.items())),
        "average_age_per_diagnosis": dict(sorted(age_per_diagnosis.items())),
        "medication_usage": dict(sorted(medications.items())),
        "average_trial_duration": {
            "studies_measured": len(study_days),
            "average_study_duration_days": round(mean(study_days), 2),
            "participations_measured": len(participation_days),
            "average_participation_duration_days": round(mean(participation_days), 2),
        },
        "days_between_consecutive_trials": {
            "gap_count": len(gaps),
            "average_days": round(mean(gaps), 2),
            "gaps_days": sorted(gaps),
        },
        "trials_with_data_issues": {
            "study_count": len(STUDIES),
            "studies_with_issues": sorted(studies_with_issues),
            "percent": round(100.0 * len(studies_with_issues) / len(STUDIES), 2),
        },
        "patients_in_multiple_trials": {
            "patients_in_trials": len(trials_per_patient),
            "patients_in_multiple_trials": multi,
            "percent": round(100.0 * multi / len(trials_per_patient), 2),
        },
    }


def write_truth(
    truth: Path,
    patients: list[Patient],
    participations: list[Participation],
    exposures: list[Exposure],
) -> dict:
    truth.mkdir(parents=True, exist_ok=True)
    write_csv(
        truth / "patients.csv",
        [
            "patient_key",
            "first_name",
            "last_name",
            "sex",
            "birth_date",
            "country_code",
            "age_years",
            "diagnosis_code",
            "survivor_ref",
            "site_refs",
        ],
        [
            [
                p.patient_key,
                p.first_name,
                p.last_name,
                p.sex,
                p.birth_date.isoformat(),
                p.country_code or "",
                p.age_years,
                p.diagnosis_code,
                p.survivor.patient_ref,
                "|".join(r.patient_ref for r in p.records),
            ]
            for p in patients
        ],
        ",",
    )
    write_csv(
        truth / "studies.csv",
        ["study_code", "title", "registry_id", "phase_text", "start_date", "end_date"],
        [list(row) for row in STUDIES],
        ",",
    )
    write_csv(
        truth / "participations.csv",
        [
            "patient_key",
            "patient_ref",
            "study_code",
            "enrolled_on",
            "completed_on",
            "diagnosis_code",
            "outcome",
            "fault",
        ],
        [
            [
                p.patient_key or "",
                p.patient_ref,
                p.study_code,
                p.enrolled_on or "",
                p.completed_on or "",
                p.diagnosis_code or "",
                p.outcome,
                p.fault,
            ]
            for p in participations
        ],
        ",",
    )
    write_csv(
        truth / "medication_exposures.csv",
        [
            "patient_key",
            "patient_ref",
            "study_code",
            "ingredient",
            "drug_text",
            "dose_mg",
            "route",
            "started_on",
            "ended_on",
            "fault",
        ],
        [
            [
                e.patient_key or "",
                e.patient_ref,
                e.study_code,
                e.ingredient or "",
                e.drug_text,
                "" if e.dose_mg is None else f"{e.dose_mg:g}",
                e.route,
                e.started_on,
                e.ended_on or "",
                e.fault,
            ]
            for e in exposures
        ],
        ",",
    )
    kpis = expected_kpis(patients, participations, exposures)
    (truth / "expected_kpis.json").write_text(
        json.dumps(kpis, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return kpis


def truth_dir(out: Path) -> Path:
    """Where the truth of the files in ``out`` goes: beside ``out``, never inside it."""
    if out.resolve() == DEFAULT_OUT.resolve():
        return DEFAULT_TRUTH
    return out.with_name(f"{out.name}_truth")


def generate(out: Path = DEFAULT_OUT, seed: int = DEFAULT_SEED) -> dict:
    """Write the messy files into ``out`` and the truth into :func:`truth_dir`; returns the
    expected KPIs."""
    rng = random.Random(seed)
    patients, participations, exposures = draw_truth(rng)
    write_messy(out, rng, patients, participations, exposures)
    return write_truth(truth_dir(out), patients, participations, exposures)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    kpis = generate(args.out, args.seed)
    print(
        json.dumps(
            {k: v for k, v in kpis.items() if k != "days_between_consecutive_trials"}, indent=1
        )[:2000]
    )


if __name__ == "__main__":
    main()
