{#- One row per day from start_date (inclusive) to end_date (exclusive), column date_day. -#}
{% macro day_spine(start_date, end_date) -%}
    {{ return(adapter.dispatch('day_spine', 'clinical_trials_warehouse')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__day_spine(start_date, end_date) -%}
    select cast(range as date) as date_day
    from range(date '{{ start_date }}', date '{{ end_date }}', interval 1 day)
{%- endmacro %}

{% macro spark__day_spine(start_date, end_date) -%}
    select explode(sequence(date '{{ start_date }}', date_sub(date '{{ end_date }}', 1), interval 1 day)) as date_day
{%- endmacro %}

{% macro postgres__day_spine(start_date, end_date) -%}
    select cast(day as date) as date_day
    from generate_series(date '{{ start_date }}', date '{{ end_date }}' - 1, interval '1 day') as day
{%- endmacro %}
