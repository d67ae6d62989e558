"""What a source reads, and finding it under whatever the user points ``--input`` at.

A source declares its input with :class:`Reads`: the file suffixes it opens and a test on the
first bytes of a file (a CSV header, an XML root element, a PDF signature). :func:`gather`
turns the user's inputs (files, folders searched recursively, zip archives, glob patterns) into
the files that pass that test, whatever their names, and lists the others it passed over.

A file named directly (not found in a folder, archive or glob) is read whenever its suffix is
one the source opens, whatever its content: the user said it is this source's, so a damaged one
is quarantined with its reason instead of being passed over.

Each file found gets a *location*: its path relative to the input it was found under (for a
member of a zip archive, ``archive.zip!member``; for a file whose relative name another input
already gave, its full path). Sources name files by location in their
incremental state and in quarantine rows, so the same export found again is recognised.
"""

from __future__ import annotations

import codecs
import csv
import glob
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Bytes of each candidate file read to recognise it.
HEAD_BYTES = 64 * 1024
ARCHIVE_SUFFIXES = (".zip",)
_GLOB_CHARACTERS = set("*?[")


class NothingToRead(FileNotFoundError):
    """No file under the inputs is of the kind a source reads; the message says where it looked
    and what it looks for."""


@dataclass(frozen=True)
class InputPath:
    """One file to read: where it is on disk and the name the source records it under."""

    path: Path
    location: str

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True)
class Reads:
    """What a source reads.

    Attributes:
        what: how a person would describe the files, for messages ("WHO ICTRP XML or CSV exports").
        suffixes: file name endings the source opens (lower case, with the dot).
        recognise: given a file's first bytes, whether it is this source's kind of file; None
            accepts every file with a wanted suffix. Recognisers look for a signature (several
            of the source's column names, its root element), not for every required column: a
            file of the right kind with a renamed or missing column is the source's to
            quarantine with the reason, not to pass over.
        recognise_path: for formats whose first bytes say nothing (an Excel workbook is a zip),
            whether the file at a path is of this kind; used for suffixes in ``path_suffixes``.
        path_suffixes: the suffixes ``recognise_path`` decides.
        archives: the source reads ``.zip`` archives itself (they are handed over whole, not
            unpacked).

    A blank file with a wanted suffix is accepted whatever its content should have been: the
    source quarantines it as empty rather than it being passed over unnoticed.
    """

    what: str
    suffixes: tuple[str, ...]
    recognise: Callable[[bytes], bool] | None = None
    archives: bool = False
    recognise_path: Callable[[Path], bool] | None = None
    path_suffixes: tuple[str, ...] = ()

    def wants(self, path: Path) -> bool:
        return path.name.lower().endswith(self.suffixes)

    def accepts(self, path: Path) -> bool:
        """Whether ``path`` has a wanted suffix and its content is of the declared kind."""
        if not self.wants(path):
            return False
        try:
            with path.open("rb") as handle:
                head = handle.read(HEAD_BYTES)
            if not head.strip():
                return True
            if self.recognise_path is not None and path.name.lower().endswith(self.path_suffixes):
                return bool(self.recognise_path(path))
            return self.recognise is None or bool(self.recognise(head))
        except (ValueError, csv.Error, UnicodeError, OSError):
            return False


@dataclass
class Found:
    """The files a source will read; those with a suffix it opens whose content is of another
    kind (``passed_over``); and how many other files the inputs held (``other_files``)."""

    files: list[InputPath] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)
    other_files: int = 0

    def add(self, reads: Reads, path: Path, location: str) -> None:
        if not reads.wants(path):
            self.other_files += 1
        elif reads.accepts(path):
            self.files.append(InputPath(path, location))
        else:
            self.passed_over.append(location)


# Byte-order marks and their codecs (UTF-32 first: its little-endian mark starts with UTF-16's).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def head_text(head: bytes) -> str:
    """The start of a file as text: UTF-8 (a BOM dropped), UTF-16/32 by their BOM, else Latin-1.
    Only for recognising a file; sources decode the whole file strictly (``extract.files``)."""
    for bom, codec in BOMS:
        if head.startswith(bom):
            return head.decode(codec, errors="ignore")
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the head, or another single-byte encoding.
        if exc.start >= len(head) - 4:
            return head[: exc.start].decode("utf-8-sig")
        return head.decode("latin-1")


def column_name(name: object) -> str:
    """A header cell compared the way sources compare them: stripped of spaces and quotes,
    lower-cased, inner spaces as underscores (``Public title`` -> ``public_title``)."""
    return re.sub(r"\s+", "_", str(name).strip().strip('"').strip()).lower()


