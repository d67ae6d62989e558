"""The serving copy: the public marts published from DuckDB to PostgreSQL, and trial search.

A DuckDB file has one writer at a time, so BI tools and the search console read a separate
PostgreSQL database. ``publish()`` copies the public marts (``models/marts/**`` with ``access:
public``; the patient-level marts are ``protected`` and stay in the warehouse) there: dlt loads
them into a private schema (``marts_load``, where dlt's own ``_dlt_*`` tables live too), then one
transaction copies them into a fresh schema with the primary and foreign keys and the comments the
dbt manifest declares, grants the read-only role, and renames it over ``marts``. Readers see the
previous marts or the new ones, never a mix, and a row deleted from a mart is gone.
``build_serving()`` then builds the PostgreSQL-only search model (``models/serving``) with dbt's
``pg`` target, and ``search()`` calls its ``search_trials`` function with bound parameters.

Connection settings come from the environment, the same variables ``profiles.yml`` reads:
``CTW_PG_HOST`` (default ``localhost``), ``CTW_PG_PORT`` (5432), ``CTW_PG_USER`` (postgres),
``CTW_PG_PASSWORD`` (empty), ``CTW_PG_DATABASE`` (ctw; created on first publish when the user
may). Schemas carry ``CTW_SCHEMA_PREFIX`` like every other schema of the project. The read-only
role is ``CTW_PG_READER`` (default ``ctw_reader``; a login role when ``CTW_PG_READER_PASSWORD``
is set).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ctw.dbt import run_dbt
from extract import settings

PUBLISH_PIPELINE = "ctw_publish"
SERVING_SELECTOR = "path:models/serving"
INSTALL_HINT = "pip install -e '.[serving]'"


class ServingError(RuntimeError):
    """PostgreSQL is unreachable, the serving extra is missing, or a publish failed."""


@dataclass(frozen=True)
class PgSettings:
    host: str
    port: int
    user: str
    password: str
    database: str

    @classmethod
    def from_env(cls) -> PgSettings:
        return cls(
            host=os.environ.get("CTW_PG_HOST", "localhost"),
            port=int(os.environ.get("CTW_PG_PORT", "5432")),
            user=os.environ.get("CTW_PG_USER", "postgres"),
            password=os.environ.get("CTW_PG_PASSWORD", ""),
            database=os.environ.get("CTW_PG_DATABASE", "ctw"),
        )

    def describe(self) -> str:
        """Where, without the password."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.database}"

    def connect_kwargs(self, database: str | None = None) -> dict[str, Any]:
        return {
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "dbname": database or self.database,
            "connect_timeout": 5,
            "application_name": "ctw",
        }


def schema_name(layer: str) -> str:
    """A schema name as dbt's generate_schema_name makes it (``CTW_SCHEMA_PREFIX`` + layer)."""
    return os.environ.get("CTW_SCHEMA_PREFIX", "") + layer


def _psycopg2():
    try:
        import psycopg2
    except ImportError as exc:  # the serving extra is optional
        raise ServingError(f"the PostgreSQL driver is not installed; run {INSTALL_HINT}") from exc
    return psycopg2


def connect(pg: PgSettings | None = None, database: str | None = None):
    """A psycopg2 connection to the serving database (``ServingError`` when unreachable)."""
    psycopg2 = _psycopg2()
    pg = pg or PgSettings.from_env()
    try:
        return psycopg2.connect(**pg.connect_kwargs(database))
    except psycopg2.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ServingError(f"cannot connect to PostgreSQL at {pg.describe()}: {reason}") from exc


def ensure_database(pg: PgSettings | None = None) -> None:
    """Connect, creating the serving database first when it is missing and the user may."""
    psycopg2 = _psycopg2()
    pg = pg or PgSettings.from_env()
    try:
        connect(pg).close()
        return
    except ServingError as exc:
        if not isinstance(exc.__cause__, psycopg2.OperationalError) or "does not exist" not in str(exc):
            raise
    maintenance = connect(pg, database="postgres")
    try:
        maintenance.autocommit = True
        with maintenance.cursor() as cursor:
            cursor.execute("select 1 from pg_database where datname = %s", (pg.database,))
            if cursor.fetchone() is None:
                from psycopg2 import sql

                cursor.execute(sql.SQL("create database {}").format(sql.Identifier(pg.database)))
    finally:
        maintenance.close()


