{#-
    Registry dates come as "2020-03-15", "2020-03" or "2020". parse_partial_date gives the first
    day of the period (a date), partial_date_precision says which of day, month or year the
    registry actually stated, so analyses never read "2020-03-01" as a known day.
-#}
{% macro parse_partial_date(expression) -%}
    {%- set value = "trim(" ~ expression ~ ")" -%}
    case
        when length({{ value }}) = 10 then {{ to_date(value) }}
        when length({{ value }}) = 7 then {{ to_date(dbt.concat([value, "'-01'"])) }}
        when length({{ value }}) = 4 then {{ to_date(dbt.concat([value, "'-01-01'"])) }}
    end
{%- endmacro %}

{% macro partial_date_precision(expression) -%}
    {%- set value = "trim(" ~ expression ~ ")" -%}
    case
        when {{ parse_partial_date(expression) }} is null then null
        when length({{ value }}) = 10 then 'day'
        when length({{ value }}) = 7 then 'month'
        when length({{ value }}) = 4 then 'year'
    end
{%- endmacro %}