def csv_header(head: bytes) -> list[str]:
    """The column names of a delimited file's first line (``,``, ``;``, tab or ``|``), as
    :func:`column_name` writes them; empty when the head holds no line."""
    text = head_text(head).lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        return []
    delimiter = max(",;\t|", key=first.count)
    row = next(csv.reader(io.StringIO(first), delimiter=delimiter), [])
    return [column_name(cell) for cell in row]


def has_columns(header: Iterable[str], signature: Iterable[str], *, at_least: int | None = None) -> bool:
    """Whether a header (as :func:`column_name` writes names) holds the ``signature`` columns:
    all of them, or ``at_least`` of them."""
    names = {column_name(name) for name in header}
    wanted = [column_name(name) for name in signature]
    found = sum(name in names for name in wanted)
    return found >= (len(wanted) if at_least is None else at_least)


def xlsx_sheets(path: Path) -> list[tuple[str, list[str]]]:
    """(title, first row) of every sheet of an Excel workbook, names as :func:`column_name`
    writes them; raises ``ValueError`` for a file that is not a workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a file that is not a workbook
        raise ValueError(f"not an Excel workbook: {exc}") from None
    try:
        headers = []
        for sheet in book.worksheets:
            first = next(sheet.iter_rows(max_row=1, values_only=True), ())
            headers.append((sheet.title, [column_name(cell) for cell in first if cell is not None]))
        return headers
    finally:
        book.close()


def _is_glob(text: str) -> bool:
    return any(character in _GLOB_CHARACTERS for character in text)


def _static_root(pattern: str) -> Path:
    """The folder part of a glob pattern before its first wildcard."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if _is_glob(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _candidates(item: Path | str) -> list[tuple[Path, str]]:
    """(file, location) of every file an input names, in a stable order (a named file alone)."""
    text = str(item)
    path = Path(text).expanduser()
    if path.is_file():
        return [(path, path.name)]
    if path.is_dir():
        return [
            (file, file.relative_to(path).as_posix())
            for file in sorted(path.rglob("*"))
            if file.is_file() and not any(part.startswith(".") for part in file.relative_to(path).parts)
        ]
    if _is_glob(text):
        root = _static_root(text)
        hits = sorted(Path(hit) for hit in glob.glob(str(Path(text).expanduser()), recursive=True))
        found: list[tuple[Path, str]] = []
        for hit in hits:
            if hit.is_dir():
                found.extend((file, f"{hit.relative_to(root).as_posix()}/{name}") for file, name in _candidates(hit))
            elif hit.is_file():
                found.append((hit, hit.relative_to(root).as_posix()))
        if found:
            return found
        raise FileNotFoundError(f"input not found: no file matches {text}")
    raise FileNotFoundError(f"input not found: {text}")


def _unpack(archive: Path, location: str, scratch: Path) -> list[tuple[Path, str]]:
    """The members of a zip archive, written under ``scratch`` (one folder per archive)."""
    target = scratch / f"{len(list(scratch.iterdir())):04d}"
    members: list[tuple[Path, str]] = []
    with zipfile.ZipFile(archive) as bundle:
        for info in sorted(bundle.infolist(), key=lambda member: member.filename):
            name = info.filename
            if info.is_dir() or any(part in ("", "..") or part.startswith(".") for part in Path(name).parts):
                continue
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(bundle.read(info))
            members.append((destination, f"{location}!{name}"))
    return members


def gather(inputs: Sequence[Path | str], reads: Reads, scratch: Path) -> Found:
    """The files under ``inputs`` that ``reads`` accepts, in input order then name order.

    Zip archives are unpacked under ``scratch`` (which must exist and outlive the extraction)
    unless the source reads archives itself. Raises ``FileNotFoundError`` naming an input that
    does not exist.
    """
    found = Found()
    seen: set[Path] = set()
    locations: set[str] = set()
    for item in inputs:
        named = Path(str(item)).expanduser().is_file()
        for path, relative in _candidates(item):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            # Two inputs holding a file of the same relative name (two folders' vitals_2024.csv):
            # the second is named by its full path, so their rows and state never mix.
            location = relative if relative not in locations else resolved.as_posix()
            locations.add(location)
            is_archive = path.name.lower().endswith(ARCHIVE_SUFFIXES) and zipfile.is_zipfile(path)
            if is_archive and not reads.archives:
                for member, member_location in _unpack(path, location, scratch):
                    found.add(reads, member, member_location)
                continue
            if named and reads.wants(path):
                found.files.append(InputPath(path, location))
                continue
            found.add(reads, path, location)
    return found


def describe_inputs(inputs: Sequence[Path | str]) -> str:
    return ", ".join(str(item) for item in inputs)
