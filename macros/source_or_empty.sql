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
