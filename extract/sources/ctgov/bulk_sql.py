"""The bulk fast path: DuckDB parses, checks and flattens study JSON; dlt receives Arrow tables.

Per-record pydantic validation and dlt's relational normaliser cost milliseconds per study, which
is hours for the whole registry. Here a batch of documents (read by the same file walker as the
per-record path, so locations are identical) goes into an in-memory DuckDB as text; SQL extracts
every field the warehouse keeps, flattens the nested lists into the child tables with dlt's own
linking columns, and hands each table to dlt as one Arrow table.

Validation is split in two. The SQL predicates below accept a document only when every field
has exactly the JSON type and shape :class:`~.models.Study` accepts without coercion (NCT ID
pattern, non-empty title and status, date shapes, enrollment >= 0, every list element well
formed). Anything else — invalid JSON, a list or API page instead of one study, a wrong type,
a failed rule — is handed to the per-record path, which accepts it (pydantic coerces a few
types) or writes the same quarantine rows, with the same field and reason, as it always has.
The predicates can therefore be strict without ever being wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from .models import AGE_PATTERN, FIELD_PATHS, LIST_PATHS, NO_AGE, Study, latest_posting_date
from .results import RESULT_TABLES, Rows, results_tuples, text_column

# Characters Python's str.strip() removes (pydantic's str_strip_whitespace uses it).
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
# As one literal (not chr() || ... per call): DuckDB does not fold that for every row.
WS_SQL = "'" + _WHITESPACE + "'"

PARSER_MEMORY_LIMIT = "1GB"
# Characters of JSON text per batch (a batch is parsed into a few copies inside the limit above).
BATCH_MAX_CHARS = 16_000_000

PARTIAL_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
FULL_DATE = r"^\d{4}-\d{2}-\d{2}$"
NCT_ID = r"^NCT\d{8}$"

# The model's longest text; the JSON text of a field or list is never shorter than its value.
MAX_TEXT_BYTES = Study.model_config["str_max_length"]

# Scalar fields by kind (see models.Study).
REQUIRED_TEXT = ("brief_title", "overall_status")
PARTIAL_DATES = ("status_verified_date", "start_date", "primary_completion_date", "completion_date")
# Full dates, not in the future; the last one is required.
POSTING_DATES = ("first_submit_date", "first_post_date", "last_update_post_date")
AGES = ("minimum_age", "maximum_age")
BOOLEANS = ("healthy_volunteers", "has_results")
SCALARS = list(FIELD_PATHS)  # in the order of the model, which is the order of the raw table
OPTIONAL_TEXT = tuple(
    f for f in SCALARS
    if f not in (*REQUIRED_TEXT, *PARTIAL_DATES, *POSTING_DATES, *AGES, *BOOLEANS, "nct_id",
                 "enrollment_count", "phases")
)
LISTS = list(LIST_PATHS)
PATHS = ["$." + FIELD_PATHS[f] for f in SCALARS] + ["$." + LIST_PATHS[f] for f in LISTS]


@dataclass(frozen=True)
class Ref:
    """A JSON value in SQL: an expression for its JSON type (NULL when the path is missing)
    and one for its value as text (a string unescaped, anything else as JSON text)."""

    type: str
    text: str


NAMES = SCALARS + LISTS


def _field(field: str) -> Ref:
    """A field of the document: ``t``/``s`` hold every field's type and text, from one parse."""
    index = NAMES.index(field) + 1
    return Ref(f"t[{index}]", f"s[{index}]")


def _list(field: str) -> str:
    """A list field as JSON (``l`` holds the list fields, from one more parse)."""
    return f"l[{LISTS.index(field) + 1}]"


def _trimmed(ref: Ref) -> str:
    return f"trim({ref.text}, {WS_SQL})"


def _absent(ref: Ref) -> str:
    return f"coalesce({ref.type}, 'NULL') = 'NULL'"


def _is_text(ref: Ref) -> str:
    return f"{ref.type} = 'VARCHAR'"


