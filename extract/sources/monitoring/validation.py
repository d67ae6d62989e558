"""Monitoring files: recognising them by header, validating their rows with Pandera, and
grouping the rows into batches.

A file is a vitals or a lab-results file by its header, whatever its name or folder: the feed's
columns in any order, any case, with surrounding spaces or a BOM, separated by ``,`` or ``;``
(:func:`feed_of`). A header naming all but one of a feed's columns is still that feed's file:
the missing or renamed column is reported and the file refused, rather than passed over.

Every row is checked against the feed's schema. Rows that fail any check are rejected, one
quarantine entry per failed check naming the file, line, column and reason; the rest are
accepted with their date parsed.

A file may hold any number of hospitals and months. Its rows are grouped into **batches**, one
per (feed, hospital, month): the ``hospital_id`` column and the month of the measurement or test
date. A row whose hospital is blank or whose date cannot be read (or lies in the future) counts
against the one batch of the file that agrees with whatever of hospital and month it does show
(in a file of one hospital and one month, that batch); when no batch or several agree, against
the file's **unattributed** pseudo-batch (hospital and month ``?``). A file that cannot be read at
all (not decodable, empty, a required column missing) is one unattributed pseudo-batch with no
rows and the reason.

A batch as a whole is refused when the share of its rows rejected exceeds a threshold: its
rejections are still quarantined, but none of its rows are loaded. The unattributed pseudo-batch
has no rows to load; it is refused when its rows are more than that share of the file's rows, or
when the file could not be read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from extract.files import decode_bytes, missing_columns, undecodable_reason
from extract.inputs import column_name, csv_header
from extract.pipeline import SourceDataRejected

from .settings import DATE_FORMATS, FEED_FIELDS, FEEDS, LABS, LABS_COLUMNS, PLAUSIBLE_RANGES, VITALS, VITALS_COLUMNS

HEADER_LINE = 1
# Hospital and month of a file's unattributed pseudo-batch.
UNATTRIBUTED = "?"
FEED_COLUMNS = {VITALS: VITALS_COLUMNS, LABS: LABS_COLUMNS}
# A restatement names its version at the end of the file name: ``..._v2.csv``.
VERSION_SUFFIX = re.compile(r"_v(?P<version>\d+)$", re.IGNORECASE)
DELIMITERS = ",;\t|"


class BatchRejected(SourceDataRejected):
    """A batch had too many bad rows to be loaded; the message names the file, the batch and why."""


def feed_of(header: Iterable[str]) -> str | None:
    """The feed whose columns ``header`` names: all of them, or all but one (a file of that feed
    with one column missing or renamed, to be refused with the reason). None for another file."""
    names = {column_name(name) for name in header}
    feeds = [feed for feed in FEEDS if sum(name not in names for name in FEED_COLUMNS[feed]) <= 1]
    return feeds[0] if len(feeds) == 1 else None


def is_monitoring_file(head: bytes) -> bool:
    """Whether a file's first bytes are a vitals or lab-results header (see :func:`feed_of`)."""
    return feed_of(csv_header(head)) is not None


def file_version(location: str) -> int:
    """The version a file's name gives: ``N`` for ``..._vN.csv``, else 1."""
    match = VERSION_SUFFIX.search(PurePosixPath(location.rsplit("!", 1)[-1]).stem)
    return int(match["version"]) if match else 1


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str
    reason: str
    raw: dict[str, str]