def unreachable_reason(pg: PgSettings | None = None) -> str | None:
    """None when the serving database can be published to; otherwise why not, in one line."""
    try:
        ensure_database(pg)
    except ServingError as exc:
        return str(exc)
    except Exception as exc:  # noqa: BLE001 - any driver error means "not reachable"
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


# ---------------------------------------------------------------------------------------------
# Which tables to publish, and their keys, from the dbt manifest


@dataclass(frozen=True)
class MartTable:
    name: str
    schema: str
    primary_key: tuple[str, ...]
    columns: tuple[str, ...] = field(default=())


def _manifest_path() -> Path:
    return settings.dbt_target_dir() / "manifest.json"


def _column_tests(manifest: dict, model_id: str) -> tuple[set[str], set[str], list[list[str]]]:
    """Columns with a unique test, columns with a not_null test (or in a not_null_columns test),
    compound-unique column lists."""
    unique, not_null, compound = set(), set(), []
    for node in manifest["nodes"].values():
        if node.get("resource_type") != "test" or model_id not in node.get("depends_on", {}).get("nodes", []):
            continue
        metadata = node.get("test_metadata") or {}
        name, kwargs = metadata.get("name"), metadata.get("kwargs") or {}
        column = node.get("column_name") or kwargs.get("column_name")
        if name == "unique" and column:
            unique.add(column)
        elif name == "not_null" and column:
            not_null.add(column)
        elif name == "not_null_columns":
            not_null.update(kwargs.get("column_names") or [])
        elif name in {"expect_compound_columns_to_be_unique", "unique_combination_of_columns"}:
            columns = kwargs.get("column_list") or kwargs.get("combination_of_columns")
            if columns:
                compound.append(list(columns))
    return unique, not_null, compound


def primary_key_of(manifest: dict, model_id: str) -> tuple[str, ...]:
    """The model's key: a primary_key constraint, else a column tested unique and not null, else a
    compound-unique test. Empty when the model declares none."""
    node = manifest["nodes"][model_id]
    for constraint in node.get("constraints") or []:
        if constraint.get("type") == "primary_key" and constraint.get("columns"):
            return tuple(constraint["columns"])
    for name, column in (node.get("columns") or {}).items():
        if any(c.get("type") == "primary_key" for c in column.get("constraints") or []):
            return (name,)
    unique, not_null, compound = _column_tests(manifest, model_id)
    # Prefer the declared column order, so the first documented id column wins.
    for name in node.get("columns") or {}:
        if name in unique and name in not_null:
            return (name,)
    if compound:
        return tuple(compound[0])
    return ()


def load_manifest() -> dict:
    """dbt's manifest of the warehouse (``dbt parse`` first when there is none)."""
    path = _manifest_path()
    if not path.exists():
        run_dbt(["parse"])
    return json.loads(path.read_text())


def mart_tables(manifest: dict | None = None) -> list[MartTable]:
    """Every enabled public mart under models/marts/ materialised as a table, with its key.
    Marts kept inside the warehouse (patient-level rows) are ``access: protected``: not published."""
    if manifest is None:
        manifest = load_manifest()
    project = manifest["metadata"].get("project_name") or "clinical_trials_warehouse"
    tables = []
    for model_id, node in manifest["nodes"].items():
        if node.get("resource_type") != "model" or node.get("package_name") != project:
            continue
        if not node.get("original_file_path", "").startswith("models/marts/"):
            continue
        config = node.get("config") or {}
        if not config.get("enabled", True) or config.get("materialized") not in {"table", "incremental"}:
            continue
        if node.get("access", config.get("access")) not in {None, "public"}:
            continue
        key = primary_key_of(manifest, model_id)
        if not key:
            raise ServingError(
                f"mart {node['name']} declares no primary key (a primary_key constraint, a unique and "
                "not_null column, or expect_compound_columns_to_be_unique); publish merges on it"
            )
        tables.append(MartTable(node["alias"] or node["name"], node["schema"], key, tuple(node.get("columns") or ())))
    return sorted(tables, key=lambda table: table.name)


