"""Reading ClinicalTrials.gov documents (API pages and bulk files) and shaping studies into rows."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from requests import Response

from extract.files import decode_bytes, is_utf8_file, iter_utf8_lines, undecodable_reason
from extract.inputs import InputPath, head_text

from .models import Study
from .results import RESULT_TABLES


class CtgovPageError(RuntimeError):
    """A page of the studies API could not be read; the message names the page and URL."""


class StudyDocument:
    """One study object together with where it was read from (a file name or an API page)."""

    __slots__ = ("document", "location")

    def __init__(self, document: Any, location: str):
        self.document = document
        self.location = location


class UnreadableDocument:
    """A bulk file that is not a readable JSON study document, with the reason."""

    __slots__ = ("location", "reason", "raw")

    def __init__(self, location: str, reason: str, raw: str | None = None):
        self.location = location
        self.reason = reason
        self.raw = raw


def study_to_row(study: Study, location: str) -> dict[str, Any]:
    """The ``studies`` row with nested lists; dlt turns each list into a child table.

    Child rows carry ``nct_id`` themselves so staging models never need to join child tables
    back to their parent through dlt's internal ``_dlt_parent_id``.
    """
    nct_id = study.nct_id
    sponsors = []
    if study.lead_sponsor is not None:
        sponsors.append({"nct_id": nct_id, "sponsor_role": "lead", **_sponsor(study.lead_sponsor)})
    sponsors.extend({"nct_id": nct_id, "sponsor_role": "collaborator", **_sponsor(s)} for s in study.collaborators)
    outcomes = [
        {"nct_id": nct_id, "outcome_type": kind, **o.model_dump(include={"measure", "time_frame", "description"})}
        for kind, items in (
            ("primary", study.primary_outcomes),
            ("secondary", study.secondary_outcomes),
            ("other", study.other_outcomes),
        )
        for o in items
    ]
    scalar = study.model_dump(
        exclude={
            "phases",
            "conditions",
            "keywords",
            "interventions",
            "locations",
            "lead_sponsor",
            "collaborators",
            "primary_outcomes",
            "secondary_outcomes",
            "other_outcomes",
            "secondary_ids",
        }
    )
    return {
        **scalar,
        # Combined phases ("PHASE2", "PHASE3") keep their order, joined as the API lists them.
        "phases": "|".join(study.phases) if study.phases else None,
        "source_location": location,
        "extracted_at": datetime.now(UTC).replace(tzinfo=None),
        "conditions": [{"nct_id": nct_id, "condition_name": c} for c in study.conditions],
        "keywords": [{"nct_id": nct_id, "keyword": k} for k in study.keywords],
        "interventions": [{"nct_id": nct_id, **i.model_dump()} for i in study.interventions],
        "locations": [{"nct_id": nct_id, **loc.model_dump()} for loc in study.locations],
        "sponsors": sponsors,
        "outcomes": outcomes,
        "secondary_ids": [
            {"nct_id": nct_id, "secondary_id": s.id, "id_type": s.type, "id_domain": s.domain}
            for s in study.secondary_ids
        ],
    }


CHILD_LISTS = ("conditions", "keywords", "interventions", "locations", "sponsors", "outcomes", "secondary_ids")


def study_id(nct_id: str, location: str, extracted_at: datetime) -> str:
    """``_dlt_id`` of one study version: new on every run, so that the previous version's child
    rows become orphans of the merged ``studies`` row and are swept (see ``sweep_orphans``)."""
    return hashlib.md5(f"{nct_id}\x1f{location}\x1f{extracted_at.isoformat(sep=' ')}".encode()).hexdigest()


def child_id(parent_id: str, table: str, index: int) -> str:
    return hashlib.md5(f"{parent_id}\x1f{table}\x1f{index}".encode()).hexdigest()


def study_rows(study: Study, location: str, extracted_at: datetime) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) of one study: the ``studies`` row, then the rows of each child table.

    Child tables are flat tables linked to the study by ``_dlt_parent_id`` (the study row's
    ``_dlt_id``) and ordered by ``_dlt_list_idx``, built here rather than by dlt's normaliser so
    that the per-record path and the bulk fast path (:mod:`.bulk_sql`) write the same tables.
    """
    row = study_to_row(study, location)
    row["extracted_at"] = extracted_at
    parent_id = study_id(study.nct_id, location, extracted_at)
    row["_dlt_id"] = parent_id
    children = {name: row.pop(name) for name in CHILD_LISTS}
    yield "studies", [row]
    for name, items in children.items():
        if items:
            table = f"studies__{name}"
            yield (
                table,
                [
                    {
                        **item,
                        "last_update_post_date": study.last_update_post_date,
                        "_dlt_parent_id": parent_id,
                        "_dlt_root_id": parent_id,
                        "_dlt_list_idx": index,
                        "_dlt_id": child_id(parent_id, name, index),
                    }
                    for index, item in enumerate(items)
                ],
            )


