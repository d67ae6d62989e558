{#-
    Inside a group by trial: the value of `expression` from the record with the best (lowest)
    registry_precedence among those where `presence` (default: the expression) is not NULL.
    Portable: the precedence digit is prefixed to the value, min() picks the best, and the
    prefix is cut off again. Non-text values are cast to text by the caller.
-#}
{% macro by_precedence(expression, presence=none) -%}
    {%- set present = presence or expression -%}
    nullif(substring(min(case when {{ present }} is not null and {{ expression }} is not null then {{ dbt.concat([
        "cast(registry_precedence as " ~ dbt.type_string() ~ ")", "'|'", expression,
    ]) }} end) from 3), '')
{%- endmacro %}