# ---------------------------------------------------------------------------------------------
# Foreign keys and comments, from the dbt manifest


@dataclass(frozen=True)
class ForeignKey:
    table: str
    column: str
    references: str
    referenced_column: str


# Every data test's `where` by default (dbt_project.yml): a test run reads the rows that build
# changed, so after a successful build every stored row has passed it; no filter on what holds.
CHANGED_ROWS = "__changed_rows__"


def _filtered(config: dict) -> bool:
    """Whether a test's ``where`` leaves rows out for good (the changed-rows scope does not)."""
    where = (config.get("where") or "").strip()
    return bool(where) and where != CHANGED_ROWS


def foreign_keys(manifest: dict, tables: Sequence[MartTable]) -> list[ForeignKey]:
    """Foreign keys between published marts, from ``relationships`` tests (and ``foreign_key``
    constraints) whose referenced column is the referenced mart's whole primary key. A test with a
    ``where`` filter or warn severity is no constraint the data always keeps: left out."""
    by_id = {}
    for model_id, node in manifest["nodes"].items():
        if node.get("resource_type") == "model":
            by_id[model_id] = node.get("alias") or node["name"]
    published = {table.name: table for table in tables}
    keys: set[ForeignKey] = set()

    def _add(table: str, column: str, references: str, referenced_column: str) -> None:
        if table in published and references in published and table != references:
            if published[references].primary_key == (referenced_column,) and column in published[table].columns:
                keys.add(ForeignKey(table, column, references, referenced_column))

    for node in manifest["nodes"].values():
        if node.get("resource_type") != "test":
            continue
        metadata = node.get("test_metadata") or {}
        config = node.get("config") or {}
        if metadata.get("name") != "relationships" or not config.get("enabled", True):
            continue
        if _filtered(config) or str(config.get("severity", "error")).lower() != "error":
            continue
        kwargs = metadata.get("kwargs") or {}
        column, field_name = node.get("column_name") or kwargs.get("column_name"), kwargs.get("field")
        attached = node.get("attached_node")
        others = [n for n in node.get("depends_on", {}).get("nodes", []) if n != attached]
        if not (column and field_name and attached in by_id and len(others) == 1 and others[0] in by_id):
            continue
        _add(by_id[attached], column, by_id[others[0]], field_name)
    for model_id, node in manifest["nodes"].items():
        if model_id not in by_id:
            continue
        for name, column in (node.get("columns") or {}).items():
            for constraint in column.get("constraints") or []:
                if constraint.get("type") == "foreign_key" and constraint.get("to"):
                    referenced = str(constraint["to"]).split(".")[-1].strip('"')
                    to_columns = constraint.get("to_columns") or []
                    if len(to_columns) == 1:
                        _add(by_id[model_id], name, referenced, to_columns[0])
    return sorted(keys, key=lambda key: (key.table, key.column))


def descriptions(manifest: dict) -> dict[str, tuple[str, dict[str, str]]]:
    """Per mart (by relation name): its description and its columns' descriptions."""
    found = {}
    for node in manifest["nodes"].values():
        if node.get("resource_type") == "model" and node.get("original_file_path", "").startswith("models/marts/"):
            columns = {name: (column.get("description") or "") for name, column in (node.get("columns") or {}).items()}
            found[node.get("alias") or node["name"]] = (node.get("description") or "", columns)
    return found


# ---------------------------------------------------------------------------------------------
# Publish


def reader_role() -> str:
    """The read-only role Metabase and analysts use (``CTW_PG_READER``, default ``ctw_reader``)."""
    return os.environ.get("CTW_PG_READER", "ctw_reader")


