"""EU Clinical Trials Register plain-text downloads as a dlt source.

One resource, ``protocols``: one row per trial and member state (the download's own unit),
merged on ``protocol_id`` (EudraCT number + member-state code). A trial registered in seven
member states is seven rows here and one trial in staging, with a per-country status.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt

from extract.files import iter_input_files, new_files, record_hash, report, text_columns, validate
from extract.inputs import InputPath, Reads
from extract.quarantine import Rejection, add_quarantine_table
from extract.runner import SourceSpec
from extract.settings import DEMO_DATA_DIR

from .helpers import ProtocolBlock, is_euctr_download, iter_protocols
from .models import REQUIRED, EuctrProtocol
from .settings import DATASET_NAME, FILE_SUFFIXES, SOURCE_NAME

PROTOCOL_COLUMNS: dict[str, dict[str, Any]] = {
    **text_columns(EuctrProtocol),
    "protocol_id": {"data_type": "text", "nullable": False},
    "eudract_number": {"data_type": "text", "nullable": False},
    "record_hash": {"data_type": "text", "nullable": False},
    "extracted_at": {"data_type": "timestamp"},
}


@dlt.source(name=SOURCE_NAME)
def euctr_source(files: list[InputPath]) -> Any:
    """EUCTR protocols read from download ``files`` (see :mod:`extract.inputs`)."""
    return add_quarantine_table(protocols(files))


@dlt.resource(
    name="protocols",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    table_name="protocols",
    primary_key="protocol_id",
    columns=PROTOCOL_COLUMNS,
)
def protocols(files: list[InputPath]) -> Iterator[dict[str, Any]]:
    """Validated protocols; unreadable files and bad fields go to ``quarantine``."""
    for file in new_files(iter_input_files(files)):
        for item in iter_protocols(file):
            if isinstance(item, Rejection):
                yield report(item)
                continue
            row, rejections = to_row(item)
            for rejection in rejections:
                yield report(rejection)
            if row is not None:
                yield row


def to_row(block: ProtocolBlock) -> tuple[dict[str, Any] | None, list[Rejection]]:
    fields = block.fields
    record_id = "-".join(p for p in (fields.get("eudract_number"), fields.get("member_state_code")) if p)
    protocol, rejections = validate(
        EuctrProtocol,
        fields,
        source=SOURCE_NAME,
        location=block.location,
        record_id=record_id or f"protocol {block.number}",
        required=REQUIRED,
    )
    if protocol is None:
        return None, rejections
    values = protocol.model_dump()
    protocol_id = f"{values['eudract_number']}-{values['member_state_code']}"
    sponsors = values.pop("sponsors")
    countries = values.pop("sponsor_countries")
    trial_countries = trial_country_names(values.pop("trial_countries_text"), values.pop("outside_eea_countries_text"))
    return {
        "protocol_id": protocol_id,
        **values,
        "record_hash": record_hash({**values, "sponsors": sponsors, "trial_countries": trial_countries}),
        "source_location": block.location,
        "extracted_at": datetime.now(UTC).replace(tzinfo=None),
        "sponsors": [
            {
                "protocol_id": protocol_id,
                "eudract_number": values["eudract_number"],
                "sponsor_rank": rank,
                "sponsor_name": name,
                "sponsor_country": countries[rank - 1] if rank <= len(countries) else None,
            }
            for rank, name in enumerate(sponsors, start=1)
        ],
        "trial_countries": [
            {"protocol_id": protocol_id, "eudract_number": values["eudract_number"], "country_name": name}
            for name in trial_countries
        ],
    }, rejections


def trial_country_names(*texts: str | None) -> list[str]:
    """The countries of E.8.6.3/E.8.6.4 (one per line after the label), in order, repeats removed."""
    names: list[str] = []
    for text in texts:
        for line in (text or "").splitlines():
            name = line.strip()
            if name and name not in names:
                names.append(name)
    return names


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="EU Clinical Trials Register text downloads",
    reads=Reads(
        "EU Clinical Trials Register text downloads (lines 'EudraCT Number: ...')", FILE_SUFFIXES, is_euctr_download
    ),
    sample_input=DEMO_DATA_DIR / "euctr",
    make=euctr_source,
    order=30,
)
