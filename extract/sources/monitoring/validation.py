"""Monitoring files: recognising them by header, validating their rows with Pandera, and
grouping the rows into batches.

A file is a vitals or a lab-results file by its header, whatever its name or folder: the feed's
columns in any order, any case, with surrounding spaces or a BOM, separated by ``,`` or ``;``
(:func:`feed_of`). A header naming all but one of a feed's columns is still that feed's file:
the missing or renamed column is reported and the file refused, rather than passed over.

Every row is checked against the feed's schema. Rows that fail any check are rejected, one
quarantine entry per failed check naming the file, line, column and reason; the rest are
accepted with their date parsed. The measures, their aliases and units, the conversion to each
measure's canonical unit and the physiologically possible bounds (checked after conversion) are
the vocabulary seeds (:mod:`.vocabulary`); slashed dates are read in the order the site
conventions seed declares for the hospital, day first otherwise (:mod:`extract.dates`).

Rows repeating a measurement: an exact repeat of an earlier line, or the same value again for the
same hospital, patient, date and measure, is a ``duplicate row`` (the first one loads); different
values for the same hospital, patient, date and measure are all ``conflicting values``.

A file may hold any number of hospitals and months. Its rows are grouped into **batches**, one
per (feed, hospital, month): the ``hospital_id`` column and the month of the measurement or test
date. A row whose hospital is blank or whose date cannot be read (or lies in the future) counts
against the one batch of the file that agrees with whatever of hospital and month it does show
(in a file of one hospital and one month, that batch); when no batch or several agree, against
the file's **unattributed** pseudo-batch (hospital and month ``?``). A file that cannot be read at
all (not decodable, empty, a required column missing) is one unattributed pseudo-batch with no
rows and the reason.

A batch as a whole is refused when the share of its rows rejected exceeds a threshold: its
rejections are still quarantined, but none of its rows are loaded. Only rows of known measures
in known units count: rows of a measure or unit the vocabulary lacks are quarantined (and
reported per hospital) but never make a batch refused, so a hospital that starts sending a new
measure keeps its other rows. A file with a header and no data rows (or blank) is *empty*: a notice
names it and nothing is refused. The unattributed pseudo-batch
has no rows to load; it is refused when its rows are more than that share of the file's rows, or
when the file could not be read.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from extract.dates import AMBIGUOUS, IMPOSSIBLE, UNREADABLE, WRONG_ORDER, parse_date, site_conventions
from extract.files import decode_bytes, missing_columns, undecodable_reason
from extract.inputs import column_name, csv_header
from extract.pipeline import SourceDataRejected

from .settings import DEFAULT_SLASH_ORDER, FEED_FIELDS, FEEDS, LABS, LABS_COLUMNS, SOURCE_NAME, VITALS, VITALS_COLUMNS
from .vocabulary import Vocabulary, vocabulary

HEADER_LINE = 1
# Hospital and month of a file's unattributed pseudo-batch.
UNATTRIBUTED = "?"
FEED_COLUMNS = {VITALS: VITALS_COLUMNS, LABS: LABS_COLUMNS}
# A restatement names its version at the end of the file name: ``..._v2.csv``.
VERSION_SUFFIX = re.compile(r"_v(?P<version>\d+)$", re.IGNORECASE)
DELIMITERS = ",;\t|"
# Reasons of rows whose measure or unit the vocabulary lacks (they never make a batch refused).
UNKNOWN_PREFIX = "unknown "
NO_DATA_ROWS = "the file has no data rows"


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
    # The offending cell and the measure the row names (None when unknown), for the report.
    value: str | None = None
    measure_code: str | None = None

    @property
    def is_vocabulary(self) -> bool:
        """An unknown measure or unit: a seed row to add, not a bad row."""
        return self.reason.startswith(UNKNOWN_PREFIX)


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
    # A file with a header and no data rows (or blank): noticed, never refused.
    is_empty: bool = False

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
    def rows_unknown_vocabulary(self) -> int:
        """Rows of a measure or unit the vocabulary lacks."""
        return len({problem.line for problem in self.problems if problem.is_vocabulary})

    @property
    def rows_rejected_known(self) -> int:
        """Rejected rows of known measures in known units: what the threshold counts."""
        unknown = {problem.line for problem in self.problems if problem.is_vocabulary}
        return len({problem.line for problem in self.problems} - unknown)

    @property
    def bad_share(self) -> float:
        if self.is_unattributed:
            return self.rows_rejected / self.file_rows if self.file_rows else 0.0
        known = self.rows_received - self.rows_unknown_vocabulary
        return self.rows_rejected_known / known if known else 0.0

    def refusal(self, max_bad_share: float) -> str | None:
        """Why the batch is refused, or None when its bad-row share is within the threshold."""
        unreadable = [problem.reason for problem in self.problems if problem.column == "<file>"]
        if unreadable:
            return f"{self.location}: {unreadable[0]}"
        if self.bad_share <= max_bad_share:
            return None
        reasons: dict[str, int] = {}
        for problem in self.problems:
            if problem.is_vocabulary and not self.is_unattributed:
                continue
            category = problem.reason.split(":", 1)[0]
            reasons[category] = reasons.get(category, 0) + 1
        top = ", ".join(f"{name} ({count})" for name, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:3])
        if self.is_unattributed:
            return (
                f"{self.label}: {self.rows_rejected} of the file's {self.file_rows} rows ({self.bad_share:.0%}) "
                f"have no readable hospital or date, above the {max_bad_share:.0%} threshold; most common "
                f"problems: {top}. They are in the quarantine table."
            )
        unknown = self.rows_unknown_vocabulary
        known = self.rows_received - unknown
        of = f"{known} rows of known measures and units" if unknown else f"{known} rows"
        return (
            f"{self.label}: {self.rows_rejected_known} of {of} "
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


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is not a measurement


def _flag(column: str, error: str, failing: Any) -> pa.Check:
    """A frame-wide check failing the rows where ``failing(frame)`` is true; reported on ``column``."""
    return pa.Check(lambda frame: ~failing(frame).astype(bool), name=column, error=error)


def feed_schema(feed: str) -> pa.DataFrameSchema:
    """The Pandera schema of one feed's typed frame (see :func:`_typed_frame`)."""
    date_column, type_column, value_column = FEED_FIELDS[feed]
    columns: dict[str, pa.Column] = {
        "hospital_id": pa.Column(str, pa.Check(lambda s: s.str.len() > 0, error="missing hospital_id")),
        date_column: pa.Column(
            object,
            nullable=True,
            checks=pa.Check(
                lambda s: s.map(lambda day: day is None or day <= date.today()),
                error="date in the future",
            ),
        ),
        "patient_id": pa.Column(str, pa.Check.str_matches(r"^\S+$", error="missing patient_id")),
        type_column: pa.Column(str),
        value_column: pa.Column(float, nullable=True),
        "unit": pa.Column(str),
        "measure_code": pa.Column(object, nullable=True),
        "canonical_value": pa.Column(float, nullable=True),
    }
    if feed == LABS:
        columns["reference_range"] = pa.Column(str)
    return pa.DataFrameSchema(
        columns,
        checks=[
            _flag(date_column, "invalid date", lambda f: f["_date_problem"].isin([UNREADABLE, IMPOSSIBLE])),
            _flag(date_column, "ambiguous date", lambda f: f["_date_problem"].isin([AMBIGUOUS, WRONG_ORDER])),
            _flag(type_column, f"unknown {type_column}", lambda f: f["measure_code"].isna()),
            _flag("unit", "unknown unit", lambda f: ~f["_unit_known"]),
            _flag(value_column, "invalid value", lambda f: f[value_column].isna()),
            _flag(value_column, "value out of physiological range", lambda f: ~f["_possible"]),
            _flag("<row>", "duplicate row", lambda f: f["_duplicate"]),
            _flag(value_column, "conflicting values", lambda f: f["_conflict"]),
        ],
        strict=False,
    )


