"""The data dictionary and the analysts' cookbook, generated for the dbt docs site.

``ctw docs`` (``make docs``) compiles the analyses, then writes one docs block,
``__clinical_trials_warehouse__`` (the project's own page of the docs site), to
``$DBT_TARGET_PATH/docs/reference.md``, a folder of the project's ``docs-paths``, and only then
runs ``dbt docs generate``. The block holds:

* the **data dictionary**: every mart and OMOP table with its grain (``meta.grain`` in its YAML,
  else one row per its natural or primary key), its key (the primary-key test or constraint ``ctw publish`` also
  reads), its row count in the built warehouse, whether it leaves the warehouse (published and
  exported) and the first sentence of its description;
* the **cookbook**: every analysis of ``analyses/`` with its compiled SQL, the relations
  rewritten to the bare table names of ``ctw export --single-file duckdb``, so that the query
  runs as it stands on the exported file. An analysis that reads a table the export leaves out
  (a patient-level mart, an OMOP bookkeeping table) says so and keeps the warehouse's names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ctw.dbt import run_dbt
from ctw.export import public_marts
from ctw.serving import _column_tests as column_tests
from ctw.serving import load_manifest, primary_key_of
from extract import settings

DOCS_BLOCK = "__clinical_trials_warehouse__"
DICTIONARY_FOLDERS = ("models/marts/", "models/omop/")
TABLE_MATERIALIZATIONS = {"table", "incremental"}


@dataclass(frozen=True)
class TableEntry:
    """One row of the data dictionary."""

    name: str
    schema: str
    grain: str
    key: tuple[str, ...]
    rows: int | None
    served: bool
    description: str


@dataclass(frozen=True)
class Recipe:
    """One analysis of the cookbook."""

    name: str
    description: str
    sql: str
    reads: tuple[str, ...]
    # Tables the analysis reads that the export leaves out (empty: it runs on the export).
    not_exported: tuple[str, ...]

    @property
    def runs_on_export(self) -> bool:
        return not self.not_exported


def _project_nodes(manifest: dict, resource_type: str) -> list[tuple[str, dict]]:
    project = manifest["metadata"].get("project_name") or "clinical_trials_warehouse"
    return sorted(
        (
            (unique_id, node)
            for unique_id, node in manifest["nodes"].items()
            if node.get("resource_type") == resource_type
            and node.get("package_name") == project
            and (node.get("config") or {}).get("enabled", True)
        ),
        key=lambda item: item[1]["name"],
    )


def first_sentence(text: str) -> str:
    """The description's first sentence, on one line (a full stop ends it before a capital
    letter or at the end, so "e.g." and "CT.gov" do not)."""
    flat = " ".join((text or "").split())
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z]|$)", flat)
    return match.group(1) if match else flat


def _grain(manifest: dict, unique_id: str, key: tuple[str, ...]) -> str:
    """``meta.grain`` when the YAML states it, else the natural key a compound-unique test
    declares (beside a surrogate key), else the key."""
    node = manifest["nodes"][unique_id]
    meta = {**(node.get("meta") or {}), **((node.get("config") or {}).get("meta") or {})}
    if meta.get("grain"):
        return str(meta["grain"])
    _, _, compound = column_tests(manifest, unique_id)
    columns = compound[0] if compound else key
    return "one row per " + ", ".join(columns) if columns else "(no key declared)"


def _row_count(connection: duckdb.DuckDBPyConnection | None, schema: str, table: str) -> int | None:
    if connection is None:
        return None
    found = connection.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?", [schema, table]
    ).fetchone()[0]
    if not found:
        return None
    quoted = '"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'
    return connection.execute(f"select count(*) from {quoted}").fetchone()[0]


def data_dictionary(
    manifest: dict, connection: duckdb.DuckDBPyConnection | None, exported: set[str]
) -> list[TableEntry]:
    """The marts and OMOP tables of the manifest, with their row counts in ``connection``."""
    entries = []
    for unique_id, node in _project_nodes(manifest, "model"):
        if not node.get("original_file_path", "").startswith(DICTIONARY_FOLDERS):
            continue
        if (node.get("config") or {}).get("materialized") not in TABLE_MATERIALIZATIONS:
            continue
        name = node.get("alias") or node["name"]
        key = primary_key_of(manifest, unique_id)
        entries.append(
            TableEntry(
                name=name,
                schema=node["schema"],
                grain=_grain(manifest, unique_id, key),
                key=key,
                rows=_row_count(connection, node["schema"], name),
                served=name in exported,
                description=first_sentence(node.get("description", "")),
            )
        )
    return sorted(entries, key=lambda entry: (entry.schema, entry.name))


def _analysis_description(node: dict) -> str:
    """The analysis's YAML description, else its leading comment (``{#- ... -#}`` or ``--`` lines)."""
    if node.get("description"):
        return first_sentence(node["description"])
    raw = node.get("raw_code", "").lstrip()
    block = re.match(r"\{#-?(.*?)-?#\}", raw, re.S)
    if block:
        return " ".join(block.group(1).split())
    lines = []
    for line in raw.splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines)


