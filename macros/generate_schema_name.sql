{#
    Schemas are named by layer (staging, intermediate, marts, reference, snapshots) rather than
    prefixed with the target schema, so the same names appear in DuckDB, PostgreSQL and Spark.
    A target can still add a prefix through the CTW_SCHEMA_PREFIX environment variable
    (e.g. "ci_123_") to keep concurrent builds apart in a shared warehouse.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set prefix = env_var('CTW_SCHEMA_PREFIX', '') -%}
    {%- if custom_schema_name is none -%}
        {{ prefix ~ target.schema }}
    {%- else -%}
        {{ prefix ~ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
