"""Patient-level trial files as a dlt source.

Sites deliver patients, the sponsor's studies, participations and medications as CSV (``;`` or
``,``), JSON lines and Excel workbooks. Each raw table is one resource that reads
the files (or workbook sheets) holding it (recognised by their header, see ``helpers``), maps the
headers to canonical names, keeps every value
as text and rejects only rows that cannot be identified, into the ``quarantine`` table with file,
line, field and reason.

Incremental on files: each resource keeps in dlt state the SHA-256 of every file it loaded and
skips files whose content did not change; rows merge on ``record_id`` (file, sheet, line), so a
changed file replaces its rows and a re-run never duplicates anything.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import dlt

from extract.inputs import InputPath, Reads
from extract.quarantine import Rejection, add_quarantine_table, quarantine_item
from extract.runner import SourceSpec
from extract.settings import DEMO_DATA_DIR

from .helpers import InputFile, Row, Unreadable, is_patient_file, iter_rows, list_files
from .models import HEADER_ALIASES, RawRow, canonical_header, identifier_kind, is_known_header
from .settings import DATASET_NAME, FILE_SUFFIXES, SOURCE_NAME

TABLES = tuple(HEADER_ALIASES)
LINEAGE_COLUMNS: dict[str, dict[str, Any]] = {
    "record_id": {"data_type": "text", "nullable": False},
    "source_file": {"data_type": "text", "nullable": False},
    "source_sheet": {"data_type": "text"},
    "source_line": {"data_type": "bigint", "nullable": False},
    "file_sha256": {"data_type": "text", "nullable": False},
    "extracted_at": {"data_type": "timestamp", "nullable": False},
}


def table_columns(table: str) -> dict[str, dict[str, Any]]:
    """Every canonical field is text, whatever the file's cells looked like."""
    return {**{name: {"data_type": "text"} for name in HEADER_ALIASES[table]}, **LINEAGE_COLUMNS}


def record_id(file_name: str, sheet: str | None, line: int) -> str:
    key = f"{file_name}\x1f{sheet or ''}\x1f{line}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def column_rejections(table: str, file: InputFile, item: Row, reported: set[tuple[str | None, str]]) -> Iterator[Any]:
    """One quarantine row per file (and sheet) for each column the table does not load: a direct
    identifier or contact detail is refused (its values are never stored, not even in the
    quarantine), any other unexpected column is reported and not loaded."""
    for header in item.cells:
        if is_known_header(table, header) or (item.sheet, str(header)) in reported:
            continue
        reported.add((item.sheet, str(header)))
        kind = identifier_kind(header)
        if kind:
            reason = (
                f"column {header!r} holds {kind}: refused, its values are not loaded; remove it from the "
                "export (names are expected, identifiers and contact details are not)"
            )
        else:
            reason = (
                f"unexpected column {header!r}: not a field of {table}, not loaded "
                "(add its spelling to HEADER_ALIASES in extract/sources/patients/models.py if it is one)"
            )
        location = f"{file.name} sheet {item.sheet}" if item.sheet else file.name
        yield quarantine_item(Rejection(SOURCE_NAME, location, reason, field=str(header)).to_row())


def shape_rows(table: str, file: InputFile, items: Iterator[Row | Unreadable], extracted_at: datetime) -> Iterator[Any]:
    """Rows of ``table`` from one file, validated; rejected ones as quarantine rows. Only the
    table's fields load (see column_rejections)."""
    reported: set[tuple[str | None, str]] = set()
    for item in items:
        if isinstance(item, Unreadable):
            if item.table in (None, table):
                yield quarantine_item(
                    Rejection(SOURCE_NAME, item.location, item.reason, field=item.field, raw_record=item.raw).to_row()
                )
            continue
        if item.table != table:
            continue
        yield from column_rejections(table, file, item, reported)
        cells = {header: value for header, value in item.cells.items() if is_known_header(table, header)}
        item = Row(item.table, item.location, item.sheet, item.line, cells)
        values = {canonical_header(table, header): value for header, value in item.cells.items()}
        row = RawRow(table=table, values=values)
        for name, reason in row.refused_values():
            yield quarantine_item(
                Rejection(
                    SOURCE_NAME,
                    item.location,
                    reason,
                    record_id=row.values.get("patient_ref") or row.values.get("study_code"),
                    field=name,
                    raw_record=item.cells,
                ).to_row()
            )
            row.values[name] = None
        missing = row.missing_required()
        if missing:
            for name in missing:
                yield quarantine_item(
                    Rejection(
                        SOURCE_NAME,
                        item.location,
                        f"required field {name} is empty",
                        record_id=row.values.get("patient_ref") or row.values.get("study_code"),
                        field=name,
                        raw_record=item.cells,
                    ).to_row()
                )
            continue
        yield {
            **{name: None for name in HEADER_ALIASES[table]},
            **row.values,
            "record_id": record_id(file.name, item.sheet, item.line),
            "source_file": file.name,
            "source_sheet": item.sheet,
            "source_line": item.line,
            "file_sha256": file.sha256,
            "extracted_at": extracted_at,
        }


def make_resource(table: str, files: list[InputPath]) -> Any:
    @dlt.resource(
        name=table,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        table_name=table,
        primary_key="record_id",
        columns=table_columns(table),
        # Only the declared fields are yielded (others are reported by column_rejections); a
        # column the schema does not know is refused rather than silently added.
        schema_contract={"tables": "evolve", "columns": "discard_value", "data_type": "freeze"},
    )
    def read_table() -> Iterator[dict]:
        state = dlt.current.resource_state().setdefault("file_sha256", {})
        extracted_at = datetime.now(UTC).replace(tzinfo=None)
        for file in list_files(files):
            if state.get(file.name) == file.sha256:
                continue  # loaded before and unchanged
            yield from shape_rows(table, file, iter_rows(file), extracted_at)
            state[file.name] = file.sha256

    read_table.__doc__ = f"Rows of the delivered {table} files; rejected rows go to the quarantine table."
    return add_quarantine_table(read_table)


@dlt.source(name=SOURCE_NAME)
def patients_source(files: list[InputPath]) -> Any:
    """Patients, studies, participations and medications from the delivered ``files``."""
    return [make_resource(table, files) for table in TABLES]


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="patient-level trial files from sites (CSV, JSON lines, Excel)",
    reads=Reads(
        "patient-level trial files (CSV, JSON lines or Excel whose header names the columns of patients, "
        "studies, participations or medications)",
        FILE_SUFFIXES,
        recognise_path=is_patient_file,
        path_suffixes=FILE_SUFFIXES,
    ),
    sample_input=DEMO_DATA_DIR / "patients",
    make=patients_source,
    order=40,
)