def _optional_text_ok(ref: Ref) -> str:
    return f"({_absent(ref)} or {_is_text(ref)})"


def _required_text_ok(ref: Ref) -> str:
    return f"({_is_text(ref)} and {_trimmed(ref)} <> '')"


def _pattern_ok(ref: Ref, pattern: str, required: bool, extra: str = "") -> str:
    check = f"({_is_text(ref)} and regexp_full_match({ref.text}, '{pattern}'){extra})"
    return check if required else f"({_absent(ref)} or {check})"


def _calendar_date_ok(ref: Ref, required: bool = False, posting: bool = False) -> str:
    """A (partial) date naming a real calendar period; a posting date is a full date no later
    than tomorrow (``posting_cutoff``, set per batch), as the model checks."""
    real = (
        f" and left({ref.text}, 4) <> '0000' and try_cast(case strlen({ref.text}) when 4 then {ref.text} || '-01-01'"
        f" when 7 then {ref.text} || '-01' else {ref.text} end as date) is not null"
    )
    if posting:
        return _pattern_ok(ref, FULL_DATE, required, real + f" and {ref.text} <= getvariable('posting_cutoff')")
    return _pattern_ok(ref, PARTIAL_DATE, required, real)


def _age_ok(ref: Ref) -> str:
    """``18 Years`` and the like, or an open limit (``N/A``)."""
    no_age = ", ".join(f"'{value}'" for value in NO_AGE)
    return (
        f"({_absent(ref)} or ({_is_text(ref)} and (upper({_trimmed(ref)}) in ({no_age})"
        f" or regexp_full_match({_trimmed(ref)}, '{AGE_PATTERN.pattern}', 'i'))))"
    )


def _short_ok(texts: str) -> str:
    """Every text of a list of field texts within the model's maximum length."""
    return f"list_bool_and(list_transform({texts}, lambda x: coalesce(strlen(x::varchar), 0) <= {MAX_TEXT_BYTES}))"


def _parent_checks() -> list[str]:
    f = _field
    lead = _list("lead_sponsor")
    lead_name = Ref(f"json_type({lead}, '$.name')", f"json_extract_string({lead}, '$.name')")
    lead_class = Ref(f"json_type({lead}, '$.class')", f"json_extract_string({lead}, '$.class')")
    phases = f("phases")
    return [
        "is_one_study",
        _pattern_ok(f("nct_id"), NCT_ID, True),
        *(_required_text_ok(f(name)) for name in REQUIRED_TEXT),
        *(_calendar_date_ok(f(name)) for name in PARTIAL_DATES),
        *(_calendar_date_ok(f(name), name == "last_update_post_date", posting=True) for name in POSTING_DATES),
        *(_age_ok(f(name)) for name in AGES),
        _short_ok("s"),
        _short_ok("l"),
        *(_optional_text_ok(f(name)) for name in OPTIONAL_TEXT),
        *(f"({_absent(f(name))} or {f(name).type} = 'BOOLEAN')" for name in BOOLEANS),
        f"({_absent(f('enrollment_count'))} or ({f('enrollment_count').type} in ('BIGINT', 'UBIGINT')"
        f" and try_cast({f('enrollment_count').text} as bigint) >= 0))",
        *(f"({_absent(f(name))} or {f(name).type} = 'ARRAY')" for name in LISTS if name != "lead_sponsor"),
        f"({_absent(f('lead_sponsor'))} or ({f('lead_sponsor').type} = 'OBJECT'"
        f" and {_required_text_ok(lead_name)} and {_optional_text_ok(lead_class)}))",
        # phases: a list of strings (empty strings allowed)
        f"({_absent(phases)} or ({phases.type} = 'ARRAY' and list_bool_and("
        f"list_transform(json_type({phases.text}, '$[*]'), lambda p: p = 'VARCHAR')) is not false))",
    ]


