{#- Same name and arguments as dbt-expectations: fails when the row count is outside the bounds. -#}
{% test expect_table_row_count_to_be_between(model, min_value=None, max_value=None, row_condition=None, strictly=False) %}
{%- set lower = ">" if strictly else ">=" -%}
{%- set upper = "<" if strictly else "<=" -%}
with counted as (
    select count(*) as row_count
    from {{ model }}
    {% if row_condition %}where {{ row_condition }}{% endif %}
)

select row_count
from counted
where not (
    1 = 1
    {% if min_value is not none %}and row_count {{ lower }} {{ min_value }}{% endif %}
    {% if max_value is not none %}and row_count {{ upper }} {{ max_value }}{% endif %}
)
{% endtest %}
