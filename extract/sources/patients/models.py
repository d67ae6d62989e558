"""Boundary models of the patient-level files: header names as sites write them, mapped to one
canonical name per field, and the fields a row cannot do without.

Values stay text here. Parsing dates, ages, countries, drugs and doses happens in the dbt staging
models, which keep the raw text beside the parsed value and flag what they could not read. The
extractor rejects only rows that cannot be identified at all (no patient or study reference).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from extract.files import MAX_FIELD_CHARS

# canonical field -> header spellings, compared after lower-casing and dropping non-alphanumerics.
HEADER_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "patients": {
        "patient_ref": ("subjectid", "patientid", "subject", "patientref"),
        "first_name": ("firstname", "givenname"),
        "last_name": ("lastname", "familyname", "surname"),
        "sex": ("sex", "gender"),
        "birth_date": ("dateofbirth", "dob", "birthdate"),
        "age": ("age",),
        "country": ("country",),
        "registered_on": ("registered", "registrationdate", "registeredon"),
    },
    "studies": {
        "study_code": ("studycode", "study"),
        "title": ("title",),
        "registry_id": ("registryid", "nctid"),
        "phase": ("phase",),
        "start_date": ("startdate",),
        "end_date": ("enddate",),
    },
    "participations": {
        "patient_ref": ("patientref", "patient", "subject", "patientid"),
        "study_code": ("study", "studycode"),
        "enrolled_on": ("enrolled", "enrolmentdate", "enrollmentdate"),
        "completed_on": ("completed", "completiondate"),
        "diagnosis_text": ("diagnosis", "diagnosistext"),
        "diagnosis_code": ("icd10", "diagnosiscode"),
        "outcome": ("outcome",),
    },
    "medications": {
        "patient_ref": ("patientref", "subject", "patient", "patientid"),
        "study_code": ("study", "studycode"),
        "drug_name": ("drug", "medication"),
        "dose": ("dose",),
        "dose_unit": ("unit", "doseunit"),
        "route": ("route",),
        "started_on": ("startdate", "start"),
        "ended_on": ("enddate", "stop", "end"),
    },
}
# Fields without which a row cannot be tied to anything: such rows are quarantined.
REQUIRED: dict[str, tuple[str, ...]] = {
    "patients": ("patient_ref",),
    "studies": ("study_code",),
    "participations": ("patient_ref", "study_code"),
    "medications": ("patient_ref", "drug_name"),
}


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(header).lower())


# Columns a site must never send: direct identifiers and contact details (header keys, compared
# as header_key writes them). Short keys must equal the header key; long ones may be part of it
# ("patient_email", "home_address"). Names are expected: matching across sites needs them.
IDENTIFIER_KEYS: dict[str, tuple[str, ...]] = {
    "a national identifier": ("ssn", "nin", "bsn", "nir", "nhs", "nhsno", "cpr", "pesel", "amka", "dni", "nif"),
    "a medical record number": ("mrn",),
    "a contact detail": ("zip", "fax", "tel", "plz", "cap"),
}
IDENTIFIER_PARTS: dict[str, tuple[str, ...]] = {
    "a national identifier": (
        "socialsecurity", "nationalid", "nationalidentifier", "nationalinsurance", "nationalnumber",
        "passport", "taxid", "taxnumber", "personnummer", "personalnumber", "personalid", "idnumber",
        "insurancenumber", "healthinsurance", "nhsnumber", "steuerid", "numerosecu",
        "codicefiscale", "driverslicen", "driverlicen",
    ),
    "a medical record number": ("medicalrecord", "recordnumber", "hospitalnumber", "chartnumber"),
    "a contact detail": (
        "address", "street", "postcode", "postalcode", "zipcode", "phone", "mobile", "cellular",
        "email", "mail", "telefon", "adresse", "direccion", "strasse", "city", "town",
    ),
}


def identifier_kind(header: str) -> str | None:
    """What kind of direct identifier or contact detail a column header names, or None."""
    key = header_key(header)
    for kind, keys in IDENTIFIER_KEYS.items():
        if key in keys:
            return kind
    for kind, parts in IDENTIFIER_PARTS.items():
        if any(part in key for part in parts):
            return kind
    return None


def is_known_header(table: str, header: str) -> bool:
    key = header_key(header)
    return any(key in spellings for spellings in HEADER_ALIASES[table].values())


def canonical_header(table: str, header: str) -> str:
    """The canonical name of a column header; unknown headers keep a snake_case form."""
    key = header_key(header)
    for canonical, spellings in HEADER_ALIASES[table].items():
        if key in spellings:
            return canonical
    return re.sub(r"[^a-z0-9]+", "_", str(header).lower()).strip("_") or "unnamed"


def cell_text(value: Any) -> str | None:
    """A cell as text: Excel dates become ISO dates, numbers lose a trailing .0, blanks None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value).strip()
    return text or None


class RawRow(BaseModel):
    """One delivered row: every value text (or None), required fields present."""

    model_config = ConfigDict(extra="allow")

    table: str
    values: dict[str, str | None]

    @field_validator("values", mode="before")
    @classmethod
    def _as_text(cls, values: dict[str, Any]) -> dict[str, str | None]:
        return {key: cell_text(value) for key, value in values.items()}

    def refused_values(self) -> list[tuple[str, str]]:
        """(field, reason) for values no parser downstream should see: a runaway cell, a
        negative age (staging would read "-5" as missing, losing that it was wrong)."""
        refused = []
        for name, value in self.values.items():
            if value is None:
                continue
            if len(value) > MAX_FIELD_CHARS:
                refused.append((name, f"value of {len(value)} characters, at most {MAX_FIELD_CHARS} allowed"))
            elif name == "age" and re.match(r"^-\s*[0-9]", value):
                refused.append((name, f"negative age {value!r}"))
        return refused

    def missing_required(self) -> list[str]:
        return [name for name in REQUIRED[self.table] if not self.values.get(name)]
