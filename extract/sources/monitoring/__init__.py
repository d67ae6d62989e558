"""Hospital monitoring feeds (monthly vitals and lab-result files) as a dlt source.

Files are named ``<feed>_<hospital>_<YYYY-MM>[_v<version>].csv`` and read from
``<data_dir>/vitals/`` and ``<data_dir>/labs/``. One resource, ``monitoring_files``, writes four
tables of the ``raw_monitoring`` dataset:

* ``vitals`` and ``labs``: accepted rows, merged with delete-insert on the hospital-month
  (``batch_hospital_id``, ``batch_month``), so a restated file replaces its month, never doubles it;
* ``quarantine``: rejected rows, one entry per failed check (file, line, column, reason);
* ``batches``: one row per file seen, with its row counts and whether it was loaded, refused
  (too many bad rows) or superseded (a later version of the same month exists).

Each file is processed once: the resource state remembers every file's name, modification time
and content hash, and a file is read again only when it is new or its content changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dlt

from extract.quarantine import QUARANTINE_COLUMNS, Rejection

from .settings import FEEDS, LABS, SOURCE_NAME, VITALS, max_bad_share
from .validation import BatchFile, ValidatedBatch, validate_batch

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
    "quarantine": QUARANTINE_COLUMNS,
}


_PRIMARY_KEYS = {
    VITALS: "row_id",
    LABS: "row_id",
    "batches": "batch_file",
    "quarantine": "quarantine_id",
}


def _for_table(table: str, rows: list[dict[str, Any]]) -> Any:
    """Rows with their table's hints (dlt table variants): measurements merge on the hospital-month."""
    hints = dlt.mark.make_hints(
        table_name=table,
        primary_key=_PRIMARY_KEYS[table],
        merge_key=BATCH_KEY if table in FEEDS else None,
        columns=TABLE_COLUMNS[table],
    )
    return dlt.mark.with_hints(rows, hints, create_table_variant=True)


def list_batches(data_dir: Path) -> list[BatchFile]:
    """Every monthly file under ``data_dir/<feed>/``, in name order; other files are ignored."""
    found = []
    for feed in FEEDS:
        for path in sorted((data_dir / feed).glob("*.csv")):
            batch = BatchFile.from_path(path)
            if batch is not None and batch.feed == feed:
                found.append(batch)
    return found


def _fingerprint(path: Path) -> dict[str, Any]:
    return {"mtime": path.stat().st_mtime, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def _batch_row(
    batch: BatchFile,
    fingerprint: dict[str, Any],
    status: str,
    reason: str | None,
    validated: ValidatedBatch | None,
) -> dict[str, Any]:
    return {
        "batch_file": batch.name,
        "feed": batch.feed,
        "hospital_id": batch.hospital_id,
        "batch_month": batch.month,
        "file_version": batch.version,
        "file_modified_at": datetime.fromtimestamp(fingerprint["mtime"], UTC).replace(tzinfo=None),
        "file_sha256": fingerprint["sha256"],
        "batch_status": status,
        "status_reason": reason,
        "rows_received": validated.rows_received if validated else 0,
        "rows_accepted": len(validated.accepted) if validated and status == "loaded" else 0,
        "rows_rejected": validated.rows_rejected if validated else 0,
        "processed_at": datetime.now(UTC).replace(tzinfo=None),
    }


@dlt.resource(
    name="monitoring_files",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    schema_contract={"tables": "evolve", "columns": "evolve", "data_type": "freeze"},
)
def monitoring_files(
    data_dir: str,
    bad_share_threshold: float | None = None,
    refusals: list[str] | None = None,
) -> Iterator[dict[str, Any]]:
    """Validated rows of every new monthly file; see the module docstring.

    Args:
        data_dir: folder holding ``vitals/`` and ``labs/``.
        bad_share_threshold: refuse a batch whose share of bad rows is above this
            (default ``CTW_MONITORING_MAX_BAD_SHARE`` or 0.2).
        refusals: receives one message per refused batch, for the caller to raise after loading.
    """
    threshold = max_bad_share() if bad_share_threshold is None else bad_share_threshold
    seen: dict[str, dict[str, Any]] = dlt.current.resource_state().setdefault("files", {})
    batches = list_batches(Path(data_dir))
    latest: dict[tuple[str, str, str], int] = {}
    for batch in batches:
        key = (batch.feed, batch.hospital_id, batch.month)
        latest[key] = max(latest.get(key, 0), batch.version)
    extracted_at = datetime.now(UTC).replace(tzinfo=None)
    for batch in batches:
        previous = seen.get(batch.name)
        if previous and previous["mtime"] == batch.path.stat().st_mtime:
            continue
        fingerprint = _fingerprint(batch.path)
        if previous and previous["sha256"] == fingerprint["sha256"]:
            seen[batch.name] = fingerprint
            continue
        if batch.version < latest[(batch.feed, batch.hospital_id, batch.month)]:
            reason = f"superseded by version {latest[(batch.feed, batch.hospital_id, batch.month)]}"
            yield _for_table(
                "batches", [_batch_row(batch, fingerprint, "superseded", reason, None)]
            )
            seen[batch.name] = fingerprint
            continue
        validated = validate_batch(batch)
        rejected = [
            Rejection(
                SOURCE_NAME,
                batch.name,
                problem.reason,
                str(problem.line),
                problem.column,
                problem.raw or None,
            ).to_row()
            for problem in validated.problems
        ]
        if rejected:
            yield _for_table("quarantine", rejected)
        refusal = validated.refusal(threshold)
        if refusal:
            if refusals is not None:
                refusals.append(refusal)
            # Not remembered as processed: the file is checked again until it is replaced.
            yield _for_table(
                "batches", [_batch_row(batch, fingerprint, "refused", refusal, validated)]
            )
            continue
        accepted = [
            {
                "row_id": f"{batch.name}:{row['line_number']}",
                "batch_file": batch.name,
                "batch_hospital_id": batch.hospital_id,
                "batch_month": batch.month,
                "file_version": batch.version,
                **row,
                "extracted_at": extracted_at,
            }
            for row in validated.accepted
        ]
        yield _for_table(batch.feed, accepted)
        yield _for_table("batches", [_batch_row(batch, fingerprint, "loaded", None, validated)])
        seen[batch.name] = fingerprint


@dlt.source(name=SOURCE_NAME)
def monitoring_source(
    data_dir: str,
    bad_share_threshold: float | None = None,
    refusals: list[str] | None = None,
) -> Any:
    """Monthly hospital vitals and lab-result files (see :func:`monitoring_files`)."""
    return monitoring_files(data_dir, bad_share_threshold, refusals)
