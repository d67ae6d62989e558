"""One ISRCTN ``fullTrial`` record of the ISRCTN API XML, validated at the boundary."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from extract.files import MAX_FIELD_CHARS, calendar_date, past_date

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
IsoTimestamp = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$"),
    AfterValidator(calendar_date),
]
# The incremental cursor: a future lastUpdated would hide every later update of every trial.
PastTimestamp = Annotated[IsoTimestamp, AfterValidator(past_date)]

REQUIRED = ("isrctn", "title", "last_updated")


class IsrctnTrial(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, str_max_length=MAX_FIELD_CHARS)

    isrctn: Annotated[str, StringConstraints(pattern=r"^ISRCTN\d{8}$")]
    last_updated: PastTimestamp
    title: NonEmpty
    scientific_title: str | None = None
    acronym: str | None = None
    eudract_number: str | None = None
    nct_number: str | None = None
    iras_number: str | None = None
    protocol_serial_number: str | None = None
    primary_study_design: str | None = None
    secondary_study_design: str | None = None
    recruitment_start: IsoTimestamp | None = None
    recruitment_end: IsoTimestamp | None = None
    overall_end_date: IsoTimestamp | None = None
    recruitment_status_override: str | None = None
    recruitment_status: str | None = None
    gender: str | None = None
    age_range: str | None = None
    target_enrolment: str | None = None
    phase: str | None = None
    sponsor_name: str | None = None
    secondary_numbers: list[NonEmpty] = []
    countries: list[NonEmpty] = []
    conditions: list[NonEmpty] = []
    interventions: list[NonEmpty] = []
