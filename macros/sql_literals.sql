{#-
    User-supplied values (dbt vars) become SQL string literals, quotes doubled, so a value such as
    "x' or '1'='1" is searched for, not executed.
-#}
{% macro sql_string_literal(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- A LIKE pattern matching the value anywhere, after the same normalisation as names. -#}
{% macro like_pattern(value) -%}
    {%- set cleaned = value | string | lower | replace("%", " ") | replace("_", " ") -%}
    {%- set cleaned = modules.re.sub("[\\W_]+", " ", cleaned).strip() -%}
    {{ sql_string_literal("%" ~ cleaned ~ "%") }}
{%- endmacro %}
