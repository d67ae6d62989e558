{#-
    Numbers that results report as text: "0.0082", "<0.001", "<= 0.05", "0.03 (one-sided)", "NA",
    "1.2E-5". reported_number_value gives the number (an 8-byte double, NULL when the text holds
    none), reported_number_comparator the sign written before it ("<", "<=", ">", ">=", or "="
    for a plain number; NULL without a number), reported_number_qualifier whatever else the text
    says ("one-sided", or the whole text when it holds no number, e.g. "NA"; NULL when nothing is
    left). A number must be followed by a space, "(" or nothing: "1,234" or "12-15" are not taken
    as 1 or 12 (value NULL, the text is the qualifier), so a reader never gets part of a number.
    Models keep the raw text beside the three parts.
-#}
{%- macro _reported_number_pattern() -%}
'^(<=|>=|<|>|=)?[[:space:]]*([-+]?[0-9]*[.]?[0-9]+([eE][-+]?[0-9]+)?)([[:space:]]+.*|[(].*)?$'
{%- endmacro %}

{%- macro _reported_number_text(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}

{% macro reported_number_value(expression) -%}
    {{ to_number(regexp_extract(_reported_number_text(expression), _reported_number_pattern(), 2)) }}
{%- endmacro %}

{% macro reported_number_comparator(expression) -%}
    case
        when {{ regexp_extract(_reported_number_text(expression), _reported_number_pattern(), 2) }} is not null
            then coalesce({{ regexp_extract(_reported_number_text(expression), _reported_number_pattern(), 1) }}, '=')
    end
{%- endmacro %}

{% macro reported_number_qualifier(expression) -%}
    case
        when {{ regexp_extract(_reported_number_text(expression), _reported_number_pattern(), 2) }} is null
            then {{ _reported_number_text(expression) }}
        else nullif(trim(
            {{ regexp_replace_all(
                regexp_extract(_reported_number_text(expression), _reported_number_pattern(), 4),
                "'^[[:space:]]*[(]|[)][[:space:]]*$'", "''") }}
        ), '')
    end
{%- endmacro %}

{#- A count reported as text ("210"): a whole number, NULL when the text is not one. -#}
{% macro reported_count(expression) -%}
    {{ dbt.safe_cast(
        "case when " ~ regexp_like("trim(" ~ expression ~ ")", "'^[0-9]+$'") ~ " then trim(" ~ expression ~ ") end",
        api.Column.translate_type('bigint')) }}
{%- endmacro %}
