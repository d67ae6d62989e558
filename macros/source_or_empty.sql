{#-
    A source table that may not exist: every staging model reads its sources through this.
    A source not loaded yet has no raw schema (`ctw build` names those sources and builds their
    models empty), and dlt creates a child table (e.g. studies__keywords) only once some record
    has a non-empty list. An absent table reads as an empty relation with the columns declared
    with a `data_type` on the source table in `_<source>__sources.yml` (dbt type names,
    translated per adapter): the columns the staging model reads, typed as dlt loads them.
    `columns` (names to types) overrides the YAML, for a shape shared by every source.
    In a unit test `source()` is the test's fixture, a CTE, which is read as it is.
-#}
{% macro source_or_empty(source_name, table_name, columns=none) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute or relation.is_cte -%}
        {{ relation }}
    {%- elif source_table_exists(relation) -%}
        {{ relation }}
    {%- else -%}
        {%- set declared = columns if columns is not none else source_column_types(source_name, table_name) -%}
        {%- if not declared -%}
            {{ exceptions.raise_compiler_error(
                "source " ~ source_name ~ "." ~ table_name ~ " (" ~ relation ~ ") does not exist and declares"
                ~ " no column with a data_type in its sources YAML, so it cannot be read as empty") }}
        {%- endif -%}
        (
            select
                {%- for name, type in declared.items() %}
                cast(null as {{ api.Column.translate_type(type) }}) as {{ adapter.quote(name) }}{{ "," if not loop.last }}
                {%- endfor %}
            where 1 = 0
        )
    {%- endif -%}
{%- endmacro %}

{#-
    Whether a source table exists. On Spark this asks the catalog for that one name: dbt-spark's
    relation listing (SHOW TABLE EXTENDED over the whole schema) describes every view of the
    raw schema and reads a "table or view not found" error as an empty schema, which would make
    a registered source look absent and read as empty.
-#}
{% macro source_table_exists(relation) -%}
    {{ return(adapter.dispatch('source_table_exists', 'clinical_trials_warehouse')(relation)) }}
{%- endmacro %}

{% macro default__source_table_exists(relation) -%}
    {{ return(adapter.get_relation(relation.database, relation.schema, relation.identifier) is not none) }}
{%- endmacro %}

{% macro spark__source_table_exists(relation) -%}
    {%- set schemas = run_query("show schemas like '" ~ relation.schema ~ "'") -%}
    {%- if schemas.rows | length == 0 -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set tables = run_query("show tables in " ~ relation.schema ~ " like '" ~ relation.identifier ~ "'") -%}
    {{ return(tables.rows | length > 0) }}
{%- endmacro %}

{#- The columns of a source table declared with a `data_type`, in YAML order: {name: type}. -#}
{% macro source_column_types(source_name, table_name) -%}
    {%- set types = {} -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {%- for column in node.columns.values() -%}
                {%- if column.data_type -%}
                    {%- do types.update({column.name: column.data_type}) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(types) }}
{%- endmacro %}

{#-
    A source's quarantine table (extract/quarantine.py writes the same columns for every
    source), or an empty relation of that shape. dlt creates the table in a database even when a
    load rejects nothing; the filesystem destination (Spark) writes no file then.
-#}
{% macro quarantine_source(source_name) -%}
    {{ source_or_empty(source_name, 'quarantine', {
        'quarantine_id': 'string',
        'source': 'string',
        'location': 'string',
        'record_id': 'string',
        'field': 'string',
        'reason': 'string',
        'raw_record': 'string',
        'quarantined_at': 'timestamp',
    }) }}
{%- endmacro %}
