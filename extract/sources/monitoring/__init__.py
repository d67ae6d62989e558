"""Hospital monitoring feeds (vitals and lab-result CSV files) as a dlt source.

**What it reads.** Every ``.csv`` file under the inputs whose header is a vitals header
(``hospital_id, measurement_date, patient_id, vital_type, value, unit``) or a lab-results header
(``hospital_id, test_date, patient_id, test_type, result_value, reference_range, unit``), whatever
its name or folder; columns in any order and case, with spaces, a BOM, ``,`` or ``;`` (see
:mod:`.validation`). Other files are passed over.

**Batches.** A file may hold any number of hospitals and months. Its rows are grouped into
batches, one per (feed, hospital, month) from the ``hospital_id`` column and the month of the
date; each batch is validated, refused or loaded on its own. Rows whose hospital or date cannot
be read count against the one batch of the file they agree with, else against the file's
unattributed pseudo-batch (hospital and month ``?``), whose rows are all quarantined. One resource,
``monitoring_files``, writes four tables of the ``raw_monitoring`` dataset:

* ``vitals`` and ``labs``: accepted rows, merged with delete-insert on the batch key
  (``batch_hospital_id``, ``batch_month``) within each table, so a batch delivered again replaces
  the earlier rows of its feed, hospital and month, never doubles them;
* ``quarantine``: rejected rows, one entry per failed check (file, line, column, reason, and the
  ``batch_id`` the row counts against);
* ``batches``: one row per (file, feed, hospital, month), keyed on ``batch_id``
  (``<location>#<feed>/<hospital>/<month>``), with its row counts and whether it was loaded,
  refused (too many bad rows), superseded (another delivery of the batch won) or empty (a file
  with a header and no data rows, or blank: a notice names it, nothing is refused).

**Which delivery of a batch wins.** Among the files found in one run that hold the same (feed,
hospital, month), counting unchanged files loaded by earlier runs that are still among the
inputs, the one with the highest ``_v<N>`` name suffix wins (no suffix is version 1), then the
latest modification time, then the last location in name order. The winner's rows are loaded
(if it is new or changed); the other files' deliveries of that batch are recorded in ``batches``
as superseded and their rows are neither loaded nor quarantined. A file loaded in a later run
replaces the batches it holds, unless a file still among the inputs outranks it.

**Incremental.** The resource state keeps, per file location, the SHA-256 of the content and
the batches it holds; a file whose location and hash are unchanged is skipped. A file with a
refused batch is not recorded, so it is checked again on the next run (its other batches load
again, replacing themselves). Re-runs never duplicate rows: rows merge on their batch key,
``batches`` on ``batch_id`` and quarantine rows on their hash.

**Refusal.** A batch whose bad-row share exceeds ``max_bad_share`` (default
``CTW_MONITORING_MAX_BAD_SHARE`` or 0.2) is not loaded: its bad rows are quarantined, the other
batches load, and the run then fails with :class:`BatchRejected` naming the file, the batch and
why.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import dlt

from extract.inputs import InputPath, Reads
from extract.pipeline import RunSummary
from extract.quarantine import QUARANTINE_COLUMNS, Rejection
from extract.runner import Extraction, SourceSpec
from extract.settings import DEMO_DATA_DIR

from .settings import DATASET_NAME, FEEDS, LABS, SOURCE_NAME, VITALS, max_bad_share
from .validation import (
    NO_DATA_ROWS,
    BatchRejected,
    ValidatedBatch,
    batch_keys,
    file_version,
    is_monitoring_file,
    validate_file,
)

__all__ = ["SPEC", "BatchRejected", "extraction", "monitoring_source"]

log = logging.getLogger("ctw.extract")

BATCH_KEY = ["batch_hospital_id", "batch_month"]

_COMMON_COLUMNS: dict[str, dict[str, Any]] = {
    "row_id": {"data_type": "text", "nullable": False},
    "batch_file": {"data_type": "text", "nullable": False},
    "batch_hospital_id": {"data_type": "text", "nullable": False},
    "batch_month": {"data_type": "text", "nullable": False},
    "file_version": {"data_type": "bigint", "nullable": False},
    "line_number": {"data_type": "bigint", "nullable": False},
    "hospital_id": {"data_type": "text", "nullable": False},
    "patient_id": {"data_type": "text", "nullable": False},
    "unit": {"data_type": "text", "nullable": False},
    "extracted_at": {"data_type": "timestamp", "nullable": False},
}
TABLE_COLUMNS: dict[str, dict[str, Any]] = {
    VITALS: {
        **_COMMON_COLUMNS,
        "measurement_date": {"data_type": "date", "nullable": False},
        "measurement_date_text": {"data_type": "text", "nullable": False},
        "vital_type": {"data_type": "text", "nullable": False},
        "value": {"data_type": "double", "nullable": False},
    },
    LABS: {
        **_COMMON_COLUMNS,
        "test_date": {"data_type": "date", "nullable": False},
        "test_date_text": {"data_type": "text", "nullable": False},
        "test_type": {"data_type": "text", "nullable": False},
        "result_value": {"data_type": "double", "nullable": False},
        "reference_range": {"data_type": "text", "nullable": True},
    },
    "batches": {
        "batch_id": {"data_type": "text", "nullable": False},
        "batch_file": {"data_type": "text", "nullable": False},
        "feed": {"data_type": "text", "nullable": False},
        "hospital_id": {"data_type": "text", "nullable": False},
        "batch_month": {"data_type": "text", "nullable": False},
        "file_version": {"data_type": "bigint", "nullable": False},
        "file_modified_at": {"data_type": "timestamp", "nullable": False},
        "file_sha256": {"data_type": "text", "nullable": False},
        "batch_status": {"data_type": "text", "nullable": False},
        "status_reason": {"data_type": "text", "nullable": True},
        "rows_received": {"data_type": "bigint", "nullable": False},
        "rows_accepted": {"data_type": "bigint", "nullable": False},
        "rows_rejected": {"data_type": "bigint", "nullable": False},
        "processed_at": {"data_type": "timestamp", "nullable": False},
    },
    "quarantine": {
        **QUARANTINE_COLUMNS,
        "batch_id": {"data_type": "text", "nullable": True},
        # The offending cell and the measure the row names, for the unknown-vocabulary report.
        "rejected_value": {"data_type": "text", "nullable": True},
        "measure_code": {"data_type": "text", "nullable": True},
    },
}

_PRIMARY_KEYS = {
    VITALS: "row_id",
    LABS: "row_id",
    "batches": "batch_id",
    "quarantine": "quarantine_id",
}


def _for_table(table: str, rows: list[dict[str, Any]]) -> Any:
    """Rows with their table's hints (dlt table variants): measurements merge on the batch key."""
    hints = dlt.mark.make_hints(
        table_name=table,
        primary_key=_PRIMARY_KEYS[table],
        merge_key=BATCH_KEY if table in FEEDS else None,
        columns=TABLE_COLUMNS[table],
    )
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Delivery:
    """One file found for this run: where, its fingerprint and version, the batches it holds and
    whether it is unchanged since an earlier run loaded it."""

    file: InputPath
    sha256: str
    modified: float
    version: int
    keys: set[tuple[str, str, str]]
    unchanged: bool

    @property
    def location(self) -> str:
        return self.file.location

    @property
    def rank(self) -> tuple[int, float, str]:
        """Higher wins a batch: ``_v<N>`` version, then modification time, then location."""
        return (self.version, self.modified, self.location)

    @classmethod
    def of(cls, file: InputPath, seen: dict[str, Any]) -> Delivery:
        data = file.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        previous = seen.get(file.location) or {}
        unchanged = previous.get("sha256") == digest and "batches" in previous
        keys = {tuple(key) for key in previous["batches"]} if unchanged else batch_keys(data)
        return cls(file, digest, file.path.stat().st_mtime, file_version(file.location), keys, unchanged)


