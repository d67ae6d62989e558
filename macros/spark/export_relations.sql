{#-
    Copy every table of a schema to Parquet folders, `<to>/<table>/`, so that another engine can
    read exactly what this one built. CI exports the Spark marts and compares them with the
    DuckDB marts (extract/compare_engines.py):

        dbt run-operation export_relations --target spark --args '{schema: marts, to: /tmp/x}'
-#}
{% macro export_relations(schema, to) -%}
    {%- set tables = run_query('show tables in ' ~ schema) -%}
    {%- set exported = [] -%}
    {%- for row in tables.rows if not row['isTemporary'] -%}
        {%- set name = row['tableName'] -%}
        {%- do run_query(
            "insert overwrite directory '" ~ to ~ "/" ~ name ~ "' using parquet select * from " ~ schema ~ "." ~ name
        ) -%}
        {%- do exported.append(name) -%}
    {%- endfor -%}
    {{ log('exported ' ~ exported | length ~ ' tables of ' ~ schema ~ ' to ' ~ to ~ ': ' ~ exported | join(', '), info=true) }}
{%- endmacro %}
