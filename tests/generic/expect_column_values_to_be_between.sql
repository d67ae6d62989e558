{#- Same name and arguments as dbt-expectations: non-null values outside [min_value, max_value] fail. -#}
{% test expect_column_values_to_be_between(model, column_name, min_value=None, max_value=None, row_condition=None, strictly=False) %}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("expect_column_values_to_be_between needs min_value or max_value") }}
{%- endif -%}
{%- set lower = ">" if strictly else ">=" -%}
{%- set upper = "<" if strictly else "<=" -%}
select *
from {{ model }}
where {{ column_name }} is not null
    and not (
        1 = 1
        {% if min_value is not none %}and {{ column_name }} {{ lower }} {{ min_value }}{% endif %}
        {% if max_value is not none %}and {{ column_name }} {{ upper }} {{ max_value }}{% endif %}
    )
    {% if row_condition %}and ({{ row_condition }}){% endif %}
{% endtest %}