@dataclass
class ValidatedBatch:
    """The rows of one file that belong to one (feed, hospital, month), checked."""

    location: str
    feed: str
    hospital_id: str
    month: str
    rows_received: int = 0
    accepted: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # Data rows of the whole file: the unattributed pseudo-batch's share is of these.
    file_rows: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.feed, self.hospital_id, self.month)

    @property
    def is_unattributed(self) -> bool:
        return self.hospital_id == UNATTRIBUTED

    @property
    def batch_id(self) -> str:
        return batch_id(self.location, *self.key)

    @property
    def label(self) -> str:
        if self.is_unattributed:
            return f"{self.location} (rows with no readable hospital or date)"
        return f"{self.location} ({self.feed}, hospital {self.hospital_id}, {self.month})"

    @property
    def rows_rejected(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def bad_share(self) -> float:
        total = self.file_rows if self.is_unattributed else self.rows_received
        return self.rows_rejected / total if total else 0.0

    def refusal(self, max_bad_share: float) -> str | None:
        """Why the batch is refused, or None when its bad-row share is within the threshold."""
        unreadable = [problem.reason for problem in self.problems if problem.column == "<file>"]
        if unreadable:
            return f"{self.location}: {unreadable[0]}"
        if self.bad_share <= max_bad_share:
            return None
        reasons: dict[str, int] = {}
        for problem in self.problems:
            category = problem.reason.split(":", 1)[0]
            reasons[category] = reasons.get(category, 0) + 1
        top = ", ".join(f"{name} ({count})" for name, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:3])
        if self.is_unattributed:
            return (
                f"{self.label}: {self.rows_rejected} of the file's {self.file_rows} rows ({self.bad_share:.0%}) "
                f"have no readable hospital or date, above the {max_bad_share:.0%} threshold; most common "
                f"problems: {top}. They are in the quarantine table."
            )
        return (
            f"{self.label}: {self.rows_rejected} of {self.rows_received} rows "
            f"({self.bad_share:.0%}) failed validation, above the {max_bad_share:.0%} threshold; "
            f"most common problems: {top}. The batch was not loaded; its bad rows are in the quarantine table."
        )


def batch_id(location: str, feed: str, hospital_id: str, month: str) -> str:
    """The ``batches`` table's key: one file's delivery of one (feed, hospital, month)."""
    return f"{location}#{feed}/{hospital_id}/{month}"


@dataclass
class ValidatedFile:
    """A monitoring file checked: its feed and its batches (the unattributed one last, if any)."""

    location: str
    feed: str
    rows: int
    batches: list[ValidatedBatch]


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


def feed_schema(feed: str) -> pa.DataFrameSchema:
    """The Pandera schema of one feed's typed frame (see :func:`_typed_frame`)."""
    date_column, type_column, value_column = FEED_FIELDS[feed]
    known_types = sorted(measure for (f, measure) in PLAUSIBLE_RANGES if f == feed)
    columns: dict[str, pa.Column] = {
        "hospital_id": pa.Column(str, pa.Check(lambda s: s.str.len() > 0, error="missing hospital_id")),
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


class _Unreadable(ValueError):
    """The file cannot be read as a table of the feed; the message says why."""


def _typed_frame(text: str, feed: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw text frame, typed frame): columns named as the feed names them (any order, case,
    spaces, delimiter), cells stripped, dates parsed in either format, values as floats."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first.count)
    try:
        raw = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), sep=delimiter, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise _Unreadable(str(exc).strip()) from exc
    raw.columns = [column_name(name) for name in raw.columns]
    expected = list(FEED_COLUMNS[feed])
    missing = missing_columns(expected, list(raw.columns))
    if missing:
        raise _Unreadable(missing)
    raw = raw[expected].fillna("").apply(lambda column: column.str.strip())
    date_column, _, value_column = FEED_FIELDS[feed]
    typed = raw.copy()
    typed[date_column] = [_parse_date(t) for t in raw[date_column]]
    typed[value_column] = pd.Series([_number(t) for t in raw[value_column]], index=raw.index, dtype="float64")
    typed["_raw_line"] = raw.agg("\x1f".join, axis=1) if len(raw) else pd.Series(dtype=str)
    return raw, typed


def _readable_parts(typed: pd.DataFrame, feed: str) -> list[tuple[str | None, str | None]]:
    """(hospital, month) of each row, None where it cannot be read: a blank hospital, a date
    that does not parse or lies in the future."""
    date_column = FEED_FIELDS[feed][0]
    today = date.today()
    return [
        (hospital or None, day.strftime("%Y-%m") if day is not None and day <= today else None)
        for hospital, day in zip(typed["hospital_id"], typed[date_column], strict=True)
    ]


def _attribute(parts: list[tuple[str | None, str | None]]) -> list[tuple[str, str]]:
    """The (hospital, month) batch of each row; see the module docstring."""
    known = sorted({part for part in parts if None not in part})
    batches = []
    for hospital, month in parts:
        if hospital is not None and month is not None:
            batches.append((hospital, month))
            continue
        agreeing = [key for key in known if hospital in (None, key[0]) and month in (None, key[1])]
        batches.append(agreeing[0] if len(agreeing) == 1 else (UNATTRIBUTED, UNATTRIBUTED))
    return batches


