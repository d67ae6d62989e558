"""Boundary validation of monitoring batches with Pandera.

Every row of a monthly file is checked against the feed's schema. Rows that fail any check are
rejected, one quarantine entry per failed check naming the file, line, column and reason; the rest
are accepted with their date parsed. A batch as a whole is refused when the share of rejected
rows exceeds a threshold: its rejections are still quarantined, but none of its rows are loaded.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from extract.files import decode_bytes, missing_columns, undecodable_reason
from extract.pipeline import SourceDataRejected

from .settings import (
    DATE_FORMATS,
    FEED_FIELDS,
    LABS,
    LABS_COLUMNS,
    PLAUSIBLE_RANGES,
    VITALS_COLUMNS,
)

# <feed>_<hospital>_<YYYY-MM>[_v<version>].csv
FILE_NAME = re.compile(
    r"^(?P<feed>vitals|labs)_(?P<hospital>[A-Za-z0-9]+)_(?P<month>\d{4}-\d{2})(?:_v(?P<version>\d+))?\.csv$"
)
HEADER_LINE = 1


class BatchRejected(SourceDataRejected):
    """A batch had too many bad rows to be loaded; the message names the file and why."""


@dataclass(frozen=True)
class BatchFile:
    """A monthly file and what its name says: feed, hospital, month and version."""

    path: Path
    feed: str
    hospital_id: str
    month: str
    version: int

    @classmethod
    def from_path(cls, path: Path) -> BatchFile | None:
        match = FILE_NAME.match(path.name)
        if not match:
            return None
        return cls(
            path, match["feed"], match["hospital"], match["month"], int(match["version"] or 1)
        )

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    reason: str
    raw: dict[str, str]


@dataclass
class ValidatedBatch:
    batch: BatchFile
    rows_received: int
    accepted: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def bad_share(self) -> float:
        return self.rows_rejected / self.rows_received if self.rows_received else 0.0

    def refusal(self, max_bad_share: float) -> str | None:
        """Why the batch is refused, or None when its bad-row share is within the threshold."""
        if self.rows_received == 0:
            unreadable = [p.reason for p in self.problems if p.column == "<file>"]
            return f"{self.batch.name}: {unreadable[0] if unreadable else 'the file has no data rows'}"
        if self.bad_share <= max_bad_share:
            return None
        reasons: dict[str, int] = {}
        for problem in self.problems:
            category = problem.reason.split(":", 1)[0]
            reasons[category] = reasons.get(category, 0) + 1
        top = ", ".join(
            f"{name} ({count})"
            for name, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:3]
        )
        return (
            f"{self.batch.name}: {self.rows_rejected} of {self.rows_received} rows "
            f"({self.bad_share:.0%}) failed validation, above the {max_bad_share:.0%} threshold; "
            f"most common problems: {top}. The batch was not loaded; its bad rows are in the quarantine table."
        )


def _parse_date(text: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a measurement


def feed_schema(feed: str, hospital_id: str) -> pa.DataFrameSchema:
    """The Pandera schema of one feed's typed frame (see :func:`_typed_frame`)."""
    date_column, type_column, value_column = FEED_FIELDS[feed]
    known_types = sorted(measure for (f, measure) in PLAUSIBLE_RANGES if f == feed)
    columns: dict[str, pa.Column] = {
        "hospital_id": pa.Column(
            str,
            pa.Check.isin(
                [hospital_id], error=f"hospital mismatch: not the file's hospital {hospital_id}"
            ),
        ),
        date_column: pa.Column(
            object,
            nullable=False,
            checks=[
                pa.Check(lambda s: s.notna(), error="invalid date"),
                pa.Check(
                    lambda s: s.map(lambda day: day is None or day <= date.today()),
                    error="date in the future",
                ),
            ],
        ),
        "patient_id": pa.Column(str, pa.Check.str_matches(r"^\S+$", error="missing patient_id")),
        type_column: pa.Column(str, pa.Check.isin(known_types, error=f"unknown {type_column}")),
        value_column: pa.Column(float, nullable=True),
        "unit": pa.Column(str),
    }
    if feed == LABS:
        columns["reference_range"] = pa.Column(str)

    def unit_known(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [
                (t not in known_types) or u in PLAUSIBLE_RANGES[(feed, t)]
                for t, u in zip(frame[type_column], frame["unit"], strict=True)
            ],
            index=frame.index,
        )

    def value_present(frame: pd.DataFrame) -> pd.Series:
        return frame[value_column].notna()

    def value_plausible(frame: pd.DataFrame) -> pd.Series:
        flags = []
        for t, u, v in zip(frame[type_column], frame["unit"], frame[value_column], strict=True):
            bounds = PLAUSIBLE_RANGES.get((feed, t), {}).get(u)
            flags.append(bounds is None or pd.isna(v) or bounds[0] <= v <= bounds[1])
        return pd.Series(flags, index=frame.index)

    def not_duplicate(frame: pd.DataFrame) -> pd.Series:
        return ~frame["_raw_line"].duplicated(keep="first")

    return pa.DataFrameSchema(
        columns,
        checks=[
            pa.Check(unit_known, name="unit", error="unknown unit"),
            pa.Check(value_present, name=value_column, error="invalid value"),
            pa.Check(value_plausible, name=value_column, error="value out of physiological range"),
            pa.Check(not_duplicate, name="<row>", error="duplicate row"),
        ],
        strict=False,
    )


