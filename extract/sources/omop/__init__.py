"""OMOP CDM tables of approved cohorts, read from the collaborator's database through SQL.

Resources:

- ``cohorts``: the approved cohorts (registry rows), rejections of the registry to ``quarantine``;
- ``cohort_membership``: (cohort, person) links, so a person in two cohorts is stored once and
  linked to both;
- one resource per CDM table (``person``, ``condition_occurrence``...), merged on the table's
  primary key, plus a ``cohort_watermark`` row per cohort and table.

Per cohort and table, the resource state holds the high-water mark of ``load_dt`` already
ingested. A cohort without a mark gets the full history of its persons; a cohort with one gets
``load_dt > mark``. The person filter is part of the SQL the source executes: a join to our
cohort list in the sandbox schema, or bounded IN-lists of bound parameters. dlt commits the
state with the load package, so marks only advance when the rows they cover are loaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, and_, select

from extract.inputs import InputPath, Reads
from extract.quarantine import Rejection, add_quarantine_table, quarantine_item
from extract.runner import SourceSpec

from . import cdm
from . import settings as omop_settings
from .cohorts import (
    Cohort,
    chunks,
    is_cohort_list,
    load_registry,
    sync_sandbox,
    unknown_person_rejections,
    unknown_persons,
)
from .settings import DATASET_NAME, DEFAULT_BATCH_SIZE, DEFAULT_IN_LIST_SIZE, SOURCE_NAME
from .source_db import build, exists, make_engine

WATERMARK_TABLE = "cohort_watermark"
WATERMARK_KEY = ["cohort_id", "table_name"]
WATERMARK_COLUMNS: dict[str, dict[str, Any]] = {
    "cohort_id": {"data_type": "text", "nullable": False},
    "table_name": {"data_type": "text", "nullable": False},
    "high_water_mark": {"data_type": "timestamp", "nullable": True},
    "rows_extracted": {"data_type": "bigint", "nullable": False},
    "extracted_at": {"data_type": "timestamp", "nullable": False},
}
COHORT_COLUMNS: dict[str, dict[str, Any]] = {
    "cohort_id": {"data_type": "text", "nullable": False},
    "cohort_name": {"data_type": "text", "nullable": False},
    "approved_on": {"data_type": "date", "nullable": False},
    "person_count": {"data_type": "bigint", "nullable": False},
    "person_list_sha256": {"data_type": "text", "nullable": False},
    "registry_file": {"data_type": "text", "nullable": True},
}
MEMBERSHIP_COLUMNS: dict[str, dict[str, Any]] = {
    "cohort_id": {"data_type": "text", "nullable": False},
    "person_id": {"data_type": "bigint", "nullable": False},
}


class CohortChanged(ValueError):
    """An already ingested cohort's person list changed; a changed list needs a new cohort ID."""


def _watermark(row: dict[str, Any]) -> Any:
    """A watermark row routed to its own table (a table variant with its own key and columns)."""
    hints = dlt.mark.make_hints(
        table_name=WATERMARK_TABLE,
        primary_key=WATERMARK_KEY,
        columns=WATERMARK_COLUMNS,
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
    )
    return dlt.mark.with_hints(row, hints, create_table_variant=True)


def cohort_statement(
    table_name: str,
    cohort: Cohort,
    mark: datetime | None,
    person_filter: str,
    person_ids: Sequence[int] = (),
) -> Any:
    """The SELECT reading one cohort's rows of one table newer than ``mark``: the person filter
    and the mark are in the statement, every value a bound parameter."""
    table = cdm.cdm_tables[table_name]
    statement = select(*table.c)
    if person_filter == "sandbox":
        member = cdm.cohort_member
        statement = statement.select_from(
            table.join(
                member,
                and_(member.c.person_id == table.c.person_id, member.c.cohort_id == cohort.cohort_id),
            )
        )
    else:
        statement = statement.where(table.c.person_id.in_(list(person_ids)))
    if mark is not None:
        statement = statement.where(table.c[cdm.LOAD_DT] > mark)
    return statement.order_by(table.c[cdm.LOAD_DT], table.c[cdm.primary_key(table_name)])