class _Unreadable(ValueError):
    """The file cannot be read as a table of the feed; the message says why."""


def _read_table(text: str, feed: str) -> pd.DataFrame:
    """The file's cells as text: columns named as the feed names them (any order, case, spaces,
    delimiter), cells stripped."""
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
    return raw[expected].fillna("").apply(lambda column: column.str.strip()).reset_index(drop=True)


def _dates(raw: pd.DataFrame, feed: str, conventions: dict[str, str]) -> tuple[list[Any], list[Any], list[str]]:
    """(date or None, problem or None, slash order) of each row, in its hospital's order."""
    date_column = FEED_FIELDS[feed][0]
    days, problems, orders = [], [], []
    for hospital, text in zip(raw["hospital_id"], raw[date_column], strict=True):
        order = conventions.get(hospital, DEFAULT_SLASH_ORDER)
        parsed = parse_date(text, order)
        days.append(parsed.value)
        problems.append(parsed.problem)
        orders.append(order)
    return days, problems, orders


def _typed_frame(
    text: str, feed: str, vocab: Vocabulary, conventions: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(raw text frame, typed frame): dates parsed in the hospital's order, values as floats, the
    measure the type names, the value in its canonical unit, and the flags the schema checks."""
    raw = _read_table(text, feed)
    date_column, type_column, value_column = FEED_FIELDS[feed]
    typed = raw.copy()
    typed[date_column], typed["_date_problem"], typed["_slash_order"] = _dates(raw, feed, conventions)
    values = [_number(t) for t in raw[value_column]]
    typed[value_column] = pd.Series(values, index=raw.index, dtype="float64")
    measures = [vocab.measure(feed, name) for name in raw[type_column]]
    conversions = [
        vocab.conversion(measure, unit) if measure else None
        for measure, unit in zip(measures, raw["unit"], strict=True)
    ]
    canonical = [
        conversion.apply(value) if conversion and value is not None else None
        for conversion, value in zip(conversions, values, strict=True)
    ]
    typed["measure_code"] = pd.Series([m.code if m else None for m in measures], index=raw.index, dtype=object)
    typed["canonical_unit"] = [m.canonical_unit if m else None for m in measures]
    typed["canonical_value"] = pd.Series(canonical, index=raw.index, dtype="float64")
    typed["_unit_known"] = [m is None or c is not None for m, c in zip(measures, conversions, strict=True)]
    typed["_possible"] = [
        v is None or (m.possible_low <= v <= m.possible_high) for m, v in zip(measures, canonical, strict=True)
    ]
    typed["_possible_range"] = [
        f"{m.possible_low:g} to {m.possible_high:g} {m.canonical_unit}" if m else None for m in measures
    ]
    typed["_duplicate"] = raw.duplicated(keep="first") if len(raw) else pd.Series(dtype=bool)
    typed["_conflict"] = False
    _mark_repeats(typed, feed)
    return raw, typed


def _mark_repeats(typed: pd.DataFrame, feed: str) -> None:
    """Among the rows no other check rejects, the same (hospital, patient, date, measure) again:
    the same canonical value is a duplicate of the first, different values all conflict."""
    date_column = FEED_FIELDS[feed][0]
    today = date.today()
    clean = (
        (typed["hospital_id"] != "")
        & typed[date_column].map(lambda day: day is not None and day <= today)
        & typed["patient_id"].str.fullmatch(r"\S+")
        & typed["measure_code"].notna()
        & typed["canonical_value"].notna()
        & typed["_possible"].astype(bool)
        & ~typed["_duplicate"].astype(bool)
    )
    keys = ["hospital_id", "patient_id", date_column, "measure_code"]
    rows = typed.loc[clean, keys].copy()
    rows["_value"] = typed.loc[clean, "canonical_value"].round(6)
    distinct = rows.groupby(keys, sort=False)["_value"].transform("nunique")
    typed.loc[rows.index[distinct > 1], "_conflict"] = True
    repeated = rows.duplicated(subset=keys, keep="first") & (distinct == 1)
    typed.loc[rows.index[repeated], "_duplicate"] = True


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
    """(text, None) or (None, why the file cannot be read); ("", None) for a blank file."""
    if not data.strip():
        return "", None
    try:
        return decode_bytes(data), None
    except UnicodeDecodeError as exc:
        return None, f"unreadable file: {undecodable_reason(data, exc)}"


def _context(vocab: Vocabulary | None, conventions: dict[str, str] | None) -> tuple[Vocabulary, dict[str, str]]:
    """The project's vocabulary and monitoring date conventions unless given."""
    return (vocab or vocabulary(), site_conventions(SOURCE_NAME) if conventions is None else conventions)


def batch_keys(
    data: bytes, vocab: Vocabulary | None = None, conventions: dict[str, str] | None = None
) -> set[tuple[str, str, str]]:
    """The (feed, hospital, month) batches a file holds, without checking its rows (what
    :func:`validate_file` would group them into, the unattributed pseudo-batch left out)."""
    feed = feed_of(csv_header(data[:65536]))
    text, _ = _decode(data)
    if feed is None or not text:
        return set()
    try:
        raw = _read_table(text, feed)
    except _Unreadable:
        return set()
    typed = raw.copy()
    typed[FEED_FIELDS[feed][0]] = _dates(raw, feed, _context(vocab, conventions)[1])[0]
    return {(feed, hospital, month) for hospital, month in _attribute(_readable_parts(typed, feed))} - {
        (feed, UNATTRIBUTED, UNATTRIBUTED)
    }


def _describe(check: str, column: str, value: Any, typed: pd.Series, feed: str) -> str:
    """The quarantine reason: the check, the column and value, and what makes it fail."""
    if check == "not_nullable":
        return f"missing {column}"
    if check == "duplicate row":
        return check
    shown = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
    reason = f"{check}: {column}={shown!r}"
    if check == "ambiguous date":
        hospital = typed["hospital_id"]
        return f"{reason} ({typed['_date_problem']} under {typed['_slash_order']} at {hospital})"
    if check == "unknown unit":
        return f"{reason} for {typed['measure_code']}"
    if check in ("value out of physiological range", "conflicting values"):
        shown = f"{typed['canonical_value']:g} {typed['canonical_unit']}"
        if check == "value out of physiological range":
            shown += f"; possible {typed['_possible_range']}"
        return f"{reason} ({shown})"
    return reason


def _unreadable_file(location: str, feed: str, reason: str) -> ValidatedFile:
    problem = RowProblem(HEADER_LINE, "<file>", reason, {})
    batch = ValidatedBatch(location, feed, UNATTRIBUTED, UNATTRIBUTED, problems=[problem])
    return ValidatedFile(location, feed, 0, [batch])


def _empty_file(location: str, feed: str) -> ValidatedFile:
    batch = ValidatedBatch(location, feed, UNATTRIBUTED, UNATTRIBUTED, is_empty=True)
    return ValidatedFile(location, feed, 0, [batch])


def _problems(raw: pd.DataFrame, typed: pd.DataFrame, feed: str) -> list[tuple[int, RowProblem]]:
    """(row index, problem) for every failed check of every row."""
    schema = feed_schema(feed)
    wide_columns = {check.error: check.name for check in schema.checks}
    try:
        schema.validate(typed, lazy=True)
        return []
    except SchemaErrors as errors:
        failures = errors.failure_cases
    found: list[tuple[int, RowProblem]] = []
    seen: set[tuple[int, str, str]] = set()
    for failure in failures.itertuples(index=False):
        if pd.isna(failure.index):
            continue
        index = int(failure.index)
        check = str(failure.check)
        column = str(failure.column)
        if failure.schema_context == "DataFrameSchema":
            # Frame-wide checks report every column of a failing row: name the one they test.
            column = wide_columns[check]
        if (index, column, check) in seen:
            continue
        seen.add((index, column, check))
        shown = raw.at[index, column] if column in raw.columns else None
        line = index + HEADER_LINE + 1
        row = typed.loc[index]
        found.append(
            (
                index,
                RowProblem(
                    line,
                    column,
                    _describe(check, column, shown, row, feed),
                    raw.loc[index].to_dict(),
                    value=shown,
                    measure_code=row["measure_code"],
                ),
            )
        )
    return found


def validate_file(
    location: str, data: bytes, vocab: Vocabulary | None = None, conventions: dict[str, str] | None = None
) -> ValidatedFile:
    """Check every row of a monitoring file and group the rows into batches; see the module
    docstring. The feed comes from the header; the vocabulary and the hospitals' date conventions
    are the project's seeds unless given."""
    vocab, conventions = _context(vocab, conventions)
    feed = feed_of(csv_header(data[:65536])) or VITALS
    text, unreadable = _decode(data)
    if text is None:
        return _unreadable_file(location, feed, unreadable or "unreadable file")
    if not text.strip():
        return _empty_file(location, feed)
    try:
        raw, typed = _typed_frame(text, feed, vocab, conventions)
    except _Unreadable as exc:
        return _unreadable_file(location, feed, f"unreadable file: {exc}")
    if raw.empty:
        return _empty_file(location, feed)
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
