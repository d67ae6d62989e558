{#-
    Shared by the expectation-style generic tests in tests/generic: a predicate that holds when
    `expression` lies within [min_value, max_value] (open bounds when `strictly`).
-#}
{% macro within_bounds(expression, min_value=none, max_value=none, strictly=false) -%}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error("an expectation on bounds needs min_value or max_value") }}
    {%- endif -%}
    {%- set lower = ">" if strictly else ">=" -%}
    {%- set upper = "<" if strictly else "<=" -%}
    (
        1 = 1
        {%- if min_value is not none %} and {{ expression }} {{ lower }} {{ min_value }}{% endif %}
        {%- if max_value is not none %} and {{ expression }} {{ upper }} {{ max_value }}{% endif %}
    )
{%- endmacro %}
