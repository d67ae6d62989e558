{#-
    dbt.listagg on Spark: dbt-spark's version drops the order-by clause (with a warning), so the
    joined text would depend on the engine's row order. Spark 4 has listagg ... within group; its
    distinct form fails beside other aggregates (a ClassCastException in Spark 4.3), so distinct
    values are collected, sorted and joined instead (in ascending order of the values).
-#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num -%}
        {{ exceptions.raise_compiler_error("listagg with limit_num is not supported on Spark") }}
    {%- endif -%}
    {%- set text = measure | trim -%}
    {%- if text[:9] | lower == 'distinct ' -%}
        array_join(array_sort(collect_set({{ text[9:] }})), {{ delimiter_text }})
    {%- else -%}
        listagg({{ measure }}, {{ delimiter_text }})
        {%- if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
    {%- endif -%}
{%- endmacro %}
