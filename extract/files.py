"""What the file-based registry sources share: reading a folder of exports incrementally,
decoding text strictly, hashing records, and validating them at the boundary.

Incremental loading of file exports works on two levels:

* a file whose content hash is already in the resource's dlt state is skipped (nothing is
  re-read or re-loaded); the state is committed only when the load succeeds;
* a changed or new file is read whole, and its records are merged on their registry key, so a
  record that changed replaces its old version and an unchanged one is rewritten identically.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dlt
from pydantic import BaseModel, ValidationError

from extract.quarantine import Rejection, quarantine_item

log = logging.getLogger("ctw.extract")


@dataclass(frozen=True)
class InputFile:
    """One export file: its name relative to the input folder and its bytes."""

    location: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def iter_input_files(path: Path, suffixes: Iterable[str]) -> Iterator[InputFile]:
    """The files of ``path`` (a file or a folder, searched recursively) in name order."""
    wanted = tuple(s.lower() for s in suffixes)
    if path.is_file():
        yield InputFile(path.name, path.read_bytes())
    elif path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            if file.name.lower().endswith(wanted):
                yield InputFile(str(file.relative_to(path)), file.read_bytes())
    else:
        raise FileNotFoundError(f"input not found: {path}")


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


def decode_text(file: InputFile, source: str) -> str | Rejection:
    """The file as UTF-8 text (a BOM is dropped), or a rejection naming the byte offset."""
    try:
        return file.data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = file.data[: exc.start].count(b"\n") + 1
        return Rejection(
            source,
            file.location,
            f"not UTF-8 encoded: byte 0x{file.data[exc.start]:02x} at offset {exc.start} (line {line}); "
            "re-export the file as UTF-8",
            field="<file>",
        )


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
                rejections.append(
                    Rejection(source, location, error["msg"], record_id, field, _raw(data))
                )
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
