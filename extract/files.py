"""What the file-based registry sources share: reading a folder of exports incrementally,
decoding text strictly, hashing records, and validating them at the boundary.

Incremental loading of file exports works on two levels:

* a file whose content hash is already in the resource's dlt state is skipped (nothing is
  re-read or re-loaded); the state is committed only when the load succeeds;
* a changed or new file is read whole, and its records are merged on their registry key, so a
  record that changed replaces its old version and an unchanged one is rewritten identically.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
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



def decode_bytes(raw: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM) or UTF-16/32 with a BOM.

    Raises ``UnicodeDecodeError`` whose reason names the likely encoding otherwise.
    """
    for bom, codec in BOMS:
        if raw.startswith(bom):
            return raw.decode(codec)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = "Latin-1/Windows-1252" if all(b != 0 for b in raw[:4096]) else "UTF-16 without a BOM"
        raise UnicodeDecodeError(
            exc.encoding, exc.object, exc.start, exc.end, f"{exc.reason}; the file looks {guess}"
        ) from None


def undecodable_reason(raw: bytes, exc: UnicodeDecodeError) -> str:
    """Why ``raw`` is not text we read, naming the byte, its offset and line."""
    line = raw[: exc.start].count(b"\n") + 1
    return (
        f"not UTF-8 encoded: byte 0x{raw[exc.start]:02x} at offset {exc.start} (line {line}): "
        f"{exc.reason}; re-export the file as UTF-8"
    )


def decode_text(file: InputFile, source: str) -> str | Rejection:
    """The file as text (UTF-8, or UTF-16/32 marked by a BOM; a BOM is dropped), or a rejection
    naming the byte offset and line, or naming an empty file."""
    if not file.data.strip():
        return Rejection(source, file.location, "empty file", field="<file>")
    try:
        return decode_bytes(file.data)
    except UnicodeDecodeError as exc:
        return Rejection(source, file.location, undecodable_reason(file.data, exc), field="<file>")


def missing_columns(required: Iterable[str], found: Iterable[str]) -> str | None:
    """Why a header lacks required columns (naming a look-alike that may have been renamed),
    or None when every required column is there."""
    found = [name for name in found if name]
    missing = [name for name in required if name not in found]
    if not missing:
        return None
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
