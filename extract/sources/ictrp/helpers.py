"""Reading WHO ICTRP exports: the XML ``<Trials><Trial>`` download and the CSV of the same fields.

Both shapes become the same dictionaries (field names lower-cased, spaces turned into
underscores), so one validation and one table serve both.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from lxml import etree

from extract.files import HEADER_ONLY, InputFile, clean, decode_text, missing_columns, split_list
from extract.inputs import csv_header, has_columns, head_text
from extract.quarantine import Rejection

from .settings import REQUIRED_COLUMNS, SOURCE_NAME

LIST_FIELDS = {
    "secondary_id": ("secondary_ids", ";"),
    "secondary_ids": ("secondary_ids", ";"),
    "countries": ("countries", ";"),
    "condition": ("conditions", ";\n"),
    "intervention": ("interventions", ";\n"),
}
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
# A runaway cell is read whole and refused by the model naming its field, rather than the csv
# module stopping the file at it (its default limit is 128 KiB).
csv.field_size_limit(2**31 - 1)


class RawRecord:
    """One record's fields with where it was read (``file#record-number``)."""

    __slots__ = ("fields", "location", "number")

    def __init__(self, fields: dict[str, Any], location: str, number: int):
        self.fields = fields
        self.location = location
        self.number = number


def field_name(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip()).lower()


def shape(raw: dict[str, str | None]) -> dict[str, Any]:
    """ICTRP fields as model input: values stripped, list fields split, TrialID renamed."""
    shaped: dict[str, Any] = {}
    for name, value in raw.items():
        key = field_name(name)
        if key in LIST_FIELDS:
            target, separators = LIST_FIELDS[key]
            text = _BR.sub("\n", value or "")
            shaped.setdefault(target, []).extend(split_list(text, separators))
        elif key == "trialid":
            shaped["trial_id"] = clean(value)
        else:
            shaped[key] = clean(value)
    return shaped


def exported_at(value: str | None) -> datetime | None:
    """ICTRP's export timestamp: "4/7/2020 1:08:32 AM" (US, CSV) or "06/09/2024 16:01:13"
    (day first, 24-hour, XML). An AM/PM marker means month first."""
    if not value:
        return None
    for pattern in ("%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value.strip(), pattern)
        except ValueError:
            continue
    return None


def iter_records(file: InputFile) -> Iterator[RawRecord | Rejection]:
    if file.location.lower().endswith(".xml"):
        yield from _iter_xml(file)
    else:
        yield from _iter_csv(file)


def _iter_xml(file: InputFile) -> Iterator[RawRecord | Rejection]:
    if not file.data.strip():
        yield Rejection(SOURCE_NAME, file.location, "empty file", field="<file>")
        return
    number = 0
    # huge_tree: a runaway text node is read and refused by the model, naming its field,
    # instead of ending the file there.
    parser = etree.iterparse(io.BytesIO(file.data), events=("end",), tag="Trial", recover=False, huge_tree=True)
    try:
        for _, element in parser:
            number += 1
            fields = {child.tag: (child.text or "") for child in element if isinstance(child.tag, str)}
            yield RawRecord(fields, f"{file.location}#{number}", number)
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
        yield Rejection(SOURCE_NAME, file.location, "no <Trial> element", field="<file>")


def _iter_csv(file: InputFile) -> Iterator[RawRecord | Rejection]:
    text = decode_text(file, SOURCE_NAME)
    if isinstance(text, Rejection):
        yield text
        return
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = missing_columns(REQUIRED_COLUMNS, [field_name(c) for c in reader.fieldnames or []])
    if missing:
        yield Rejection(SOURCE_NAME, file.location, missing, field="<header>")
        return
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            fields = {k: v for k, v in row.items() if k is not None}
            yield RawRecord(fields, f"{file.location}#{number}", number)
    except csv.Error as exc:
        yield Rejection(SOURCE_NAME, file.location, f"unreadable CSV at line {reader.line_num}: {exc}", field="<file>")
        return
    if number == 0:
        yield Rejection(SOURCE_NAME, file.location, HEADER_ONLY, field="<file>")


# Columns of the ICTRP CSV export: a header naming TrialID or three of these is an ICTRP export.
CSV_SIGNATURE = (
    "trialid",
    "public_title",
    "scientific_title",
    "primary_sponsor",
    "date_registration",
    "source_register",
    "recruitment_status",
    "web_address",
    "inclusion_agemin",
    "countries",
)


def is_ictrp_export(head: bytes) -> bool:
    """Whether a file starts like an ICTRP export: XML whose records are ``<Trial>`` elements
    with a ``<TrialID>`` (or the ``<Trials_downloaded_from_ICTRP>`` root), or a CSV whose header
    names TrialID or three of the export's other columns (a renamed ID column is the source's
    to report)."""
    text = head_text(head)
    if text.lstrip().startswith("<"):
        return "<Trials_downloaded_from_ICTRP" in text or ("<Trial>" in text and "<TrialID>" in text)
    header = csv_header(head)
    return "trialid" in header or has_columns(header, CSV_SIGNATURE, at_least=3)
