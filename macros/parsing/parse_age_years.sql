{#-
    An eligibility age such as "18 Years", "6 Months", "2 Weeks", "30 Days" or "N/A" as a number
    of years (NULL when absent or not a number with a known unit). Months are 1/12 year,
    weeks 7/365.25 and days 1/365.25; hours and minutes appear for neonatal trials. The result is
    rounded to 4 decimals (under an hour), so it compares equal on every engine.
-#}
{% macro parse_age_years(expression) -%}
    {%- set cleaned = "lower(trim(" ~ expression ~ "))" -%}
    {%- set amount = to_number(dbt.split_part(cleaned, "' '", 1)) -%}
    {%- set unit = dbt.split_part(cleaned, "' '", 2) -%}
    round(case
        when {{ unit }} like 'year%' then {{ amount }}
        when {{ unit }} like 'month%' then {{ amount }} / 12.0
        when {{ unit }} like 'week%' then {{ amount }} * 7.0 / 365.25
        when {{ unit }} like 'day%' then {{ amount }} / 365.25
        when {{ unit }} like 'hour%' then {{ amount }} / 8766.0
        when {{ unit }} like 'minute%' then {{ amount }} / 525960.0
    end, 4)
{%- endmacro %}