def _parent_sql() -> str:
    f = _field
    columns = []
    checks = _parent_checks()
    for name in SCALARS:
        ref = f(name)
        if name == "phases":
            continue
        if name == "enrollment_count":
            columns.append(f"try_cast({ref.text} as bigint) as {name}")
        elif name in BOOLEANS:
            columns.append(f"try_cast({ref.text} as boolean) as {name}")
        elif name in ("nct_id", *POSTING_DATES, *PARTIAL_DATES):
            columns.append(f"{ref.text} as {name}")
        else:
            columns.append(f"{_trimmed(ref)} as {name}")
    phases = f("phases")
    phases_sql = (
        f"case when {phases.type} = 'ARRAY' then nullif(array_to_string(list_transform("
        f"json_extract_string({phases.text}, '$[*]'), lambda p: trim(p, {WS_SQL})), '|'), '') end"
    )
    lists = ", ".join(f"{_list(name)} as {name}" for name in LISTS)
    scalar_paths = ["$." + FIELD_PATHS[name] for name in SCALARS]
    list_paths = ["$." + LIST_PATHS[name] for name in LISTS]
    # Each document is parsed a handful of times in all: types of every field, their text, and
    # the list fields as JSON, each as one call over a list of paths. They are materialised
    # before use: DuckDB would otherwise evaluate them again for each of ~100 references.
    return f"""
        create or replace temp table extracted as
        select doc_id, location,
            json_type(doc) = 'OBJECT' and json_type(doc, '$.studies') is null as is_one_study,
            json_type(doc, {PATHS!r}) as t,
            json_extract_string(doc, {scalar_paths!r}) as s,
            json_extract(doc, {list_paths!r}) as l
        from batch
        where json_valid(doc);

        create or replace temp table parents as
        select
            doc_id, location,
            {', '.join(columns)},
            {phases_sql} as phases,
            {lists},
            ({' and '.join(checks)}) as is_ok
        from extracted
    """


@dataclass(frozen=True)
class ChildTable:
    """A child table: where its elements come from and how each element becomes a row."""

    name: str
    # (list field, constant columns) pairs whose elements are concatenated, in order.
    parts: tuple[tuple[str, dict[str, str]], ...]
    # column -> (json key, required) for object elements; empty for lists of strings.
    fields: dict[str, tuple[str, bool]]
    scalar_column: str | None = None


CHILDREN = (
    ChildTable("conditions", (("conditions", {}),), {}, "condition_name"),
    ChildTable("keywords", (("keywords", {}),), {}, "keyword"),
    ChildTable(
        "interventions", (("interventions", {}),),
        {"type": ("type", False), "name": ("name", True), "description": ("description", False)},
    ),
    ChildTable(
        "locations", (("locations", {}),),
        {k: (k, False) for k in ("facility", "status", "city", "state", "zip", "country")},
    ),
    ChildTable(
        "sponsors",
        (("lead_sponsor", {"sponsor_role": "lead"}), ("collaborators", {"sponsor_role": "collaborator"})),
        {"sponsor_name": ("name", True), "sponsor_class": ("class", False)},
    ),
    ChildTable(
        "outcomes",
        (
            ("primary_outcomes", {"outcome_type": "primary"}),
            ("secondary_outcomes", {"outcome_type": "secondary"}),
            ("other_outcomes", {"outcome_type": "other"}),
        ),
        {"measure": ("measure", True), "time_frame": ("timeFrame", False), "description": ("description", False)},
    ),
    ChildTable(
        "secondary_ids", (("secondary_ids", {}),),
        {"secondary_id": ("id", True), "id_type": ("type", False), "id_domain": ("domain", False)},
    ),
)


