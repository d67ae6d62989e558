"""The fields of a ClinicalTrials.gov API v2 study that the warehouse uses, validated at the boundary.

:func:`parse_study` turns one study object (``protocolSection``/``derivedSection``...) into a
:class:`Study` or raises :class:`StudyRejected` listing every field that failed, named by its JSON
path in the API document, so that the quarantine row says exactly what is wrong.

Values stay as the registry wrote them (``"18 Years"``, ``"2020-03"``): parsing them is the job
of the dbt staging models, where analysts can read and test it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

# An age limit the registry leaves open.
NO_AGE = ("N/A", "NA", "NONE")
AGE_PATTERN = re.compile(r"^(\d+(\.\d+)?) (Years?|Months?|Weeks?|Days?|Hours?|Minutes?)$", re.IGNORECASE)


def _real_calendar_date(value: str) -> str:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` naming a real calendar period."""
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise ValueError(f"not a calendar date ({exc})") from None
    return value


def latest_posting_date() -> str:
    """The latest posting date accepted: tomorrow (the registry's clock may run ahead of ours)."""
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


def _not_in_future(value: str) -> str:
    if value > latest_posting_date():
        raise ValueError("a posting date cannot be in the future")
    return value


def _age(value: str) -> str:
    """An eligibility age: a non-negative number and a known unit ("18 Years"), or "N/A"."""
    if value.upper() in NO_AGE:
        return value
    if not AGE_PATTERN.match(value):
        raise ValueError(f"unrecognised age {value!r}: expected '<number> <Years|Months|Weeks|Days|Hours|Minutes>'")
    return value


NctId = Annotated[str, StringConstraints(pattern=r"^NCT\d{8}$")]
PartialDate = Annotated[
    str, StringConstraints(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$"), AfterValidator(_real_calendar_date)
]
PostingDate = Annotated[
    str,
    StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$"),
    AfterValidator(_real_calendar_date),
    AfterValidator(_not_in_future),
]
Age = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(_age)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# Model field -> where it lives in the API document (also used to name fields in errors).
FIELD_PATHS: dict[str, str] = {
    "nct_id": "protocolSection.identificationModule.nctId",
    "org_study_id": "protocolSection.identificationModule.orgStudyIdInfo.id",
    "brief_title": "protocolSection.identificationModule.briefTitle",
    "official_title": "protocolSection.identificationModule.officialTitle",
    "acronym": "protocolSection.identificationModule.acronym",
    "organization_name": "protocolSection.identificationModule.organization.fullName",
    "overall_status": "protocolSection.statusModule.overallStatus",
    "why_stopped": "protocolSection.statusModule.whyStopped",
    "status_verified_date": "protocolSection.statusModule.statusVerifiedDate",
    "start_date": "protocolSection.statusModule.startDateStruct.date",
    "start_date_type": "protocolSection.statusModule.startDateStruct.type",
    "primary_completion_date": "protocolSection.statusModule.primaryCompletionDateStruct.date",
    "primary_completion_date_type": "protocolSection.statusModule.primaryCompletionDateStruct.type",
    "completion_date": "protocolSection.statusModule.completionDateStruct.date",
    "completion_date_type": "protocolSection.statusModule.completionDateStruct.type",
    "first_submit_date": "protocolSection.statusModule.studyFirstSubmitDate",
    "first_post_date": "protocolSection.statusModule.studyFirstPostDateStruct.date",
    "last_update_post_date": "protocolSection.statusModule.lastUpdatePostDateStruct.date",
    "study_type": "protocolSection.designModule.studyType",
    "phases": "protocolSection.designModule.phases",
    "allocation": "protocolSection.designModule.designInfo.allocation",
    "primary_purpose": "protocolSection.designModule.designInfo.primaryPurpose",
    "enrollment_count": "protocolSection.designModule.enrollmentInfo.count",
    "enrollment_type": "protocolSection.designModule.enrollmentInfo.type",
    "minimum_age": "protocolSection.eligibilityModule.minimumAge",
    "maximum_age": "protocolSection.eligibilityModule.maximumAge",
    "sex": "protocolSection.eligibilityModule.sex",
    "healthy_volunteers": "protocolSection.eligibilityModule.healthyVolunteers",
    "brief_summary": "protocolSection.descriptionModule.briefSummary",
    "has_results": "hasResults",
    "version_holder": "derivedSection.miscInfoModule.versionHolder",
}
LIST_PATHS: dict[str, str] = {
    "conditions": "protocolSection.conditionsModule.conditions",
    "keywords": "protocolSection.conditionsModule.keywords",
    "interventions": "protocolSection.armsInterventionsModule.interventions",
    "locations": "protocolSection.contactsLocationsModule.locations",
    "collaborators": "protocolSection.sponsorCollaboratorsModule.collaborators",
    "lead_sponsor": "protocolSection.sponsorCollaboratorsModule.leadSponsor",
    "primary_outcomes": "protocolSection.outcomesModule.primaryOutcomes",
    "secondary_outcomes": "protocolSection.outcomesModule.secondaryOutcomes",
    "other_outcomes": "protocolSection.outcomesModule.otherOutcomes",
    "secondary_ids": "protocolSection.identificationModule.secondaryIdInfos",
}


class _Row(BaseModel):
    # No registry text field comes near 100,000 characters (a brief summary is capped at 5,000);
    # anything longer is a broken export, not a study.
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, str_max_length=100_000)


