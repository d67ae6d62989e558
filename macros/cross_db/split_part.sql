{#-
    dbt.split_part on Spark: Spark 3.3+ has split_part itself, with DuckDB's semantics (a literal
    delimiter, '' for a part that is not there). dbt-spark's version splits on an escaped regular
    expression instead, which multiplies the SQL of every nested call and fails on a missing
    part under ANSI mode.
-#}
{% macro spark__split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})
{%- endmacro %}
