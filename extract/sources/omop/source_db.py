"""The collaborator's OMOP database, locally: build it from the bundled samples and simulate the
weekly Sunday reload.

    python -m extract.sources.omop.source_db build [--force]    # schema omop from the samples
    python -m extract.sources.omop.source_db simulate-week       # ~0.25% new rows per table

Locally the database is a SQLite "catalog" (``catalog.sqlite``) with two attached SQLite files
acting as schemas, ``omop.sqlite`` and ``sandbox.sqlite``, so the SQL we issue is the same
schema-qualified SQL that runs on Databricks (``omop.person``, ``sandbox.ctw_cohort_member``).
SQLite comes with Python, and SQLAlchemy's stdlib driver is the most dependable here.

The two samples are merged into one CDM: Synthea27Nj v5.4 (all nine tables, 28 persons) and
Eunomia GiBleed v5.3 (person, observation_period, visit_occurrence, observation,
procedure_occurrence; 2,694 persons). GiBleed's identifiers are offset by ``GIBLEED_ID_OFFSET``
so they cannot collide with Synthea's. v5.4 column names are mapped to v5.3 ones; headers are
matched case-insensitively (Synthea's are lower-case, GiBleed's upper-case).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select
from sqlalchemy.engine import make_url

from . import cdm
from .settings import DEMO_DIR, WEEKLY_GROWTH, cdm_schema, sandbox_schema, source_url

GIBLEED_ID_OFFSET = 10_000_000
# Every row of the bundled samples arrives with this load (a Sunday).
BASELINE_LOAD_DT = datetime(2026, 11, 1)

# The v5.4 names of v5.3 columns.
V54_RENAMES = {
    "admitted_from_concept_id": "admitting_source_concept_id",
    "admitted_from_source_value": "admitting_source_value",
    "discharged_to_concept_id": "discharge_to_concept_id",
    "discharged_to_source_value": "discharge_to_source_value",
}
# Identifier columns (not concept IDs) that are offset for GiBleed.
_ROW_IDS = {
    "person_id",
    "observation_period_id",
    "visit_occurrence_id",
    "preceding_visit_occurrence_id",
    "condition_occurrence_id",
    "drug_exposure_id",
    "procedure_occurrence_id",
    "measurement_id",
    "observation_id",
    "visit_detail_id",
    "provider_id",
    "care_site_id",
    "location_id",
}


@dataclass(frozen=True)
class Sample:
    folder: str
    id_offset: int
    files: dict[str, str]


SAMPLES = (
    Sample(
        "synthea27nj_v54", 0, {table: f"{table.upper()}.csv.gz" for table in cdm.CLINICAL_TABLES}
    ),
    Sample(
        "gibleed_v53",
        GIBLEED_ID_OFFSET,
        {
            "person": "PERSON.csv.gz",
            "observation_period": "OBSERVATION_PERIOD.csv.gz",
            "visit_occurrence": "VISIT_OCCURRENCE.csv.gz",
            "observation": "OBSERVATION.csv.gz",
            "procedure_occurrence": "PROCEDURE_OCCURRENCE_first15000.csv.gz",
            "death": "DEATH.csv.gz",
        },
    ),
)


def make_engine(url: str | None = None) -> Engine:
    """An engine on the collaborator's database with the configured schema names.

    For a local SQLite catalog, ``<folder>/omop.sqlite`` and ``<folder>/sandbox.sqlite`` are
    attached on every connection as the schemas ``omop`` and ``sandbox``.
    """
    url = url or source_url()
    parsed = make_url(url)
    translate = {cdm.CDM: cdm_schema(), cdm.SANDBOX: sandbox_schema()}
    engine = create_engine(url).execution_options(schema_translate_map=translate)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        folder = Path(parsed.database).parent
        folder.mkdir(parents=True, exist_ok=True)

        @event.listens_for(engine, "connect")
        def _attach(dbapi_connection: Any, _record: Any) -> None:
            for schema in dict.fromkeys(translate.values()):
                if not schema.isidentifier():
                    raise ValueError(f"schema name {schema!r} is not a plain identifier")
                dbapi_connection.execute(
                    f'attach database ? as "{schema}"', (str(folder / f"{schema}.sqlite"),)
                )

    return engine


def _parse(value: str, kind: str) -> Any:
    if value == "":
        return None
    if kind == "int":
        return int(float(value))
    if kind == "float":
        return float(value)
    if kind == "date":
        return date.fromisoformat(value[:10])
    if kind == "datetime":
        return datetime.fromisoformat(value.replace("T", " ").removesuffix("Z"))
    return value


def read_sample(path: Path, table: str, id_offset: int = 0) -> Iterator[dict[str, Any]]:
    """Rows of one bundled CSV as CDM v5.3 dicts (headers in any case, v5.4 names mapped)."""
    types = cdm.column_types(table)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [
            V54_RENAMES.get(name.strip().lower(), name.strip().lower()) for name in next(reader)
        ]
        for values in reader:
            raw = dict(zip(header, values, strict=True))
            row = {
                column: _parse(raw.get(column, ""), kind)
                for column, kind in types.items()
                if column != cdm.LOAD_DT
            }
            if id_offset:
                for column in _ROW_IDS & row.keys():
                    if row[column]:
                        row[column] += id_offset
            row[cdm.LOAD_DT] = BASELINE_LOAD_DT
            yield row


def exists(engine: Engine) -> bool:
    """Whether the CDM person table exists and holds rows."""
    try:
        with engine.connect() as connection:
            return bool(
                connection.execute(
                    select(func.count()).select_from(cdm.cdm_tables["person"])
                ).scalar()
            )
    except Exception:  # noqa: BLE001 - a missing table raises a driver-specific error
        return False


@dataclass(frozen=True)
class BuildReport:
    rows: dict[str, int]
    # Rows skipped because their primary key repeats an earlier row (GiBleed's OBSERVATION has
    # six repeated observation_id values), as (table, key).
    duplicates: list[tuple[str, int]]


def build(engine: Engine, demo_dir: Path = DEMO_DIR, force: bool = False) -> BuildReport:
    """Create schema ``omop`` with the nine tables and load both samples."""
    if force:
        cdm.metadata.drop_all(engine)
    cdm.metadata.create_all(engine)
    counts: dict[str, int] = {}
    duplicates: list[tuple[str, int]] = []
    with engine.begin() as connection:
        for table_name, table in cdm.cdm_tables.items():
            connection.execute(table.delete())
            key = cdm.primary_key(table_name)
            rows: dict[int, dict[str, Any]] = {}
            for sample in SAMPLES:
                if table_name not in sample.files:
                    continue
                path = demo_dir / sample.folder / sample.files[table_name]
                for row in read_sample(path, table_name, sample.id_offset):
                    if row[key] in rows:
                        duplicates.append((table_name, row[key]))
                    else:
                        rows[row[key]] = row
            if rows:
                connection.execute(insert(table), list(rows.values()))
            counts[table_name] = len(rows)
    return BuildReport(counts, duplicates)


@dataclass(frozen=True)
class WeeklyLoad:
    load_dt: datetime
    added: dict[str, int]


def simulate_weekly_load(
    engine: Engine, fraction: float = WEEKLY_GROWTH, seed: int | None = None
) -> WeeklyLoad:
    """Add about ``fraction`` new rows to every table, all with a new ``load_dt`` a week after
    the latest one. New rows copy sampled existing rows (so they belong to existing persons,
    except new persons in ``person``) with fresh primary keys and dates a week later."""
    with engine.begin() as connection:
        latest = max(
            connection.execute(select(func.max(table.c[cdm.LOAD_DT]))).scalar() or BASELINE_LOAD_DT
            for table in cdm.cdm_tables.values()
        )
        if isinstance(latest, str):
            latest = datetime.fromisoformat(latest)
        load_dt = latest + timedelta(days=7)
        rng = random.Random(seed if seed is not None else load_dt.toordinal())
        added: dict[str, int] = {}
        for name, table in cdm.cdm_tables.items():
            key = table.c[cdm.primary_key(name)]
            rows = [dict(row._mapping) for row in connection.execute(select(table).order_by(key))]
            if not rows:
                added[name] = 0
                continue
            wanted = max(1, round(len(rows) * fraction))
            if name == "death":
                dead = {row["person_id"] for row in rows}
                people = connection.execute(
                    select(cdm.cdm_tables["person"].c.person_id).order_by(
                        cdm.cdm_tables["person"].c.person_id
                    )
                ).scalars()
                candidates = [person for person in people if person not in dead]
                template = rows[0]
                new_rows = [
                    {
                        **template,
                        "person_id": person,
                        cdm.LOAD_DT: load_dt,
                        "death_date": load_dt.date() - timedelta(days=3),
                        "death_datetime": load_dt - timedelta(days=3),
                    }
                    for person in rng.sample(candidates, min(wanted, len(candidates)))
                ]
            else:
                next_id = max(row[key.name] for row in rows) + 1
                new_rows = []
                for offset, template in enumerate(rng.sample(rows, wanted)):
                    row = {column: _shift(value) for column, value in template.items()}
                    row[key.name] = next_id + offset
                    row[cdm.LOAD_DT] = load_dt
                    new_rows.append(row)
            if new_rows:
                connection.execute(insert(table), new_rows)
            added[name] = len(new_rows)
    return WeeklyLoad(load_dt, added)


def _shift(value: Any) -> Any:
    """A date a week later: the new row is a new event, not a copy of an old one."""
    if isinstance(value, datetime | date):
        return value + timedelta(days=7)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build_parser = commands.add_parser("build", help="create schema omop from the bundled samples")
    build_parser.add_argument("--force", action="store_true", help="drop and rebuild")
    week = commands.add_parser(
        "simulate-week", help="append a weekly load (~0.25%% new rows per table)"
    )
    week.add_argument("--fraction", type=float, default=WEEKLY_GROWTH)
    args = parser.parse_args()
    engine = make_engine()
    if args.command == "build":
        if exists(engine) and not args.force:
            print(f"{engine.url}: already built (use --force to rebuild)")
            return
        report = build(engine, force=args.force)
        for table, count in report.rows.items():
            print(f"{table}: {count} rows")
        for table, key in report.duplicates:
            print(f"skipped: {table} row with repeated primary key {key}")
    else:
        result = simulate_weekly_load(engine, args.fraction)
        print(
            f"load_dt {result.load_dt:%Y-%m-%d}: "
            + ", ".join(f"{t}=+{n}" for t, n in result.added.items())
        )


if __name__ == "__main__":
    main()
