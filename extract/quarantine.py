"""Quarantine: records that fail validation are kept, with where they came from and why.

Every source writes rejected records to a ``quarantine`` table in its own raw dataset: a resource
gets the table once (:func:`add_quarantine_table`) and marks each rejected row for it
(:func:`quarantine_item`). Rows are keyed on a hash of (source, location, record, field, reason), so
loading the same bad input twice never duplicates them. A source whose record id identifies the
record wherever it is read (an NCT ID arriving on a different API page next run) sets
``key_on_record``: the location then stays out of the key and the latest location wins.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

QUARANTINE_TABLE = "quarantine"
MAX_RAW_CHARS = 20_000

QUARANTINE_COLUMNS: dict[str, dict[str, Any]] = {
    "quarantine_id": {"data_type": "text", "nullable": False},
    "source": {"data_type": "text", "nullable": False},
    "location": {"data_type": "text", "nullable": False},
    "record_id": {"data_type": "text", "nullable": True},
    "field": {"data_type": "text", "nullable": True},
    "reason": {"data_type": "text", "nullable": False},
    "raw_record": {"data_type": "text", "nullable": True},
    "quarantined_at": {"data_type": "timestamp", "nullable": False},
}


@dataclass(frozen=True)
class Rejection:
    """One reason a record could not be accepted."""

    source: str
    location: str
    reason: str
    record_id: str | None = None
    field: str | None = None
    raw_record: Any = None
    key_on_record: bool = False

    def __post_init__(self) -> None:
        # Every reason is one line (a parser's message may span several: lxml's do).
        if "\n" in self.reason or "\r" in self.reason:
            object.__setattr__(self, "reason", " ".join(self.reason.split()))

    def message(self) -> str:
        """A one-line error naming file/page, record and field."""
        parts = [f"{self.source}: {self.location}"]
        if self.record_id:
            parts.append(f"record {self.record_id}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts) + f": {self.reason}"

    def to_row(self) -> dict[str, Any]:
        location = None if (self.key_on_record and self.record_id) else self.location
        key = "\x1f".join(
            part or "" for part in (self.source, location, self.record_id, self.field, self.reason)
        )
        raw = self.raw_record
        if raw is not None and not isinstance(raw, str):
            raw = json.dumps(raw, ensure_ascii=False, default=str)
        if raw is not None and len(raw) > MAX_RAW_CHARS:
            raw = raw[:MAX_RAW_CHARS] + f"... [truncated, {len(raw)} characters]"
        return {
            "quarantine_id": hashlib.sha256(key.encode("utf-8")).hexdigest()[:32],
            "source": self.source,
            "location": self.location,
            "record_id": self.record_id,
            "field": self.field,
            "reason": self.reason,
            "raw_record": raw,
            "quarantined_at": datetime.now(UTC).replace(tzinfo=None),
        }


MERGE_ON_KEY: dict[str, str] = {"disposition": "merge", "strategy": "delete-insert"}


def quarantine_item(row: dict[str, Any]) -> Any:
    """A quarantine row sent to the ``quarantine`` table of a resource set up by
    :func:`add_quarantine_table`.

    Resource hints that are functions of the item would make dlt compute and validate a table
    schema for every single item (tens of milliseconds each); a row marked with a table name
    costs nothing.
    """
    import dlt

    return dlt.mark.with_table_name(row, QUARANTINE_TABLE)


def set_table_variant(resource: Any, hints: dict[str, Any]) -> Any:
    """Give ``resource`` a table variant with exactly ``hints`` (from ``dlt.mark.make_hints``).

    ``apply_hints(create_table_variant=True)`` starts a variant from the resource's own static
    hints (its primary key, columns, write disposition), which another table must not inherit;
    dlt offers no public way to start from nothing, so the variant is replaced after creation.
    """
    resource.apply_hints(table_name=hints["table_name"], create_table_variant=True)
    resource._hints_variants[hints["table_name"]] = hints
    return resource


def add_quarantine_table(resource: Any) -> Any:
    """Give ``resource`` a ``quarantine`` table with its own key and columns (a table variant)."""
    import dlt

    return set_table_variant(
        resource,
        dlt.mark.make_hints(
            table_name=QUARANTINE_TABLE,
            primary_key="quarantine_id",
            columns=QUARANTINE_COLUMNS,
            write_disposition=MERGE_ON_KEY,
        ),
    )


def uncalculated_formula_reason(cell: str) -> str:
    """Why a workbook cell ("B3: =SUM(A1:A2)") is quarantined: it holds a formula whose value
    was never computed (the workbook was written by a program, not saved by Excel), so reading
    it would silently give an empty value."""
    return (
        f"formula cell {cell} has no computed value (the workbook was never calculated); "
        "open and save it in Excel, or export the listing as CSV"
    )


def uncalculated_formulas(header: Any, written: Any, computed: Any) -> dict[str, str]:
    """Header -> "B3: =FORMULA" for the cells of one openpyxl row (``written`` read without
    ``data_only``, ``computed`` with it) holding a formula without a computed value."""
    return {
        str(h): f"{w.coordinate}: {w.value}"
        for h, w, c in zip(header, written, computed, strict=False)
        if h is not None and getattr(w, "data_type", None) == "f" and getattr(c, "value", c) is None
    }
