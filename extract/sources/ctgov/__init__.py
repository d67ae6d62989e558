"""ClinicalTrials.gov (API v2) as a dlt source.

One resource, ``studies``, reads either the live API (``GET /studies``, paginated with
``pageToken``/``nextPageToken``) or a bulk download (a folder or zip of study JSON files, the way
ClinicalTrials.gov distributes its full data set). Both paths go through the same validation,
shaping and incremental cursor on ``lastUpdatePostDate``, and merge on the NCT ID.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator

from extract.quarantine import Rejection, routed_hints
from extract.schema_hints import column_hints

from .helpers import StudyDocument, UnreadableDocument, iter_bulk, page_checker, study_to_row
from .models import Study, StudyRejected, parse_study
from .settings import DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE, INITIAL_LAST_UPDATE, SOURCE_NAME, STUDIES_PATH

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
    bulk_path: str | None = None,
    initial_last_update: str = INITIAL_LAST_UPDATE,
) -> Any:
    """ClinicalTrials.gov studies.

    Args:
        base_url: API root, ``https://clinicaltrials.gov/api/v2`` in production.
        page_size: studies per page (the API allows up to 1,000).
        query_term: optional ``query.term`` search expression.
        advanced_query: optional extra ``filter.advanced`` Essie expression.
        max_pages: stop after this many pages (for trying the live API on a sample).
        bulk_path: read this folder or zip of study JSON files instead of the API.
        initial_last_update: first-run lower bound of the last-update-posted date.
    """
    return studies(
        base_url=base_url or DEFAULT_BASE_URL,
        page_size=page_size,
        query_term=query_term,
        advanced_query=advanced_query,
        max_pages=max_pages,
        bulk_path=bulk_path,
        last_update=dlt.sources.incremental(
            "last_update_post_date",
            initial_value=initial_last_update,
            primary_key="nct_id",
            # Quarantine rows carry no cursor; they must still reach their table.
            on_cursor_value_missing="include",
        ),
    )


@dlt.resource(
    name="studies",
    write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    **routed_hints("studies", "nct_id", STUDY_COLUMNS),
    schema_contract={"tables": "evolve", "columns": "evolve", "data_type": "freeze"},
)
def studies(
    base_url: str = DEFAULT_BASE_URL,
    page_size: int = DEFAULT_PAGE_SIZE,
    query_term: str | None = None,
    advanced_query: str | None = None,
    max_pages: int | None = None,
    bulk_path: str | None = None,
    last_update: dlt.sources.incremental[str] = dlt.sources.incremental(
        "last_update_post_date", initial_value=INITIAL_LAST_UPDATE, on_cursor_value_missing="include"
    ),
) -> Iterator[Any]:
    """Validated studies, newest first seen; rejected ones go to the ``quarantine`` table."""
    if bulk_path:
        documents: Iterator[StudyDocument | UnreadableDocument] = iter_bulk(Path(bulk_path))
    else:
        documents = _api_documents(
            base_url, page_size, query_term, advanced_filter(last_update.start_value, advanced_query), max_pages
        )
    for item in documents:
        if isinstance(item, UnreadableDocument):
            yield Rejection(SOURCE_NAME, item.location, item.reason, field="<file>", raw_record=item.raw).to_row()
            continue
        try:
            study = parse_study(item.document)
        except StudyRejected as rejected:
            for path, reason in rejected.errors:
                yield Rejection(
                    SOURCE_NAME, item.location, reason, rejected.record_id, path, item.document, key_on_record=True
                ).to_row()
            continue
        yield study_to_row(study, item.location)


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