@dataclass
class PublishSummary:
    target: str
    dataset: str
    rows: dict[str, int]
    foreign_keys: int = 0

    def describe(self) -> str:
        total = sum(self.rows.values())
        return (
            f"published {len(self.rows)} marts ({total} rows, {self.foreign_keys} foreign keys) to {self.target}, "
            f"schema {self.dataset}, readable by role {reader_role()}"
        )


def _read_mart(connection, table: MartTable):
    relation = f'"{table.schema}"."{table.name}"'
    result = connection.sql(f"select * from {relation}")
    # duckdb >= 1.4 has to_arrow_table(); older releases return a table from arrow()
    fetch = getattr(result, "to_arrow_table", None) or result.arrow
    return fetch()


def _column_hints(data) -> list[dict[str, Any]]:
    """dlt hints that keep DuckDB's types: naive timestamps stay ``timestamp without time zone``
    (dlt would otherwise load them as ``timestamptz``) and key columns are not null."""
    import pyarrow as pa

    hints = []
    for arrow_field in data.schema:
        if pa.types.is_timestamp(arrow_field.type) and arrow_field.type.tz is None:
            hints.append({"name": arrow_field.name, "data_type": "timestamp", "timezone": False})
    return hints


def _publish_pipeline(pg: PgSettings, dataset: str):
    import dlt
    from dlt.sources.credentials import ConnectionStringCredentials

    credentials = ConnectionStringCredentials(
        {
            "drivername": "postgresql",
            "host": pg.host,
            "port": pg.port,
            "username": pg.user,
            # dlt insists on a password; a trust or peer-authenticated server ignores it.
            "password": pg.password or "unused",
            "database": pg.database,
        }
    )
    return dlt.pipeline(
        pipeline_name=PUBLISH_PIPELINE,
        destination=dlt.destinations.postgres(credentials=credentials),
        dataset_name=dataset,
        pipelines_dir=str(settings.pipelines_dir()),
        progress=None,
    )


def _load_private_copy(pg: PgSettings, marts: Sequence[MartTable], dataset: str) -> dict[str, list[str]]:
    """Load the marts with dlt into the private load schema (full replace); returns each
    table's columns in DuckDB's order."""
    import dlt
    import duckdb
    import pyarrow as pa

    warehouse = settings.duckdb_path()
    if not warehouse.exists():
        raise ServingError(f"no warehouse at {warehouse}; run `ctw run` or `ctw build` first")
    pipeline = _publish_pipeline(pg, dataset)
    # Every publish is a full copy of the marts: a package left by a failed publish is stale.
    # (dlt >= 1.30 calls this abort_packages).
    abort = getattr(pipeline, "abort_packages", None) or pipeline.drop_pending_packages
    abort()
    columns: dict[str, list[str]] = {}
    resources = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for table in marts:
            data = _read_mart(connection, table)
            # Key columns are not null (dbt tests say so); telling arrow keeps dlt's hints in agreement.
            data = data.cast(
                pa.schema(
                    [f.with_nullable(False) if f.name in table.primary_key else f for f in data.schema],
                    metadata=data.schema.metadata,
                )
            )
            columns[table.name] = list(data.schema.names)
            resources.append(
                dlt.resource(
                    data,
                    name=table.name,
                    table_name=table.name,
                    primary_key=list(table.primary_key),
                    columns=_column_hints(data),
                    write_disposition="replace",
                )
            )
    if not resources:
        raise ServingError("the manifest lists no public marts to publish")
    # drop_sources: the private copy is rebuilt from nothing, so a column dropped from a mart is
    # dropped here too.
    # insert_values, not csv: CSV cannot tell an empty string from NULL.
    pipeline.run(resources, refresh="drop_sources", loader_file_format="insert_values")
    return columns


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _ensure_reader(cursor, role: str) -> None:
    """Create the read-only role when missing (a login role when CTW_PG_READER_PASSWORD is set)."""
    from psycopg2 import sql

    password = os.environ.get("CTW_PG_READER_PASSWORD") or None
    cursor.execute("select 1 from pg_roles where rolname = %s", (role,))
    if cursor.fetchone() is None:
        if password:
            cursor.execute(sql.SQL("create role {} login password %s").format(sql.Identifier(role)), (password,))
        else:
            cursor.execute(sql.SQL("create role {} nologin").format(sql.Identifier(role)))
    elif password:
        cursor.execute(sql.SQL("alter role {} login password %s").format(sql.Identifier(role)), (password,))