def _fetch(
    engine: Engine,
    table_name: str,
    cohort: Cohort,
    mark: datetime | None,
    person_filter: str,
    batch_size: int,
    in_list_size: int,
) -> Iterator[pa.Table]:
    """The cohort's rows newer than ``mark`` as Arrow batches, streamed from the source."""
    if person_filter == "sandbox":
        statements = [cohort_statement(table_name, cohort, mark, person_filter)]
    else:
        statements = [
            cohort_statement(table_name, cohort, mark, person_filter, chunk)
            for chunk in chunks(cohort.person_ids, in_list_size)
        ]
    schema = cdm.arrow_schema(table_name)
    with engine.connect() as connection:
        for statement in statements:
            result = connection.execution_options(yield_per=batch_size).execute(statement)
            for partition in result.partitions():
                columns = list(zip(*partition, strict=True))
                yield pa.Table.from_arrays(
                    [pa.array(values, type=field.type) for values, field in zip(columns, schema, strict=True)],
                    schema=schema,
                )


def table_resource(
    engine: Engine,
    table_name: str,
    cohorts: Sequence[Cohort],
    person_filter: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    in_list_size: int = DEFAULT_IN_LIST_SIZE,
) -> Any:
    """One CDM table for every cohort, each from its own high-water mark."""

    def rows() -> Iterator[Any]:
        marks: dict[str, str] = dlt.current.resource_state().setdefault("high_water_marks", {})
        for cohort in cohorts:
            stored = marks.get(cohort.cohort_id)
            mark = datetime.fromisoformat(stored) if stored else None
            newest, count = mark, 0
            for batch in _fetch(engine, table_name, cohort, mark, person_filter, batch_size, in_list_size):
                latest = pc.max(batch[cdm.LOAD_DT]).as_py()
                newest = latest if newest is None or latest > newest else newest
                count += batch.num_rows
                yield batch
            if count == 0:
                # No rows: an empty batch still creates the table with its CDM types, so
                # dbt finds every table even when no cohort has, say, a death.
                yield cdm.arrow_schema(table_name).empty_table()
            if newest is not None:
                marks[cohort.cohort_id] = newest.isoformat()
            yield _watermark(
                {
                    "cohort_id": cohort.cohort_id,
                    "table_name": table_name,
                    "high_water_mark": newest,
                    "rows_extracted": count,
                    "extracted_at": datetime.now(UTC).replace(tzinfo=None),
                }
            )

    return dlt.resource(
        rows,
        name=table_name,
        # Column types come from each batch's Arrow schema (cdm.arrow_schema); declaring them here
        # as well would leak into the watermark table variant.
        primary_key=cdm.primary_key(table_name),
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        schema_contract={"tables": "evolve", "columns": "evolve", "data_type": "freeze"},
    )


