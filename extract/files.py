"""What the file-based registry sources share: reading a folder of exports incrementally,
decoding text strictly, hashing records, and validating them at the boundary.

Incremental loading of file exports works on two levels:

* a file whose content hash is already in the resource's dlt state is skipped (nothing is
  re-read or re-loaded); the state is committed only when the load succeeds;
* a changed or new file is read whole, and its records are merged on their registry key, so a
  record that changed replaces its old version and an unchanged one is rewritten identically.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import dlt
from pydantic import BaseModel, ValidationError

from extract.inputs import BOMS, InputPath
from extract.quarantine import Rejection, quarantine_item

log = logging.getLogger("ctw.extract")


@dataclass(frozen=True)
class InputFile:
    """One export file: its location (see :mod:`extract.inputs`) and its bytes."""

    location: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def iter_input_files(files: Iterable[InputPath], suffixes: Iterable[str] | None = None) -> Iterator[InputFile]:
    """The bytes of each file found for a source (see :func:`extract.inputs.gather`), one file
    in memory at a time; ``suffixes`` keeps only files whose names end so."""
    wanted = tuple(s.lower() for s in suffixes) if suffixes else None
    for file in files:
        if wanted is None or file.location.lower().endswith(wanted):
            yield InputFile(file.location, file.read_bytes())


def new_files(files: Iterable[InputFile], state_key: str = "loaded_files") -> Iterator[InputFile]:
    """Only files whose content was not loaded before (by this resource, per dlt state).

    Must be called inside a dlt resource. The hash is recorded as the file is handed out; dlt
    commits resource state together with the load, so a failed load leaves it unrecorded.
    """
    state = dlt.current.resource_state().setdefault(state_key, {})
    for file in files:
        digest = file.sha256
        if state.get(file.location) == digest:
            log.info("skipping %s: already loaded", file.location)
            continue
        state[file.location] = digest
        yield file


# A value longer than this is refused (quarantined with its field): no registry writes a title
# or summary of 100,000 characters, and a runaway field would bloat every table it reaches.
MAX_FIELD_CHARS = 100_000



def bomless_utf16(raw: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the start of ``raw`` is UTF-16 text without a byte-order
    mark (as charset-normalizer reads it), else None. Only text with NUL bytes is asked: UTF-8
    text has none, and ASCII-range UTF-16 has one in every other byte."""
    head = raw[:4096]
    if b"\x00" not in head or len(raw) < 4 or len(raw) % 2 or raw.startswith(codecs.BOM_UTF8):
        return None
    # A NUL in every other byte, as in UTF-16 text of Latin script; UTF-8 text with a stray NUL
    # (a control character, removed by the rule) is not this.
    if max(head[0::2].count(0), head[1::2].count(0)) < len(head) // 8:
        return None
    import charset_normalizer

    best = charset_normalizer.from_bytes(head).best()
    encoding = (best.encoding if best else "").replace("_", "-")
    return encoding if encoding in {"utf-16-le", "utf-16-be"} else None


