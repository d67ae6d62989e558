"""Parsing the EU Clinical Trials Register plain-text "full trial details" download.

The file is a preamble, then one block per protocol starting with ``Summary`` and
``EudraCT Number:``. Inside a block every field is one line ``<code> <label>: <value>``
(``A.2 EudraCT number: 2022-002568-62``; some codes are followed by a tab), a value may wrap onto
following lines, and translated copies carry a language suffix (``A.3 Full title of the trial
(es):``), which is skipped: the English value is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from extract.files import InputFile, decode_text
from extract.inputs import head_text
from extract.quarantine import Rejection

from .settings import SOURCE_NAME

SUMMARY_LABELS = {
    "EudraCT Number": "summary_eudract_number",
    "Sponsor's Protocol Code Number": "sponsor_protocol_code",
    "National Competent Authority": "national_competent_authority",
    "Clinical Trial Type": "clinical_trial_type",
    "Trial Status": "trial_status",
    "Date on which this record was first entered in the EudraCT database": "date_first_entered",
    "Link": "link",
}
# Section code -> field; for repeated codes (several sponsors) the values form a list.
CODES = {
    "A.1": "member_state",
    "A.2": "eudract_number",
    "A.3": "full_title",
    "A.3.1": "lay_title",
    "A.3.2": "abbreviated_title",
    "A.5.1": "isrctn_number",
    "A.5.2": "nct_number",
    "A.5.3": "who_utn",
    "A.7": "part_of_pip",
    "B.1.1": "sponsors",
    "B.1.3.4": "sponsor_countries",
    "E.1.1": "medical_condition",
    "E.1.1.1": "medical_condition_lay",
    "E.8.6.3": "trial_countries_text",
    "E.8.6.4": "outside_eea_countries_text",
    "E.7.1": "phase_1",
    "E.7.2": "phase_2",
    "E.7.3": "phase_3",
    "E.7.4": "phase_4",
    "F.1.1": "has_subjects_under_18",
    "F.1.2": "has_adults_18_64",
    "F.1.3": "has_elderly_65_plus",
    "F.2.1": "is_female",
    "F.2.2": "is_male",
}
LIST_FIELDS = {"sponsors", "sponsor_countries"}
N_AND_P = {
    "N. Date of Competent Authority Decision": "competent_authority_decision_date",
    "P. End of Trial Status": "end_of_trial_status",
}
_FIELD = re.compile(r"^(?P<code>[A-P](?:\.\d+)+)\.?[ \t]+(?P<label>[^:]*?):[ \t]?(?P<value>.*)$")
_SIMPLE = re.compile(r"^(?P<label>[A-Z][^:]{0,90}?):[ \t]?(?P<value>.*)$")
_TRANSLATION = re.compile(r"\([a-z]{2}\)$")
_LINK_COUNTRY = re.compile(r"/trial/(?P<eudract>\d{4}-\d{6}-\d{2})/(?P<country>[A-Z]{2}|3RD)/?")
_SUMMARY_NUMBER = re.compile(r"^EudraCT Number:[ \t]*\d{4}-\d{6}-\d{2}[ \t]*$")
# Section N (review by the competent authority) closes every protocol; a block without it was
# cut short (a truncated file) and must not replace a complete copy loaded before.
_LAST_SECTION = re.compile(r"^N\. ")


class ProtocolBlock:
    __slots__ = ("fields", "location", "number")

    def __init__(self, fields: dict[str, Any], location: str, number: int):
        self.fields = fields
        self.location = location
        self.number = number


def iter_protocols(file: InputFile) -> Iterator[ProtocolBlock | Rejection]:
    text = decode_text(file, SOURCE_NAME)
    if isinstance(text, Rejection):
        yield text
        return
    blocks = _split(text.splitlines())
    if not blocks:
        yield Rejection(
            SOURCE_NAME,
            file.location,
            "no protocol found: no 'EudraCT Number:' summary line",
            field="<file>",
        )
        return
    for number, (first_line, lines) in enumerate(blocks, start=1):
        location = f"{file.location}:{first_line}"
        fields = parse_block(lines)
        damage = block_damage(lines)
        if damage:
            named = "-".join(p for p in (fields.get("eudract_number"), fields.get("member_state_code")) if p)
            yield Rejection(SOURCE_NAME, location, damage, record_id=named or f"protocol {number}", field="<block>")
            continue
        yield ProtocolBlock(fields, location, number)


def _split(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Protocol blocks: each starts at its ``Summary`` line, or at an ``EudraCT Number:`` line
    that no ``Summary`` line precedes. Starting at ``Summary`` keeps a block whose number line is
    damaged a block of its own (quarantined by :func:`block_damage`) instead of the tail of the
    protocol before it."""
    blocks: list[tuple[int, list[str]]] = []
    previous = ""
    for index, line in enumerate(lines, start=1):
        starts = line.strip() == "Summary" or (line.startswith("EudraCT Number:") and previous.strip() != "Summary")
        if starts:
            blocks.append((index, []))
        if blocks:
            blocks[-1][1].append(line)
        previous = line
    return blocks


