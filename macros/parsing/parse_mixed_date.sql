{#-
    Sites write dates as "2023-01-05", "05/01/2023" (always day/month/year) or "Jan 5 2023"
    (also "Jan 5, 2023"). mixed_date_format names the shape by a regular expression;
    parse_mixed_date rebuilds an ISO string from the parts and casts it safely, so an impossible
    date ("31/02/2023") or an unknown shape gives NULL, which the models flag.
-#}
{% macro mixed_date_format(expression) -%}
    {%- set value = "trim(replace(" ~ expression ~ ", ',', ''))" -%}
    case
        when {{ regexp_like(value, "'^[0-9]{4}-[0-9]{2}-[0-9]{2}$'") }} then 'iso'
        when {{ regexp_like(value, "'^[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}$'") }} then 'day_month_year'
        when {{ regexp_like(value, "'^[A-Za-z]{3}[a-z]* [0-9]{1,2} [0-9]{4}$'") }} then 'month_name'
    end
{%- endmacro %}

{% macro parse_mixed_date(expression) -%}
    {%- set value = "trim(replace(" ~ expression ~ ", ',', ''))" -%}
    {%- set day_month_year = dbt.concat([
        dbt.split_part(value, "'/'", 3), "'-'",
        dbt.right(dbt.concat(["'0'", dbt.split_part(value, "'/'", 2)]), 2), "'-'",
        dbt.right(dbt.concat(["'0'", dbt.split_part(value, "'/'", 1)]), 2),
    ]) -%}
    {%- set month_name = dbt.concat([
        dbt.split_part(value, "' '", 3), "'-'",
        month_number(value), "'-'",
        dbt.right(dbt.concat(["'0'", dbt.split_part(value, "' '", 2)]), 2),
    ]) -%}
    case {{ mixed_date_format(expression) }}
        when 'iso' then {{ to_date(value) }}
        when 'day_month_year' then {{ to_date(day_month_year) }}
        when 'month_name' then {{ to_date(month_name) }}
    end
{%- endmacro %}

{#- Completed years between two dates (an age on a given day), a bigint on every engine. -#}
{% macro whole_years_between(start_date, end_date) -%}
    cast((
        extract(year from {{ end_date }}) - extract(year from {{ start_date }})
        - case
            when extract(month from {{ end_date }}) * 100 + extract(day from {{ end_date }})
                < extract(month from {{ start_date }}) * 100 + extract(day from {{ start_date }})
                then 1
            else 0
        end
    ) as {{ dbt.type_bigint() }})
{%- endmacro %}
