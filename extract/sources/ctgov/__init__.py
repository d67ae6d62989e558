"""ClinicalTrials.gov (API v2) as a dlt source.

One resource, ``studies``, reads either the live API (``GET /studies``, paginated with
``pageToken``/``nextPageToken``) or a bulk download (a folder or zip of study JSON files, the way
ClinicalTrials.gov distributes its full data set). Both paths apply the same validation rules,
the same incremental cursor on ``lastUpdatePostDate``, and merge on the NCT ID.

API pages, and bulk input with ``bulk_engine="python"``, are validated record by record by the
pydantic model and shaped in Python; dlt's normaliser makes the child tables. Bulk input with
``bulk_engine="duckdb"`` (the default) is parsed, checked and flattened by DuckDB in batches
(:mod:`.bulk_sql`) and reaches dlt as Arrow tables, one per table; documents the SQL checks do
not accept fall back to the per-record path, so quarantine rows are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from extract.inputs import InputPath, Reads
from extract.quarantine import MERGE_ON_KEY, Rejection, add_quarantine_table, quarantine_item, set_table_variant
from extract.runner import Extraction, SourceSpec
from extract.schema_hints import column_hints, conform_arrow
from extract.settings import DEMO_DATA_DIR

from .bulk_sql import BulkDocument, BulkParser, child_column_hints, iter_batches
from .helpers import (
    NOT_STRICT_JSON,
    StudyDocument,
    UnreadableDocument,
    has_nested_child_tables,
    is_study_archive,
    is_study_json,
    iter_bulk,
    iter_bulk_texts,
    now_utc,
    page_checker,
    parse_text,
    strict_json,
    study_id,
    study_rows,
    sweep_orphans,
)
from .models import Study, StudyRejected, parse_study
from .results import linked_results_rows, result_column_hints, results_tuples
from .settings import (
    BULK_BATCH_SIZE,
    BULK_MAX_DOCUMENT_CHARS,
    DATASET_NAME,
    DEFAULT_BASE_URL,
    DEFAULT_BULK_ENGINE,
    DEFAULT_PAGE_SIZE,
    INITIAL_LAST_UPDATE,
    SOURCE_NAME,
    STUDIES_PATH,
)

_CHILD_HINTS = {**child_column_hints(), **result_column_hints()}

# Every scalar field of the boundary model is declared, so a load in which no study has, say,
# an acronym still creates the column and the staging models keep compiling.
STUDY_COLUMNS: dict[str, dict[str, Any]] = {
    **column_hints(Study),
    "nct_id": {"data_type": "text", "nullable": False},
    "last_update_post_date": {"data_type": "text", "nullable": False},
    "phases": {"data_type": "text"},
    "source_location": {"data_type": "text"},
    # Two snapshots of one study in the same load: keep the newest version.
    "version_holder": {"data_type": "text", "dedup_sort": "desc"},
    "extracted_at": {"data_type": "timestamp"},
    "_dlt_id": {"data_type": "text", "nullable": False, "row_key": True, "unique": True},
}


def advanced_filter(start: str | None, extra: str | None = None) -> str | None:
    """The API's Essie expression restricting studies to those updated on or after ``start``."""
    clauses = [f"AREA[LastUpdatePostDate]RANGE[{start},MAX]"] if start else []
    if extra:
        clauses.append(f"({extra})")
    return " AND ".join(clauses) or None