def _swap_in(
    pg: PgSettings,
    manifest: dict,
    marts: Sequence[MartTable],
    columns: dict[str, list[str]],
    load_schema: str,
) -> int:
    """In one transaction: copy the private load into a fresh schema with keys, foreign keys,
    comments and the reader's grants, then rename it over the served schema. Readers see the
    previous marts or the new ones, never a mix; any failure rolls everything back."""
    from psycopg2 import sql

    served, incoming, outgoing = schema_name("marts"), schema_name("marts_next"), schema_name("marts_previous")
    role = reader_role()
    documented = descriptions(manifest)
    keys = foreign_keys(manifest, marts)
    connection = connect(pg)
    try:
        with connection, connection.cursor() as cursor:
            # One publish at a time per database.
            cursor.execute("select pg_advisory_xact_lock(hashtext(%s))", (PUBLISH_PIPELINE + served,))
            for schema in (incoming, outgoing):
                cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
            cursor.execute(sql.SQL("create schema {}").format(sql.Identifier(incoming)))
            for table in marts:
                cursor.execute(
                    sql.SQL("create table {}.{} as select {} from {}.{}").format(
                        sql.Identifier(incoming),
                        sql.Identifier(table.name),
                        sql.SQL(", ").join(sql.Identifier(c) for c in columns[table.name]),
                        sql.Identifier(load_schema),
                        sql.Identifier(table.name),
                    )
                )
                cursor.execute(
                    sql.SQL("alter table {}.{} add primary key ({})").format(
                        sql.Identifier(incoming),
                        sql.Identifier(table.name),
                        sql.SQL(", ").join(sql.Identifier(c) for c in table.primary_key),
                    )
                )
                description, column_descriptions = documented.get(table.name, ("", {}))
                if description.strip():
                    cursor.execute(
                        sql.SQL("comment on table {}.{} is %s").format(
                            sql.Identifier(incoming), sql.Identifier(table.name)
                        ),
                        (" ".join(description.split()),),
                    )
                for column in columns[table.name]:
                    text = " ".join(column_descriptions.get(column, "").split())
                    if text:
                        cursor.execute(
                            sql.SQL("comment on column {}.{}.{} is %s").format(
                                sql.Identifier(incoming), sql.Identifier(table.name), sql.Identifier(column)
                            ),
                            (text,),
                        )
            for key in keys:
                cursor.execute(
                    sql.SQL("alter table {}.{} add constraint {} foreign key ({}) references {}.{} ({})").format(
                        sql.Identifier(incoming),
                        sql.Identifier(key.table),
                        sql.Identifier(f"fk_{key.table}__{key.column}"[:63]),
                        sql.Identifier(key.column),
                        sql.Identifier(incoming),
                        sql.Identifier(key.references),
                        sql.Identifier(key.referenced_column),
                    )
                )
            _ensure_reader(cursor, role)
            cursor.execute(
                sql.SQL("grant usage on schema {} to {}").format(sql.Identifier(incoming), sql.Identifier(role))
            )
            cursor.execute(
                sql.SQL("grant select on all tables in schema {} to {}").format(
                    sql.Identifier(incoming), sql.Identifier(role)
                )
            )
            # The swap: the served schema keeps its name, so Metabase keeps its tables and questions.
            cursor.execute("select 1 from pg_namespace where nspname = %s", (served,))
            if cursor.fetchone() is not None:
                cursor.execute(
                    sql.SQL("alter schema {} rename to {}").format(sql.Identifier(served), sql.Identifier(outgoing))
                )
            cursor.execute(
                sql.SQL("alter schema {} rename to {}").format(sql.Identifier(incoming), sql.Identifier(served))
            )
            # The previous marts, and the staging dataset the earlier merge publishes left behind.
            for schema in (outgoing, schema_name("marts_staging")):
                cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
    except ServingError:
        raise
    except Exception as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ServingError(f"publish to {pg.describe()} rolled back, the previous marts stay served: {reason}") from exc
    finally:
        connection.close()
    return len(keys)


