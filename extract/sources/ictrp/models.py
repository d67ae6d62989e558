"""One WHO ICTRP trial record (XML ``<Trial>`` or a CSV row), validated at the boundary.

Values stay as ICTRP wrote them (dates as ``dd/mm/yyyy``, ``yyyymmdd`` or "April 25, 2024",
ages as "18 Years" or ">= 20age old"); staging parses them. The model only rejects what no
parser could use: a missing or malformed TrialID, a missing title, a date in none of the
formats ICTRP exports.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TrialId = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z][A-Za-z0-9/_.\-]{3,}$")]
IctrpDate = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        pattern=(
            r"^(\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}(-\d{2})?|\d{8}|"
            r"[A-Za-z]+ \d{1,2}, \d{4}|[A-Za-z]+ \d{4}|\d{1,2} [A-Za-z]+ \d{4})$"
        ),
    ),
]

REQUIRED = ("trial_id", "public_title")


class IctrpTrial(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    trial_id: TrialId
    public_title: NonEmpty
    scientific_title: str | None = None
    acronym: str | None = None
    primary_sponsor: str | None = None
    source_register: str | None = None
    web_address: str | None = None
    recruitment_status: str | None = None
    date_registration: IctrpDate | None = None
    date_registration3: Annotated[str, StringConstraints(pattern=r"^\d{8}$")] | None = None
    date_enrollement: IctrpDate | None = None
    last_refreshed_on: str | None = None
    export_date: str | None = None
    inclusion_agemin: str | None = None
    inclusion_agemax: str | None = None
    inclusion_gender: str | None = None
    target_size: str | None = None
    study_type: str | None = None
    phase: str | None = None
    retrospective_flag: str | None = None
    secondary_ids: list[NonEmpty] = []
    countries: list[NonEmpty] = []
    conditions: list[NonEmpty] = []
    interventions: list[NonEmpty] = []