def decode_bytes(raw: bytes, location: str | None = None) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16/32 with a BOM, or UTF-16 without a
    BOM (detected by charset-normalizer). Strict: a byte sequence invalid in the file's encoding
    raises ``UnicodeDecodeError`` whose reason names the likely encoding.

    The control characters of the rule (:data:`CONTROL_CHARACTERS`) are removed before any
    parser sees the text (Python's ``splitlines`` would end a line at some of them) and counted
    in a warning naming ``location``."""
    return _without_controls_noted(_decode(raw), location)


def _without_controls_noted(text: str, location: str | None) -> str:
    if not CONTROL_CHARACTERS.search(text):
        return text
    cleaned, removed = without_controls(text)
    log.warning("%s: %d control characters removed from the text", location or "a file", removed)
    return cleaned


def _decode(raw: bytes) -> str:
    # UTF-16-LE's mark is the start of UTF-32-LE's: UTF-16 text whose first character is NUL
    # begins with UTF-32's mark. When the longer mark's codec cannot read the bytes, the next
    # mark that fits is tried; the last one's error is raised.
    marked = [codec for bom, codec in BOMS if raw.startswith(bom)]
    for position, codec in enumerate(marked):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            if position == len(marked) - 1:
                raise
    utf16 = bomless_utf16(raw)
    if utf16:
        try:
            return raw.decode(utf16)
        except UnicodeDecodeError as exc:
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                raise UnicodeDecodeError(
                    exc.encoding, exc.object, exc.start, exc.end, f"{exc.reason}; the file looks UTF-16 without a BOM"
                ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = "Latin-1/Windows-1252" if all(b != 0 for b in raw[:4096]) else "UTF-16 without a BOM"
        raise UnicodeDecodeError(
            exc.encoding, exc.object, exc.start, exc.end, f"{exc.reason}; the file looks {guess}"
        ) from None


# Bytes read at a time when a text file is checked or streamed line by line.
STREAM_CHUNK_BYTES = 8 * 1024 * 1024


def is_utf8_file(path: Path) -> bool:
    """Whether :func:`decode_bytes` would read the whole file as UTF-8 (with or without its BOM):
    no other BOM, no NUL in its first 4 kB (UTF-16 without a BOM is not asked for then), and every
    byte sequence valid UTF-8. Read in chunks: memory stays flat however large the file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        head = handle.read(4096)
        if b"\x00" in head or any(head.startswith(bom) for bom, _ in BOMS):
            return False
        handle.seek(0)
        try:
            while chunk := handle.read(STREAM_CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def iter_utf8_lines(path: Path, location: str) -> Iterator[str]:
    """The lines of a UTF-8 file (see :func:`is_utf8_file`), read one at a time, exactly as
    ``decode_bytes(raw).splitlines()`` gives them: its BOM dropped, the control characters of
    the rule removed (counted in one warning naming ``location``), split where ``str.splitlines``
    splits. One line is in memory at a time, where ``decode_bytes`` holds the whole file."""
    removed = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle):
            text = raw.decode("utf-8-sig" if number == 0 else "utf-8")
            if CONTROL_CHARACTERS.search(text):
                text, count = without_controls(text)
                removed += count
            yield from text.splitlines()
    if removed:
        log.warning("%s: %d control characters removed from the text", location, removed)


def undecodable_reason(raw: bytes, exc: UnicodeDecodeError) -> str:
    """Why ``raw`` is not text we read (an encoding error), naming the byte, its offset and line."""
    encoding = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8"}.get(exc.encoding, exc.encoding.upper().replace("_", "-"))
    line = raw[: exc.start].count(b"\n") + 1
    return (
        f"encoding error: not {encoding} encoded: byte 0x{raw[exc.start]:02x} at offset {exc.start} (line {line}): "
        f"{exc.reason}; re-export the file as UTF-8"
    )


def decode_text(file: InputFile, source: str) -> str | Rejection:
    """The file as text (see :func:`decode_bytes`; a BOM is dropped), or a rejection naming the
    byte offset and line (an encoding error), or naming an empty file ("no data rows")."""
    if not file.data.strip():
        return Rejection(source, file.location, "empty file: no data rows", field="<file>")
    try:
        return decode_bytes(file.data, file.location)
    except UnicodeDecodeError as exc:
        return Rejection(source, file.location, undecodable_reason(file.data, exc), field="<file>")


# Why a file with a header line and no record loads nothing (every source says it alike).
HEADER_ONLY = "no data rows: the file holds a header line at most"


def missing_columns(required: Iterable[str], found: Iterable[str]) -> str | None:
    """Why a header lacks required columns (naming a look-alike that may have been renamed),
    or None when every required column is there."""
    found = [name for name in found if name]
    missing = [name for name in required if name not in found]
    if not missing:
        return None
    if not found:
        return HEADER_ONLY
    hints = []
    for name in missing:
        close = difflib.get_close_matches(name, [f for f in found if f not in required], n=1, cutoff=0.6)
        if close:
            hints.append(f"{close[0]!r} may be {name!r} renamed")
    return f"missing required column(s) {', '.join(missing)}; header is {found}" + (
        f" ({'; '.join(hints)})" if hints else ""
    )


_DAY_SHAPES = (
    (re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(T.*)?$")),
    (re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$")),
    (re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")),
)


def calendar_date(value: str | None, *, allow_future: bool = True) -> str | None:
    """Check that a date written ``yyyy-mm-dd[T...]``, ``dd/mm/yyyy`` or ``yyyymmdd`` is a real
    calendar day (and, unless ``allow_future``, not after today). Other shapes (partial dates,
    month names) pass unchecked. Raises ``ValueError`` (a pydantic ``AfterValidator``)."""
    if value is None:
        return value
    for shape in _DAY_SHAPES:
        match = shape.match(value.strip())
        if match is None:
            continue
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            raise ValueError(f"not a calendar date: {value!r}") from None
        if not allow_future and day > datetime.now(UTC).date():
            raise ValueError(f"date {value!r} is in the future")
        break
    return value


def past_date(value: str | None) -> str | None:
    """:func:`calendar_date` for dates that cannot lie ahead (registration, last update)."""
    return calendar_date(value, allow_future=False)


def record_hash(record: dict[str, Any]) -> str:
    """A stable hash of a record's content (lists and nested values included)."""
    payload = json.dumps(record, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def validate(
    model: type[BaseModel],
    data: dict[str, Any],
    *,
    source: str,
    location: str,
    record_id: str | None,
    required: Iterable[str],
) -> tuple[BaseModel | None, list[Rejection]]:
    """Validate ``data`` with ``model``.

    A bad value in a ``required`` field rejects the record. A bad value in any other field is
    quarantined on its own and the record is kept with that field empty, so one unreadable flag
    never hides a whole trial. Every problem becomes a :class:`Rejection` naming the field.
    """
    required = set(required)
    rejections: list[Rejection] = []
    values = dict(data)
    for _ in range(len(values) + 1):
        try:
            return model.model_validate(values), rejections
        except ValidationError as exc:
            fatal = False
            for error in exc.errors():
                field = ".".join(str(part) for part in error["loc"]) or "<record>"
                top = str(error["loc"][0]) if error["loc"] else ""
                rejections.append(Rejection(source, location, error["msg"], record_id, field, _raw(data)))
                if top in required or not top:
                    fatal = True
                else:
                    values.pop(top, None)
            if fatal:
                return None, rejections
    return None, rejections


def _raw(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def report(rejection: Rejection) -> Any:
    """Log a rejection as a clear one-line error and return its quarantine row, marked for the
    ``quarantine`` table (see :func:`extract.quarantine.add_quarantine_table`)."""
    log.warning("%s", rejection.message())
    return quarantine_item(rejection.to_row())


def clean(value: Any) -> str | None:
    """A stripped string, or None when empty (registry exports pad values with whitespace)."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def split_list(value: str | None, separators: str = ";") -> list[str]:
    """Values of a delimited cell, stripped, blanks and exact repeats dropped, order kept."""
    if not value:
        return []
    items: list[str] = [value]
    for separator in separators:
        items = [part for item in items for part in item.split(separator)]
    seen: dict[str, None] = {}
    for item in items:
        text = item.strip()
        if text and text not in seen:
            seen[text] = None
    return list(seen)


def text_columns(model: type[BaseModel], exclude: Iterable[str] = ()) -> dict[str, dict[str, Any]]:
    """Column hints declaring every scalar field of ``model`` as text, so a column that happens
    to be empty in a whole batch still exists in the raw table (dlt skips all-NULL columns)."""
    skip = set(exclude)
    return {
        name: {"data_type": "text", "nullable": True}
        for name, field in model.model_fields.items()
        if name not in skip and "list" not in str(field.annotation)
    }


def repeated_key(seen: dict[str, str], key: str | None, location: str, *, source: str, field: str) -> Rejection | None:
    """A rejection when ``key`` was already read earlier in the same file (recorded in
    ``seen``, key -> location); the first occurrence is the one kept. Two versions of one
    record in one export cannot both be right, and merging would keep either at random."""
    if not key:
        return None
    if key in seen:
        return Rejection(
            source,
            location,
            f"duplicated key {key!r} in the same file (first at {seen[key]}); the first occurrence was kept",
            record_id=key,
            field=field,
        )
    seen[key] = location
    return None


# The rule for control characters, the same for every source: NUL and the other C0 control
# characters except tab, line feed and carriage return are removed, from a text file as it is
# decoded (:func:`decode_bytes`, a warning naming the file) and from every text value a source
# yields (records and quarantine rows alike, whatever the format: JSON escapes, Excel cells,
# database rows; counted per table and field by :class:`ControlCharacters` and reported as a
# quality note of the run). See docs/reliability.md. They carry no meaning in a registry export
# and break consumers (PostgreSQL refuses NUL in text; a CSV cell with one is unreadable).
CONTROL_PATTERN = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
CONTROL_CHARACTERS = re.compile(CONTROL_PATTERN)
CONTROL_BYTES = re.compile(CONTROL_PATTERN.encode("ascii"))


def without_controls(text: str) -> tuple[str, int]:
    """``text`` without the control characters of the rule, and how many were removed."""
    cleaned, removed = CONTROL_CHARACTERS.subn("", text)
    return cleaned, removed


class ControlCharacters:
    """A dlt map step applying the rule to every item of a resource, counting the removals by
    (resource, field): dicts and lists recursively, and Arrow tables column by column."""

    def __init__(self) -> None:
        self.removed: dict[tuple[str, str], int] = {}

    def step(self, resource: str):
        def clean_item(item: Any) -> Any:
            return self._clean(item, resource, "")

        return clean_item

    def _note(self, resource: str, field: str, count: int) -> None:
        key = (resource, field or "<value>")
        self.removed[key] = self.removed.get(key, 0) + count

    def _clean(self, value: Any, resource: str, field: str) -> Any:
        if isinstance(value, str):
            if not CONTROL_CHARACTERS.search(value):
                return value
            cleaned, removed = without_controls(value)
            self._note(resource, field, removed)
            return cleaned
        if isinstance(value, dict):
            return {
                key: self._clean(inner, resource, f"{field}.{key}" if field else str(key))
                for key, inner in value.items()
            }
        if isinstance(value, list):
            return [self._clean(inner, resource, field) for inner in value]
        if type(value).__module__.startswith("pyarrow"):
            return self._clean_arrow(value, resource)
        return value

    def _clean_arrow(self, table: Any, resource: str) -> Any:
        import pyarrow as pa

        if not isinstance(table, (pa.Table, pa.RecordBatch)):
            return table
        columns = []
        for name, column in zip(table.column_names, table.columns, strict=True):
            chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
            cleaned = [self._clean_array(chunk, resource, name) for chunk in chunks]
            columns.append(pa.chunked_array(cleaned, type=column.type) if isinstance(table, pa.Table) else cleaned[0])
        if isinstance(table, pa.Table):
            return pa.Table.from_arrays(columns, schema=table.schema)
        return pa.RecordBatch.from_arrays(columns, schema=table.schema)

    def _clean_array(self, array: Any, resource: str, field: str) -> Any:
        import pyarrow as pa
        import pyarrow.compute as pc

        kind = array.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            data = array.buffers()[2]
            # One scan of the bytes behind the whole array: in UTF-8 these bytes are only ever
            # the control characters themselves, so a clean buffer is a clean array.
            if data is None or not CONTROL_BYTES.search(memoryview(data)):
                return array
            pattern = CONTROL_PATTERN
            counts = pc.count_substring_regex(array, pattern)
            removed = pc.sum(counts).as_py() or 0
            if not removed:
                return array
            self._note(resource, field, removed)
            return pc.replace_substring_regex(array, pattern, "")
        if pa.types.is_list(kind) or pa.types.is_large_list(kind):
            values = self._clean_array(array.values, resource, field)
            if values is array.values:
                return array
            return type(array).from_arrays(array.offsets, values, mask=array.is_null())
        if pa.types.is_struct(kind):
            fields = [array.field(index) for index in range(kind.num_fields)]
            cleaned = [
                self._clean_array(child, resource, f"{field}.{kind.field(index).name}")
                for index, child in enumerate(fields)
            ]
            if all(new is old for new, old in zip(cleaned, fields, strict=True)):
                return array
            names = [kind.field(index).name for index in range(kind.num_fields)]
            return pa.StructArray.from_arrays(cleaned, names=names, mask=array.is_null())
        return array

    def describe(self) -> str:
        fields = ", ".join(f"{resource}.{field}: {count}" for (resource, field), count in sorted(self.removed.items()))
        return f"control characters removed from text ({fields})"
