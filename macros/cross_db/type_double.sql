{#- An 8-byte floating-point type (dbt.type_float() is 4-byte "float" on DuckDB). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'clinical_trials_warehouse')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double
{%- endmacro %}

{% macro postgres__type_double() -%}
    double precision
{%- endmacro %}