@dlt.source(name=SOURCE_NAME)
def ctgov_source(
    base_url: str = dlt.config.value,
    page_size: int = DEFAULT_PAGE_SIZE,
    query_term: str | None = None,
    advanced_query: str | None = None,
    max_pages: int | None = None,
    bulk_files: list[InputPath] | None = None,
    initial_last_update: str = INITIAL_LAST_UPDATE,
    bulk_engine: str = DEFAULT_BULK_ENGINE,
    bulk_batch_size: int = BULK_BATCH_SIZE,
) -> Any:
    """ClinicalTrials.gov studies.

    Args:
        base_url: API root, ``https://clinicaltrials.gov/api/v2`` in production.
        page_size: studies per page (the API allows up to 1,000).
        query_term: optional ``query.term`` search expression.
        advanced_query: optional extra ``filter.advanced`` Essie expression.
        max_pages: stop after this many pages (for trying the live API on a sample).
        bulk_files: read these study JSON files or zip archives of them (see
            :mod:`extract.inputs`) instead of the API.
        initial_last_update: first-run lower bound of the last-update-posted date.
        bulk_engine: ``duckdb`` (SQL fast path, Arrow into dlt) or ``python`` (record by record).
        bulk_batch_size: documents per DuckDB batch (memory is bounded by the batch, not by N).
    """
    if bulk_engine not in ("duckdb", "python"):
        raise ValueError(f"bulk_engine must be 'duckdb' or 'python', not {bulk_engine!r}")
    resource = studies(
        base_url=base_url or DEFAULT_BASE_URL,
        page_size=page_size,
        query_term=query_term,
        advanced_query=advanced_query,
        max_pages=max_pages,
        bulk_files=bulk_files,
        last_update=dlt.sources.incremental(
            "last_update_post_date",
            initial_value=initial_last_update,
            primary_key="nct_id",
            # Quarantine rows carry no cursor; they must still reach their table.
            on_cursor_value_missing="include",
        ),
        bulk_engine=bulk_engine,
        bulk_batch_size=bulk_batch_size,
    )
    add_quarantine_table(resource)
    # Child tables are appended; the previous version's rows of a re-loaded study are swept
    # after the load (see :func:`sweep_orphans`), which also covers a list that emptied.
    for table_name, columns in _CHILD_HINTS.items():
        set_table_variant(
            resource, dlt.mark.make_hints(table_name=table_name, columns=columns, write_disposition="append")
        )
    return resource


# Static hints only: dlt computes each table's schema once per load. Quarantine rows and the
# fast path's child tables are sent to their tables by name (table variants, see ctgov_source).
@dlt.resource(
    name="studies",
    write_disposition=MERGE_ON_KEY,
    table_name="studies",
    primary_key="nct_id",
    columns=STUDY_COLUMNS,
    schema_contract={"tables": "evolve", "columns": "evolve", "data_type": "freeze"},
)
def studies(
    base_url: str = DEFAULT_BASE_URL,
    page_size: int = DEFAULT_PAGE_SIZE,
    query_term: str | None = None,
    advanced_query: str | None = None,
    max_pages: int | None = None,
    bulk_files: list[InputPath] | None = None,
    last_update: dlt.sources.incremental[str] = dlt.sources.incremental(
        "last_update_post_date", initial_value=INITIAL_LAST_UPDATE, on_cursor_value_missing="include"
    ),
    bulk_engine: str = DEFAULT_BULK_ENGINE,
    bulk_batch_size: int = BULK_BATCH_SIZE,
) -> Iterator[Any]:
    """Validated studies, newest first seen; rejected ones go to the ``quarantine`` table."""
    extracted_at = now_utc()
    if bulk_files and bulk_engine == "duckdb":
        yield from _bulk_with_duckdb(bulk_files, bulk_batch_size, extracted_at)
        return
    if bulk_files:
        documents: Iterator[StudyDocument | UnreadableDocument] = iter_bulk(bulk_files)
    else:
        documents = _api_documents(
            base_url, page_size, query_term, advanced_filter(last_update.start_value, advanced_query), max_pages
        )
    yield from _validated_rows(documents, extracted_at)


def _validated_rows(documents: Iterator[StudyDocument | UnreadableDocument], extracted_at: datetime) -> Iterator[Any]:
    """The per-record path: pydantic validation, Python shaping, quarantine rows with reasons."""
    for item in documents:
        if isinstance(item, UnreadableDocument):
            yield quarantine_item(
                Rejection(SOURCE_NAME, item.location, item.reason, field="<file>", raw_record=item.raw).to_row()
            )
            continue
        try:
            study = parse_study(item.document)
        except StudyRejected as rejected:
            for path, reason in rejected.errors:
                yield quarantine_item(
                    Rejection(
                        SOURCE_NAME, item.location, reason, rejected.record_id, path, item.document, key_on_record=True
                    ).to_row()
                )
            continue
        for table, rows in study_rows(study, item.location, extracted_at):
            yield rows[0] if table == "studies" else dlt.mark.with_table_name(rows, table)
        parent_id = study_id(study.nct_id, item.location, extracted_at)
        tables, problems = linked_results_rows(item.document, parent_id, study.last_update_post_date, study.nct_id)
        for table, rows in tables:
            yield dlt.mark.with_table_name(rows, table)
        yield from _results_problems(item.location, study.nct_id, problems)


def _results_problems(location: str, nct_id: str, problems: list[tuple[str, str]]) -> Iterator[Any]:
    """Quarantine rows for the parts of a study's results that could not be read (the rest of
    the study, results included, is loaded)."""
    for path, reason in problems:
        yield quarantine_item(
            Rejection(SOURCE_NAME, location, reason, nct_id, path, None, key_on_record=True).to_row()
        )