def _typed_frame(text: str, feed: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw text frame, typed frame): dates parsed in either format, values as floats."""
    expected = list(VITALS_COLUMNS if feed != LABS else LABS_COLUMNS)
    raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    missing = missing_columns(expected, list(raw.columns))
    if missing:
        raise BatchRejected(missing)
    raw = raw[expected]
    date_column, _, value_column = FEED_FIELDS[feed]
    typed = raw.copy()
    typed[date_column] = [_parse_date(t) for t in raw[date_column]]
    typed[value_column] = pd.Series(
        [_number(t) for t in raw[value_column]], index=raw.index, dtype="float64"
    )
    typed["_raw_line"] = raw.astype(str).agg("\x1f".join, axis=1)
    return raw, typed


def _describe(check: str, column: str, value: Any) -> str:
    if check == "not_nullable":
        return f"missing {column}"
    if check in ("duplicate row",):
        return check
    shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
    return f"{check}: {column}={shown!r}" if column != "<row>" else check


def validate_batch(batch: BatchFile, text: str | None = None) -> ValidatedBatch:
    """Check every row of a batch; see the module docstring."""
    if text is None:
        data = batch.path.read_bytes()
        try:
            text = decode_bytes(data)
        except UnicodeDecodeError as exc:
            problem = RowProblem(HEADER_LINE, "<file>", f"unreadable file: {undecodable_reason(data, exc)}", {})
            return ValidatedBatch(batch, 0, problems=[problem])
    if not text.strip():
        return ValidatedBatch(batch, 0, problems=[RowProblem(HEADER_LINE, "<file>", "empty file", {})])
    try:
        raw, typed = _typed_frame(text, batch.feed)
    except (BatchRejected, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        problem = RowProblem(HEADER_LINE, "<file>", f"unreadable file: {exc}", {})
        return ValidatedBatch(batch, 0, problems=[problem])
    result = ValidatedBatch(batch, rows_received=len(raw))
    date_column, type_column, value_column = FEED_FIELDS[batch.feed]
    try:
        feed_schema(batch.feed, batch.hospital_id).validate(typed, lazy=True)
        failures = pd.DataFrame(columns=["index", "column", "check", "failure_case"])
    except SchemaErrors as errors:
        failures = errors.failure_cases
    wide_columns = {"unknown unit": "unit", "duplicate row": "<row>"}
    bad_lines: set[int] = set()
    seen: set[tuple[int, str, str]] = set()
    for failure in failures.itertuples(index=False):
        if pd.isna(failure.index):
            continue
        index = int(failure.index)
        check = str(failure.check)
        if failure.schema_context == "DataFrameSchema":
            # Dataframe-wide checks report every column of a failing row: name the one they test.
            column = wide_columns.get(check, value_column)
        else:
            column = str(failure.column)
        if (index, column, check) in seen:
            continue
        seen.add((index, column, check))
        if check == "not_nullable" and column == date_column:
            check = "invalid date"
        shown = raw.at[index, column] if column in raw.columns else None
        bad_lines.add(index)
        line = index + HEADER_LINE + 1
        result.problems.append(
            RowProblem(line, column, _describe(check, column, shown), raw.loc[index].to_dict())
        )
    for index, row in typed.iterrows():
        if index in bad_lines:
            continue
        result.accepted.append(
            {
                "line_number": int(index) + HEADER_LINE + 1,
                "hospital_id": row["hospital_id"],
                date_column: row[date_column],
                f"{date_column}_text": raw.at[index, date_column],
                "patient_id": row["patient_id"],
                type_column: row[type_column],
                value_column: float(row[value_column]),
                "unit": row["unit"],
                **(
                    {"reference_range": row["reference_range"] or None}
                    if batch.feed == LABS
                    else {}
                ),
            }
        )
    result.problems.sort(key=lambda p: (p.line, p.column))
    return result
