{#- Regular expressions differ by engine; models call these instead of engine functions. -#}

{% macro regexp_like(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'clinical_trials_warehouse')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_like(expression, pattern) -%}
    ({{ expression }} rlike {{ spark_regex_literal(pattern) }})
{%- endmacro %}

{% macro postgres__regexp_like(expression, pattern) -%}
    ({{ expression }} ~ {{ pattern }})
{%- endmacro %}


{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'clinical_trials_warehouse')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ spark_regex_literal(pattern) }}, {{ replacement }})
{%- endmacro %}


{% macro regexp_extract(expression, pattern, group=1) -%}
    {{ return(adapter.dispatch('regexp_extract', 'clinical_trials_warehouse')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, {{ pattern }}, {{ group }}), '')
{%- endmacro %}

{% macro spark__regexp_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, {{ spark_regex_literal(pattern) }}, {{ group }}), '')
{%- endmacro %}

{% macro postgres__regexp_extract(expression, pattern, group) -%}
    (regexp_match({{ expression }}, {{ pattern }}))[{{ group }}]
{%- endmacro %}


{#-
    A pattern written for DuckDB (RE2) as a Spark string literal for Java's regular expressions:
    POSIX classes ([:space:], ...) become Java's, and backslashes are doubled, because Spark reads
    backslash escapes in string literals ('\)' would reach the regex engine as ')').
-#}
{% macro spark_regex_literal(pattern) -%}
    {%- set java = pattern
        | replace('[:space:]', '\\s') | replace('[:punct:]', '\\p{Punct}')
        | replace('[:digit:]', '\\d') | replace('[:alpha:]', '\\p{Alpha}')
        | replace('[:alnum:]', '\\p{Alnum}') | replace('[:upper:]', '\\p{Upper}')
        | replace('[:lower:]', '\\p{Lower}') -%}
    {{ java | replace('\\', '\\\\') }}
{%- endmacro %}