def _bulk_with_duckdb(files: list[InputPath], batch_size: int, extracted_at: datetime) -> Iterator[Any]:
    """The bulk fast path (see :mod:`.bulk_sql`): Arrow tables per batch, deferred documents
    through the per-record path."""
    parser = BulkParser()
    # Unreadable files, texts that are not plain JSON (a key twice) and very long documents go
    # through the per-record path.
    per_record: list[StudyDocument | UnreadableDocument] = []

    def texts() -> Iterator[BulkDocument]:
        for item in iter_bulk_texts(files):
            if isinstance(item, UnreadableDocument):
                per_record.append(item)
                continue
            location, text = item
            document = strict_json(text) if len(text) <= BULK_MAX_DOCUMENT_CHARS else NOT_STRICT_JSON
            if document is NOT_STRICT_JSON:
                per_record.extend(parse_text(location, text))
            else:
                # The results section is shaped from this parse (the one that checks for
                # duplicated keys); only the rows are kept, and only an accepted study's are loaded.
                yield location, text, results_tuples(document)

    try:
        for batch in iter_batches(texts(), batch_size):
            parsed = parser.parse(batch, extracted_at)
            for table_name, table in parsed.tables.items():
                if table.num_rows == 0:
                    continue
                if table_name == "studies":
                    yield conform_arrow(table, STUDY_COLUMNS)
                else:
                    yield dlt.mark.with_table_name(conform_arrow(table, _CHILD_HINTS[table_name]), table_name)
            deferred = (doc for location, text in parsed.deferred for doc in parse_text(location, text))
            for location, nct_id, problems in parsed.results_problems:
                yield from _results_problems(location, nct_id, problems)
            yield from _validated_rows(deferred, extracted_at)
            yield from _validated_rows(iter(per_record), extracted_at)
            per_record.clear()
    finally:
        parser.close()
    yield from _validated_rows(iter(per_record), extracted_at)


def _api_documents(
    base_url: str, page_size: int, query_term: str | None, advanced: str | None, max_pages: int | None
) -> Iterator[StudyDocument]:
    client = RESTClient(
        base_url=base_url,
        paginator=JSONResponseCursorPaginator(cursor_path="nextPageToken", cursor_param="pageToken"),
        data_selector="studies",
    )
    params: dict[str, Any] = {"format": "json", "pageSize": page_size}
    if query_term:
        params["query.term"] = query_term
    if advanced:
        params["filter.advanced"] = advanced
    pages = [0]
    for page in client.paginate(STUDIES_PATH, params=params, hooks={"response": [page_checker(pages)]}):
        for document in page:
            yield StudyDocument(document, f"page {pages[0]}")
        if max_pages and pages[0] >= max_pages:
            break


def extraction(
    files: list[InputPath],
    *,
    api: bool = False,
    base_url: str | None = None,
    max_pages: int | None = None,
    page_size: int | None = None,
    query_term: str | None = None,
    bulk_engine: str | None = None,
) -> Extraction:
    """Studies from bulk ``files``, or from the API when ``api`` is set. A warehouse whose child
    tables are still dlt nested tables (the layout before the bulk fast path) is reloaded from
    scratch once; after every load the previous versions' child rows are swept."""
    given = {
        "base_url": base_url,
        "max_pages": max_pages,
        "page_size": page_size,
        "query_term": query_term,
        "bulk_engine": bulk_engine,
    }
    options = {name: value for name, value in given.items() if value is not None}
    return Extraction(
        ctgov_source(bulk_files=None if api else files, **options),
        refresh=lambda pipeline: "drop_sources" if has_nested_child_tables(pipeline) else None,
        after_load=lambda pipeline, summary: sweep_orphans(pipeline),
    )


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="ClinicalTrials.gov studies (bulk JSON files or zip; the live API with --api)",
    reads=Reads(
        "ClinicalTrials.gov study JSON (documents with a protocolSection, or a zip of them)",
        (".json", ".ndjson", ".jsonl", ".zip"),
        is_study_json,
        archives=True,
        recognise_path=is_study_archive,
        path_suffixes=(".zip",),
    ),
    sample_input=DEMO_DATA_DIR / "ctgov" / "studies",
    make=extraction,
    options=frozenset({"api", "base_url", "max_pages", "page_size", "query_term", "bulk_engine"}),
    needs_input=lambda options: not options.get("api"),
    order=10,
)
