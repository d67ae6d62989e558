"""EMA Clinical Data Publication: reading the listing (CSV or Excel) and the redacted
clinical-study-report PDFs.

Report text comes from pypdf. The extractor then looks for two kinds of evidence:

* labelled values (``EudraCT number: 2015-001894-41``, ``Title of Study:`` followed by the
  title on the next lines, as pypdf renders synopsis tables) get ``LABELLED_CONFIDENCE``;
* identifiers matched only by their pattern in running text get ``PATTERN_ONLY_CONFIDENCE``
  (an earlier study cited for background must not link the report to that trial).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from extract.files import InputFile, clean, decode_text, missing_columns
from extract.inputs import csv_header, has_columns, xlsx_sheets
from extract.quarantine import Rejection, uncalculated_formula_reason, uncalculated_formulas

from .settings import LABELLED_CONFIDENCE, PATTERN_ONLY_CONFIDENCE, REQUIRED_COLUMNS, SOURCE_NAME

PATTERNS = {
    "eudract_number": re.compile(r"\b(?:19|20)\d{2}-\d{6}-\d{2}\b"),
    "nct_id": re.compile(r"\bNCT\d{8}\b"),
    "isrctn": re.compile(r"\bISRCTN\d{8}\b"),
}
# Label (lower case, without the colon) -> finding type.
LABELS = {
    "eudract number": "eudract_number",
    "eudract no.": "eudract_number",
    "eudract no": "eudract_number",
    "registry": "registry_id",
    "study code": "sponsor_protocol_number",
    "protocol number": "sponsor_protocol_number",
    "protocol no.": "sponsor_protocol_number",
    "sponsor protocol code": "sponsor_protocol_number",
    "title of study": "title",
    "sponsor": "sponsor_name",
    "name of sponsor/company": "sponsor_name",
    "report date": "report_date",
    "date of report": "report_date",
    "study period": "study_period",
    "phase of development": "phase",
}
_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ./]{2,40}?):\s*(?P<value>.*)$")


def field_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip()).lower()


def iter_listing(file: InputFile) -> Iterator[tuple[str, dict[str, Any]] | Rejection]:
    """(location, row) for every listing row; a header without the required columns or an
    unreadable file is one rejection naming the file, a formula cell without a computed value
    one rejection naming its cell (the row loads without it)."""
    rows: list[dict[str, Any]]
    formulas: list[dict[str, str]] = []
    if file.location.lower().endswith(".xlsx"):
        try:
            rows, formulas = _xlsx_rows(file.data)
        except Exception as exc:  # openpyxl raises many types for a damaged workbook
            yield Rejection(SOURCE_NAME, file.location, f"unreadable Excel workbook: {exc}", field="<file>")
            return
    else:
        text = decode_text(file, SOURCE_NAME)
        if isinstance(text, Rejection):
            yield text
            return
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    missing = missing_columns(REQUIRED_COLUMNS, [field_name(c) for c in (rows[0].keys() if rows else [])])
    if missing:
        yield Rejection(SOURCE_NAME, file.location, missing, field="<header>")
        return
    for number, row in enumerate(rows, start=2):
        location = f"{file.location}:{number}"
        fields = {field_name(k): clean(v) for k, v in row.items() if k}
        for header, formula in (formulas[number - 2] if formulas else {}).items():
            yield Rejection(
                SOURCE_NAME,
                location,
                uncalculated_formula_reason(formula),
                record_id=fields.get("document_id"),
                field=field_name(header),
            )
        yield location, fields


def _xlsx_rows(data: bytes) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """The first sheet's rows by header, and per row the formula cells that have no computed
    value (header -> "B3: =FORMULA"). A formula's computed value, when the workbook holds one,
    is what Excel shows and what is read; the formula itself never is."""
    from openpyxl import load_workbook

    values = list(load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0].iter_rows())
    cells = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows())
    if not values:
        return [], []
    header = [str(c.value) if c.value is not None else "" for c in values[0]]
    rows, formulas = [], []
    for computed, written in zip(values[1:], cells[1:], strict=True):
        if all(c.value is None for c in computed) and all(c.value is None for c in written):
            continue
        rows.append({h: c.value for h, c in zip(header, computed, strict=False)})
        formulas.append(uncalculated_formulas(header, written, computed))
    return rows, formulas


def read_pdf_pages(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def extract_findings(pages: list[str]) -> list[dict[str, Any]]:
    """Every labelled value and every identifier pattern of the report, with page and
    confidence. A value appearing on several pages is reported once per page."""
    findings: list[dict[str, Any]] = []
    labelled_spans: set[tuple[int, str]] = set()
    for page_number, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines()]
        for index, line in enumerate(lines):
            match = _LABEL_LINE.match(line)
            if not match:
                continue
            label = match["label"].strip().lower()
            kind = LABELS.get(label)
            if kind is None:
                continue
            value = match["value"].strip() or _continuation(lines, index + 1)
            if not value:
                continue
            for found_kind, found_value in _typed(kind, value):
                labelled_spans.add((page_number, found_value))
                findings.append(
                    {
                        "finding_type": found_kind,
                        "finding_value": found_value,
                        "page_number": page_number,
                        "label": match["label"].strip(),
                        "confidence": LABELLED_CONFIDENCE,
                        "context": line[:200],
                    }
                )
        for kind, pattern in PATTERNS.items():
            for match in pattern.finditer(text):
                if (page_number, match.group(0)) in labelled_spans:
                    continue
                start = max(match.start() - 80, 0)
                findings.append(
                    {
                        "finding_type": kind,
                        "finding_value": match.group(0),
                        "page_number": page_number,
                        "label": None,
                        "confidence": PATTERN_ONLY_CONFIDENCE,
                        "context": " ".join(text[start : match.end() + 40].split()),
                    }
                )
    return findings


def _continuation(lines: list[str], start: int) -> str:
    """pypdf renders a synopsis cell's value on the lines after its label: join them up to the
    next label."""
    parts = []
    for line in lines[start:]:
        if not line or _LABEL_LINE.match(line):
            break
        parts.append(line)
    return " ".join(parts)


def _typed(kind: str, value: str) -> Iterator[tuple[str, str]]:
    """A labelled value as findings: a "Registry" line may hold an NCT ID or an ISRCTN."""
    if kind in ("registry_id", "eudract_number"):
        for pattern_kind, pattern in PATTERNS.items():
            for match in pattern.finditer(value):
                yield pattern_kind, match.group(0)
        return
    yield kind, value


# Columns of the EMA listing, of which a header must name three to be recognised as one.
LISTING_SIGNATURE = (
    "document_id",
    "product_name",
    "active_substance",
    "procedure_number",
    "marketing_authorisation_holder",
    "document_type",
    "document_title",
    "study_identifier",
    "eudract_number",
    "publication_date",
)


def is_ema_listing(head: bytes) -> bool:
    """Whether a CSV starts with a header naming three of the EMA listing's columns."""
    return has_columns(csv_header(head), LISTING_SIGNATURE, at_least=3)


def is_ema_listing_workbook(path: Path) -> bool:
    """Whether an Excel workbook has a sheet whose first row names three of the listing's columns
    (or is a blank workbook, which the source quarantines as such)."""
    headers = [header for _, header in xlsx_sheets(path)]
    return not any(headers) or any(has_columns(header, LISTING_SIGNATURE, at_least=3) for header in headers)


def is_pdf(head: bytes) -> bool:
    return head.lstrip()[:5] == b"%PDF-"
