"""ISRCTN registry (ISRCTN API XML, ``fullTrial`` records) as a dlt source.

One resource, ``trials``, merged on the ISRCTN number. Files already loaded are skipped; on
top of that a record whose ``lastUpdated`` is not newer than the stored cursor is not re-loaded
(dlt incremental on ``last_updated``), which is how the live API is queried too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt

from extract.files import iter_input_files, new_files, record_hash, repeated_key, report, text_columns, validate
from extract.inputs import InputPath, Reads
from extract.quarantine import Rejection, add_quarantine_table
from extract.runner import SourceSpec
from extract.settings import DEMO_DATA_DIR

from .helpers import TrialRecord, is_isrctn_xml, iter_trials, recruitment_status
from .models import REQUIRED, IsrctnTrial
from .settings import DATASET_NAME, FILE_SUFFIXES, SOURCE_NAME

TRIAL_COLUMNS: dict[str, dict[str, Any]] = {
    **text_columns(IsrctnTrial),
    "isrctn": {"data_type": "text", "nullable": False},
    "last_updated": {"data_type": "text", "nullable": False, "dedup_sort": "desc"},
    "record_hash": {"data_type": "text", "nullable": False},
    "extracted_at": {"data_type": "timestamp"},
}


@dlt.source(name=SOURCE_NAME)
def isrctn_source(files: list[InputPath]) -> Any:
    """ISRCTN trials read from API XML ``files`` (see :mod:`extract.inputs`)."""
    return add_quarantine_table(
        trials(
            files,
            last_updated=dlt.sources.incremental(
                "last_updated",
                initial_value="2000-01-01",
                primary_key="isrctn",
                on_cursor_value_missing="include",
            ),
        )
    )


@dlt.resource(
    name="trials",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    table_name="trials",
    primary_key="isrctn",
    columns=TRIAL_COLUMNS,
)
def trials(
    files: list[InputPath],
    last_updated: dlt.sources.incremental[str] = dlt.sources.incremental(
        "last_updated", initial_value="2000-01-01", on_cursor_value_missing="include"
    ),
) -> Iterator[dict[str, Any]]:
    """Validated ISRCTN trials; unreadable files and bad records go to ``quarantine``."""
    for file in new_files(iter_input_files(files)):
        seen: dict[str, str] = {}
        for item in iter_trials(file):
            if isinstance(item, Rejection):
                yield report(item)
                continue
            row, rejections = to_row(item, file.location)
            for rejection in rejections:
                yield report(rejection)
            if row is None:
                continue
            repeated = repeated_key(seen, row["isrctn"], item.location, source=SOURCE_NAME, field="isrctn")
            if repeated:
                yield report(repeated)
            else:
                yield row


def to_row(record: TrialRecord, location: str) -> tuple[dict[str, Any] | None, list[Rejection]]:
    trial, rejections = validate(
        IsrctnTrial,
        record.fields,
        source=SOURCE_NAME,
        location=record.location,
        record_id=record.fields.get("isrctn") or f"record {record.number}",
        required=REQUIRED,
    )
    if trial is None:
        return None, rejections
    values = trial.model_dump()
    isrctn = values["isrctn"]
    lists = {name: values.pop(name) for name in ("secondary_numbers", "countries", "conditions", "interventions")}
    extracted_at = datetime.now(UTC).replace(tzinfo=None)
    # The hash covers what the registry wrote, not the status derived as of the extraction.
    digest = record_hash({**values, **lists})
    values["recruitment_status"] = recruitment_status(
        values.get("recruitment_status_override"),
        values.get("recruitment_start"),
        values.get("recruitment_end"),
        values.get("overall_end_date"),
        extracted_at.isoformat(),
    )
    return {
        **values,
        "record_hash": digest,
        "source_location": location,
        "extracted_at": extracted_at,
        "secondary_numbers": [{"isrctn": isrctn, "secondary_number": v} for v in lists["secondary_numbers"]],
        "countries": [{"isrctn": isrctn, "country_name": v} for v in lists["countries"]],
        "conditions": [{"isrctn": isrctn, "condition_name": v} for v in lists["conditions"]],
        "interventions": [{"isrctn": isrctn, "intervention_name": v} for v in lists["interventions"]],
    }, rejections


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="ISRCTN API XML files",
    reads=Reads("ISRCTN API XML (<allTrials> or <fullTrial> with an <isrctn> number)", FILE_SUFFIXES, is_isrctn_xml),
    sample_input=DEMO_DATA_DIR / "isrctn",
    make=isrctn_source,
    order=40,
)
