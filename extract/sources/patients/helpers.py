"""Reading the delivered files: which table a file or sheet holds, and its rows with locations.

A file's table is read from its header: the table whose columns (in any of the spellings of
``models.HEADER_ALIASES``) it names most of, three at least. Only a header that names none, or as
many of two tables' columns, falls back to the file (or sheet) name (``patients``,
``studies``/``trials``, ``participations``, ``medications``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from extract.files import HEADER_ONLY, decode_bytes, missing_columns, undecodable_reason
from extract.inputs import HEAD_BYTES, InputPath, csv_header, head_text, xlsx_sheets
from extract.quarantine import uncalculated_formula_reason, uncalculated_formulas

from .models import HEADER_ALIASES, REQUIRED, canonical_header, header_key

# A delivered cell may be large (a runaway free-text field): read it whole and let the loader
# refuse it by field, rather than the csv module stopping the file at it.
csv.field_size_limit(2**31 - 1)

# Checked in order: "participations" must win over "patients" for a name holding both words.
TABLE_KEYWORDS = (
    ("particip", "participations"),
    ("medic", "medications"),
    ("patient", "patients"),
    ("stud", "studies"),
    ("trial", "studies"),
)


def table_for(name: str) -> str | None:
    """The raw table a file or sheet name refers to, or None when it names none."""
    lowered = name.lower()
    for keyword, table in TABLE_KEYWORDS:
        if keyword in lowered:
            return table
    return None


def table_from_columns(columns: Any) -> str | None:
    """The table whose columns a header names most of (three at least: two are common to other
    feeds, e.g. a patient ID and a unit); None when it names fewer, or as many of two tables'
    columns."""
    keys = {header_key(column) for column in columns if column is not None}
    scores = {
        table: sum(any(spelling in keys for spelling in spellings) for spellings in aliases.values())
        for table, aliases in HEADER_ALIASES.items()
    }
    best = max(scores.values())
    leaders = [table for table, score in scores.items() if score == best]
    return leaders[0] if best >= 3 and len(leaders) == 1 else None


def _first_json_keys(text: str) -> list[str]:
    for line in text.splitlines():
        if line.strip():
            try:
                document = json.loads(line)
            except json.JSONDecodeError:
                return []
            return list(document) if isinstance(document, dict) else []
    return []


def is_patient_file(path: Path) -> bool:
    """Whether a delivered file holds one of the tables: a CSV or JSON-lines file whose header
    (first object's keys) names a table's columns, or a workbook with such a sheet."""
    if path.suffix.lower() == ".xlsx":
        return any(table_from_columns(header) or table_for(title) for title, header in xlsx_sheets(path))
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if path.suffix.lower() == ".jsonl":
        return table_from_columns(_first_json_keys(head_text(head))) is not None
    return table_from_columns(csv_header(head)) is not None


@dataclass(frozen=True)
class InputFile:
    path: Path
    sha256: str
    location: str

    @property
    def name(self) -> str:
        return self.location


def list_files(files: list[InputPath]) -> list[InputFile]:
    """The delivered files with their content hash."""
    return [InputFile(f.path, hashlib.sha256(f.read_bytes()).hexdigest(), f.location) for f in files]


@dataclass(frozen=True)
class Row:
    """One delivered row: its table, where it came from, and its cells by original header."""

    table: str
    location: str  # "file.csv line 12", "book.xlsx sheet patients row 3"
    sheet: str | None
    line: int
    cells: dict[str, Any]


@dataclass(frozen=True)
class Unreadable:
    location: str
    reason: str
    raw: str | None = None
    table: str | None = None
    field: str = "<row>"


def iter_rows(file: InputFile) -> Iterator[Row | Unreadable]:
    suffix = file.path.suffix.lower()
    if suffix == ".xlsx":
        yield from _xlsx_rows(file)
        return
    data = file.path.read_bytes()
    header = _first_json_keys(head_text(data[:HEAD_BYTES])) if suffix == ".jsonl" else csv_header(data[:HEAD_BYTES])
    table = table_from_columns(header) or table_for(PurePosixPath(file.name).name)
    if table is None:
        yield Unreadable(
            file.name,
            "neither the header nor the file name names a known table (patients, studies, participations, medications)",
            field="<file>",
        )
        return
    if not data.strip():
        yield Unreadable(file.name, "empty file", table=table, field="<file>")
        return
    try:
        text = decode_bytes(data)
    except UnicodeDecodeError as exc:
        yield Unreadable(file.name, undecodable_reason(data, exc), table=table, field="<file>")
        return
    if suffix == ".csv":
        yield from _csv_rows(file.name, table, text)
    else:
        yield from _jsonl_rows(file.name, table, text)


def sniff_delimiter(header_line: str) -> str:
    """Sites use ``;`` or ``,``: whichever occurs more often in the header line."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def header_problem(table: str, header: Any) -> str | None:
    """Why a header cannot be read as ``table`` (a required column missing or renamed)."""
    return missing_columns(REQUIRED[table], [canonical_header(table, h) for h in header if h is not None])


def _csv_rows(name: str, table: str, text: str) -> Iterator[Row | Unreadable]:
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first_line))
    header = next(reader, None)
    if not header:
        yield Unreadable(name, "empty file: no header line", table=table, field="<file>")
        return
    problem = header_problem(table, header)
    if problem:
        yield Unreadable(name, problem, json.dumps(header, ensure_ascii=False), table, "<header>")
        return
    records = 0
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line holds no record
        records += 1
        if len(cells) != len(header):
            yield Unreadable(
                f"{name} line {line}",
                f"{len(cells)} cells where the header has {len(header)}",
                raw=json.dumps(cells, ensure_ascii=False),
                table=table,
            )
            continue
        yield Row(table, f"{name} line {line}", None, line, dict(zip(header, cells, strict=True)))
    if records == 0:
        yield Unreadable(name, HEADER_ONLY, table=table, field="<file>")


