"""One WHO ICTRP trial record (XML ``<Trial>`` or a CSV row), validated at the boundary.

Values stay as ICTRP wrote them (dates as ``dd/mm/yyyy``, JPRN's ``yyyy/mm/dd``, ``yyyymmdd`` or
"April 25, 2024", ages as "18 Years" or ">= 20age old"); staging parses them. The model only rejects what no
parser could use: a missing or malformed TrialID, a missing title, a date in none of the
formats ICTRP exports.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints

from extract.files import MAX_FIELD_CHARS, calendar_date, past_date

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TrialId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z][A-Za-z0-9/_.\-]{3,}$")]
IctrpDate = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=(
            r"^(\d{1,2}/\d{1,2}/\d{4}|\d{4}/\d{1,2}(/\d{1,2})?|\d{4}-\d{2}(-\d{2})?|\d{8}|"
            r"[A-Za-z]+ \d{1,2}, \d{4}|[A-Za-z]+ \d{4}|\d{1,2} [A-Za-z]+ \d{4})$"
        ),
    ),
]

RegistrationDate = Annotated[IctrpDate, AfterValidator(past_date)]
EnrolmentDate = Annotated[IctrpDate, AfterValidator(calendar_date)]


def _age(value: str | None) -> str | None:
    """ICTRP ages are free text ("18 Years", ">= 20age old", "N/A"); a negative number is never
    an age (staging would read "-5 Years" as 5)."""
    if value is not None and re.search(r"(^|[^0-9<>=])-\s*[0-9]", value):
        raise ValueError(f"negative age {value!r}")
    return value


Age = Annotated[str, AfterValidator(_age)]

REQUIRED = ("trial_id", "public_title")


class IctrpTrial(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, str_max_length=MAX_FIELD_CHARS)

    trial_id: TrialId
    public_title: NonEmpty
    scientific_title: str | None = None
    acronym: str | None = None
    primary_sponsor: str | None = None
    source_register: str | None = None
    web_address: str | None = None
    recruitment_status: str | None = None
    date_registration: RegistrationDate | None = None
    date_registration3: Annotated[str, StringConstraints(pattern=r"^\d{8}$"), AfterValidator(past_date)] | None = None
    date_enrollement: EnrolmentDate | None = None
    last_refreshed_on: str | None = None
    export_date: str | None = None
    inclusion_agemin: Age | None = None
    inclusion_agemax: Age | None = None
    inclusion_gender: str | None = None
    target_size: str | None = None
    study_type: str | None = None
    phase: str | None = None
    retrospective_flag: str | None = None
    secondary_ids: list[NonEmpty] = []
    countries: list[NonEmpty] = []
    conditions: list[NonEmpty] = []
    interventions: list[NonEmpty] = []
