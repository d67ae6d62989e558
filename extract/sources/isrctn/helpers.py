"""Reading the ISRCTN API XML (``<allTrials><fullTrial><trial>``, namespace
``http://www.67bricks.com/isrctn``) into flat records.

ISRCTN writes "Nil known", "N/A" and empty strings where it has no secondary number; those are
dropped here, so a placeholder never links two trials in identity resolution.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from lxml import etree

from extract.files import InputFile
from extract.inputs import head_text
from extract.quarantine import Rejection

from .settings import NAMESPACE, SOURCE_NAME

NS = {"i": NAMESPACE}
PLACEHOLDERS = {"", "nil known", "n/a", "na", "none", "not applicable", "nil"}


class TrialRecord:
    __slots__ = ("fields", "location", "number")

    def __init__(self, fields: dict[str, Any], location: str, number: int):
        self.fields = fields
        self.location = location
        self.number = number


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    value = found.text.strip()
    return None if value.lower() in PLACEHOLDERS else value


def _texts(element: etree._Element, path: str) -> list[str]:
    values = []
    for found in element.findall(path, NS):
        value = (found.text or "").strip()
        if value.lower() not in PLACEHOLDERS and value not in values:
            values.append(value)
    return values


def recruitment_status(
    override: str | None, start: str | None, end: str | None, overall_end: str | None, as_of: str
) -> str | None:
    """ISRCTN shows no stored status: the website derives one from the recruitment dates.
    The same rule here, evaluated on ``as_of``: the extraction time, which is stored with the raw
    record (``extracted_at``), so a re-run of the build gives the same status and an old record of
    a finished trial is not frozen at its ``lastUpdated`` day. An explicit override wins, then the
    dates decide."""
    if override:
        return override
    day = as_of[:10]
    if overall_end and overall_end[:10] < day:
        return "Completed"
    if end and end[:10] < day:
        return "No longer recruiting"
    if start and start[:10] > day:
        return "Not yet recruiting"
    if start:
        return "Recruiting"
    return None


def record_fields(full: etree._Element) -> dict[str, Any]:
    trial = full.find("i:trial", NS)
    if trial is None:
        trial = full
    number = _text(trial, "i:isrctn")
    fields: dict[str, Any] = {
        "isrctn": f"ISRCTN{number}" if number and number.isdigit() else number,
        "last_updated": trial.get("lastUpdated"),
        "title": _text(trial, "i:trialDescription/i:title"),
        "scientific_title": _text(trial, "i:trialDescription/i:scientificTitle"),
        "acronym": _text(trial, "i:trialDescription/i:acronym"),
        "eudract_number": _text(trial, "i:externalRefs/i:eudraCTNumber"),
        "nct_number": _text(trial, "i:externalRefs/i:clinicalTrialsGovNumber"),
        "iras_number": _text(trial, "i:externalRefs/i:irasNumber"),
        "protocol_serial_number": _text(trial, "i:externalRefs/i:protocolSerialNumber"),
        "secondary_numbers": _texts(trial, "i:externalRefs/i:secondaryNumbers/i:secondaryNumber"),
        "primary_study_design": _text(trial, "i:trialDesign/i:primaryStudyDesign"),
        "secondary_study_design": _text(trial, "i:trialDesign/i:secondaryStudyDesign"),
        "overall_end_date": _text(trial, "i:trialDesign/i:overallEndDate"),
        "recruitment_start": _text(trial, "i:participants/i:recruitmentStart"),
        "recruitment_end": _text(trial, "i:participants/i:recruitmentEnd"),
        "recruitment_status_override": _text(trial, "i:participants/i:recruitmentStatusOverride"),
        "countries": _texts(trial, "i:participants/i:recruitmentCountries/i:country"),
        "gender": _text(trial, "i:participants/i:gender"),
        "age_range": _text(trial, "i:participants/i:ageRange"),
        "target_enrolment": _text(trial, "i:participants/i:targetEnrolment"),
        "conditions": _texts(trial, "i:conditions/i:condition/i:description"),
        "interventions": _texts(trial, "i:interventions/i:intervention/i:drugNames")
        or _texts(trial, "i:interventions/i:intervention/i:interventionType"),
        "phase": _text(trial, "i:interventions/i:intervention/i:phase"),
        "sponsor_name": _text(full, "i:sponsor/i:organisation"),
    }
    return fields


def iter_trials(file: InputFile) -> Iterator[TrialRecord | Rejection]:
    if not file.data.strip():
        yield Rejection(SOURCE_NAME, file.location, "empty file", field="<file>")
        return
    number = 0
    tag = f"{{{NAMESPACE}}}fullTrial"
    # huge_tree: a runaway text node is read and refused by the model naming its field.
    parser = etree.iterparse(io.BytesIO(file.data), events=("end",), tag=tag, recover=False, huge_tree=True)
    try:
        for _, element in parser:
            number += 1
            yield TrialRecord(record_fields(element), f"{file.location}#{number}", number)
            element.clear()
    except etree.XMLSyntaxError as exc:
        line = exc.position[0] if exc.position else "?"
        yield Rejection(
            SOURCE_NAME,
            file.location,
            f"unreadable XML after record {number} (line {line}): {exc.msg}; {number} record(s) before it were read",
            record_id=f"record {number + 1}",
            field="<file>",
        )
        return
    if number == 0:
        yield Rejection(SOURCE_NAME, file.location, "no <fullTrial> element in the ISRCTN namespace", field="<file>")


def is_isrctn_xml(head: bytes) -> bool:
    """Whether an XML file starts like an ISRCTN API response: an ``<allTrials>`` or
    ``<fullTrial>`` element (in the ISRCTN namespace or none) holding ``<isrctn>`` numbers."""
    text = head_text(head)
    return text.lstrip().startswith("<") and ("<allTrials" in text or "<fullTrial" in text) and "<isrctn>" in text
