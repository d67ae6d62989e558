"""WHO ICTRP (International Clinical Trials Registry Platform) exports as a dlt source.

One resource, ``trials``, reads ICTRP exports: the XML download
(``<Trials_downloaded_from_ICTRP><Trial>...``) and the CSV export of the same fields. ICTRP
republishes records of every primary registry, each with its secondary IDs, which is what links
one trial's records across registries. Each export's record is kept: records merge on
``trial_id`` and ``source_location`` (the export file), so a later export that lacks a column (the
CSV export has no secondary IDs) never erases what an earlier one said; staging combines them,
field by field, newest non-empty value first, and takes the union of secondary IDs. Files
already loaded are skipped (see :mod:`extract.files`).
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

from .helpers import RawRecord, exported_at, is_ictrp_export, iter_records, shape
from .models import REQUIRED, IctrpTrial
from .settings import DATASET_NAME, FILE_SUFFIXES, SOURCE_NAME

TRIAL_COLUMNS: dict[str, dict[str, Any]] = {
    **text_columns(IctrpTrial),
    "trial_id": {"data_type": "text", "nullable": False},
    "source_location": {"data_type": "text", "nullable": False},
    "record_hash": {"data_type": "text", "nullable": False},
    "exported_at": {"data_type": "timestamp"},
    "extracted_at": {"data_type": "timestamp"},
}


@dlt.source(name=SOURCE_NAME)
def ictrp_source(files: list[InputPath]) -> Any:
    """WHO ICTRP trials read from export ``files`` (see :mod:`extract.inputs`)."""
    return add_quarantine_table(trials(files))


@dlt.resource(
    name="trials",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    table_name="trials",
    primary_key=("trial_id", "source_location"),
    columns=TRIAL_COLUMNS,
)
def trials(files: list[InputPath]) -> Iterator[dict[str, Any]]:
    """Validated ICTRP records; unreadable files and bad records go to ``quarantine``."""
    for file in new_files(iter_input_files(files)):
        seen: dict[str, str] = {}
        for item in iter_records(file):
            if isinstance(item, Rejection):
                yield report(item)
                continue
            row = to_row(item, file.location)
            for rejection in row.pop("_rejections"):
                yield report(rejection)
            repeated = repeated_key(seen, row.get("trial_id"), item.location, source=SOURCE_NAME, field="trial_id")
            if repeated:
                yield report(repeated)
            elif row.get("trial_id"):
                yield row


def to_row(record: RawRecord, location: str) -> dict[str, Any]:
    data = shape(record.fields)
    record_id = data.get("trial_id") or f"record {record.number}"
    trial, rejections = validate(
        IctrpTrial,
        data,
        source=SOURCE_NAME,
        location=record.location,
        record_id=record_id,
        required=REQUIRED,
    )
    if trial is None:
        return {"_rejections": rejections}
    values = trial.model_dump()
    trial_id = values["trial_id"]
    lists = {name: values.pop(name) for name in ("secondary_ids", "countries", "conditions", "interventions")}
    return {
        **values,
        "record_hash": record_hash({**values, **lists}),
        "exported_at": exported_at(values.get("export_date")),
        "source_location": location,
        "extracted_at": datetime.now(UTC).replace(tzinfo=None),
        "secondary_ids": [{"trial_id": trial_id, "secondary_id": value} for value in lists["secondary_ids"]],
        "countries": [{"trial_id": trial_id, "country_name": value} for value in lists["countries"]],
        "conditions": [{"trial_id": trial_id, "condition_name": value} for value in lists["conditions"]],
        "interventions": [{"trial_id": trial_id, "intervention_name": value} for value in lists["interventions"]],
        "_rejections": rejections,
    }


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="WHO ICTRP exports (XML and CSV)",
    reads=Reads(
        "WHO ICTRP exports (XML with <Trial> records, or CSV with a TrialID column)",
        FILE_SUFFIXES,
        is_ictrp_export,
    ),
    sample_input=DEMO_DATA_DIR / "ictrp",
    make=ictrp_source,
    order=20,
)