def winners(deliveries: list[Delivery]) -> dict[tuple[str, str, str], Delivery]:
    """The delivery that wins each (feed, hospital, month); see the module docstring."""
    best: dict[tuple[str, str, str], Delivery] = {}
    for delivery in deliveries:
        for key in delivery.keys:
            if key not in best or delivery.rank > best[key].rank:
                best[key] = delivery
    return best


def _batch_row(delivery: Delivery, batch: ValidatedBatch, status: str, reason: str | None) -> dict[str, Any]:
    return {
        "batch_id": batch.batch_id,
        "batch_file": delivery.location,
        "feed": batch.feed,
        "hospital_id": batch.hospital_id,
        "batch_month": batch.month,
        "file_version": delivery.version,
        "file_modified_at": datetime.fromtimestamp(delivery.modified, UTC).replace(tzinfo=None),
        "file_sha256": delivery.sha256,
        "batch_status": status,
        "status_reason": reason,
        "rows_received": batch.rows_received,
        "rows_accepted": len(batch.accepted) if status == "loaded" else 0,
        "rows_rejected": batch.rows_rejected,
        "processed_at": _now(),
    }


def _quarantine_rows(batch: ValidatedBatch) -> list[dict[str, Any]]:
    return [
        {
            **Rejection(
                SOURCE_NAME, batch.location, problem.reason, str(problem.line), problem.column, problem.raw or None
            ).to_row(),
            "batch_id": batch.batch_id,
            "rejected_value": problem.value,
            "measure_code": problem.measure_code,
        }
        for problem in batch.problems
    ]