class Intervention(_Row):
    type: str | None = None
    name: NonEmpty
    description: str | None = None


class Location(_Row):
    facility: str | None = None
    status: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None


class Sponsor(_Row):
    name: NonEmpty
    sponsor_class: str | None = Field(default=None, alias="class")


class Outcome(_Row):
    measure: NonEmpty
    time_frame: str | None = Field(default=None, alias="timeFrame")
    description: str | None = None


class SecondaryId(_Row):
    id: NonEmpty
    type: str | None = None
    domain: str | None = None


class Study(_Row):
    """One study as the warehouse keeps it; required fields are those every mart needs."""

    nct_id: NctId
    org_study_id: str | None = None
    brief_title: NonEmpty
    official_title: str | None = None
    acronym: str | None = None
    organization_name: str | None = None
    overall_status: NonEmpty
    why_stopped: str | None = None
    status_verified_date: PartialDate | None = None
    start_date: PartialDate | None = None
    start_date_type: str | None = None
    primary_completion_date: PartialDate | None = None
    primary_completion_date_type: str | None = None
    completion_date: PartialDate | None = None
    completion_date_type: str | None = None
    first_submit_date: PostingDate | None = None
    first_post_date: PostingDate | None = None
    last_update_post_date: PostingDate
    study_type: str | None = None
    phases: list[str] = []
    allocation: str | None = None
    primary_purpose: str | None = None
    enrollment_count: int | None = Field(default=None, ge=0)
    enrollment_type: str | None = None
    minimum_age: Age | None = None
    maximum_age: Age | None = None
    sex: str | None = None
    healthy_volunteers: bool | None = None
    brief_summary: str | None = None
    has_results: bool | None = None
    version_holder: str | None = None
    conditions: list[NonEmpty] = []
    keywords: list[NonEmpty] = []
    interventions: list[Intervention] = []
    locations: list[Location] = []
    lead_sponsor: Sponsor | None = None
    collaborators: list[Sponsor] = []
    primary_outcomes: list[Outcome] = []
    secondary_outcomes: list[Outcome] = []
    other_outcomes: list[Outcome] = []
    secondary_ids: list[SecondaryId] = []


class StudyRejected(ValueError):
    """A study failed validation; ``errors`` pairs each failing JSON path with its reason."""

    def __init__(self, record_id: str | None, errors: list[tuple[str, str]]):
        self.record_id = record_id
        self.errors = errors
        detail = "; ".join(f"{path}: {reason}" for path, reason in errors)
        super().__init__(f"study {record_id or '<no nctId>'} rejected: {detail}")


def dig(document: Any, path: str) -> Any:
    """Follow a dotted path through nested dicts; missing keys give ``None``."""
    for key in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document


def _json_path(loc: tuple[Any, ...]) -> str:
    head, *rest = loc
    base = FIELD_PATHS.get(str(head)) or LIST_PATHS.get(str(head)) or str(head)
    return ".".join([base, *(f"[{part}]" if isinstance(part, int) else str(part) for part in rest)])


def _reason(error: Any) -> str:
    if error["type"] == "missing":
        return "required field is missing"
    return str(error["msg"]).removeprefix("Value error, ")


def parse_study(document: Any) -> Study:
    """Validate one API v2 study object, raising :class:`StudyRejected` with every failure."""
    if not isinstance(document, dict):
        raise StudyRejected(None, [("<record>", f"expected a JSON object, got {type(document).__name__}")])
    values = {field: dig(document, path) for field, path in FIELD_PATHS.items()}
    values.update({field: dig(document, path) for field, path in LIST_PATHS.items()})
    values = {field: value for field, value in values.items() if value is not None}
    try:
        return Study.model_validate(values)
    except ValidationError as exc:
        record_id = values.get("nct_id") if isinstance(values.get("nct_id"), str) else None
        errors = [(_json_path(error["loc"]), _reason(error)) for error in exc.errors()]
        raise StudyRejected(record_id, errors) from None
