{#-
    A source table that may not exist yet. dlt creates a child table (e.g. studies__keywords) only
    once some record has a non-empty list; until then this reads as an empty relation with the
    given columns, so staging models build on any load. `columns` maps names to dbt type names
    (translated per adapter).
-#}
{% macro source_or_empty(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- set existing = none -%}
    {%- if execute -%}
        {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
    {%- endif -%}
    {%- if existing is not none or not execute -%}
        {{ relation }}
    {%- else -%}
        (
            select
                {%- for name, type in columns.items() %}
                cast(null as {{ api.Column.translate_type(type) }}) as {{ name }}{{ "," if not loop.last }}
                {%- endfor %}
            where 1 = 0
        )
    {%- endif -%}
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