def block_damage(lines: list[str]) -> str | None:
    """Why a protocol block cannot be loaded whole, or None: its ``EudraCT Number:`` summary line
    is missing or damaged, or it stops before section N (a truncated file)."""
    head = [line.rstrip() for line in lines[:3]]
    if not any(_SUMMARY_NUMBER.match(line) for line in head):
        shown = next((line for line in head if line.strip() and line.strip() != "Summary"), "")
        return f"damaged protocol block: no well-formed 'EudraCT Number: nnnn-nnnnnn-nn' line (found {shown[:80]!r})"
    if not any(_LAST_SECTION.match(line) for line in lines):
        return "truncated protocol block: it ends before section N, so it is not loaded over a complete copy"
    return None


def parse_block(lines: list[str]) -> dict[str, Any]:
    """The fields of one protocol block (wrapped values joined with a newline)."""
    fields: dict[str, Any] = {}
    current: tuple[str, int | None] | None = None
    for raw in lines:
        line = raw.rstrip()
        match = _FIELD.match(line)
        if match:
            current = _store(fields, CODES.get(match["code"]), match["label"], match["value"])
            continue
        simple = _SIMPLE.match(line)
        if simple and (simple["label"] in SUMMARY_LABELS or simple["label"] in N_AND_P):
            name = SUMMARY_LABELS.get(simple["label"]) or N_AND_P[simple["label"]]
            current = _store(fields, name, simple["label"], simple["value"])
            continue
        if simple or not line.strip() or _is_heading(line):
            current = None
            continue
        if current is not None:
            name, index = current
            if index is None:
                fields[name] = f"{fields[name]}\n{line.strip()}" if fields[name] else line.strip()
            else:
                fields[name][index] += "\n" + line.strip()
    link = fields.get("link") or ""
    match = _LINK_COUNTRY.search(link)
    fields["member_state_code"] = match["country"] if match else _country_code(fields.get("member_state"))
    fields.setdefault("eudract_number", fields.get("summary_eudract_number"))
    return fields


def _store(fields: dict[str, Any], name: str | None, label: str, value: str) -> tuple[str, int | None] | None:
    if name is None or _TRANSLATION.search(label.strip()):
        return None
    value = value.strip()
    if name in LIST_FIELDS:
        fields.setdefault(name, []).append(value)
        return name, len(fields[name]) - 1
    if name in fields and fields[name]:
        return None
    fields[name] = value or None
    return name, None


def _is_heading(line: str) -> bool:
    return bool(re.match(r"^([A-P]\.|Sponsor \d+|Summary$)", line))


def _country_code(member_state: str | None) -> str | None:
    # Only used when the Link line is missing; the member-state name is resolved in staging.
    return None


def is_euctr_download(head: bytes) -> bool:
    """Whether a text file starts like an EUCTR download: it names a EudraCT number near the top."""
    return "EudraCT Number:" in head_text(head)