@dlt.source(name=SOURCE_NAME, max_table_nesting=0)
def omop_source(
    engine: Engine,
    cohorts: Sequence[Cohort],
    person_filter: str = "sandbox",
    tables: Sequence[str] = cdm.CLINICAL_TABLES,
    rejections: Sequence[Rejection] = (),
    unknown_persons: dict[str, list[int]] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    in_list_size: int = DEFAULT_IN_LIST_SIZE,
) -> Any:
    """The approved cohorts' CDM rows.

    Args:
        engine: SQLAlchemy engine on the collaborator's database.
        cohorts: the approved cohorts (validated registry).
        person_filter: ``sandbox`` (join to ``sandbox.ctw_cohort_member``, which the caller has
            filled) or ``in_list`` (bounded IN-lists of bound parameters).
        tables: the CDM tables to read.
        rejections: registry problems, written to ``quarantine``.
        unknown_persons: per cohort, listed person IDs the source does not know (not linked).
        batch_size: rows per batch read from the source.
        in_list_size: person IDs per IN-list.
    """
    unknown = {cohort_id: set(ids) for cohort_id, ids in (unknown_persons or {}).items()}

    @dlt.resource(
        name="cohorts",
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        table_name="cohorts",
        primary_key="cohort_id",
        columns=COHORT_COLUMNS,
    )
    def cohort_rows() -> Iterator[dict[str, Any]]:
        """The registry, one row per approved cohort; registry problems to ``quarantine``."""
        fingerprints: dict[str, str] = dlt.current.resource_state().setdefault("person_list_sha256", {})
        for cohort in cohorts:
            known = fingerprints.get(cohort.cohort_id)
            if known and known != cohort.fingerprint:
                raise CohortChanged(
                    f"cohort {cohort.cohort_id!r} ({cohort.location}): its person list differs "
                    "from the one already ingested; approve the new list under a new cohort_id"
                )
            fingerprints[cohort.cohort_id] = cohort.fingerprint
            yield {
                "cohort_id": cohort.cohort_id,
                "cohort_name": cohort.cohort_name,
                "approved_on": cohort.approved_on,
                "person_count": len(cohort.person_ids) - len(unknown.get(cohort.cohort_id, ())),
                "person_list_sha256": cohort.fingerprint,
                "registry_file": cohort.location or None,
            }
        for rejection in rejections:
            yield quarantine_item(rejection.to_row())

    @dlt.resource(
        name="cohort_membership",
        primary_key=["cohort_id", "person_id"],
        write_disposition={"disposition": "merge", "strategy": "delete-insert"},
        columns=MEMBERSHIP_COLUMNS,
    )
    def membership() -> Iterator[list[dict[str, Any]]]:
        """(cohort, person) links for persons the source knows."""
        for cohort in cohorts:
            missing = unknown.get(cohort.cohort_id, set())
            yield [
                {"cohort_id": cohort.cohort_id, "person_id": person}
                for person in cohort.person_ids
                if person not in missing
            ]

    yield add_quarantine_table(cohort_rows)
    yield membership
    for table_name in tables:
        yield table_resource(engine, table_name, cohorts, person_filter, batch_size, in_list_size)


def extraction(
    files: list[InputPath],
    *,
    source_url: str | None = None,
    person_filter: str | None = None,
    engine: Engine | None = None,
    in_list_size: int = DEFAULT_IN_LIST_SIZE,
) -> Any:
    """The approved cohorts among ``files``: validate the registry, push the cohort lists to the
    sandbox (``sandbox`` mode) and read every cohort's rows from its own high-water marks.

    The collaborator's database is configuration (``CTW_OMOP_SOURCE_URL``, or ``source_url`` /
    ``engine``); without it the local stand-in is built from the bundled samples if missing.
    """
    local = engine is None and source_url is None and "CTW_OMOP_SOURCE_URL" not in os.environ
    engine = engine or make_engine(source_url)
    if local and not exists(engine):
        build(engine)
    mode = person_filter or omop_settings.person_filter()
    registry = load_registry(files)
    rejections = list(registry.rejections)
    unknown: dict[str, list[int]] = {}
    with engine.begin() as connection:
        if mode == "sandbox":
            sync_sandbox(connection, registry.cohorts)
        for cohort in registry.cohorts:
            unknown[cohort.cohort_id] = unknown_persons(connection, cohort, mode, in_list_size)
            rejections.extend(unknown_person_rejections(cohort, unknown[cohort.cohort_id]))
    return omop_source(
        engine,
        registry.cohorts,
        person_filter=mode,
        rejections=rejections,
        unknown_persons=unknown,
        in_list_size=in_list_size,
    )


SPEC = SourceSpec(
    name=SOURCE_NAME,
    dataset=DATASET_NAME,
    description="OMOP CDM rows of approved cohorts (--input: the folder of approved cohort lists)",
    reads=Reads("approved cohort lists (JSON objects with cohort_id and person_ids)", (".json",), is_cohort_list),
    sample_input=omop_settings.cohorts_dir,
    make=extraction,
    options=frozenset({"source_url", "person_filter", "engine", "in_list_size"}),
    order=50,
)