def publish(pg: PgSettings | None = None) -> PublishSummary:
    """Copy the published marts from the DuckDB warehouse to PostgreSQL and swap them in atomically."""
    try:
        import dlt.destinations.impl.postgres.postgres  # noqa: F401 - needs psycopg2
    except ImportError as exc:
        raise ServingError(f"dlt's postgres destination is not installed; run {INSTALL_HINT}") from exc

    pg = pg or PgSettings.from_env()
    ensure_database(pg)
    manifest = load_manifest()
    marts = mart_tables(manifest)
    load_schema = schema_name("marts_load")
    columns = _load_private_copy(pg, marts, load_schema)
    rows = _row_counts(pg, load_schema, marts)
    key_count = _swap_in(pg, manifest, marts, columns, load_schema)
    return PublishSummary(target=pg.describe(), dataset=schema_name("marts"), rows=rows, foreign_keys=key_count)


def _row_counts(pg: PgSettings, schema: str, marts: Sequence[MartTable]) -> dict[str, int]:
    from psycopg2 import sql

    connection = connect(pg)
    try:
        with connection.cursor() as cursor:
            counts = {}
            for table in marts:
                cursor.execute(
                    sql.SQL("select count(*) from {}.{}").format(sql.Identifier(schema), sql.Identifier(table.name))
                )
                counts[table.name] = cursor.fetchone()[0]
            return counts
    finally:
        connection.close()


def grant_serving(pg: PgSettings | None = None) -> None:
    """The reader may use the search schema (its tables are granted by dbt's ``grants`` config)."""
    from psycopg2 import sql

    connection = connect(pg)
    try:
        with connection, connection.cursor() as cursor:
            _ensure_reader(cursor, reader_role())
            cursor.execute(
                sql.SQL("create schema if not exists {}").format(sql.Identifier(schema_name("serving")))
            )
            cursor.execute(
                sql.SQL("grant usage on schema {} to {}").format(
                    sql.Identifier(schema_name("serving")), sql.Identifier(reader_role())
                )
            )
    finally:
        connection.close()


def build_serving() -> None:
    """Build the PostgreSQL-only search model and its search function (dbt ``pg`` target)."""
    grant_serving()
    run_dbt(["build", "--target", "pg", "--select", SERVING_SELECTOR])


# ---------------------------------------------------------------------------------------------
# Search


@dataclass(frozen=True)
class SearchHit:
    trial_id: str
    registry_ids: list[str]
    brief_title: str | None
    acronym: str | None
    trial_status: str | None
    phase: str | None
    countries: list[str]
    start_date: date | None
    search_rank: float


def search(
    query: str,
    status: str | None = None,
    phase: str | None = None,
    country: str | None = None,
    start_from: date | None = None,
    start_to: date | None = None,
    limit: int = 20,
    pg: PgSettings | None = None,
) -> list[SearchHit]:
    """Ranked trials from ``search_trials``; every argument is a bound parameter."""
    from psycopg2 import sql

    statement = sql.SQL(
        "select trial_id, registry_ids, brief_title, acronym, trial_status, phase, countries, "
        "start_date, search_rank from {}.search_trials(%s, %s, %s, %s, %s, %s) limit %s"
    ).format(sql.Identifier(schema_name("serving")))
    connection = connect(pg)
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, (query, status, phase, country, start_from, start_to, limit))
            return [SearchHit(*row) for row in cursor.fetchall()]
    finally:
        connection.close()
