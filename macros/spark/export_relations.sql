{#-
    Copy every table of some schemas to Parquet folders, `<to>/<schema>/<table>/`, so that another
    engine can read exactly what this one built. CI exports the Spark marts and OMOP tables and
    compares them with DuckDB's (ctw/compare_engines.py):

        dbt run-operation export_relations --target spark --args '{schemas: [marts, omop], to: /tmp/x}'
-#}
{% macro export_relations(schemas, to) -%}
    {%- for schema in schemas -%}
        {%- set tables = run_query('show tables in ' ~ schema) -%}
        {%- set exported = [] -%}
        {%- for row in tables.rows if not row['isTemporary'] -%}
            {%- set name = row['tableName'] -%}
            {%- do run_query(
                "insert overwrite directory '" ~ to ~ "/" ~ schema ~ "/" ~ name ~ "' using parquet"
                ~ " select * from " ~ schema ~ "." ~ name
            ) -%}
            {%- do exported.append(name) -%}
        {%- endfor -%}
        {{ log('exported ' ~ exported | length ~ ' tables of ' ~ schema ~ ' to ' ~ to ~ ': ' ~ exported | join(', '), info=true) }}
    {%- endfor -%}
{%- endmacro %}
