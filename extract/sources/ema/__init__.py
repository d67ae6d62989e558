"""EMA Clinical Data Publication (Policy 0070) as a dlt source.

Two resources:

* ``documents``: the listing of published clinical-study reports (CSV or Excel export), one
  row per document, merged on ``document_id``;
* ``reports``: the redacted report PDFs, one row per file with its extracted text, and a child
  table ``reports__findings`` of identifiers, title, sponsor and dates found, each with page,
  label and confidence. Merged on the file name; unchanged files are not re-read.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

import dlt

from extract.files import iter_input_files, new_files, record_hash, repeated_key, report, text_columns, validate
from extract.inputs import InputPath, Reads
from extract.quarantine import Rejection, add_quarantine_table
from extract.runner import SourceSpec
from extract.settings import DEMO_DATA_DIR

from .helpers import extract_findings, is_ema_listing, is_ema_listing_workbook, is_pdf, iter_listing, read_pdf_pages
from .models import LISTING_REQUIRED, Finding, ListingRow
from .settings import DATASET_NAME, LISTING_SUFFIXES, REPORT_SUFFIXES, SOURCE_NAME

DOCUMENT_COLUMNS: dict[str, dict[str, Any]] = {
    **text_columns(ListingRow),
    "document_id": {"data_type": "text", "nullable": False},
    "record_hash": {"data_type": "text", "nullable": False},
    "extracted_at": {"data_type": "timestamp"},
}
REPORT_COLUMNS: dict[str, dict[str, Any]] = {
    "report_file": {"data_type": "text", "nullable": False},
    "page_count": {"data_type": "bigint"},
    "extracted_at": {"data_type": "timestamp"},
}


@dlt.source(name=SOURCE_NAME)
def ema_source(files: list[InputPath]) -> Any:
    """The listing files and report PDFs among ``files`` (see :mod:`extract.inputs`)."""
    return add_quarantine_table(documents(files)), add_quarantine_table(reports(files))


@dlt.resource(
    name="documents",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    table_name="documents",
    primary_key="document_id",
    columns=DOCUMENT_COLUMNS,
)
def documents(files: list[InputPath]) -> Iterator[dict[str, Any]]:
    """Listing rows; a listing missing a required column is quarantined whole."""
    for file in new_files(iter_input_files(files, LISTING_SUFFIXES)):
        seen: dict[str, str] = {}
        for item in iter_listing(file):
            if isinstance(item, Rejection):
                yield report(item)
                continue
            location, fields = item
            listing, rejections = validate(
                ListingRow,
                fields,
                source=SOURCE_NAME,
                location=location,
                record_id=fields.get("document_id"),
                required=LISTING_REQUIRED,
            )
            for rejection in rejections:
                yield report(rejection)
            repeated = listing and repeated_key(
                seen, listing.document_id, location, source=SOURCE_NAME, field="document_id"
            )
            if repeated:
                yield report(repeated)
            elif listing is not None:
                values = listing.model_dump()
                yield {
                    **values,
                    "record_hash": record_hash(values),
                    "source_location": location,
                    "extracted_at": datetime.now(UTC).replace(tzinfo=None),
                }


@dlt.resource(
    name="reports",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    table_name="reports",
    primary_key="report_file",
    columns=REPORT_COLUMNS,
)
def reports(files: list[InputPath]) -> Iterator[dict[str, Any]]:
    """Report PDFs with their findings; unreadable or text-less PDFs are quarantined."""
    for file in new_files(iter_input_files(files, REPORT_SUFFIXES), state_key="loaded_reports"):
        name = PurePosixPath(file.location).name
        try:
            pages = read_pdf_pages(file.data)
        except Exception as exc:  # pypdf raises several types for damaged files
            yield report(Rejection(SOURCE_NAME, file.location, f"unreadable PDF: {exc}", name, "<file>"))
            continue
        text = "\n".join(pages)
        if not text.strip():
            yield report(
                Rejection(
                    SOURCE_NAME,
                    file.location,
                    "no extractable text (a scanned image?); OCR it before loading",
                    name,
                    "<file>",
                )
            )
            continue
        findings = []
        for raw in extract_findings(pages):
            finding, rejections = validate(
                Finding,
                raw,
                source=SOURCE_NAME,
                location=f"{file.location} page {raw['page_number']}",
                record_id=name,
                required=("finding_type", "finding_value"),
            )
            for rejection in rejections:
                yield report(rejection)
            if finding is not None:
                findings.append({"report_file": name, **finding.model_dump()})
        yield {
            "report_file": name,
            "document_file": file.location,
            "page_count": len(pages),
            "report_text": text,
            "content_sha256": file.sha256,
            "extracted_at": datetime.now(UTC).replace(tzinfo=None),
            "findings": findings,
        }


def _is_ema_file(head: bytes) -> bool:
    return is_pdf(head) or is_ema_listing(head)


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="EMA Clinical Data Publication listings and redacted report PDFs",
    reads=Reads(
        "EMA clinical-data listings (CSV or Excel with Document ID, Product name, Procedure number, ...) "
        "or clinical report PDFs",
        LISTING_SUFFIXES + REPORT_SUFFIXES,
        _is_ema_file,
        recognise_path=is_ema_listing_workbook,
        path_suffixes=(".xlsx",),
    ),
    sample_input=DEMO_DATA_DIR / "ema",
    make=ema_source,
    order=50,
)
