{#-
    Registry dates come as "2020-03-15", "2020-03" or "2020". parse_partial_date gives the first
    day of the period (a date), partial_date_precision says which of day, month or year the
    registry actually stated, so analyses never read "2020-03-01" as a known day. Each names
    its argument as few times as it can: registry models pass long expressions (registry_date_iso),
    and every repetition multiplies the SQL an engine has to parse. Years are 1000 to 9999: a
    leading "0" or "-" would otherwise cast to a date before the common era ("0000", "-100").
-#}
{% macro parse_partial_date(expression) -%}
    {%- set value = "trim(" ~ expression ~ ")" -%}
    case
        when length({{ value }}) in (4, 7, 10) and substring({{ value }}, 1, 1) between '1' and '9'
            then {{ to_date("substring(" ~ dbt.concat([value, "'-01-01'"]) ~ ", 1, 10)") }}
    end
{%- endmacro %}

{% macro partial_date_precision(expression) -%}
    case
        when {{ parse_partial_date(expression) }} is not null
            then case length(trim({{ expression }})) when 10 then 'day' when 7 then 'month' else 'year' end
    end
{%- endmacro %}