def _child_sql(child: ChildTable) -> str:
    """Rows of one child table for every parent, with an ``is_ok`` flag per element."""
    selects = []
    offset = "0"
    for field, constants in child.parts:
        if field == "lead_sponsor":
            elements = f"case when json_type({field}) = 'OBJECT' then [{field}] else [] end"
            length = f"(case when json_type({field}) = 'OBJECT' then 1 else 0 end)"
        else:
            elements = f"case when json_type({field}) = 'ARRAY' then json_extract({field}, '$[*]') else [] end"
            length = f"coalesce(case when json_type({field}) = 'ARRAY' then json_array_length({field}) end, 0)"
        consts = "".join(f"'{value}' as {name}, " for name, value in constants.items())
        # Lists that share a table (lead sponsor + collaborators, the three outcome kinds) are
        # numbered as one list, the way the per-record path concatenates them.
        selects.append(
            f"select doc_id, nct_id, {consts}list_offset + generate_subscripts(e_list, 1) - 1 as _dlt_list_idx,"
            f" unnest(e_list) as e from (select doc_id, nct_id, {elements} as e_list, {offset} as list_offset"
            f" from parents where is_ok)"
        )
        offset = f"{offset} + {length}"
    constant_names = "".join(f"{name}, " for name in child.parts[0][1])
    if child.scalar_column:
        keys = ["$"]
        value = Ref("et[1]", "es[1]")
        columns = f"{_trimmed(value)} as {child.scalar_column}"
        check = _required_text_ok(value)
    else:
        keys = ["$." + key for key, _ in child.fields.values()]
        refs = [Ref(f"et[{i}]", f"es[{i}]") for i in range(1, len(keys) + 1)]
        columns = ", ".join(f"{_trimmed(ref)} as {column}" for column, ref in zip(child.fields, refs, strict=True))
        check = " and ".join(
            ["json_type(e) = 'OBJECT'"]
            + [
                (_required_text_ok if required else _optional_text_ok)(ref)
                for (_, required), ref in zip(child.fields.values(), refs, strict=True)
            ]
        )
    # Elements with their fields' types and text (one parse each), materialised, then checked.
    return f"""
        create or replace temp table elements_{child.name} as
        select doc_id, nct_id, {constant_names}_dlt_list_idx, e,
            json_type(e, {keys!r}) as et, json_extract_string(e, {keys!r}) as es
        from ({' union all '.join(selects)}) as elements;

        create or replace temp table child_{child.name} as
        select doc_id, nct_id, {constant_names}_dlt_list_idx, {columns}, ({check}) as is_ok
        from elements_{child.name}
    """


_CHILD_KEYS: dict[str, dict[str, Any]] = {
    "_dlt_parent_id": {"data_type": "text", "nullable": False},
    "_dlt_root_id": {"data_type": "text", "nullable": False},
    "_dlt_list_idx": {"data_type": "bigint", "nullable": False},
    "_dlt_id": {"data_type": "text", "nullable": False},
}


# (location, JSON text), optionally with the document's results rows and problems
# (:func:`.results.results_tuples` of its parsed text; computed here when not given).
BulkDocument = tuple[str, str] | tuple[str, str, tuple[Rows, list[tuple[str, str]]]]


@dataclass
class FastBatch:
    """What one batch produced: Arrow tables per table name, and the documents SQL did not accept."""

    tables: dict[str, pa.Table]
    deferred: list[tuple[str, str]]
    # (location, NCT ID, [(JSON path, reason)]) of results parts that could not be read.
    results_problems: list[tuple[str, str, list[tuple[str, str]]]] = dataclass_field(default_factory=list)


