{#-
    dbt.safe_cast for engines whose adapter does not provide one: a value that does not convert
    gives NULL instead of failing the query. Found by dbt's dispatch through the search order
    in dbt_project.yml.
-#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}

{% macro spark__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