def _accepted_rows(delivery: Delivery, batch: ValidatedBatch, extracted_at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "row_id": f"{delivery.location}:{row['line_number']}",
            "batch_file": delivery.location,
            "batch_hospital_id": batch.hospital_id,
            "batch_month": batch.month,
            "file_version": delivery.version,
            **row,
            "extracted_at": extracted_at,
        }
        for row in batch.accepted
    ]


@dlt.resource(
    name="monitoring_files",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    schema_contract={"tables": "evolve", "columns": "evolve", "data_type": "freeze"},
)
def monitoring_files(
    files: list[InputPath],
    bad_share_threshold: float | None = None,
    refusals: list[str] | None = None,
) -> Iterator[Any]:
    """Validated rows of every new or changed monitoring file; see the module docstring.

    Args:
        files: the monitoring files found under the inputs (see :mod:`extract.inputs`).
        bad_share_threshold: refuse a batch whose share of bad rows is above this
            (default ``CTW_MONITORING_MAX_BAD_SHARE`` or 0.2).
        refusals: receives one message per refused batch, for the caller to raise after loading.
    """
    threshold = max_bad_share() if bad_share_threshold is None else bad_share_threshold
    seen: dict[str, dict[str, Any]] = dlt.current.resource_state().setdefault("files", {})
    deliveries = [Delivery.of(file, seen) for file in files]
    best = winners(deliveries)
    extracted_at = _now()
    for delivery in deliveries:
        if delivery.unchanged:
            log.info("skipping %s: already loaded", delivery.location)
            continue
        validated = validate_file(delivery.location, delivery.file.read_bytes())
        refused = False
        for batch in validated.batches:
            if batch.is_empty:
                notice = f"monitoring: {delivery.location} has no data rows (header only or blank): nothing to load"
                log.warning(notice)
                print(notice, file=sys.stderr)
                yield _for_table("batches", [_batch_row(delivery, batch, "empty", NO_DATA_ROWS)])
                continue
            winner = delivery if batch.is_unattributed else best.get(batch.key, delivery)
            if winner is not delivery:
                reason = f"superseded by {winner.location}" + (" (loaded before)" if winner.unchanged else "")
                yield _for_table("batches", [_batch_row(delivery, batch, "superseded", reason)])
                continue
            if batch.problems:
                yield _for_table("quarantine", _quarantine_rows(batch))
            refusal = batch.refusal(threshold)
            if refusal:
                refused = True
                if refusals is not None:
                    refusals.append(refusal)
                yield _for_table("batches", [_batch_row(delivery, batch, "refused", refusal)])
                continue
            if batch.accepted:
                yield _for_table(batch.feed, _accepted_rows(delivery, batch, extracted_at))
            reason = "no readable hospital or date: every row quarantined" if batch.is_unattributed else None
            yield _for_table("batches", [_batch_row(delivery, batch, "loaded", reason)])
        if refused:
            # Not remembered as processed: the file is checked again until it is replaced.
            seen.pop(delivery.location, None)
        else:
            seen[delivery.location] = {"sha256": delivery.sha256, "batches": sorted(delivery.keys)}


@dlt.source(name=SOURCE_NAME)
def monitoring_source(
    files: list[InputPath],
    bad_share_threshold: float | None = None,
    refusals: list[str] | None = None,
) -> Any:
    """Hospital vitals and lab-result files (see :func:`monitoring_files`)."""
    return monitoring_files(files, bad_share_threshold, refusals)


def _has_file_keyed_batches(pipeline: dlt.Pipeline) -> bool:
    """Whether the warehouse still has ``batches`` keyed on the file alone (the layout before
    batches were read from the rows). Its tables and state are dropped and every file found is
    loaded again, once."""
    if not pipeline.default_schema_name:
        return False
    table = pipeline.default_schema.tables.get("batches")
    return table is not None and "batch_id" not in table.get("columns", {})


def extraction(files: list[InputPath], *, max_bad_share: float | None = None) -> Extraction:
    """The monitoring load of ``files``: the batches within the threshold load, then the run
    fails with :class:`BatchRejected` if any batch was refused."""
    refusals: list[str] = []

    def refuse(pipeline: dlt.Pipeline, summary: RunSummary) -> None:
        if refusals:
            raise BatchRejected("; ".join(refusals))

    return Extraction(
        monitoring_source(files, max_bad_share, refusals),
        refresh=lambda pipeline: "drop_sources" if _has_file_keyed_batches(pipeline) else None,
        after_load=refuse,
    )


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="hospital monitoring feeds (vitals and lab-result CSV files)",
    reads=Reads(
        "hospital monitoring CSV files with a vitals header (hospital_id, measurement_date, patient_id, "
        "vital_type, value, unit) or a lab-results header (hospital_id, test_date, patient_id, test_type, "
        "result_value, reference_range, unit)",
        (".csv",),
        is_monitoring_file,
    ),
    sample_input=DEMO_DATA_DIR / "monitoring",
    make=extraction,
    options=frozenset({"max_bad_share"}),
    order=20,
)