def cookbook(manifest: dict, exported: set[str]) -> list[Recipe]:
    """Every analysis with its compiled SQL (``dbt compile`` first), rewritten to the export's
    bare table names when every table it reads is exported."""
    recipes = []
    for _, node in _project_nodes(manifest, "analysis"):
        compiled = node.get("compiled_code")
        if not compiled:
            raise RuntimeError(f"analysis {node['name']} is not compiled; run `dbt compile` first")
        parents = [manifest["nodes"][parent] for parent in node["depends_on"]["nodes"] if parent in manifest["nodes"]]
        reads = tuple(sorted({parent.get("alias") or parent["name"] for parent in parents}))
        not_exported = tuple(name for name in reads if name not in exported)
        sql = compiled.strip()
        if not not_exported:
            for parent in parents:
                if parent.get("relation_name"):
                    sql = sql.replace(parent["relation_name"], parent.get("alias") or parent["name"])
        recipes.append(Recipe(node["name"], _analysis_description(node), sql, reads, not_exported))
    return recipes


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(entries: list[TableEntry], recipes: list[Recipe]) -> str:
    """The docs block (markdown) holding the data dictionary and the cookbook."""
    lines = [
        f"{{% docs {DOCS_BLOCK} %}}",
        "# Data dictionary and cookbook",
        "",
        "Generated by `ctw docs` (`make docs`) from the dbt manifest and the built warehouse.",
        "",
        "## Data dictionary",
        "",
        "Every mart and de-identified OMOP table. *Served*: published to PostgreSQL by `ctw publish` "
        "and written by `ctw export`; the others (patient-level rows, the OMOP CDM tables, which "
        "leave only through `ctw cohort-export`) stay in the warehouse. The key is the one the "
        "tests declare (unique and not null, or a unique combination); the grain names the "
        "natural key where a surrogate key stands for it.",
        "",
        "| Table | Schema | Grain | Key | Rows | Served | Description |",
        "|---|---|---|---|---:|---|---|",
    ]
    for entry in entries:
        rows = f"{entry.rows:,}" if entry.rows is not None else "not built"
        lines.append(
            "| " + " | ".join(
                _cell(value)
                for value in (
                    f"`{entry.name}`",
                    entry.schema,
                    entry.grain,
                    ", ".join(f"`{column}`" for column in entry.key) or "-",
                    rows,
                    "yes" if entry.served else "no",
                    entry.description,
                )
            ) + " |"
        )
    lines += [
        "",
        "## Cookbook",
        "",
        "The analyses of `analyses/`, compiled. Each query names the tables as "
        "`ctw export --single-file duckdb` writes them, so it runs as it stands on "
        "`warehouse/export/marts.duckdb` (`duckdb warehouse/export/marts.duckdb < query.sql`, or any "
        "DuckDB client). A query that reads a table the export leaves out is marked, and names the "
        "warehouse's tables instead (run it with `dbt compile` and DuckDB on the warehouse).",
        "",
    ]
    for recipe in recipes:
        lines += [f"### {recipe.name}", ""]
        if recipe.description:
            lines += [recipe.description, ""]
        lines += ["Reads " + ", ".join(f"`{name}`" for name in recipe.reads) + ".", ""]
        if recipe.not_exported:
            lines += [
                "**Runs in the warehouse only**: the export leaves out "
                + ", ".join(f"`{name}`" for name in recipe.not_exported)
                + ".",
                "",
            ]
        lines += ["```sql", recipe.sql, "```", ""]
    lines.append("{% enddocs %}")
    return "\n".join(lines) + "\n"


def reference_path() -> Path:
    """Where the docs block goes: a folder of ``docs-paths`` under dbt's target folder."""
    return settings.dbt_target_dir() / "docs" / "reference.md"


def write_reference(compile_analyses: bool = True) -> tuple[Path, list[TableEntry], list[Recipe]]:
    """Compile the analyses, then write the docs block from the manifest and the warehouse."""
    if compile_analyses:
        run_dbt(["compile", "--select", "resource_type:analysis", "--quiet"])
    manifest = load_manifest()
    exported = public_marts(manifest)
    warehouse = settings.duckdb_path()
    if warehouse.exists():
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            entries = data_dictionary(manifest, connection, exported)
    else:
        entries = data_dictionary(manifest, None, exported)
    recipes = cookbook(manifest, exported)
    path = reference_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".md.partial")
    partial.write_text(render(entries, recipes), encoding="utf-8")
    partial.replace(path)
    return path, entries, recipes