def _sponsor(sponsor: Any) -> dict[str, Any]:
    return {"sponsor_name": sponsor.name, "sponsor_class": sponsor.sponsor_class}


def _studies_in(payload: Any) -> list[Any]:
    """A bulk file holds one study, a list of studies, or an API page (``{"studies": [...]}``)."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, dict) and isinstance(payload.get("studies"), list):
        return payload["studies"]
    return [payload]


def _texts(location: str, raw: bytes) -> Iterator[tuple[str, str] | UnreadableDocument]:
    """The JSON texts of one bulk file with their locations (one per line of NDJSON)."""
    try:
        text = decode_bytes(raw, location)
    except UnicodeDecodeError as exc:
        yield UnreadableDocument(location, undecodable_reason(raw, exc))
        return
    if not text.strip():
        yield UnreadableDocument(location, "empty file: no data rows")
        return
    if location.endswith((".ndjson", ".jsonl")):
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield f"{location}:{number}", line
        return
    yield location, text


def parse_text(location: str, text: str) -> Iterator[StudyDocument | UnreadableDocument]:
    """The study documents of one JSON text (a study, a list of studies or an API page)."""
    return _parse_json(location, text)


class DuplicateKeyError(ValueError):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects with a key twice are ambiguous (parsers keep either value): reject them."""
    # Called for every object of every document: the dict is built in one call, and only an
    # object that lost a key is searched for the key it had twice.
    unique = dict(pairs)
    if len(unique) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(f"duplicated JSON key {key!r}")
            seen.add(key)
    return unique


NOT_STRICT_JSON = object()
"""What :func:`strict_json` returns for a text :func:`parse_text` does not read as JSON."""


def strict_json(text: str) -> Any:
    """``text`` as JSON when :func:`parse_text` reads it as JSON at all (not invalid, no key
    twice in one object, not nested too deeply), else :data:`NOT_STRICT_JSON`. DuckDB's parser
    accepts duplicated keys (and keeps one value), so the bulk fast path asks this first and
    leaves every other text to the per-record path, which quarantines it with the reason; it
    shapes the results section from the value returned (:mod:`.results`)."""
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError):  # JSONDecodeError and DuplicateKeyError are ValueErrors
        return NOT_STRICT_JSON


def parses_strictly(text: str) -> bool:
    """Whether :func:`strict_json` reads ``text``."""
    return strict_json(text) is not NOT_STRICT_JSON


def _parse_json(location: str, text: str) -> Iterator[StudyDocument | UnreadableDocument]:
    try:
        payload = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        yield UnreadableDocument(
            location, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", text[:2000]
        )
        return
    except DuplicateKeyError as exc:
        yield UnreadableDocument(location, str(exc), text[:2000])
        return
    except RecursionError:
        yield UnreadableDocument(location, "JSON nested too deeply", text[:2000])
        return
    studies = _studies_in(payload)
    for index, document in enumerate(studies):
        yield StudyDocument(document, location if len(studies) == 1 else f"{location}#{index}")


BULK_SUFFIXES = (".json", ".ndjson", ".jsonl")


def iter_bulk_texts(files: list[InputPath]) -> Iterator[tuple[str, str] | UnreadableDocument]:
    """(location, JSON text) of every document of a bulk download: study JSON files, or zip
    archives of them (read member by member in name order, so that runs are reproducible; one
    file is in memory at a time)."""
    for file in files:
        if file.path.name.lower().endswith(".zip") and zipfile.is_zipfile(file.path):
            with zipfile.ZipFile(file.path) as archive:
                for name in sorted(n for n in archive.namelist() if n.lower().endswith(BULK_SUFFIXES)):
                    yield from _texts(f"{file.location}!{name}", archive.read(name))
        elif file.location.endswith((".ndjson", ".jsonl")) and is_utf8_file(file.path):
            # Line by line: a JSON lines file can hold the whole registry.
            yield from _ndjson_texts(file)
        else:
            yield from _texts(file.location, file.read_bytes())


