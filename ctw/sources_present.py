"""Which sources the warehouse holds, so that ``ctw build`` builds any subset of them.

A source is loaded once dlt has created its raw schema (``raw_<name>``, the ``schema`` of the
source in ``models/staging/<name>/_<name>__sources.yml``). Staging models read every source
table through the ``source_or_empty`` macro, so the models of an absent source build empty.
What cannot run without the raw table is left out of the build: the data tests declared on the
table, and the unit tests with a fixture standing in for it (dbt reads a fixture's column types
from the relation it replaces).

Only the DuckDB warehouse is inspected; on another target (Spark, PostgreSQL) the build is
unchanged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import jinja2
import yaml

from extract import settings

SOURCE_INPUT = re.compile(r"""^\s*source\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)\s*$""")


@dataclass(frozen=True)
class SourceTable:
    """A table of a dlt-loaded source as dbt reads it."""

    source: str
    table: str
    schema: str
    identifier: str


@dataclass(frozen=True)
class Absent:
    """The sources and tables missing from the warehouse, and the unit tests that read them."""

    sources: tuple[str, ...]
    tables: tuple[SourceTable, ...]
    unit_tests: tuple[str, ...]

    def describe(self) -> str | None:
        """One line naming the sources not loaded (None when every source is loaded)."""
        if not self.sources:
            return None
        return f"absent sources (not loaded): {', '.join(self.sources)} — their models build empty"

    def exclusions(self) -> list[str]:
        """dbt selectors of the nodes that cannot run: tests on the absent tables (a whole source
        when none of its tables is there) and unit tests with a fixture for one of them."""
        selectors = [f"source:{name}" for name in self.sources]
        selectors += [f"source:{t.source}.{t.table}" for t in self.tables if t.source not in self.sources]
        selectors += [f"unit_test:{name}" for name in self.unit_tests]
        return selectors


# libyaml's loader when PyYAML was built with it: the project's YAML is read at every `ctw build`,
# about ten times faster than by the pure-Python loader (2 s).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_documents(folder: Path) -> Iterator[tuple[Path, dict]]:
    for path in sorted(folder.rglob("*.yml")):
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        if isinstance(document, dict):
            yield path, document


def _render(template: str) -> str:
    """A schema name as dbt renders it (the YAML may use ``env_var``)."""
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    return environment.from_string(template).render(env_var=lambda name, default="": os.environ.get(name, default))


def declared(project: Path) -> tuple[list[SourceTable], dict[str, set[tuple[str, str]]]]:
    """The tables of the sources dlt loads (declared in ``models/staging``; the serving models'
    source is PostgreSQL's), and per unit test the (source, table) pairs its fixtures stand in for."""
    tables: list[SourceTable] = []
    unit_test_inputs: dict[str, set[tuple[str, str]]] = {}
    staging = project / "models" / "staging"
    for path, document in _yaml_documents(project / "models"):
        for source in document.get("sources") or []:
            if source.get("loader") != "dlt" or not path.is_relative_to(staging):
                continue
            schema = _render(str(source.get("schema", source["name"])))
            for table in source.get("tables") or []:
                identifier = table.get("identifier", table["name"])
                tables.append(SourceTable(source["name"], table["name"], schema, identifier))
        for unit_test in document.get("unit_tests") or []:
            for given in unit_test.get("given") or []:
                match = SOURCE_INPUT.match(str(given.get("input", "")))
                if match:
                    unit_test_inputs.setdefault(unit_test["name"], set()).add(match.groups())
    return tables, unit_test_inputs


def _existing_tables(path: Path) -> set[tuple[str, str]]:
    if not path.exists():
        return set()
    with duckdb.connect(str(path), read_only=True) as connection:
        rows = connection.execute("select table_schema, table_name from information_schema.tables").fetchall()
    return {(schema.lower(), name.lower()) for schema, name in rows}


def absent_sources(project: Path | None = None, warehouse: Path | None = None) -> Absent | None:
    """What the DuckDB warehouse lacks of the project's sources; None on another dbt target or
    when the warehouse cannot be read (another process holds it: dbt then says so)."""
    if os.environ.get("CTW_DBT_TARGET", "duckdb") != "duckdb":
        return None
    tables, unit_test_inputs = declared(project or settings.project_dir())
    try:
        existing = _existing_tables(warehouse or settings.duckdb_path())
    except duckdb.Error:
        return None
    missing = [t for t in tables if (t.schema.lower(), t.identifier.lower()) not in existing]
    schemas = {schema for schema, _ in existing}
    sources = sorted({t.source for t in missing if t.schema.lower() not in schemas})
    missing_pairs = {(t.source, t.table) for t in missing}
    unit_tests = sorted(name for name, inputs in unit_test_inputs.items() if inputs & missing_pairs)
    return Absent(tuple(sources), tuple(missing), tuple(unit_tests))


def exclude_absent(notify: Callable[[str], None]) -> list[str]:
    """dbt arguments that leave out what absent sources cannot run (``[]`` when nothing is
    absent); ``notify`` receives the one line naming the absent sources."""
    absent = absent_sources()
    if absent is None:
        return []
    line = absent.describe()
    if line:
        notify(line)
    selectors = absent.exclusions()
    return ["--exclude", *selectors] if selectors else []