class BulkParser:
    """An in-memory DuckDB that turns batches of study JSON text into Arrow tables."""

    def __init__(self, threads: int | None = None, memory_limit: str | None = None):
        self.connection = duckdb.connect(":memory:")
        if threads:
            self.connection.execute(f"set threads = {int(threads)}")
        # A batch needs a few hundred MB; without a limit DuckDB keeps up to 80% of RAM cached.
        self.connection.execute(f"set memory_limit = '{memory_limit or PARSER_MEMORY_LIMIT}'")
        self.connection.execute("set preserve_insertion_order = false")
        self.connection.execute("set enable_progress_bar = false")
        self._parent_sql = _parent_sql()
        self._child_sql = {child.name: _child_sql(child) for child in CHILDREN}

    def close(self) -> None:
        self.connection.close()

    def parse(self, documents: list[BulkDocument], extracted_at: datetime | None = None) -> FastBatch:
        """``documents`` are (location, JSON text) pairs, or triples with the document's results
        rows; returns Arrow tables and deferred documents."""
        con = self.connection
        batch = pa.table({
            "doc_id": pa.array(range(len(documents)), pa.int64()),
            "location": pa.array([d[0] for d in documents], pa.string()),
            "doc": pa.array([d[1] for d in documents], pa.string()),
        })
        con.register("batch_arrow", batch)
        con.execute("create or replace temp table batch as select * from batch_arrow")
        con.unregister("batch_arrow")
        del batch
        con.execute(f"set variable posting_cutoff = '{latest_posting_date()}'")
        con.execute(self._parent_sql)
        for sql in self._child_sql.values():
            con.execute(sql)
        # A document is accepted when its own fields and every element of every list are.
        bad_children = " union ".join(f"select doc_id from child_{c.name} where not is_ok" for c in CHILDREN)
        stamp = (extracted_at or datetime.now(UTC).replace(tzinfo=None)).isoformat(sep=" ")
        con.execute(f"""
            create or replace temp table accepted as
            select doc_id, nct_id, location,
                md5(nct_id || chr(31) || location || chr(31) || '{stamp}') as _dlt_id
            from parents
            where is_ok and doc_id not in ({bad_children})
        """)
        deferred = con.execute("""
            select b.location, b.doc from batch as b anti join accepted as a using (doc_id) order by b.doc_id
        """).fetchall()
        scalar_columns = ", ".join(f"p.{f}" for f in SCALARS if f != "phases")
        tables: dict[str, pa.Table] = {}
        tables["studies"] = _arrow(con, f"""
            select {scalar_columns}, p.phases, p.location as source_location,
                '{stamp}'::timestamp as extracted_at, a._dlt_id
            from parents as p join accepted as a using (doc_id)
        """)
        for child in CHILDREN:
            names = [name for part in child.parts[:1] for name in part[1]]
            value_columns = [child.scalar_column] if child.scalar_column else list(child.fields)
            select = ", ".join(f"c.{c}" for c in ["nct_id", *names, *value_columns])
            # The study's cursor value rides along: dlt's incremental filter sees every item of
            # the resource, and so keeps or drops a study's child rows together with the study.
            tables[f"studies__{child.name}"] = _arrow(con, f"""
                select {select},
                    a._dlt_id as _dlt_parent_id, a._dlt_id as _dlt_root_id, c._dlt_list_idx,
                    md5(a._dlt_id || chr(31) || '{child.name}' || chr(31) || c._dlt_list_idx::varchar) as _dlt_id,
                    p.last_update_post_date
                from child_{child.name} as c
                join accepted as a using (doc_id)
                join parents as p using (doc_id)
            """)
        problems = self._results(tables, documents)
        # The batch's tables go now, not when the next batch replaces them: a batch of documents
        # with results holds hundreds of MB, and two of them would not fit the memory limit.
        for name in ("batch", "extracted", "parents", "accepted",
                     *(f"{kind}_{c.name}" for c in CHILDREN for kind in ("elements", "child"))):
            con.execute(f"drop table if exists {name}")
        return FastBatch(tables, [(location, text) for location, text in deferred], problems)

    def _results(
        self, tables: dict[str, pa.Table], documents: list[BulkDocument]
    ) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """The results tables of the accepted studies (and their design's arm groups), shaped by
        the same Python code as the per-record path (:mod:`.results`) from the document's parsed
        text, and linked to the study as the per-record path links them."""
        rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in RESULT_TABLES}
        links: dict[str, tuple[list[str], list[str], list[str], list[int], list[str]]] = {
            name: ([], [], [], [], []) for name in RESULT_TABLES
        }
        problems = []
        accepted = self.connection.execute("""
            select a.doc_id, a._dlt_id, a.nct_id, a.location, p.last_update_post_date
            from accepted as a join parents as p using (doc_id)
            order by a.doc_id
        """).fetchall()
        for doc_id, parent_id, nct_id, location, last_update in accepted:
            document = documents[doc_id]
            shaped, found = document[2] if len(document) > 2 else results_tuples(json.loads(document[1]))
            for name, table_rows in shaped.items():
                if not table_rows:
                    continue
                count = len(table_rows)
                rows[name].extend(table_rows)
                nct_ids, updates, parents, indexes, ids = links[name]
                nct_ids.extend([nct_id] * count)
                updates.extend([last_update] * count)
                parents.extend([parent_id] * count)
                indexes.extend(range(count))
                ids.extend(child_ids(parent_id, name, count))
            if found:
                problems.append((location, nct_id, found))
        for name, table_rows in rows.items():
            nct_ids, updates, parents, indexes, ids = links[name]
            # Column by column (rows transposed by zip), each made text at once: pa.Table.from_pylist
            # costs ten times as much on these wide rows.
            values = list(zip(*table_rows, strict=True)) or [()] * len(RESULT_TABLES[name])
            parent_ids = pa.array(parents, pa.string())
            tables[f"studies__{name}"] = pa.table({
                "nct_id": pa.array(nct_ids, pa.string()),
                **{c: text_column(v) for c, v in zip(RESULT_TABLES[name], values, strict=True)},
                "last_update_post_date": pa.array(updates, pa.string()),
                "_dlt_parent_id": parent_ids,
                "_dlt_root_id": parent_ids,
                "_dlt_list_idx": pa.array(indexes, pa.int64()),
                "_dlt_id": pa.array(ids, pa.string()),
            })
        return problems