def _jsonl_rows(name: str, table: str, text: str) -> Iterator[Row | Unreadable]:
    for line, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            document = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Unreadable(
                f"{name} line {line}",
                f"not valid JSON: {exc.msg} at column {exc.colno}",
                raw,
                table,
            )
            continue
        if not isinstance(document, dict):
            yield Unreadable(f"{name} line {line}", "a JSON line must hold one object", raw, table)
            continue
        yield Row(table, f"{name} line {line}", None, line, document)


def _xlsx_rows(file: InputFile) -> Iterator[Row | Unreadable]:
    """Rows of every sheet; a formula cell without a computed value is quarantined by cell (the
    row loads without it), as the EMA listings are."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(file.path, read_only=True, data_only=True)
        written_book = load_workbook(file.path, read_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for broken files
        yield Unreadable(file.name, f"not a readable Excel workbook: {exc}")
        return
    try:
        for sheet, written_sheet in zip(workbook.worksheets, written_book.worksheets, strict=True):
            rows = sheet.iter_rows()
            written_rows = written_sheet.iter_rows()
            header_cells = next(rows, None)
            next(written_rows, None)
            header = tuple(cell.value for cell in header_cells) if header_cells else None
            if not header:
                continue
            table = table_from_columns(header) or table_for(sheet.title) or table_for(PurePosixPath(file.name).name)
            if table is None:
                yield Unreadable(
                    f"{file.name} sheet {sheet.title}",
                    "neither the header nor the sheet name names a known table",
                    field="<header>",
                )
                continue
            problem = header_problem(table, header)
            if problem:
                yield Unreadable(f"{file.name} sheet {sheet.title}", problem, table=table, field="<header>")
                continue
            for number, (computed, written) in enumerate(zip(rows, written_rows, strict=False), start=2):
                values = [cell.value for cell in computed]
                formulas = uncalculated_formulas(header, written, computed)
                if not formulas and all(value is None or str(value).strip() == "" for value in values):
                    continue
                location = f"{file.name} sheet {sheet.title} row {number}"
                for column, cell in formulas.items():
                    yield Unreadable(location, uncalculated_formula_reason(cell), table=table, field=column)
                cells = {str(h): v for h, v in zip(header, values, strict=False) if h is not None}
                yield Row(table, location, sheet.title, number, cells)
    finally:
        workbook.close()
        written_book.close()
