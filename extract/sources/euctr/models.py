"""One EUCTR protocol (one trial in one member state) from the plain-text download.

The download repeats a trial once per member state; each repetition is a *protocol*, keyed by
EudraCT number and the member-state code of its ``Link:`` line. Staging collapses protocols
into one trial with a per-country status.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
YesNo = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"(?i)^(yes|no)$")]
IsoDate = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{4}-\d{2}-\d{2}$")]

REQUIRED = ("eudract_number", "member_state_code", "full_title")


class EuctrProtocol(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    eudract_number: Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{6}-\d{2}$")]
    member_state_code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    member_state: str | None = None
    national_competent_authority: str | None = None
    sponsor_protocol_code: str | None = None
    trial_status: str | None = None
    end_of_trial_status: str | None = None
    clinical_trial_type: str | None = None
    date_first_entered: IsoDate | None = None
    competent_authority_decision_date: IsoDate | None = None
    full_title: NonEmpty
    lay_title: str | None = None
    abbreviated_title: str | None = None
    isrctn_number: Annotated[str, StringConstraints(pattern=r"^(ISRCTN)?\d{8}$")] | None = None
    nct_number: Annotated[str, StringConstraints(pattern=r"^NCT\d{8}$")] | None = None
    who_utn: str | None = None
    medical_condition: str | None = None
    medical_condition_lay: str | None = None
    phase_1: YesNo | None = None
    phase_2: YesNo | None = None
    phase_3: YesNo | None = None
    phase_4: YesNo | None = None
    has_subjects_under_18: YesNo | None = None
    has_adults_18_64: YesNo | None = None
    has_elderly_65_plus: YesNo | None = None
    is_female: YesNo | None = None
    is_male: YesNo | None = None
    part_of_pip: YesNo | None = None
    trial_countries_text: str | None = None
    outside_eea_countries_text: str | None = None
    sponsors: list[NonEmpty] = []
    sponsor_countries: list[str] = []