def child_ids(parent_id: str, table: str, count: int) -> list[str]:
    """:func:`.helpers.child_id` of a child table's rows ``0 .. count - 1`` of one parent."""
    prefix = hashlib.md5(f"{parent_id}\x1f{table}\x1f".encode())
    ids = []
    for index in range(count):
        digest = prefix.copy()
        digest.update(b"%d" % index)
        ids.append(digest.hexdigest())
    return ids


def _arrow(connection: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    relation = connection.sql(sql)
    # duckdb 2 names it to_arrow_table(); 1.x arrow().
    fetch = getattr(relation, "to_arrow_table", None) or relation.arrow
    return fetch()


def child_column_hints() -> dict[str, dict[str, dict[str, Any]]]:
    """Column hints of every child table (all values text, plus dlt's linking columns)."""
    hints = {}
    for child in CHILDREN:
        columns: dict[str, dict[str, Any]] = {"nct_id": {"data_type": "text", "nullable": True}}
        for name in child.parts[0][1]:
            columns[name] = {"data_type": "text", "nullable": True}
        for name in [child.scalar_column] if child.scalar_column else child.fields:
            columns[name] = {"data_type": "text", "nullable": True}
        columns["last_update_post_date"] = {"data_type": "text", "nullable": True}
        hints[f"studies__{child.name}"] = {**columns, **_CHILD_KEYS}
    return hints


def iter_batches(
    documents: Iterator[tuple[str, str]], size: int, max_chars: int = BATCH_MAX_CHARS
) -> Iterator[list[tuple[str, str]]]:
    """Batches of at most ``size`` documents and about ``max_chars`` characters of JSON: records
    with results are a hundred times longer than those without, and a batch of 10,000 of them
    would not fit the parser's memory."""
    batch: list[tuple[str, str]] = []
    chars = 0
    for document in documents:
        batch.append(document)
        chars += len(document[1])
        if len(batch) >= size or chars >= max_chars:
            yield batch
            batch = []
            chars = 0
    if batch:
        yield batch


def row_id(*parts: str) -> str:
    return hashlib.md5("\x1f".join(parts).encode("utf-8")).hexdigest()