def _decode(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, why the file cannot be read)."""
    if not data.strip():
        return None, "empty file"
    try:
        return decode_bytes(data), None
    except UnicodeDecodeError as exc:
        return None, f"unreadable file: {undecodable_reason(data, exc)}"


def batch_keys(data: bytes) -> set[tuple[str, str, str]]:
    """The (feed, hospital, month) batches a file holds, without checking its rows (what
    :func:`validate_file` would group them into, the unattributed pseudo-batch left out)."""
    feed = feed_of(csv_header(data[:65536]))
    text, _ = _decode(data)
    if feed is None or text is None:
        return set()
    try:
        _, typed = _typed_frame(text, feed)
    except _Unreadable:
        return set()
    return {(feed, hospital, month) for hospital, month in _attribute(_readable_parts(typed, feed))} - {
        (feed, UNATTRIBUTED, UNATTRIBUTED)
    }


def _describe(check: str, column: str, value: Any) -> str:
    if check == "not_nullable":
        return f"missing {column}"
    if check in ("duplicate row",):
        return check
    shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
    return f"{check}: {column}={shown!r}" if column != "<row>" else check


def _unreadable_file(location: str, feed: str, reason: str) -> ValidatedFile:
    problem = RowProblem(HEADER_LINE, "<file>", reason, {})
    batch = ValidatedBatch(location, feed, UNATTRIBUTED, UNATTRIBUTED, problems=[problem])
    return ValidatedFile(location, feed, 0, [batch])


def _problems(raw: pd.DataFrame, typed: pd.DataFrame, feed: str) -> list[tuple[int, RowProblem]]:
    """(row index, problem) for every failed check of every row."""
    date_column, _, value_column = FEED_FIELDS[feed]
    try:
        feed_schema(feed).validate(typed, lazy=True)
        return []
    except SchemaErrors as errors:
        failures = errors.failure_cases
    wide_columns = {"unknown unit": "unit", "duplicate row": "<row>"}
    found: list[tuple[int, RowProblem]] = []
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
        line = index + HEADER_LINE + 1
        found.append((index, RowProblem(line, column, _describe(check, column, shown), raw.loc[index].to_dict())))
    return found


def validate_file(location: str, data: bytes) -> ValidatedFile:
    """Check every row of a monitoring file and group the rows into batches; see the module
    docstring. The feed comes from the header."""
    feed = feed_of(csv_header(data[:65536])) or VITALS
    text, unreadable = _decode(data)
    if text is None:
        return _unreadable_file(location, feed, unreadable or "unreadable file")
    try:
        raw, typed = _typed_frame(text, feed)
    except _Unreadable as exc:
        return _unreadable_file(location, feed, f"unreadable file: {exc}")
    if raw.empty:
        return _unreadable_file(location, feed, "the file has no data rows")
    attributed = _attribute(_readable_parts(typed, feed))
    batches: dict[tuple[str, str], ValidatedBatch] = {}
    for hospital, month in attributed:
        if (hospital, month) not in batches:
            batches[(hospital, month)] = ValidatedBatch(location, feed, hospital, month, file_rows=len(raw))
        batches[(hospital, month)].rows_received += 1
    bad_rows: set[int] = set()
    for index, problem in _problems(raw, typed, feed):
        bad_rows.add(index)
        batches[attributed[index]].problems.append(problem)
    date_column, type_column, value_column = FEED_FIELDS[feed]
    for index, row in typed.iterrows():
        if index in bad_rows:
            continue
        batches[attributed[index]].accepted.append(
            {
                "line_number": int(index) + HEADER_LINE + 1,
                "hospital_id": row["hospital_id"],
                date_column: row[date_column],
                f"{date_column}_text": raw.at[index, date_column],
                "patient_id": row["patient_id"],
                type_column: row[type_column],
                value_column: float(row[value_column]),
                "unit": row["unit"],
                **({"reference_range": row["reference_range"] or None} if feed == LABS else {}),
            }
        )
    for batch in batches.values():
        batch.problems.sort(key=lambda p: (p.line, p.column))
    ordered = sorted(batches.values(), key=lambda b: (b.is_unattributed, b.hospital_id, b.month))
    return ValidatedFile(location, feed, len(raw), ordered)