def _ndjson_texts(file: InputPath) -> Iterator[tuple[str, str] | UnreadableDocument]:
    """What :func:`_texts` gives for a UTF-8 JSON lines file, streamed (one line in memory)."""
    blank = True
    for number, line in enumerate(iter_utf8_lines(file.path, file.location), start=1):
        if line.strip():
            blank = False
            yield f"{file.location}:{number}", line
    if blank:
        yield UnreadableDocument(file.location, "empty file: no data rows")


def iter_bulk(files: list[InputPath]) -> Iterator[StudyDocument | UnreadableDocument]:
    """Study documents of a bulk download (see :func:`iter_bulk_texts`)."""
    for item in iter_bulk_texts(files):
        if isinstance(item, UnreadableDocument):
            yield item
        else:
            yield from _parse_json(*item)


def is_study_json(head: bytes) -> bool:
    """Whether a JSON file starts like ClinicalTrials.gov study records: a study document
    (``protocolSection``), an API page (``studies``) or JSON lines of them."""
    text = head_text(head).lstrip()
    return text[:1] in ("{", "[") and ('"protocolSection"' in text or '"nctId"' in text)


def is_study_archive(path: Path) -> bool:
    """Whether a zip archive holds study JSON files (the ClinicalTrials.gov bulk download)."""
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        members = [n for n in archive.namelist() if n.lower().endswith(BULK_SUFFIXES)]
        return bool(members) and is_study_json(archive.read(members[0])[:65536])


def page_checker(counter: list[int]) -> Callable[[Response, Any, Any], None]:
    """A response hook that numbers pages and turns an unreadable page into a clear error."""

    def check(response: Response, *args: Any, **kwargs: Any) -> None:
        counter[0] += 1
        page = counter[0]
        where = f"ClinicalTrials.gov studies page {page} ({response.url})"
        if response.status_code >= 400:
            raise CtgovPageError(f"{where}: HTTP {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError as exc:
            raise CtgovPageError(f"{where}: response is not valid JSON ({exc})") from None
        if not isinstance(body, dict) or not isinstance(body.get("studies"), list):
            raise CtgovPageError(f"{where}: response has no 'studies' list")

    return check


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def has_nested_child_tables(pipeline: Any) -> bool:
    """Whether the warehouse still has the child tables as dlt nested tables (the layout before
    the bulk fast path). They cannot become flat tables in place: the source's tables and state
    are dropped and everything is extracted again, once."""
    if not pipeline.default_schema_name:
        return False
    tables = pipeline.default_schema.tables
    return any(name.startswith("studies__") and table.get("parent") for name, table in tables.items())


def sweep_orphans(pipeline: Any) -> dict[str, int]:
    """Delete child rows whose study row is gone: the rows of a study's previous version after
    the merge replaced it, or of a snapshot the merge did not keep. Returns rows deleted per table.

    Runs after every load (an interrupted run's leftovers are swept by the next run); on the
    0.25% a weekly run changes it is an anti-join per child table. The filesystem destination
    (Parquet for Spark) only appends: there the raw views drop orphans at read time instead
    (macros/spark/register_parquet_sources.sql).
    """
    deleted: dict[str, int] = {}
    schema = pipeline.default_schema
    if "studies" not in schema.tables or pipeline.destination.destination_name == "filesystem":
        return deleted
    with pipeline.sql_client() as client:
        studies = client.make_qualified_table_name("studies")
        for name in (*CHILD_LISTS, *RESULT_TABLES):
            table_name = f"studies__{name}"
            if table_name not in schema.tables or not client.has_dataset():
                continue
            table = client.make_qualified_table_name(table_name)
            try:
                rows = client.execute_sql(
                    f"delete from {table} as c where not exists "
                    f"(select 1 from {studies} as s where s._dlt_id = c._dlt_parent_id)"
                )
            except Exception as exc:  # a table in the schema but never loaded
                if "does not exist" in str(exc) or "not found" in str(exc).lower():
                    continue
                raise
            deleted[table_name] = int(rows[0][0]) if rows and rows[0] else 0
    return deleted
